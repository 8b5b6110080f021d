from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="UsageView")



@_attrs_define
class UsageView:
    """ Usage as recorded.

        Attributes:
            cost (str):
            over_budget (list[str]): Budgets this spend runs over (possible without a reservation, or beyond one).
            overspend (bool): More than the reservation held.
            project (str):
            tokens (int):
            currency (None | str | Unset):
            model (None | str | Unset):
            provider (None | str | Unset):
            reservation_id (None | str | Unset):
     """

    cost: str
    over_budget: list[str]
    overspend: bool
    project: str
    tokens: int
    currency: None | str | Unset = UNSET
    model: None | str | Unset = UNSET
    provider: None | str | Unset = UNSET
    reservation_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cost = self.cost

        over_budget = self.over_budget



        overspend = self.overspend

        project = self.project

        tokens = self.tokens

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


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cost": cost,
            "over_budget": over_budget,
            "overspend": overspend,
            "project": project,
            "tokens": tokens,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if model is not UNSET:
            field_dict["model"] = model
        if provider is not UNSET:
            field_dict["provider"] = provider
        if reservation_id is not UNSET:
            field_dict["reservation_id"] = reservation_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cost = d.pop("cost")

        over_budget = cast(list[str], d.pop("over_budget"))


        overspend = d.pop("overspend")

        project = d.pop("project")

        tokens = d.pop("tokens")

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


        usage_view = cls(
            cost=cost,
            over_budget=over_budget,
            overspend=overspend,
            project=project,
            tokens=tokens,
            currency=currency,
            model=model,
            provider=provider,
            reservation_id=reservation_id,
        )


        usage_view.additional_properties = d
        return usage_view

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
