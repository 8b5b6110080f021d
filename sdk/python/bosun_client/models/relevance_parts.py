from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RelevanceParts")



@_attrs_define
class RelevanceParts:
    """ The parts a memory's relevance came from, each 0–1 (see docs/API.md, "Recall").

        Attributes:
            outcome (float): failure 1.0, success 0.8, partial 0.6, none 0.5.
            recency (float): `0.5 ^ (age / half-life)`.
            tags (float | None | Unset): Share of the question's tags the memory carries; absent without tags.
            text (float | None | Unset): Full-text match against the best candidate (with semantic recall: the fused rank
                score);
                absent when the question had no words.
     """

    outcome: float
    recency: float
    tags: float | None | Unset = UNSET
    text: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome

        recency = self.recency

        tags: float | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags

        text: float | None | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "outcome": outcome,
            "recency": recency,
        })
        if tags is not UNSET:
            field_dict["tags"] = tags
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = d.pop("outcome")

        recency = d.pop("recency")

        def _parse_tags(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))


        def _parse_text(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        relevance_parts = cls(
            outcome=outcome,
            recency=recency,
            tags=tags,
            text=text,
        )


        relevance_parts.additional_properties = d
        return relevance_parts

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
