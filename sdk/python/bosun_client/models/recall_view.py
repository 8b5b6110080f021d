from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.recalled_view import RecalledView





T = TypeVar("T", bound="RecallView")



@_attrs_define
class RecallView:
    """ 
        Attributes:
            memories (list[RecalledView]):
            mode (str): `text`, or `hybrid` (text and vectors fused by reciprocal rank).
            note (None | str | Unset): Why recall was text-only when it could not be semantic (no endpoint configured, the
                endpoint down or slow, no vectors yet).
     """

    memories: list[RecalledView]
    mode: str
    note: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.recalled_view import RecalledView # noqa: PLC0415
        memories = []
        for memories_item_data in self.memories:
            memories_item = memories_item_data.to_dict()
            memories.append(memories_item)



        mode = self.mode

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "memories": memories,
            "mode": mode,
        })
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recalled_view import RecalledView # noqa: PLC0415
        d = dict(src_dict)
        memories = []
        _memories = d.pop("memories")
        for memories_item_data in (_memories):
            memories_item = RecalledView.from_dict(memories_item_data)



            memories.append(memories_item)


        mode = d.pop("mode")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))


        recall_view = cls(
            memories=memories,
            mode=mode,
            note=note,
        )


        recall_view.additional_properties = d
        return recall_view

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
