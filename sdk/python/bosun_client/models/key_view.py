from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="KeyView")



@_attrs_define
class KeyView:
    """ 
        Attributes:
            created_at (str):
            enrolment (bool): An enrolment key may only register an agent.
            id (str):
            owner_id (str):
            owner_type (str): `user` or `agent`.
            prefix (str): The key's public lookup prefix (`bsn_<prefix>_…`).
            key (None | str | Unset): The key itself: present only in the answer that created it, shown once.
            label (None | str | Unset):
            revoked_at (None | str | Unset):
     """

    created_at: str
    enrolment: bool
    id: str
    owner_id: str
    owner_type: str
    prefix: str
    key: None | str | Unset = UNSET
    label: None | str | Unset = UNSET
    revoked_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        enrolment = self.enrolment

        id = self.id

        owner_id = self.owner_id

        owner_type = self.owner_type

        prefix = self.prefix

        key: None | str | Unset
        if isinstance(self.key, Unset):
            key = UNSET
        else:
            key = self.key

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        else:
            revoked_at = self.revoked_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "enrolment": enrolment,
            "id": id,
            "owner_id": owner_id,
            "owner_type": owner_type,
            "prefix": prefix,
        })
        if key is not UNSET:
            field_dict["key"] = key
        if label is not UNSET:
            field_dict["label"] = label
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        enrolment = d.pop("enrolment")

        id = d.pop("id")

        owner_id = d.pop("owner_id")

        owner_type = d.pop("owner_type")

        prefix = d.pop("prefix")

        def _parse_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key = _parse_key(d.pop("key", UNSET))


        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))


        def _parse_revoked_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at", UNSET))


        key_view = cls(
            created_at=created_at,
            enrolment=enrolment,
            id=id,
            owner_id=owner_id,
            owner_type=owner_type,
            prefix=prefix,
            key=key,
            label=label,
            revoked_at=revoked_at,
        )


        key_view.additional_properties = d
        return key_view

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
