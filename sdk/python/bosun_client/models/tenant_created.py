from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.key_view import KeyView
  from ..models.tenant_view import TenantView
  from ..models.user_view import UserView





T = TypeVar("T", bound="TenantCreated")



@_attrs_define
class TenantCreated:
    """ 
        Attributes:
            admin (UserView):
            admin_key (KeyView):
            tenant (TenantView):
     """

    admin: UserView
    admin_key: KeyView
    tenant: TenantView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.key_view import KeyView # noqa: PLC0415
        from ..models.tenant_view import TenantView # noqa: PLC0415
        from ..models.user_view import UserView # noqa: PLC0415
        admin = self.admin.to_dict()

        admin_key = self.admin_key.to_dict()

        tenant = self.tenant.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "admin": admin,
            "admin_key": admin_key,
            "tenant": tenant,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_view import KeyView # noqa: PLC0415
        from ..models.tenant_view import TenantView # noqa: PLC0415
        from ..models.user_view import UserView # noqa: PLC0415
        d = dict(src_dict)
        admin = UserView.from_dict(d.pop("admin"))




        admin_key = KeyView.from_dict(d.pop("admin_key"))




        tenant = TenantView.from_dict(d.pop("tenant"))




        tenant_created = cls(
            admin=admin,
            admin_key=admin_key,
            tenant=tenant,
        )


        tenant_created.additional_properties = d
        return tenant_created

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
