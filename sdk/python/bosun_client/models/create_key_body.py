from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreateKeyBody")



@_attrs_define
class CreateKeyBody:
    """ 
        Attributes:
            enrolment (bool | Unset): An enrolment key: it may only register agents (`POST /api/v1/agents`, MCP
                `register_agent`).
            label (None | str | Unset): What the key is for (at most 100 characters). Example: ci.
     """

    enrolment: bool | Unset = UNSET
    label: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        enrolment = self.enrolment

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if enrolment is not UNSET:
            field_dict["enrolment"] = enrolment
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enrolment = d.pop("enrolment", UNSET)

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))


        create_key_body = cls(
            enrolment=enrolment,
            label=label,
        )

        return create_key_body

