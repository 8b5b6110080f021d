from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="FlipView")



@_attrs_define
class FlipView:
    """ A recorded decision the proposed policies decide the other way.

        Attributes:
            action (str):
            at (str):
            policies (list[str]): The proposed policies that decide it.
            seq (int): The audit event's sequence number.
            was (str): `allowed` or `denied`, as recorded.
            would_be (str): What the proposed policies decide.
            actor_id (None | str | Unset):
            actor_name (None | str | Unset):
            reason (None | str | Unset):
     """

    action: str
    at: str
    policies: list[str]
    seq: int
    was: str
    would_be: str
    actor_id: None | str | Unset = UNSET
    actor_name: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        at = self.at

        policies = self.policies



        seq = self.seq

        was = self.was

        would_be = self.would_be

        actor_id: None | str | Unset
        if isinstance(self.actor_id, Unset):
            actor_id = UNSET
        else:
            actor_id = self.actor_id

        actor_name: None | str | Unset
        if isinstance(self.actor_name, Unset):
            actor_name = UNSET
        else:
            actor_name = self.actor_name

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "at": at,
            "policies": policies,
            "seq": seq,
            "was": was,
            "would_be": would_be,
        })
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if actor_name is not UNSET:
            field_dict["actor_name"] = actor_name
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        at = d.pop("at")

        policies = cast(list[str], d.pop("policies"))


        seq = d.pop("seq")

        was = d.pop("was")

        would_be = d.pop("would_be")

        def _parse_actor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_id = _parse_actor_id(d.pop("actor_id", UNSET))


        def _parse_actor_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_name = _parse_actor_name(d.pop("actor_name", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        flip_view = cls(
            action=action,
            at=at,
            policies=policies,
            seq=seq,
            was=was,
            would_be=would_be,
            actor_id=actor_id,
            actor_name=actor_name,
            reason=reason,
        )


        flip_view.additional_properties = d
        return flip_view

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
