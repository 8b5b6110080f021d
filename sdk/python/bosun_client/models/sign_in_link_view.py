from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.user_view import UserView





T = TypeVar("T", bound="SignInLinkView")



@_attrs_define
class SignInLinkView:
    """ A one-time sign-in link, shown once.

        Attributes:
            expires_at (str): RFC 3339; 24 hours after issuing.
            path (str): The dashboard path to open (append it to the server's address): set a password, signed in.
            user (UserView):
     """

    expires_at: str
    path: str
    user: UserView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.user_view import UserView # noqa: PLC0415
        expires_at = self.expires_at

        path = self.path

        user = self.user.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expires_at": expires_at,
            "path": path,
            "user": user,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_view import UserView # noqa: PLC0415
        d = dict(src_dict)
        expires_at = d.pop("expires_at")

        path = d.pop("path")

        user = UserView.from_dict(d.pop("user"))




        sign_in_link_view = cls(
            expires_at=expires_at,
            path=path,
            user=user,
        )


        sign_in_link_view.additional_properties = d
        return sign_in_link_view

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
