from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UsageBody")



@_attrs_define
class UsageBody:
    """ 
        Attributes:
            cost (None | str | Unset): Decimal with at most 6 decimals, e.g. `"0.38"`. Example: 0.38.
            currency (None | str | Unset):  Example: USD.
            model (None | str | Unset): For cost attribution, e.g. `claude-sonnet-4-5`.
            project (None | str | Unset): Without a reservation: the project it was spent in.
            provider (None | str | Unset):
            reservation_id (None | str | Unset): The reservation this settles (its hold is freed; spending beyond it is
                flagged).
            tokens (int | Unset):  Example: 18250.
     """

    cost: None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
    model: None | str | Unset = UNSET
    project: None | str | Unset = UNSET
    provider: None | str | Unset = UNSET
    reservation_id: None | str | Unset = UNSET
    tokens: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        cost: None | str | Unset
        if isinstance(self.cost, Unset):
            cost = UNSET
        else:
            cost = self.cost

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        project: None | str | Unset
        if isinstance(self.project, Unset):
            project = UNSET
        else:
            project = self.project

        provider: None | str | Unset
        if isinstance(self.provider, Unset):
            provider = UNSET
        else:
            provider = self.provider

        reservation_id: None | str | Unset
        if isinstance(self.reservation_id, Unset):
            reservation_id = UNSET
        else:
            reservation_id = self.reservation_id

        tokens = self.tokens


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if cost is not UNSET:
            field_dict["cost"] = cost
        if currency is not UNSET:
            field_dict["currency"] = currency
        if model is not UNSET:
            field_dict["model"] = model
        if project is not UNSET:
            field_dict["project"] = project
        if provider is not UNSET:
            field_dict["provider"] = provider
        if reservation_id is not UNSET:
            field_dict["reservation_id"] = reservation_id
        if tokens is not UNSET:
            field_dict["tokens"] = tokens

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cost = _parse_cost(d.pop("cost", UNSET))


        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))


        def _parse_project(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project = _parse_project(d.pop("project", UNSET))


        def _parse_provider(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        provider = _parse_provider(d.pop("provider", UNSET))


        def _parse_reservation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reservation_id = _parse_reservation_id(d.pop("reservation_id", UNSET))


        tokens = d.pop("tokens", UNSET)

        usage_body = cls(
            cost=cost,
            currency=currency,
            model=model,
            project=project,
            provider=provider,
            reservation_id=reservation_id,
            tokens=tokens,
        )

        return usage_body

