from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.gate_key import GateKey





T = TypeVar("T", bound="GateKeys")



@_attrs_define
class GateKeys:
    """ 
        Attributes:
            algorithm (str):
            key (int): The current key's generation (a token's `key` claim names the one that signed it).
            keys (list[GateKey]): The current key and up to 9 retired ones, newest first. Tokens signed by a retired key
                open nothing; their keys are listed to check old tokens for the record.
            public_key (str): The current key's Ed25519 public key (hex): gate tokens verify with it offline.
     """

    algorithm: str
    key: int
    keys: list[GateKey]
    public_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.gate_key import GateKey # noqa: PLC0415
        algorithm = self.algorithm

        key = self.key

        keys = []
        for keys_item_data in self.keys:
            keys_item = keys_item_data.to_dict()
            keys.append(keys_item)



        public_key = self.public_key


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "algorithm": algorithm,
            "key": key,
            "keys": keys,
            "public_key": public_key,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gate_key import GateKey # noqa: PLC0415
        d = dict(src_dict)
        algorithm = d.pop("algorithm")

        key = d.pop("key")

        keys = []
        _keys = d.pop("keys")
        for keys_item_data in (_keys):
            keys_item = GateKey.from_dict(keys_item_data)



            keys.append(keys_item)


        public_key = d.pop("public_key")

        gate_keys = cls(
            algorithm=algorithm,
            key=key,
            keys=keys,
            public_key=public_key,
        )


        gate_keys.additional_properties = d
        return gate_keys

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
