from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.submit_task_body import SubmitTaskBody





T = TypeVar("T", bound="BatchBody")



@_attrs_define
class BatchBody:
    """ 
        Attributes:
            tasks (list[SubmitTaskBody]): Up to 1000 tasks; `depends_on` may name `ref`s within the batch. A cycle is
                refused (422
                `dependency_cycle`, naming it) and nothing is created.
     """

    tasks: list[SubmitTaskBody]





    def to_dict(self) -> dict[str, Any]:
        from ..models.submit_task_body import SubmitTaskBody # noqa: PLC0415
        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "tasks": tasks,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.submit_task_body import SubmitTaskBody # noqa: PLC0415
        d = dict(src_dict)
        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in (_tasks):
            tasks_item = SubmitTaskBody.from_dict(tasks_item_data)



            tasks.append(tasks_item)


        batch_body = cls(
            tasks=tasks,
        )

        return batch_body

