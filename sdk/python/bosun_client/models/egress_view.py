from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EgressView")



@_attrs_define
class EgressView:
    """ An egress decision.

        Attributes:
            allowed (bool):
            host (str): The destination as decided: lower-case ASCII host (or IP) and port.
            log_seq (int): Its entry in the egress access log.
            policies (list[str]): The policies that decided.
            port (int):
            rule (str): The egress rule that matched: `allow:RULE`, `deny:RULE`, `default:cloud` or `default:local`.
            reason (None | str | Unset):
     """

    allowed: bool
    host: str
    log_seq: int
    policies: list[str]
    port: int
    rule: str
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        allowed = self.allowed

        host = self.host

        log_seq = self.log_seq

        policies = self.policies



        port = self.port

        rule = self.rule

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "allowed": allowed,
            "host": host,
            "log_seq": log_seq,
            "policies": policies,
            "port": port,
            "rule": rule,
        })
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed = d.pop("allowed")

        host = d.pop("host")

        log_seq = d.pop("log_seq")

        policies = cast(list[str], d.pop("policies"))


        port = d.pop("port")

        rule = d.pop("rule")

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        egress_view = cls(
            allowed=allowed,
            host=host,
            log_seq=log_seq,
            policies=policies,
            port=port,
            rule=rule,
            reason=reason,
        )


        egress_view.additional_properties = d
        return egress_view

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
