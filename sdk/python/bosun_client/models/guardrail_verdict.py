from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.guardrail_violation_view import GuardrailViolationView





T = TypeVar("T", bound="GuardrailVerdict")



@_attrs_define
class GuardrailVerdict:
    """ 
        Attributes:
            commands (int): How many simple commands were judged.
            safe (bool): No rule asks to block or to wait for an approval.
            unparsed (bool): Part of the text could not be parsed as shell and was judged on its raw words.
            violations (list[GuardrailViolationView]):
     """

    commands: int
    safe: bool
    unparsed: bool
    violations: list[GuardrailViolationView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.guardrail_violation_view import GuardrailViolationView # noqa: PLC0415
        commands = self.commands

        safe = self.safe

        unparsed = self.unparsed

        violations = []
        for violations_item_data in self.violations:
            violations_item = violations_item_data.to_dict()
            violations.append(violations_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "commands": commands,
            "safe": safe,
            "unparsed": unparsed,
            "violations": violations,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.guardrail_violation_view import GuardrailViolationView # noqa: PLC0415
        d = dict(src_dict)
        commands = d.pop("commands")

        safe = d.pop("safe")

        unparsed = d.pop("unparsed")

        violations = []
        _violations = d.pop("violations")
        for violations_item_data in (_violations):
            violations_item = GuardrailViolationView.from_dict(violations_item_data)



            violations.append(violations_item)


        guardrail_verdict = cls(
            commands=commands,
            safe=safe,
            unparsed=unparsed,
            violations=violations,
        )


        guardrail_verdict.additional_properties = d
        return guardrail_verdict

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
