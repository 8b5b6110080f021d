from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.alert_rules_body_rules_item import AlertRulesBodyRulesItem





T = TypeVar("T", bound="AlertRulesBody")



@_attrs_define
class AlertRulesBody:
    """ 
        Attributes:
            rules (list[AlertRulesBodyRulesItem]): The tenant's own rules (at most 100), beside the built-in ones: `{id,
                title, actions?,
                outcome?, requires?, correlation: event_count|value_count, field?, group_by?,
                window_seconds, threshold, severity: warning|critical}`.
     """

    rules: list[AlertRulesBodyRulesItem]





    def to_dict(self) -> dict[str, Any]:
        from ..models.alert_rules_body_rules_item import AlertRulesBodyRulesItem # noqa: PLC0415
        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "rules": rules,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alert_rules_body_rules_item import AlertRulesBodyRulesItem # noqa: PLC0415
        d = dict(src_dict)
        rules = []
        _rules = d.pop("rules")
        for rules_item_data in (_rules):
            rules_item = AlertRulesBodyRulesItem.from_dict(rules_item_data)



            rules.append(rules_item)


        alert_rules_body = cls(
            rules=rules,
        )

        return alert_rules_body

