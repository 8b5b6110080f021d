from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="GuardrailBody")



@_attrs_define
class GuardrailBody:
    """ 
        Attributes:
            operation (str): The shell command (or SQL text) about to run; parsed, not pattern-matched. Example: git push
                --force origin main.
            context (Any | Unset): Free-form context (SPEC §5.4); accepted and not used yet (reserved for tenant rules).
            paths (list[str] | Unset): Files about to be written (credential files are refused whatever the trust level).
     """

    operation: str
    context: Any | Unset = UNSET
    paths: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        operation = self.operation

        context = self.context

        paths: list[str] | Unset = UNSET
        if not isinstance(self.paths, Unset):
            paths = self.paths




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "operation": operation,
        })
        if context is not UNSET:
            field_dict["context"] = context
        if paths is not UNSET:
            field_dict["paths"] = paths

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        operation = d.pop("operation")

        context = d.pop("context", UNSET)

        paths = cast(list[str], d.pop("paths", UNSET))


        guardrail_body = cls(
            operation=operation,
            context=context,
            paths=paths,
        )

        return guardrail_body

