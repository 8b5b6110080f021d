from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SettingsBody")



@_attrs_define
class SettingsBody:
    """ 
        Attributes:
            approval_threshold (float): Risk (0–100) above which an approval waits for a person (SPEC default 50). Example:
                40.
     """

    approval_threshold: float





    def to_dict(self) -> dict[str, Any]:
        approval_threshold = self.approval_threshold


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "approval_threshold": approval_threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        approval_threshold = d.pop("approval_threshold")

        settings_body = cls(
            approval_threshold=approval_threshold,
        )

        return settings_body

