from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.budget_body import BudgetBody





T = TypeVar("T", bound="BudgetsBody")



@_attrs_define
class BudgetsBody:
    """ 
        Attributes:
            budgets (list[BudgetBody]): Replaces the tenant's budgets (at most 200).
     """

    budgets: list[BudgetBody]





    def to_dict(self) -> dict[str, Any]:
        from ..models.budget_body import BudgetBody # noqa: PLC0415
        budgets = []
        for budgets_item_data in self.budgets:
            budgets_item = budgets_item_data.to_dict()
            budgets.append(budgets_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "budgets": budgets,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.budget_body import BudgetBody # noqa: PLC0415
        d = dict(src_dict)
        budgets = []
        _budgets = d.pop("budgets")
        for budgets_item_data in (_budgets):
            budgets_item = BudgetBody.from_dict(budgets_item_data)



            budgets.append(budgets_item)


        budgets_body = cls(
            budgets=budgets,
        )

        return budgets_body

