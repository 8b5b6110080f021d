from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SetProfileBody")



@_attrs_define
class SetProfileBody:
    """ 
        Attributes:
            profile (str): A profile name from GET /api/v1/profiles; `suspended` (trust 0) cuts the agent off at once.
                Example: trusted.
     """

    profile: str





    def to_dict(self) -> dict[str, Any]:
        profile = self.profile


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "profile": profile,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        profile = d.pop("profile")

        set_profile_body = cls(
            profile=profile,
        )

        return set_profile_body

