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
            on_self (bool | Unset): Whether the action would be on the principal's own record (its own keys).
            principal (None | SubjectBody | Unset):
     """

    action: str
    on_self: bool | Unset = UNSET
    principal: None | SubjectBody | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.subject_body import SubjectBody # noqa: PLC0415
        action = self.action

        on_self = self.on_self

        principal: dict[str, Any] | None | Unset
        if isinstance(self.principal, Unset):
            principal = UNSET
        elif isinstance(self.principal, SubjectBody):
            principal = self.principal.to_dict()
        else:
            principal = self.principal


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "action": action,
        })
        if on_self is not UNSET:
            field_dict["on_self"] = on_self
        if principal is not UNSET:
            field_dict["principal"] = principal

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subject_body import SubjectBody # noqa: PLC0415
        d = dict(src_dict)
        action = d.pop("action")

        on_self = d.pop("on_self", UNSET)

        def _parse_principal(data: object) -> None | SubjectBody | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                principal_type_0 = SubjectBody.from_dict(data)



                return principal_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubjectBody | Unset, data)

        principal = _parse_principal(d.pop("principal", UNSET))


        authorize_body = cls(
            action=action,
            on_self=on_self,
            principal=principal,
        )

        return authorize_body

