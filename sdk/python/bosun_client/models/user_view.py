from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.user_view_metadata import UserViewMetadata





T = TypeVar("T", bound="UserView")



@_attrs_define
class UserView:
    """ 
        Attributes:
            created_at (str):
            id (str):
            metadata (UserViewMetadata):
            name (str):
            role (str): viewer, developer, approver or admin. Example: developer.
            tenant_id (str):
     """

    created_at: str
    id: str
    metadata: UserViewMetadata
    name: str
    role: str
    tenant_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.user_view_metadata import UserViewMetadata # noqa: PLC0415
        created_at = self.created_at

        id = self.id

        metadata = self.metadata.to_dict()

        name = self.name

        role = self.role

        tenant_id = self.tenant_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "metadata": metadata,
            "name": name,
            "role": role,
            "tenant_id": tenant_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_view_metadata import UserViewMetadata # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = d.pop("id")

        metadata = UserViewMetadata.from_dict(d.pop("metadata"))




        name = d.pop("name")

        role = d.pop("role")

        tenant_id = d.pop("tenant_id")

        user_view = cls(
            created_at=created_at,
            id=id,
            metadata=metadata,
            name=name,
            role=role,
            tenant_id=tenant_id,
        )


        user_view.additional_properties = d
        return user_view

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
