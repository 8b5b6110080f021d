from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EgressBody")



@_attrs_define
class EgressBody:
    """ 
        Attributes:
            destination (str): A URL, `host:port` or a host (port 443 when neither port nor scheme says). Example:
                https://api.github.com/repos.
     """

    destination: str





    def to_dict(self) -> dict[str, Any]:
        destination = self.destination


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "destination": destination,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        destination = d.pop("destination")

        egress_body = cls(
            destination=destination,
        )

        return egress_body

