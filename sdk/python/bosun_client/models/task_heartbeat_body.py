from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TaskHeartbeatBody")



@_attrs_define
class TaskHeartbeatBody:
    """ 
        Attributes:
            fence (int): The fence from the claim.
            lease_seconds (int | None | Unset): New lease length from now (default 300 s).
     """

    fence: int
    lease_seconds: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        fence = self.fence

        lease_seconds: int | None | Unset
        if isinstance(self.lease_seconds, Unset):
            lease_seconds = UNSET
        else:
            lease_seconds = self.lease_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "fence": fence,
        })
        if lease_seconds is not UNSET:
            field_dict["lease_seconds"] = lease_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fence = d.pop("fence")

        def _parse_lease_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        lease_seconds = _parse_lease_seconds(d.pop("lease_seconds", UNSET))


        task_heartbeat_body = cls(
            fence=fence,
            lease_seconds=lease_seconds,
        )

        return task_heartbeat_body

