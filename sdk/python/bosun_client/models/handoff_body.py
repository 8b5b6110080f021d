from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="HandoffBody")



@_attrs_define
class HandoffBody:
    """ 
        Attributes:
            summary (str):
            completed (list[str] | Unset):
            decisions (list[str] | Unset):
            files (list[str] | Unset):
            in_progress (list[str] | Unset):
            next_steps (list[str] | Unset):
            project (str | Unset):
            task_id (None | str | Unset):
     """

    summary: str
    completed: list[str] | Unset = UNSET
    decisions: list[str] | Unset = UNSET
    files: list[str] | Unset = UNSET
    in_progress: list[str] | Unset = UNSET
    next_steps: list[str] | Unset = UNSET
    project: str | Unset = UNSET
    task_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        summary = self.summary

        completed: list[str] | Unset = UNSET
        if not isinstance(self.completed, Unset):
            completed = self.completed



        decisions: list[str] | Unset = UNSET
        if not isinstance(self.decisions, Unset):
            decisions = self.decisions



        files: list[str] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = self.files



        in_progress: list[str] | Unset = UNSET
        if not isinstance(self.in_progress, Unset):
            in_progress = self.in_progress



        next_steps: list[str] | Unset = UNSET
        if not isinstance(self.next_steps, Unset):
            next_steps = self.next_steps



        project = self.project

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "summary": summary,
        })
        if completed is not UNSET:
            field_dict["completed"] = completed
        if decisions is not UNSET:
            field_dict["decisions"] = decisions
        if files is not UNSET:
            field_dict["files"] = files
        if in_progress is not UNSET:
            field_dict["in_progress"] = in_progress
        if next_steps is not UNSET:
            field_dict["next_steps"] = next_steps
        if project is not UNSET:
            field_dict["project"] = project
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        summary = d.pop("summary")

        completed = cast(list[str], d.pop("completed", UNSET))


        decisions = cast(list[str], d.pop("decisions", UNSET))


        files = cast(list[str], d.pop("files", UNSET))


        in_progress = cast(list[str], d.pop("in_progress", UNSET))


        next_steps = cast(list[str], d.pop("next_steps", UNSET))


        project = d.pop("project", UNSET)

        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))


        handoff_body = cls(
            summary=summary,
            completed=completed,
            decisions=decisions,
            files=files,
            in_progress=in_progress,
            next_steps=next_steps,
            project=project,
            task_id=task_id,
        )

        return handoff_body

