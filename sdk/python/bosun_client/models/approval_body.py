from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.approval_body_factors import ApprovalBodyFactors





T = TypeVar("T", bound="ApprovalBody")



@_attrs_define
class ApprovalBody:
    """ 
        Attributes:
            action (str): What is to be done, e.g. `deploy` or the command. Example: terraform apply.
            resource (str): Where, e.g. `prod` or a repository. Example: infra/prod.
            arguments (Any | Unset): The exact arguments; the token is bound to them.
            evidence (Any | Unset): Anything that supports the request (≤ 64 KiB); its SHA-256 is recorded.
            factors (ApprovalBodyFactors | Unset): Each 0–1 (absent: 0): privilege_impact, supply_chain_trust,
                exploitability, data_access,
                vulnerabilities, blast_radius, operational_complexity, history.
            ttl_seconds (int | None | Unset): How long the request may wait for a decision (60–86400 s, default 3600).
     """

    action: str
    resource: str
    arguments: Any | Unset = UNSET
    evidence: Any | Unset = UNSET
    factors: ApprovalBodyFactors | Unset = UNSET
    ttl_seconds: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.approval_body_factors import ApprovalBodyFactors # noqa: PLC0415
        action = self.action

        resource = self.resource

        arguments = self.arguments

        evidence = self.evidence

        factors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.factors, Unset):
            factors = self.factors.to_dict()

        ttl_seconds: int | None | Unset
        if isinstance(self.ttl_seconds, Unset):
            ttl_seconds = UNSET
        else:
            ttl_seconds = self.ttl_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "resource": resource,
        })
        if arguments is not UNSET:
            field_dict["arguments"] = arguments
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if factors is not UNSET:
            field_dict["factors"] = factors
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.approval_body_factors import ApprovalBodyFactors # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action")

        resource = d.pop("resource")

        arguments = d.pop("arguments", UNSET)

        evidence = d.pop("evidence", UNSET)

        _factors = d.pop("factors", UNSET)
        factors: ApprovalBodyFactors | Unset
        if isinstance(_factors,  Unset):
            factors = UNSET
        else:
            factors = ApprovalBodyFactors.from_dict(_factors)




        def _parse_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl_seconds = _parse_ttl_seconds(d.pop("ttl_seconds", UNSET))


        approval_body = cls(
            action=action,
            resource=resource,
            arguments=arguments,
            evidence=evidence,
            factors=factors,
            ttl_seconds=ttl_seconds,
        )

        return approval_body

