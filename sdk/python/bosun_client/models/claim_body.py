from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ClaimBody")



@_attrs_define
class ClaimBody:
    """ 
        Attributes:
            lease_seconds (int | Unset): Lease length (default 300 s); heartbeat to extend it.
            project (str | Unset):
            scope (list[str] | Unset): Lock keys (paths or globs) the task will write, taken exclusively with the claim.
            wait_seconds (int | Unset): Wait up to this long (max 60 s) for a task when none is ready now.
     """

    lease_seconds: int | Unset = UNSET
    project: str | Unset = UNSET
    scope: list[str] | Unset = UNSET
    wait_seconds: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        lease_seconds = self.lease_seconds

        project = self.project

        scope: list[str] | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope



        wait_seconds = self.wait_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if lease_seconds is not UNSET:
            field_dict["lease_seconds"] = lease_seconds
        if project is not UNSET:
            field_dict["project"] = project
        if scope is not UNSET:
            field_dict["scope"] = scope
        if wait_seconds is not UNSET:
            field_dict["wait_seconds"] = wait_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        lease_seconds = d.pop("lease_seconds", UNSET)

        project = d.pop("project", UNSET)

        scope = cast(list[str], d.pop("scope", UNSET))


        wait_seconds = d.pop("wait_seconds", UNSET)

        claim_body = cls(
            lease_seconds=lease_seconds,
            project=project,
            scope=scope,
            wait_seconds=wait_seconds,
        )

        return claim_body

