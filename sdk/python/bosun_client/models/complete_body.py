from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CompleteBody")



@_attrs_define
class CompleteBody:
    """ 
        Attributes:
            fence (int):
            result (Any | Unset): Any JSON value.
     """

    fence: int
    result: Any | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        fence = self.fence

        result = self.result


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "fence": fence,
        })
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fence = d.pop("fence")

        result = d.pop("result", UNSET)

        complete_body = cls(
            fence=fence,
            result=result,
        )

        return complete_body

