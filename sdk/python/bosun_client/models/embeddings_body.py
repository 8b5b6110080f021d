from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EmbeddingsBody")



@_attrs_define
class EmbeddingsBody:
    """ 
        Attributes:
            model (str):  Example: nomic-embed-text.
            url (str): The full URL of an OpenAI-compatible `POST /v1/embeddings` (a local Ollama or vLLM…). Example:
                http://127.0.0.1:11434/v1/embeddings.
            api_key (None | str | Unset): Sent as a bearer token; stored, never shown or audited.
            query_timeout_ms (int | None | Unset): 50–10,000 (default 1,000): how long a recall waits for the question's
                embedding.
     """

    model: str
    url: str
    api_key: None | str | Unset = UNSET
    query_timeout_ms: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        model = self.model

        url = self.url

        api_key: None | str | Unset
        if isinstance(self.api_key, Unset):
            api_key = UNSET
        else:
            api_key = self.api_key

        query_timeout_ms: int | None | Unset
        if isinstance(self.query_timeout_ms, Unset):
            query_timeout_ms = UNSET
        else:
            query_timeout_ms = self.query_timeout_ms


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "url": url,
        })
        if api_key is not UNSET:
            field_dict["api_key"] = api_key
        if query_timeout_ms is not UNSET:
            field_dict["query_timeout_ms"] = query_timeout_ms

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        url = d.pop("url")

        def _parse_api_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key = _parse_api_key(d.pop("api_key", UNSET))


        def _parse_query_timeout_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        query_timeout_ms = _parse_query_timeout_ms(d.pop("query_timeout_ms", UNSET))


        embeddings_body = cls(
            model=model,
            url=url,
            api_key=api_key,
            query_timeout_ms=query_timeout_ms,
        )

        return embeddings_body

