from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="LocksBody")



@_attrs_define
class LocksBody:
    """ 
        Attributes:
            paths (list[str]): Path globs (`src/**/*.rs`) or logical keys (`db:migrations`, `api:/v1/*`).
            exclusive (bool | Unset):
            project (str | Unset):
            reason (None | str | Unset):
            ttl_seconds (int | Unset):
     """

    paths: list[str]
    exclusive: bool | Unset = UNSET
    project: str | Unset = UNSET
    reason: None | str | Unset = UNSET
    ttl_seconds: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        paths = self.paths



        exclusive = self.exclusive

        project = self.project

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        ttl_seconds = self.ttl_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "paths": paths,
        })
        if exclusive is not UNSET:
            field_dict["exclusive"] = exclusive
        if project is not UNSET:
            field_dict["project"] = project
        if reason is not UNSET:
            field_dict["reason"] = reason
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        paths = cast(list[str], d.pop("paths"))


        exclusive = d.pop("exclusive", UNSET)

        project = d.pop("project", UNSET)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        ttl_seconds = d.pop("ttl_seconds", UNSET)

        locks_body = cls(
            paths=paths,
            exclusive=exclusive,
            project=project,
            reason=reason,
            ttl_seconds=ttl_seconds,
        )

        return locks_body

