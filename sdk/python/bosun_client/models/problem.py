from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.problem_budget_type_0 import ProblemBudgetType0
  from ..models.problem_conflicts_type_0_item import ProblemConflictsType0Item





T = TypeVar("T", bound="Problem")



@_attrs_define
class Problem:
    """ An RFC 9457 problem document, the body of every error.

        Attributes:
            code (str): Stable machine code: validation_failed, not_found, conflict, unauthenticated, forbidden, …
            detail (str):
            status (int):
            title (str):
            type_ (str):
            budget (None | ProblemBudgetType0 | Unset): For `budget_exceeded`: the budget that has no room — `{budget,
                metric, currency,
                period_start, limit, spent, reserved, requested, remaining}` in the budget's unit.
            conflicts (list[ProblemConflictsType0Item] | None | Unset): For `lock_conflict`: each conflicting lock (holder,
                key, expiry, the requested key, and an
                example path both cover).
            correlation_id (None | str | Unset): The request's correlation id, under which the server logged anything more.
            line (int | None | Unset): For `invalid_workflow`: the line of the workflow text the error is about.
     """

    code: str
    detail: str
    status: int
    title: str
    type_: str
    budget: None | ProblemBudgetType0 | Unset = UNSET
    conflicts: list[ProblemConflictsType0Item] | None | Unset = UNSET
    correlation_id: None | str | Unset = UNSET
    line: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.problem_budget_type_0 import ProblemBudgetType0 # noqa: PLC0415
        from ..models.problem_conflicts_type_0_item import ProblemConflictsType0Item # noqa: PLC0415
        code = self.code

        detail = self.detail

        status = self.status

        title = self.title

        type_ = self.type_

        budget: dict[str, Any] | None | Unset
        if isinstance(self.budget, Unset):
            budget = UNSET
        elif isinstance(self.budget, ProblemBudgetType0):
            budget = self.budget.to_dict()
        else:
            budget = self.budget

        conflicts: list[dict[str, Any]] | None | Unset
        if isinstance(self.conflicts, Unset):
            conflicts = UNSET
        elif isinstance(self.conflicts, list):
            conflicts = []
            for conflicts_type_0_item_data in self.conflicts:
                conflicts_type_0_item = conflicts_type_0_item_data.to_dict()
                conflicts.append(conflicts_type_0_item)


        else:
            conflicts = self.conflicts

        correlation_id: None | str | Unset
        if isinstance(self.correlation_id, Unset):
            correlation_id = UNSET
        else:
            correlation_id = self.correlation_id

        line: int | None | Unset
        if isinstance(self.line, Unset):
            line = UNSET
        else:
            line = self.line


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "detail": detail,
            "status": status,
            "title": title,
            "type": type_,
        })
        if budget is not UNSET:
            field_dict["budget"] = budget
        if conflicts is not UNSET:
            field_dict["conflicts"] = conflicts
        if correlation_id is not UNSET:
            field_dict["correlation_id"] = correlation_id
        if line is not UNSET:
            field_dict["line"] = line

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_budget_type_0 import ProblemBudgetType0 # noqa: PLC0415
        from ..models.problem_conflicts_type_0_item import ProblemConflictsType0Item # noqa: PLC0415
        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        def _parse_budget(data: object) -> None | ProblemBudgetType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                budget_type_0 = ProblemBudgetType0.from_dict(data)



                return budget_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProblemBudgetType0 | Unset, data)

        budget = _parse_budget(d.pop("budget", UNSET))


        def _parse_conflicts(data: object) -> list[ProblemConflictsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                conflicts_type_0 = []
                _conflicts_type_0 = data
                for conflicts_type_0_item_data in (_conflicts_type_0):
                    conflicts_type_0_item = ProblemConflictsType0Item.from_dict(conflicts_type_0_item_data)



                    conflicts_type_0.append(conflicts_type_0_item)

                return conflicts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ProblemConflictsType0Item] | None | Unset, data)

        conflicts = _parse_conflicts(d.pop("conflicts", UNSET))


        def _parse_correlation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        correlation_id = _parse_correlation_id(d.pop("correlation_id", UNSET))


        def _parse_line(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        line = _parse_line(d.pop("line", UNSET))


        problem = cls(
            code=code,
            detail=detail,
            status=status,
            title=title,
            type_=type_,
            budget=budget,
            conflicts=conflicts,
            correlation_id=correlation_id,
            line=line,
        )


        problem.additional_properties = d
        return problem

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
