from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.embeddings_view import EmbeddingsView





T = TypeVar("T", bound="MemorySettingsView")



@_attrs_define
class MemorySettingsView:
    """ 
        Attributes:
            default_visibility (str):
            half_life_hours (float):
            embedded (int | None | Unset): How many of them have their vector: semantic recall has caught up when it equals
                `memories` (on `GET`).
            embeddings (EmbeddingsView | None | Unset):
            memories (int | None | Unset): How many memories the tenant has (on `GET`).
     """

    default_visibility: str
    half_life_hours: float
    embedded: int | None | Unset = UNSET
    embeddings: EmbeddingsView | None | Unset = UNSET
    memories: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.embeddings_view import EmbeddingsView # noqa: PLC0415
        default_visibility = self.default_visibility

        half_life_hours = self.half_life_hours

        embedded: int | None | Unset
        if isinstance(self.embedded, Unset):
            embedded = UNSET
        else:
            embedded = self.embedded

        embeddings: dict[str, Any] | None | Unset
        if isinstance(self.embeddings, Unset):
            embeddings = UNSET
        elif isinstance(self.embeddings, EmbeddingsView):
            embeddings = self.embeddings.to_dict()
        else:
            embeddings = self.embeddings

        memories: int | None | Unset
        if isinstance(self.memories, Unset):
            memories = UNSET
        else:
            memories = self.memories


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "default_visibility": default_visibility,
            "half_life_hours": half_life_hours,
        })
        if embedded is not UNSET:
            field_dict["embedded"] = embedded
        if embeddings is not UNSET:
            field_dict["embeddings"] = embeddings
        if memories is not UNSET:
            field_dict["memories"] = memories

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.embeddings_view import EmbeddingsView # noqa: PLC0415
        d = dict(src_dict)
        default_visibility = d.pop("default_visibility")

        half_life_hours = d.pop("half_life_hours")

        def _parse_embedded(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        embedded = _parse_embedded(d.pop("embedded", UNSET))


        def _parse_embeddings(data: object) -> EmbeddingsView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                embeddings_type_0 = EmbeddingsView.from_dict(data)



                return embeddings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmbeddingsView | None | Unset, data)

        embeddings = _parse_embeddings(d.pop("embeddings", UNSET))


        def _parse_memories(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memories = _parse_memories(d.pop("memories", UNSET))


        memory_settings_view = cls(
            default_visibility=default_visibility,
            half_life_hours=half_life_hours,
            embedded=embedded,
            embeddings=embeddings,
            memories=memories,
        )


        memory_settings_view.additional_properties = d
        return memory_settings_view

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
