from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.workflow_task_view import WorkflowTaskView





T = TypeVar("T", bound="WorkflowStepView")



@_attrs_define
class WorkflowStepView:
    """ 
        Attributes:
            id (str):
            kind (str): `task`, `check`, `map`, `reduce` or `loop`.
            status (str): `pending`, `running`, `succeeded`, `failed`, `skipped` or `cancelled`.
            tasks (list[WorkflowTaskView]):
            iteration (int | None | Unset): A loop's iteration (running, or the last).
            max_iterations (int | None | Unset):
            parent (None | str | Unset): The loop it belongs to.
            reason (None | str | Unset): Why it was skipped or failed.
            result (Any | Unset): A map's results in item order; a reduce's aggregate; a loop's last iteration's.
     """

    id: str
    kind: str
    status: str
    tasks: list[WorkflowTaskView]
    iteration: int | None | Unset = UNSET
    max_iterations: int | None | Unset = UNSET
    parent: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    result: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.workflow_task_view import WorkflowTaskView # noqa: PLC0415
        id = self.id

        kind = self.kind

        status = self.status

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)



        iteration: int | None | Unset
        if isinstance(self.iteration, Unset):
            iteration = UNSET
        else:
            iteration = self.iteration

        max_iterations: int | None | Unset
        if isinstance(self.max_iterations, Unset):
            max_iterations = UNSET
        else:
            max_iterations = self.max_iterations

        parent: None | str | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        else:
            parent = self.parent

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        result = self.result


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "kind": kind,
            "status": status,
            "tasks": tasks,
        })
        if iteration is not UNSET:
            field_dict["iteration"] = iteration
        if max_iterations is not UNSET:
            field_dict["max_iterations"] = max_iterations
        if parent is not UNSET:
            field_dict["parent"] = parent
        if reason is not UNSET:
            field_dict["reason"] = reason
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_task_view import WorkflowTaskView # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        status = d.pop("status")

        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in (_tasks):
            tasks_item = WorkflowTaskView.from_dict(tasks_item_data)



            tasks.append(tasks_item)


        def _parse_iteration(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        iteration = _parse_iteration(d.pop("iteration", UNSET))


        def _parse_max_iterations(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_iterations = _parse_max_iterations(d.pop("max_iterations", UNSET))


        def _parse_parent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent = _parse_parent(d.pop("parent", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        result = d.pop("result", UNSET)

        workflow_step_view = cls(
            id=id,
            kind=kind,
            status=status,
            tasks=tasks,
            iteration=iteration,
            max_iterations=max_iterations,
            parent=parent,
            reason=reason,
            result=result,
        )


        workflow_step_view.additional_properties = d
        return workflow_step_view

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
