from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.register_agent_body_metadata import RegisterAgentBodyMetadata





T = TypeVar("T", bound="RegisterAgentBody")



@_attrs_define
class RegisterAgentBody:
    """ 
        Attributes:
            capabilities (list[str] | Unset):  Example: ['rust', 'git'].
            heartbeat_interval_seconds (int | Unset): Seconds between heartbeats (5–3600, default 30); silent for three
                means offline.
            kind (str | Unset): Free text: claude-code, codex, worker… Example: claude-code.
            metadata (RegisterAgentBodyMetadata | Unset):
            name (None | str | Unset): Unique in the tenant; a memorable AdjectiveNoun (e.g. `GreenCastle`) when omitted.
            profile (None | str | Unset): A profile from GET /api/v1/profiles (observer, worker, trusted, admin-agent…);
                absent:
                the default for the agent's kind (`worker` unless configured). Above `worker`'s trust
                level, tenant admins only. Example: worker.
     """

    capabilities: list[str] | Unset = UNSET
    heartbeat_interval_seconds: int | Unset = UNSET
    kind: str | Unset = UNSET
    metadata: RegisterAgentBodyMetadata | Unset = UNSET
    name: None | str | Unset = UNSET
    profile: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.register_agent_body_metadata import RegisterAgentBodyMetadata # noqa: PLC0415
        capabilities: list[str] | Unset = UNSET
        if not isinstance(self.capabilities, Unset):
            capabilities = self.capabilities



        heartbeat_interval_seconds = self.heartbeat_interval_seconds

        kind = self.kind

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        profile: None | str | Unset
        if isinstance(self.profile, Unset):
            profile = UNSET
        else:
            profile = self.profile


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if capabilities is not UNSET:
            field_dict["capabilities"] = capabilities
        if heartbeat_interval_seconds is not UNSET:
            field_dict["heartbeat_interval_seconds"] = heartbeat_interval_seconds
        if kind is not UNSET:
            field_dict["kind"] = kind
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if profile is not UNSET:
            field_dict["profile"] = profile

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.register_agent_body_metadata import RegisterAgentBodyMetadata # noqa: PLC0415
        d = dict(src_dict)
        capabilities = cast(list[str], d.pop("capabilities", UNSET))


        heartbeat_interval_seconds = d.pop("heartbeat_interval_seconds", UNSET)

        kind = d.pop("kind", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: RegisterAgentBodyMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = RegisterAgentBodyMetadata.from_dict(_metadata)




        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_profile(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        profile = _parse_profile(d.pop("profile", UNSET))


        register_agent_body = cls(
            capabilities=capabilities,
            heartbeat_interval_seconds=heartbeat_interval_seconds,
            kind=kind,
            metadata=metadata,
            name=name,
            profile=profile,
        )

        return register_agent_body

