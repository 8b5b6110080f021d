from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AmountBody")



@_attrs_define
class AmountBody:
    """ Tokens and cost, as a client gives them (cost a decimal string).

        Attributes:
            cost (None | str | Unset): Decimal with at most 6 decimals, e.g. `"0.42"`. Example: 0.42.
            currency (None | str | Unset):  Example: USD.
            tokens (int | Unset):  Example: 20000.
     """

    cost: None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
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

        tokens = self.tokens


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if cost is not UNSET:
            field_dict["cost"] = cost
        if currency is not UNSET:
            field_dict["currency"] = currency
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


        tokens = d.pop("tokens", UNSET)

        amount_body = cls(
            cost=cost,
            currency=currency,
            tokens=tokens,
        )

        return amount_body

