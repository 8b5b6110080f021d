from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="GuardrailViolationView")



@_attrs_define
class GuardrailViolationView:
    """ One rule a command broke.

        Attributes:
            action (str): block, require_approval or log.
            category (str): git_destructive, recursive_delete, sql_destructive, credentials, deploy_infra, migration,
                remote_script or system.
            matched (str): The command (as judged, after unwrapping) or text that matched.
            rule (str):  Example: git-force-push.
            severity (str): critical (block), warning (approval), info (log).
     """

    action: str
    category: str
    matched: str
    rule: str
    severity: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        category = self.category

        matched = self.matched

        rule = self.rule

        severity = self.severity


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "category": category,
            "matched": matched,
            "rule": rule,
            "severity": severity,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        category = d.pop("category")

        matched = d.pop("matched")

        rule = d.pop("rule")

        severity = d.pop("severity")

        guardrail_violation_view = cls(
            action=action,
            category=category,
            matched=matched,
            rule=rule,
            severity=severity,
        )


        guardrail_violation_view.additional_properties = d
        return guardrail_violation_view

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
