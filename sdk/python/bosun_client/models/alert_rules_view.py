from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.alert_rules_view_builtin_item import AlertRulesViewBuiltinItem
  from ..models.alert_rules_view_rules_item import AlertRulesViewRulesItem





T = TypeVar("T", bound="AlertRulesView")



@_attrs_define
class AlertRulesView:
    """ 
        Attributes:
            builtin (list[AlertRulesViewBuiltinItem]): The rules every tenant has.
            rules (list[AlertRulesViewRulesItem]): The tenant's own rules.
     """

    builtin: list[AlertRulesViewBuiltinItem]
    rules: list[AlertRulesViewRulesItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.alert_rules_view_builtin_item import AlertRulesViewBuiltinItem # noqa: PLC0415
        from ..models.alert_rules_view_rules_item import AlertRulesViewRulesItem # noqa: PLC0415
        builtin = []
        for builtin_item_data in self.builtin:
            builtin_item = builtin_item_data.to_dict()
            builtin.append(builtin_item)



        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "builtin": builtin,
            "rules": rules,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alert_rules_view_builtin_item import AlertRulesViewBuiltinItem # noqa: PLC0415
        from ..models.alert_rules_view_rules_item import AlertRulesViewRulesItem # noqa: PLC0415
        d = dict(src_dict)
        builtin = []
        _builtin = d.pop("builtin")
        for builtin_item_data in (_builtin):
            builtin_item = AlertRulesViewBuiltinItem.from_dict(builtin_item_data)



            builtin.append(builtin_item)


        rules = []
        _rules = d.pop("rules")
        for rules_item_data in (_rules):
            rules_item = AlertRulesViewRulesItem.from_dict(rules_item_data)



            rules.append(rules_item)


        alert_rules_view = cls(
            builtin=builtin,
            rules=rules,
        )


        alert_rules_view.additional_properties = d
        return alert_rules_view

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
