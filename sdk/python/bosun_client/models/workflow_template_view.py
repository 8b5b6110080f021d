from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.workflow_param_view import WorkflowParamView





T = TypeVar("T", bound="WorkflowTemplateView")



@_attrs_define
class WorkflowTemplateView:
    """ 
        Attributes:
            builtin (bool):
            description (str):
            name (str):  Example: fix-until-green.
            params (list[WorkflowParamView]):
            version (int): The tenant's own template's version (from 1); 0 for a built-in.
            text (None | str | Unset): The workflow text (TOML); only when one template is read.
     """

    builtin: bool
    description: str
    name: str
    params: list[WorkflowParamView]
    version: int
    text: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.workflow_param_view import WorkflowParamView # noqa: PLC0415
        builtin = self.builtin

        description = self.description

        name = self.name

        params = []
        for params_item_data in self.params:
            params_item = params_item_data.to_dict()
            params.append(params_item)



        version = self.version

        text: None | str | Unset
        if isinstance(self.text, Unset):
            text = UNSET
        else:
            text = self.text


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "builtin": builtin,
            "description": description,
            "name": name,
            "params": params,
            "version": version,
        })
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_param_view import WorkflowParamView # noqa: PLC0415
        d = dict(src_dict)
        builtin = d.pop("builtin")

        description = d.pop("description")

        name = d.pop("name")

        params = []
        _params = d.pop("params")
        for params_item_data in (_params):
            params_item = WorkflowParamView.from_dict(params_item_data)



            params.append(params_item)


        version = d.pop("version")

        def _parse_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text = _parse_text(d.pop("text", UNSET))


        workflow_template_view = cls(
            builtin=builtin,
            description=description,
            name=name,
            params=params,
            version=version,
            text=text,
        )


        workflow_template_view.additional_properties = d
        return workflow_template_view

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
