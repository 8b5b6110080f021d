from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.start_run_body_params import StartRunBodyParams





T = TypeVar("T", bound="StartRunBody")



@_attrs_define
class StartRunBody:
    """ 
        Attributes:
            params (StartRunBodyParams | Unset): The template's parameters (at most 64 KiB of JSON); the required ones must
                be given.
            project (str | Unset): The project its tasks are queued in. Example: web.
     """

    params: StartRunBodyParams | Unset = UNSET
    project: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.start_run_body_params import StartRunBodyParams # noqa: PLC0415
        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        project = self.project


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if params is not UNSET:
            field_dict["params"] = params
        if project is not UNSET:
            field_dict["project"] = project

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.start_run_body_params import StartRunBodyParams # noqa: PLC0415
        d = dict(src_dict)
        _params = d.pop("params", UNSET)
        params: StartRunBodyParams | Unset
        if isinstance(_params,  Unset):
            params = UNSET
        else:
            params = StartRunBodyParams.from_dict(_params)




        project = d.pop("project", UNSET)

        start_run_body = cls(
            params=params,
            project=project,
        )

        return start_run_body

