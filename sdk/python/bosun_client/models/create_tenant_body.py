from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CreateTenantBody")



@_attrs_define
class CreateTenantBody:
    """ 
        Attributes:
            name (str): Unique tenant name: 1–64 letters, digits, `._@-`. Example: acme.
            admin_name (str | Unset): Name of the tenant's first admin user (default `admin`).
     """

    name: str
    admin_name: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        admin_name = self.admin_name


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if admin_name is not UNSET:
            field_dict["admin_name"] = admin_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        admin_name = d.pop("admin_name", UNSET)

        create_tenant_body = cls(
            name=name,
            admin_name=admin_name,
        )

        return create_tenant_body

