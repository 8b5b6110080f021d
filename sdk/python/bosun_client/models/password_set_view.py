from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.user_view import UserView





T = TypeVar("T", bound="PasswordSetView")



@_attrs_define
class PasswordSetView:
    """ A user whose dashboard password was set or removed.

        Attributes:
            password_set (bool): Whether the user has a password now.
            user (UserView):
     """

    password_set: bool
    user: UserView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.user_view import UserView # noqa: PLC0415
        password_set = self.password_set

        user = self.user.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "password_set": password_set,
            "user": user,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_view import UserView # noqa: PLC0415
        d = dict(src_dict)
        password_set = d.pop("password_set")

        user = UserView.from_dict(d.pop("user"))




        password_set_view = cls(
            password_set=password_set,
            user=user,
        )


        password_set_view.additional_properties = d
        return password_set_view

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
