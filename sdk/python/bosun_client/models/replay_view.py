from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.flip_view import FlipView





T = TypeVar("T", bound="ReplayView")



@_attrs_define
class ReplayView:
    """ 
        Attributes:
            decided (int): Of those, decisions made again (events that record their facts).
            examined (int): Audit events read, newest first.
            flips (list[FlipView]):
     """

    decided: int
    examined: int
    flips: list[FlipView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.flip_view import FlipView # noqa: PLC0415
        decided = self.decided

        examined = self.examined

        flips = []
        for flips_item_data in self.flips:
            flips_item = flips_item_data.to_dict()
            flips.append(flips_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "decided": decided,
            "examined": examined,
            "flips": flips,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flip_view import FlipView # noqa: PLC0415
        d = dict(src_dict)
        decided = d.pop("decided")

        examined = d.pop("examined")

        flips = []
        _flips = d.pop("flips")
        for flips_item_data in (_flips):
            flips_item = FlipView.from_dict(flips_item_data)



            flips.append(flips_item)


        replay_view = cls(
            decided=decided,
            examined=examined,
            flips=flips,
        )


        replay_view.additional_properties = d
        return replay_view

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
