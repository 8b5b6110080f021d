from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_view import AgentView
  from ..models.key_view import KeyView





T = TypeVar("T", bound="AgentRegistered")



@_attrs_define
class AgentRegistered:
    """ 
        Attributes:
            agent (AgentView):
            key (KeyView):
     """

    agent: AgentView
    key: KeyView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_view import AgentView # noqa: PLC0415
        from ..models.key_view import KeyView # noqa: PLC0415
        agent = self.agent.to_dict()

        key = self.key.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "agent": agent,
            "key": key,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_view import AgentView # noqa: PLC0415
        from ..models.key_view import KeyView # noqa: PLC0415
        d = dict(src_dict)
        agent = AgentView.from_dict(d.pop("agent"))




        key = KeyView.from_dict(d.pop("key"))




        agent_registered = cls(
            agent=agent,
            key=key,
        )


        agent_registered.additional_properties = d
        return agent_registered

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
