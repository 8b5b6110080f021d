from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="GovernanceSettingsView")



@_attrs_define
class GovernanceSettingsView:
    """ A tenant's governance settings.

        Attributes:
            approval_threshold (float): Risk (0–100) above which an approval waits for a person; at or below it is approved
                at once.
            gate_key (int): The generation of the tenant's gate signing key.
            gate_key_rotated_at (None | str | Unset): When the gate key was last rotated.
     """

    approval_threshold: float
    gate_key: int
    gate_key_rotated_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        approval_threshold = self.approval_threshold

        gate_key = self.gate_key

        gate_key_rotated_at: None | str | Unset
        if isinstance(self.gate_key_rotated_at, Unset):
            gate_key_rotated_at = UNSET
        else:
            gate_key_rotated_at = self.gate_key_rotated_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "approval_threshold": approval_threshold,
            "gate_key": gate_key,
        })
        if gate_key_rotated_at is not UNSET:
            field_dict["gate_key_rotated_at"] = gate_key_rotated_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        approval_threshold = d.pop("approval_threshold")

        gate_key = d.pop("gate_key")

        def _parse_gate_key_rotated_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gate_key_rotated_at = _parse_gate_key_rotated_at(d.pop("gate_key_rotated_at", UNSET))


        governance_settings_view = cls(
            approval_threshold=approval_threshold,
            gate_key=gate_key,
            gate_key_rotated_at=gate_key_rotated_at,
        )


        governance_settings_view.additional_properties = d
        return governance_settings_view

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
