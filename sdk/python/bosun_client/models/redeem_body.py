from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RedeemBody")



@_attrs_define
class RedeemBody:
    """ 
        Attributes:
            action (str): The exact action, resource and arguments the token was approved for.
            resource (str):
            token (str): The gate token (`bsg1.…`).
            arguments (Any | Unset): Any JSON value.
     """

    action: str
    resource: str
    token: str
    arguments: Any | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        resource = self.resource

        token = self.token

        arguments = self.arguments


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "resource": resource,
            "token": token,
        })
        if arguments is not UNSET:
            field_dict["arguments"] = arguments

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        resource = d.pop("resource")

        token = d.pop("token")

        arguments = d.pop("arguments", UNSET)

        redeem_body = cls(
            action=action,
            resource=resource,
            token=token,
            arguments=arguments,
        )

        return redeem_body

