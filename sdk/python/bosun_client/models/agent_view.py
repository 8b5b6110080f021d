from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.agent_view_metadata import AgentViewMetadata





T = TypeVar("T", bound="AgentView")



@_attrs_define
class AgentView:
    """ 
        Attributes:
            capabilities (list[str]):
            created_at (str):
            heartbeat_interval_seconds (int):
            id (str):
            kind (str):  Example: claude-code.
            last_heartbeat_at (str):
            metadata (AgentViewMetadata):
            name (str):
            profile (str):
            status (str): spawning, idle, busy, terminating, terminated, failed or offline.
     """

    capabilities: list[str]
    created_at: str
    heartbeat_interval_seconds: int
    id: str
    kind: str
    last_heartbeat_at: str
    metadata: AgentViewMetadata
    name: str
    profile: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.agent_view_metadata import AgentViewMetadata # noqa: PLC0415
        capabilities = self.capabilities



        created_at = self.created_at

        heartbeat_interval_seconds = self.heartbeat_interval_seconds

        id = self.id

        kind = self.kind

        last_heartbeat_at = self.last_heartbeat_at

        metadata = self.metadata.to_dict()

        name = self.name

        profile = self.profile

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "capabilities": capabilities,
            "created_at": created_at,
            "heartbeat_interval_seconds": heartbeat_interval_seconds,
            "id": id,
            "kind": kind,
            "last_heartbeat_at": last_heartbeat_at,
            "metadata": metadata,
            "name": name,
            "profile": profile,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.agent_view_metadata import AgentViewMetadata # noqa: PLC0415
        d = dict(src_dict)
        capabilities = cast(list[str], d.pop("capabilities"))


        created_at = d.pop("created_at")

        heartbeat_interval_seconds = d.pop("heartbeat_interval_seconds")

        id = d.pop("id")

        kind = d.pop("kind")

        last_heartbeat_at = d.pop("last_heartbeat_at")

        metadata = AgentViewMetadata.from_dict(d.pop("metadata"))




        name = d.pop("name")

        profile = d.pop("profile")

        status = d.pop("status")

        agent_view = cls(
            capabilities=capabilities,
            created_at=created_at,
            heartbeat_interval_seconds=heartbeat_interval_seconds,
            id=id,
            kind=kind,
            last_heartbeat_at=last_heartbeat_at,
            metadata=metadata,
            name=name,
            profile=profile,
            status=status,
        )


        agent_view.additional_properties = d
        return agent_view

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
