from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_user_body_metadata import CreateUserBodyMetadata





T = TypeVar("T", bound="CreateUserBody")



@_attrs_define
class CreateUserBody:
    """ 
        Attributes:
            name (str):  Example: alice.
            metadata (CreateUserBodyMetadata | Unset): Free-form JSON object; secret-looking values are redacted before
                storage.
            role (str | Unset): viewer, developer (default), approver or admin. Example: developer.
     """

    name: str
    metadata: CreateUserBodyMetadata | Unset = UNSET
    role: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_user_body_metadata import CreateUserBodyMetadata # noqa: PLC0415
        name = self.name

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        role = self.role


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_user_body_metadata import CreateUserBodyMetadata # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        _metadata = d.pop("metadata", UNSET)
        metadata: CreateUserBodyMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = CreateUserBodyMetadata.from_dict(_metadata)




        role = d.pop("role", UNSET)

        create_user_body = cls(
            name=name,
            metadata=metadata,
            role=role,
        )

        return create_user_body

