from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RememberBody")



@_attrs_define
class RememberBody:
    """ 
        Attributes:
            event_type (str): What kind of event: 1–64 of a-z, 0-9, `_.:-`. Example: task_failed.
            summary (str): One line: what happened (1–2,000 characters). Duplicates are found by it. Example: The login e2e
                test times out when the dev server is cold.
            details (None | str | Unset):
            lessons (None | str | Unset): What to do next time (at most 5,000 characters). Example: Warm the dev server with
                one request before running the e2e suite.
            outcome (None | str | Unset): `success`, `failure` or `partial`. Example: failure.
            project (str | Unset):  Example: web.
            subject (None | str | Unset): Whom it is about (a person, a customer), so it can be erased by subject.
            tags (list[str] | Unset): At most 20, each 1–50 of letters, digits, `-._:/` (stored lower-case). Example:
                ['e2e', 'flaky-test'].
            visibility (None | str | Unset): `agent` (only you), `project` or `tenant`; the tenant's default (project) when
                absent.
     """

    event_type: str
    summary: str
    details: None | str | Unset = UNSET
    lessons: None | str | Unset = UNSET
    outcome: None | str | Unset = UNSET
    project: str | Unset = UNSET
    subject: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    visibility: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        event_type = self.event_type

        summary = self.summary

        details: None | str | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        else:
            details = self.details

        lessons: None | str | Unset
        if isinstance(self.lessons, Unset):
            lessons = UNSET
        else:
            lessons = self.lessons

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        else:
            outcome = self.outcome

        project = self.project

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags



        visibility: None | str | Unset
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        else:
            visibility = self.visibility


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "event_type": event_type,
            "summary": summary,
        })
        if details is not UNSET:
            field_dict["details"] = details
        if lessons is not UNSET:
            field_dict["lessons"] = lessons
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if project is not UNSET:
            field_dict["project"] = project
        if subject is not UNSET:
            field_dict["subject"] = subject
        if tags is not UNSET:
            field_dict["tags"] = tags
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_type = d.pop("event_type")

        summary = d.pop("summary")

        def _parse_details(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        details = _parse_details(d.pop("details", UNSET))


        def _parse_lessons(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lessons = _parse_lessons(d.pop("lessons", UNSET))


        def _parse_outcome(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))


        project = d.pop("project", UNSET)

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject = _parse_subject(d.pop("subject", UNSET))


        tags = cast(list[str], d.pop("tags", UNSET))


        def _parse_visibility(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))


        remember_body = cls(
            event_type=event_type,
            summary=summary,
            details=details,
            lessons=lessons,
            outcome=outcome,
            project=project,
            subject=subject,
            tags=tags,
            visibility=visibility,
        )

        return remember_body

