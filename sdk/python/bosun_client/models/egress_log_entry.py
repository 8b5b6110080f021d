from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="EgressLogEntry")



@_attrs_define
class EgressLogEntry:
    """ 
        Attributes:
            agent_id (str):
            agent_name (str):
            allowed (bool):
            at (str):
            host (str):
            policies (list[str]):
            port (int):
            rule (str):
            seq (int):
     """

    agent_id: str
    agent_name: str
    allowed: bool
    at: str
    host: str
    policies: list[str]
    port: int
    rule: str
    seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        agent_id = self.agent_id

        agent_name = self.agent_name

        allowed = self.allowed

        at = self.at

        host = self.host

        policies = self.policies



        port = self.port

        rule = self.rule

        seq = self.seq


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent_id": agent_id,
            "agent_name": agent_name,
            "allowed": allowed,
            "at": at,
            "host": host,
            "policies": policies,
            "port": port,
            "rule": rule,
            "seq": seq,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = d.pop("agent_id")

        agent_name = d.pop("agent_name")

        allowed = d.pop("allowed")

        at = d.pop("at")

        host = d.pop("host")

        policies = cast(list[str], d.pop("policies"))


        port = d.pop("port")

        rule = d.pop("rule")

        seq = d.pop("seq")

        egress_log_entry = cls(
            agent_id=agent_id,
            agent_name=agent_name,
            allowed=allowed,
            at=at,
            host=host,
            policies=policies,
            port=port,
            rule=rule,
            seq=seq,
        )


        egress_log_entry.additional_properties = d
        return egress_log_entry

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
