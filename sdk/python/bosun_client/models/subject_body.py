from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.subject_type import SubjectType






T = TypeVar("T", bound="SubjectBody")



@_attrs_define
class SubjectBody:
    """ 
        Attributes:
            id (str): The user's or agent's id.
            type_ (SubjectType):
     """

    id: str
    type_: SubjectType





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        type_ = SubjectType(d.pop("type"))




        subject_body = cls(
            id=id,
            type_=type_,
        )

        return subject_body

