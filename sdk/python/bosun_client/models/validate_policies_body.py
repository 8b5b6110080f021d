from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ValidatePoliciesBody")



@_attrs_define
class ValidatePoliciesBody:
    """ 
        Attributes:
            policies (str): Cedar policies; every policy needs a unique `@id("…")` and may have a `@reason("…")`.
     """

    policies: str





    def to_dict(self) -> dict[str, Any]:
        policies = self.policies


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "policies": policies,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        policies = d.pop("policies")

        validate_policies_body = cls(
            policies=policies,
        )

        return validate_policies_body

