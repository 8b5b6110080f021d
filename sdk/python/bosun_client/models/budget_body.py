from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="BudgetBody")



@_attrs_define
class BudgetBody:
    """ 
        Attributes:
            hard_limit (str): In the budget's unit: tokens (`"100000"`) or a decimal of the currency (`"50.00"`). Example:
                50.00.
            id (str): Unique in the tenant: 1–64 of a-z, 0-9, - and _. Example: team-daily.
            metric (str): tokens or cost. Example: cost.
            period (str): day, week (from Monday), month or rolling. Example: day.
            scope (str): tenant, project, agent or kind. Example: project.
            currency (None | str | Unset): For cost: three upper-case letters. Example: USD.
            soft_limit (None | str | Unset): Crossing it warns (audited) without refusing. Example: 40.00.
            target (None | str | Unset): The project, agent id or agent kind (absent for the tenant). Example: web.
            time_zone (None | str | Unset): IANA name; where days, weeks and months begin (default UTC). Example:
                Europe/Berlin.
            window_seconds (int | None | Unset): For rolling: 60–7776000.
     """

    hard_limit: str
    id: str
    metric: str
    period: str
    scope: str
    currency: None | str | Unset = UNSET
    soft_limit: None | str | Unset = UNSET
    target: None | str | Unset = UNSET
    time_zone: None | str | Unset = UNSET
    window_seconds: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        hard_limit = self.hard_limit

        id = self.id

        metric = self.metric

        period = self.period

        scope = self.scope

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

        time_zone: None | str | Unset
        if isinstance(self.time_zone, Unset):
            time_zone = UNSET
        else:
            time_zone = self.time_zone

        window_seconds: int | None | Unset
        if isinstance(self.window_seconds, Unset):
            window_seconds = UNSET
        else:
            window_seconds = self.window_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "hard_limit": hard_limit,
            "id": id,
            "metric": metric,
            "period": period,
            "scope": scope,
        })
        if currency is not UNSET:
            field_dict["currency"] = currency
        if soft_limit is not UNSET:
            field_dict["soft_limit"] = soft_limit
        if target is not UNSET:
            field_dict["target"] = target
        if time_zone is not UNSET:
            field_dict["time_zone"] = time_zone
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


        def _parse_time_zone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        time_zone = _parse_time_zone(d.pop("time_zone", UNSET))


        def _parse_window_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        window_seconds = _parse_window_seconds(d.pop("window_seconds", UNSET))


        budget_body = cls(
            hard_limit=hard_limit,
            id=id,
            metric=metric,
            period=period,
            scope=scope,
            currency=currency,
            soft_limit=soft_limit,
            target=target,
            time_zone=time_zone,
            window_seconds=window_seconds,
        )

        return budget_body

