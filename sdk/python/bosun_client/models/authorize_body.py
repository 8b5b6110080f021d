from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.subject_body import SubjectBody





T = TypeVar("T", bound="AuthorizeBody")



@_attrs_define
class AuthorizeBody:
    """ 
        Attributes:
            action (str): The action's audit name, e.g. `task.claimed` (an unknown action is denied).
            principal (SubjectBody):
            on_self (bool | Unset): Whether the action would be on the principal's own record (its own keys).
     """

    action: str
    principal: SubjectBody
    on_self: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.subject_body import SubjectBody # noqa: PLC0415
        action = self.action

        principal = self.principal.to_dict()

        on_self = self.on_self


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
            "principal": principal,
        })
        if on_self is not UNSET:
            field_dict["on_self"] = on_self

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subject_body import SubjectBody # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action")

        principal = SubjectBody.from_dict(d.pop("principal"))




        on_self = d.pop("on_self", UNSET)

        authorize_body = cls(
            action=action,
            principal=principal,
            on_self=on_self,
        )

        return authorize_body

