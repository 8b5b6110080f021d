from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="EmbeddingsView")



@_attrs_define
class EmbeddingsView:
    """ 
        Attributes:
            api_key_set (bool): Whether an API key is set (it is never shown).
            model (str):
            query_timeout_ms (int):
            url (str):
     """

    api_key_set: bool
    model: str
    query_timeout_ms: int
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        api_key_set = self.api_key_set

        model = self.model

        query_timeout_ms = self.query_timeout_ms

        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "api_key_set": api_key_set,
            "model": model,
            "query_timeout_ms": query_timeout_ms,
            "url": url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        api_key_set = d.pop("api_key_set")

        model = d.pop("model")

        query_timeout_ms = d.pop("query_timeout_ms")

        url = d.pop("url")

        embeddings_view = cls(
            api_key_set=api_key_set,
            model=model,
            query_timeout_ms=query_timeout_ms,
            url=url,
        )


        embeddings_view.additional_properties = d
        return embeddings_view

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
