from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="HandoffView")



@_attrs_define
class HandoffView:
    """ 
        Attributes:
            author (str):
            author_id (str):
            author_type (str):
            completed (list[str]):
            created_at (str):
            decisions (list[str]):
            files (list[str]):
            id (str):
            in_progress (list[str]):
            next_steps (list[str]):
            project (str):
            summary (str):
            task_id (None | str | Unset):
     """

    author: str
    author_id: str
    author_type: str
    completed: list[str]
    created_at: str
    decisions: list[str]
    files: list[str]
    id: str
    in_progress: list[str]
    next_steps: list[str]
    project: str
    summary: str
    task_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        author = self.author

        author_id = self.author_id

        author_type = self.author_type

        completed = self.completed



        created_at = self.created_at

        decisions = self.decisions



        files = self.files



        id = self.id

        in_progress = self.in_progress



        next_steps = self.next_steps



        project = self.project

        summary = self.summary

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "author": author,
            "author_id": author_id,
            "author_type": author_type,
            "completed": completed,
            "created_at": created_at,
            "decisions": decisions,
            "files": files,
            "id": id,
            "in_progress": in_progress,
            "next_steps": next_steps,
            "project": project,
            "summary": summary,
        })
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        author = d.pop("author")

        author_id = d.pop("author_id")

        author_type = d.pop("author_type")

        completed = cast(list[str], d.pop("completed"))


        created_at = d.pop("created_at")

        decisions = cast(list[str], d.pop("decisions"))


        files = cast(list[str], d.pop("files"))


        id = d.pop("id")

        in_progress = cast(list[str], d.pop("in_progress"))


        next_steps = cast(list[str], d.pop("next_steps"))


        project = d.pop("project")

        summary = d.pop("summary")

        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))


        handoff_view = cls(
            author=author,
            author_id=author_id,
            author_type=author_type,
            completed=completed,
            created_at=created_at,
            decisions=decisions,
            files=files,
            id=id,
            in_progress=in_progress,
            next_steps=next_steps,
            project=project,
            summary=summary,
            task_id=task_id,
        )


        handoff_view.additional_properties = d
        return handoff_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
