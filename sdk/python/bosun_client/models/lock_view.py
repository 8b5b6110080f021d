from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="LockView")



@_attrs_define
class LockView:
    """ 
        Attributes:
            created_at (str):
            exclusive (bool):
            expires_at (str):
            fence (int): Grows on every grant of this key.
            holder (str): The holder's name, id and type (agent or user).
            holder_id (str):
            holder_type (str):
            id (str):
            key (str):  Example: src/**/*.rs.
            project (str):
            reason (None | str | Unset):
            task_id (None | str | Unset):
     """

    created_at: str
    exclusive: bool
    expires_at: str
    fence: int
    holder: str
    holder_id: str
    holder_type: str
    id: str
    key: str
    project: str
    reason: None | str | Unset = UNSET
    task_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        exclusive = self.exclusive

        expires_at = self.expires_at

        fence = self.fence

        holder = self.holder

        holder_id = self.holder_id

        holder_type = self.holder_type

        id = self.id

        key = self.key

        project = self.project

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "exclusive": exclusive,
            "expires_at": expires_at,
            "fence": fence,
            "holder": holder,
            "holder_id": holder_id,
            "holder_type": holder_type,
            "id": id,
            "key": key,
            "project": project,
        })
        if reason is not UNSET:
            field_dict["reason"] = reason
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        exclusive = d.pop("exclusive")

        expires_at = d.pop("expires_at")

        fence = d.pop("fence")

        holder = d.pop("holder")

        holder_id = d.pop("holder_id")

        holder_type = d.pop("holder_type")

        id = d.pop("id")

        key = d.pop("key")

        project = d.pop("project")

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))


        lock_view = cls(
            created_at=created_at,
            exclusive=exclusive,
            expires_at=expires_at,
            fence=fence,
            holder=holder,
            holder_id=holder_id,
            holder_type=holder_type,
            id=id,
            key=key,
            project=project,
            reason=reason,
            task_id=task_id,
        )


        lock_view.additional_properties = d
        return lock_view

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
