from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.workflow_run_view_params import WorkflowRunViewParams
  from ..models.workflow_step_view import WorkflowStepView





T = TypeVar("T", bound="WorkflowRunView")



@_attrs_define
class WorkflowRunView:
    """ 
        Attributes:
            created_at (str):
            created_by (str):
            id (str):  Example: 01JDX3Q2V9Z8K7M6N5P4R3S2T1.
            project (str):
            status (str): `running`, `succeeded`, `failed` or `cancelled`.
            template (str):
            updated_at (str):
            version (int): The template version it runs (0: built in).
            params (WorkflowRunViewParams):
            steps (list[WorkflowStepView]): Every step in definition order (a loop's steps after it), with its tasks.
     """

    created_at: str
    created_by: str
    id: str
    project: str
    status: str
    template: str
    updated_at: str
    version: int
    params: WorkflowRunViewParams
    steps: list[WorkflowStepView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.workflow_run_view_params import WorkflowRunViewParams # noqa: PLC0415
        from ..models.workflow_step_view import WorkflowStepView # noqa: PLC0415
        created_at = self.created_at

        created_by = self.created_by

        id = self.id

        project = self.project

        status = self.status

        template = self.template

        updated_at = self.updated_at

        version = self.version

        params = self.params.to_dict()

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "created_by": created_by,
            "id": id,
            "project": project,
            "status": status,
            "template": template,
            "updated_at": updated_at,
            "version": version,
            "params": params,
            "steps": steps,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_run_view_params import WorkflowRunViewParams # noqa: PLC0415
        from ..models.workflow_step_view import WorkflowStepView # noqa: PLC0415
        d = dict(src_dict)
        created_at = d.pop("created_at")

        created_by = d.pop("created_by")

        id = d.pop("id")

        project = d.pop("project")

        status = d.pop("status")

        template = d.pop("template")

        updated_at = d.pop("updated_at")

        version = d.pop("version")

        params = WorkflowRunViewParams.from_dict(d.pop("params"))




        steps = []
        _steps = d.pop("steps")
        for steps_item_data in (_steps):
            steps_item = WorkflowStepView.from_dict(steps_item_data)



            steps.append(steps_item)


        workflow_run_view = cls(
            created_at=created_at,
            created_by=created_by,
            id=id,
            project=project,
            status=status,
            template=template,
            updated_at=updated_at,
            version=version,
            params=params,
            steps=steps,
        )


        workflow_run_view.additional_properties = d
        return workflow_run_view

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
