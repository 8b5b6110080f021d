from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="LimitsView")



@_attrs_define
class LimitsView:
    """ 
        Attributes:
            max_leases (int):
            max_locks (int):
            max_paths_per_lock (int):
            max_pattern_wildcards (int):
     """

    max_leases: int
    max_locks: int
    max_paths_per_lock: int
    max_pattern_wildcards: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        max_leases = self.max_leases

        max_locks = self.max_locks

        max_paths_per_lock = self.max_paths_per_lock

        max_pattern_wildcards = self.max_pattern_wildcards


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "max_leases": max_leases,
            "max_locks": max_locks,
            "max_paths_per_lock": max_paths_per_lock,
            "max_pattern_wildcards": max_pattern_wildcards,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_leases = d.pop("max_leases")

        max_locks = d.pop("max_locks")

        max_paths_per_lock = d.pop("max_paths_per_lock")

        max_pattern_wildcards = d.pop("max_pattern_wildcards")

        limits_view = cls(
            max_leases=max_leases,
            max_locks=max_locks,
            max_paths_per_lock=max_paths_per_lock,
            max_pattern_wildcards=max_pattern_wildcards,
        )


        limits_view.additional_properties = d
        return limits_view

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
