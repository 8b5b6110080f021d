from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReplayBody")



@_attrs_define
class ReplayBody:
    """ 
        Attributes:
            text (str): The proposed Cedar policies.
            limit (int | None | Unset): How many of the latest audit events to re-decide (1–10000, default 1000).
     """

    text: str
    limit: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        text = self.text

        limit: int | None | Unset
        if isinstance(self.limit, Unset):
            limit = UNSET
        else:
            limit = self.limit


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "text": text,
        })
        if limit is not UNSET:
            field_dict["limit"] = limit

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text")

        def _parse_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        limit = _parse_limit(d.pop("limit", UNSET))


        replay_body = cls(
            text=text,
            limit=limit,
        )

        return replay_body

