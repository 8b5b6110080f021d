from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MemoryView")



@_attrs_define
class MemoryView:
    """ 
        Attributes:
            author (str):
            author_id (str):
            author_type (str): `agent` or `user`.
            created_at (str):
            event_type (str):
            id (str):
            last_seen_at (str):
            project (str):
            seen (int): How many times it was remembered (duplicates within 24 h fold into it).
            summary (str):
            tags (list[str]):
            visibility (str): `agent` (its author only), `project` or `tenant`.
            details (None | str | Unset):
            lessons (None | str | Unset):
            outcome (None | str | Unset): `success`, `failure` or `partial`.
            subject (None | str | Unset):
     """

    author: str
    author_id: str
    author_type: str
    created_at: str
    event_type: str
    id: str
    last_seen_at: str
    project: str
    seen: int
    summary: str
    tags: list[str]
    visibility: str
    details: None | str | Unset = UNSET
    lessons: None | str | Unset = UNSET
    outcome: None | str | Unset = UNSET
    subject: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        author = self.author

        author_id = self.author_id

        author_type = self.author_type

        created_at = self.created_at

        event_type = self.event_type

        id = self.id

        last_seen_at = self.last_seen_at

        project = self.project

        seen = self.seen

        summary = self.summary

        tags = self.tags



        visibility = self.visibility

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

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "author": author,
            "author_id": author_id,
            "author_type": author_type,
            "created_at": created_at,
            "event_type": event_type,
            "id": id,
            "last_seen_at": last_seen_at,
            "project": project,
            "seen": seen,
            "summary": summary,
            "tags": tags,
            "visibility": visibility,
        })
        if details is not UNSET:
            field_dict["details"] = details
        if lessons is not UNSET:
            field_dict["lessons"] = lessons
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if subject is not UNSET:
            field_dict["subject"] = subject

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        author = d.pop("author")

        author_id = d.pop("author_id")

        author_type = d.pop("author_type")

        created_at = d.pop("created_at")

        event_type = d.pop("event_type")

        id = d.pop("id")

        last_seen_at = d.pop("last_seen_at")

        project = d.pop("project")

        seen = d.pop("seen")

        summary = d.pop("summary")

        tags = cast(list[str], d.pop("tags"))


        visibility = d.pop("visibility")

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


        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject = _parse_subject(d.pop("subject", UNSET))


        memory_view = cls(
            author=author,
            author_id=author_id,
            author_type=author_type,
            created_at=created_at,
            event_type=event_type,
            id=id,
            last_seen_at=last_seen_at,
            project=project,
            seen=seen,
            summary=summary,
            tags=tags,
            visibility=visibility,
            details=details,
            lessons=lessons,
            outcome=outcome,
            subject=subject,
        )


        memory_view.additional_properties = d
        return memory_view

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
