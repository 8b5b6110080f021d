from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReservationView")



@_attrs_define
class ReservationView:
    """ Room held on the budgets.

        Attributes:
            cost (str): Decimal, in `currency`.
            expires_at (str):
            id (str):
            project (str):
            status (str): held, settled or expired.
            tokens (int):
            warnings (list[str]): Budgets whose soft limit this crosses (a warning, not a refusal).
            currency (None | str | Unset):
            preflight_token (None | str | Unset): Ed25519-signed (the tenant's gate key): a worker verifies the hold
                offline.
            task_id (None | str | Unset): The task whose claim reserved it.
     """

    cost: str
    expires_at: str
    id: str
    project: str
    status: str
    tokens: int
    warnings: list[str]
    currency: None | str | Unset = UNSET
    preflight_token: None | str | Unset = UNSET
    task_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cost = self.cost

        expires_at = self.expires_at

        id = self.id

        project = self.project

        status = self.status

        tokens = self.tokens

        warnings = self.warnings



        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        preflight_token: None | str | Unset
        if isinstance(self.preflight_token, Unset):
            preflight_token = UNSET
        else:
            preflight_token = self.preflight_token

        task_id: None | str | Unset
        if isinstance(self.task_id, Unset):
            task_id = UNSET
        else:
            task_id = self.task_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cost": cost,
            "expires_at": expires_at,
            "id": id,
            "project": project,
            "status": status,
            "tokens": tokens,
            "warnings": warnings,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if preflight_token is not UNSET:
            field_dict["preflight_token"] = preflight_token
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cost = d.pop("cost")

        expires_at = d.pop("expires_at")

        id = d.pop("id")

        project = d.pop("project")

        status = d.pop("status")

        tokens = d.pop("tokens")

        warnings = cast(list[str], d.pop("warnings"))


        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_preflight_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preflight_token = _parse_preflight_token(d.pop("preflight_token", UNSET))


        def _parse_task_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        task_id = _parse_task_id(d.pop("task_id", UNSET))


        reservation_view = cls(
            cost=cost,
            expires_at=expires_at,
            id=id,
            project=project,
            status=status,
            tokens=tokens,
            warnings=warnings,
            currency=currency,
            preflight_token=preflight_token,
            task_id=task_id,
        )


        reservation_view.additional_properties = d
        return reservation_view

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
