from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReserveBody")



@_attrs_define
class ReserveBody:
    """ 
        Attributes:
            cost (None | str | Unset): Decimal with at most 6 decimals, e.g. `"0.42"`. Example: 0.42.
            currency (None | str | Unset):  Example: USD.
            project (str | Unset):  Example: web.
            tokens (int | Unset):  Example: 20000.
            ttl_seconds (int | None | Unset): How long the hold lasts unless settled (10–86400 s, default 900).
     """

    cost: None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
    project: str | Unset = UNSET
    tokens: int | Unset = UNSET
    ttl_seconds: int | None | Unset = UNSET





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

        project = self.project

        tokens = self.tokens

        ttl_seconds: int | None | Unset
        if isinstance(self.ttl_seconds, Unset):
            ttl_seconds = UNSET
        else:
            ttl_seconds = self.ttl_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if cost is not UNSET:
            field_dict["cost"] = cost
        if currency is not UNSET:
            field_dict["currency"] = currency
        if project is not UNSET:
            field_dict["project"] = project
        if tokens is not UNSET:
            field_dict["tokens"] = tokens
        if ttl_seconds is not UNSET:
            field_dict["ttl_seconds"] = ttl_seconds

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


        project = d.pop("project", UNSET)

        tokens = d.pop("tokens", UNSET)

        def _parse_ttl_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl_seconds = _parse_ttl_seconds(d.pop("ttl_seconds", UNSET))


        reserve_body = cls(
            cost=cost,
            currency=currency,
            project=project,
            tokens=tokens,
            ttl_seconds=ttl_seconds,
        )

        return reserve_body

