from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="BudgetView")



@_attrs_define
class BudgetView:
    """ One budget as configured.

        Attributes:
            hard_limit (str): In the budget's unit: tokens (`"100000"`) or a decimal of the currency (`"50.00"`).
            id (str):
            metric (str): tokens or cost.
            period (str): day, week, month or rolling.
            scope (str): tenant, project, agent or kind.
            time_zone (str):
            currency (None | str | Unset):
            soft_limit (None | str | Unset):
            target (None | str | Unset): The project, agent id or agent kind (absent for the tenant).
            window_seconds (int | None | Unset):
     """

    hard_limit: str
    id: str
    metric: str
    period: str
    scope: str
    time_zone: str
    currency: None | str | Unset = UNSET
    soft_limit: None | str | Unset = UNSET
    target: None | str | Unset = UNSET
    window_seconds: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        hard_limit = self.hard_limit

        id = self.id

        metric = self.metric

        period = self.period

        scope = self.scope

        time_zone = self.time_zone

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        soft_limit: None | str | Unset
        if isinstance(self.soft_limit, Unset):
            soft_limit = UNSET
        else:
            soft_limit = self.soft_limit

        target: None | str | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        else:
            target = self.target

        window_seconds: int | None | Unset
        if isinstance(self.window_seconds, Unset):
            window_seconds = UNSET
        else:
            window_seconds = self.window_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "hard_limit": hard_limit,
            "id": id,
            "metric": metric,
            "period": period,
            "scope": scope,
            "time_zone": time_zone,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if soft_limit is not UNSET:
            field_dict["soft_limit"] = soft_limit
        if target is not UNSET:
            field_dict["target"] = target
        if window_seconds is not UNSET:
            field_dict["window_seconds"] = window_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hard_limit = d.pop("hard_limit")

        id = d.pop("id")

        metric = d.pop("metric")

        period = d.pop("period")

        scope = d.pop("scope")

        time_zone = d.pop("time_zone")

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))


        def _parse_soft_limit(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        soft_limit = _parse_soft_limit(d.pop("soft_limit", UNSET))


        def _parse_target(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target = _parse_target(d.pop("target", UNSET))


        def _parse_window_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        window_seconds = _parse_window_seconds(d.pop("window_seconds", UNSET))


        budget_view = cls(
            hard_limit=hard_limit,
            id=id,
            metric=metric,
            period=period,
            scope=scope,
            time_zone=time_zone,
            currency=currency,
            soft_limit=soft_limit,
            target=target,
            window_seconds=window_seconds,
        )


        budget_view.additional_properties = d
        return budget_view

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
