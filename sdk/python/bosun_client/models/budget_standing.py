from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.budget_view import BudgetView





T = TypeVar("T", bound="BudgetStanding")



@_attrs_define
class BudgetStanding:
    """ A budget as it stands now.

        Attributes:
            budget (BudgetView): One budget as configured.
            period_start (str):
            remaining (str):
            reserved (str):
            soft_limit_crossed (bool): The soft limit is crossed (spent and reserved together).
            spent (str): In the budget's unit, like its limits.
     """

    budget: BudgetView
    period_start: str
    remaining: str
    reserved: str
    soft_limit_crossed: bool
    spent: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.budget_view import BudgetView # noqa: PLC0415
        budget = self.budget.to_dict()

        period_start = self.period_start

        remaining = self.remaining

        reserved = self.reserved

        soft_limit_crossed = self.soft_limit_crossed

        spent = self.spent


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "budget": budget,
            "period_start": period_start,
            "remaining": remaining,
            "reserved": reserved,
            "soft_limit_crossed": soft_limit_crossed,
            "spent": spent,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.budget_view import BudgetView # noqa: PLC0415
        d = dict(src_dict)
        budget = BudgetView.from_dict(d.pop("budget"))




        period_start = d.pop("period_start")

        remaining = d.pop("remaining")

        reserved = d.pop("reserved")

        soft_limit_crossed = d.pop("soft_limit_crossed")

        spent = d.pop("spent")

        budget_standing = cls(
            budget=budget,
            period_start=period_start,
            remaining=remaining,
            reserved=reserved,
            soft_limit_crossed=soft_limit_crossed,
            spent=spent,
        )


        budget_standing.additional_properties = d
        return budget_standing

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
