from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.embeddings_body import EmbeddingsBody





T = TypeVar("T", bound="MemorySettingsBody")



@_attrs_define
class MemorySettingsBody:
    """ 
        Attributes:
            default_visibility (None | str | Unset): agent, project (default) or tenant. Example: project.
            embeddings (EmbeddingsBody | None | Unset):
            half_life_hours (float | None | Unset): 1–87,600 (default 720, 30 days). Example: 720.
     """

    default_visibility: None | str | Unset = UNSET
    embeddings: EmbeddingsBody | None | Unset = UNSET
    half_life_hours: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.embeddings_body import EmbeddingsBody # noqa: PLC0415
        default_visibility: None | str | Unset
        if isinstance(self.default_visibility, Unset):
            default_visibility = UNSET
        else:
            default_visibility = self.default_visibility

        embeddings: dict[str, Any] | None | Unset
        if isinstance(self.embeddings, Unset):
            embeddings = UNSET
        elif isinstance(self.embeddings, EmbeddingsBody):
            embeddings = self.embeddings.to_dict()
        else:
            embeddings = self.embeddings

        half_life_hours: float | None | Unset
        if isinstance(self.half_life_hours, Unset):
            half_life_hours = UNSET
        else:
            half_life_hours = self.half_life_hours


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if default_visibility is not UNSET:
            field_dict["default_visibility"] = default_visibility
        if embeddings is not UNSET:
            field_dict["embeddings"] = embeddings
        if half_life_hours is not UNSET:
            field_dict["half_life_hours"] = half_life_hours

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.embeddings_body import EmbeddingsBody # noqa: PLC0415
        d = dict(src_dict)
        def _parse_default_visibility(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_visibility = _parse_default_visibility(d.pop("default_visibility", UNSET))


        def _parse_embeddings(data: object) -> EmbeddingsBody | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                embeddings_type_0 = EmbeddingsBody.from_dict(data)



                return embeddings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EmbeddingsBody | None | Unset, data)

        embeddings = _parse_embeddings(d.pop("embeddings", UNSET))


        def _parse_half_life_hours(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        half_life_hours = _parse_half_life_hours(d.pop("half_life_hours", UNSET))


        memory_settings_body = cls(
            default_visibility=default_visibility,
            embeddings=embeddings,
            half_life_hours=half_life_hours,
        )

        return memory_settings_body

