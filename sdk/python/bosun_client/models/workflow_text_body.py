from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="WorkflowTextBody")



@_attrs_define
class WorkflowTextBody:
    """ 
        Attributes:
            text (str): The workflow (TOML, at most 64 KiB); its `name` must be the one in the address. See
                docs/WORKFLOWS.md for the format. Example: name = "lint-each"
                [params.files]
                required = true
                [[steps]]
                id = "lint"
                kind = "map"
                over = "params.files"
                title = "Lint {item}"
                .
     """

    text: str





    def to_dict(self) -> dict[str, Any]:
        text = self.text


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "text": text,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text")

        workflow_text_body = cls(
            text=text,
        )

        return workflow_text_body

