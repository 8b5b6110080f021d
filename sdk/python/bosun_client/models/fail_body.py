from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="FailBody")



@_attrs_define
class FailBody:
    """ 
        Attributes:
            error (str):
            fence (int):
            retryable (bool | Unset): Retry with backoff until max_attempts (default true); false dead-letters at once.
     """

    error: str
    fence: int
    retryable: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        error = self.error

        fence = self.fence

        retryable = self.retryable


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "error": error,
            "fence": fence,
        })
        if retryable is not UNSET:
            field_dict["retryable"] = retryable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error = d.pop("error")

        fence = d.pop("fence")

        retryable = d.pop("retryable", UNSET)

        fail_body = cls(
            error=error,
            fence=fence,
            retryable=retryable,
        )

        return fail_body

