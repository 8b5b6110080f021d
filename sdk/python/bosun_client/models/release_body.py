from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReleaseBody")



@_attrs_define
class ReleaseBody:
    """ 
        Attributes:
            paths (list[str]): The keys you locked (as given to acquire; `./a//b` and `a/b` are the same key).
            project (str | Unset):
     """

    paths: list[str]
    project: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        paths = self.paths



        project = self.project


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "paths": paths,
        })
        if project is not UNSET:
            field_dict["project"] = project

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        paths = cast(list[str], d.pop("paths"))


        project = d.pop("project", UNSET)

        release_body = cls(
            paths=paths,
            project=project,
        )

        return release_body

