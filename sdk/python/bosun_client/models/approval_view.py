from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.risk_contribution import RiskContribution





T = TypeVar("T", bound="ApprovalView")



@_attrs_define
class ApprovalView:
    """ A request for a gated action.

        Attributes:
            action (str):
            arguments (Any): Any JSON value.
            contributions (list[RiskContribution]):
            created_at (str):
            expires_at (str):
            id (str):
            requester (str):
            requester_id (str):
            requester_type (str): `user` or `agent`.
            resource (str):
            risk (float): 0–100: Σ weight × factor, clamped.
            status (str): pending, approved, auto_approved, denied or expired (a pending request past its time).
            threshold (float):
            decided_at (None | str | Unset):
            decided_by (None | str | Unset):
            evidence_sha256 (None | str | Unset): SHA-256 of the canonical evidence, when some was given.
            gate_token (None | str | Unset): The single-use gate token, shown to the requester while it can be used.
            reason (None | str | Unset):
            token_expires_at (None | str | Unset):
            token_used_at (None | str | Unset):
     """

    action: str
    arguments: Any
    contributions: list[RiskContribution]
    created_at: str
    expires_at: str
    id: str
    requester: str
    requester_id: str
    requester_type: str
    resource: str
    risk: float
    status: str
    threshold: float
    decided_at: None | str | Unset = UNSET
    decided_by: None | str | Unset = UNSET
    evidence_sha256: None | str | Unset = UNSET
    gate_token: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    token_expires_at: None | str | Unset = UNSET
    token_used_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.risk_contribution import RiskContribution # noqa: PLC0415
        action = self.action

        arguments = self.arguments

        contributions = []
        for contributions_item_data in self.contributions:
            contributions_item = contributions_item_data.to_dict()
            contributions.append(contributions_item)



        created_at = self.created_at

        expires_at = self.expires_at

        id = self.id

        requester = self.requester

        requester_id = self.requester_id

        requester_type = self.requester_type

        resource = self.resource

        risk = self.risk

        status = self.status

        threshold = self.threshold

        decided_at: None | str | Unset
        if isinstance(self.decided_at, Unset):
            decided_at = UNSET
        else:
            decided_at = self.decided_at

        decided_by: None | str | Unset
        if isinstance(self.decided_by, Unset):
            decided_by = UNSET
        else:
            decided_by = self.decided_by

        evidence_sha256: None | str | Unset
        if isinstance(self.evidence_sha256, Unset):
            evidence_sha256 = UNSET
        else:
            evidence_sha256 = self.evidence_sha256

        gate_token: None | str | Unset
        if isinstance(self.gate_token, Unset):
            gate_token = UNSET
        else:
            gate_token = self.gate_token

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        token_expires_at: None | str | Unset
        if isinstance(self.token_expires_at, Unset):
            token_expires_at = UNSET
        else:
            token_expires_at = self.token_expires_at

        token_used_at: None | str | Unset
        if isinstance(self.token_used_at, Unset):
            token_used_at = UNSET
        else:
            token_used_at = self.token_used_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "arguments": arguments,
            "contributions": contributions,
            "created_at": created_at,
            "expires_at": expires_at,
            "id": id,
            "requester": requester,
            "requester_id": requester_id,
            "requester_type": requester_type,
            "resource": resource,
            "risk": risk,
            "status": status,
            "threshold": threshold,
        })
        if decided_at is not UNSET:
            field_dict["decided_at"] = decided_at
        if decided_by is not UNSET:
            field_dict["decided_by"] = decided_by
        if evidence_sha256 is not UNSET:
            field_dict["evidence_sha256"] = evidence_sha256
        if gate_token is not UNSET:
            field_dict["gate_token"] = gate_token
        if reason is not UNSET:
            field_dict["reason"] = reason
        if token_expires_at is not UNSET:
            field_dict["token_expires_at"] = token_expires_at
        if token_used_at is not UNSET:
            field_dict["token_used_at"] = token_used_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.risk_contribution import RiskContribution # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action")

        arguments = d.pop("arguments")

        contributions = []
        _contributions = d.pop("contributions")
        for contributions_item_data in (_contributions):
            contributions_item = RiskContribution.from_dict(contributions_item_data)



            contributions.append(contributions_item)


        created_at = d.pop("created_at")

        expires_at = d.pop("expires_at")

        id = d.pop("id")

        requester = d.pop("requester")

        requester_id = d.pop("requester_id")

        requester_type = d.pop("requester_type")

        resource = d.pop("resource")

        risk = d.pop("risk")

        status = d.pop("status")

        threshold = d.pop("threshold")

        def _parse_decided_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decided_at = _parse_decided_at(d.pop("decided_at", UNSET))


        def _parse_decided_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decided_by = _parse_decided_by(d.pop("decided_by", UNSET))


        def _parse_evidence_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        evidence_sha256 = _parse_evidence_sha256(d.pop("evidence_sha256", UNSET))


        def _parse_gate_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gate_token = _parse_gate_token(d.pop("gate_token", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_token_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token_expires_at = _parse_token_expires_at(d.pop("token_expires_at", UNSET))


        def _parse_token_used_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token_used_at = _parse_token_used_at(d.pop("token_used_at", UNSET))


        approval_view = cls(
            action=action,
            arguments=arguments,
            contributions=contributions,
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            requester=requester,
            requester_id=requester_id,
            requester_type=requester_type,
            resource=resource,
            risk=risk,
            status=status,
            threshold=threshold,
            decided_at=decided_at,
            decided_by=decided_by,
            evidence_sha256=evidence_sha256,
            gate_token=gate_token,
            reason=reason,
            token_expires_at=token_expires_at,
            token_used_at=token_used_at,
        )


        approval_view.additional_properties = d
        return approval_view

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
