from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.profile_view import ProfileView





T = TypeVar("T", bound="PermissionsView")



@_attrs_define
class PermissionsView:
    """ 
        Attributes:
            actions (list[str]): The actions (audit names) the caller may do at all; a command's own rules (holding the
                lease, the lock…) still apply.
            profile (None | ProfileView | Unset):
     """

    actions: list[str]
    profile: None | ProfileView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.profile_view import ProfileView # noqa: PLC0415
        actions = self.actions



        profile: dict[str, Any] | None | Unset
        if isinstance(self.profile, Unset):
            profile = UNSET
        elif isinstance(self.profile, ProfileView):
            profile = self.profile.to_dict()
        else:
            profile = self.profile


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "actions": actions,
        })
        if profile is not UNSET:
            field_dict["profile"] = profile

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_view import ProfileView # noqa: PLC0415
        d = dict(src_dict)
        actions = cast(list[str], d.pop("actions"))


        def _parse_profile(data: object) -> None | ProfileView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                profile_type_0 = ProfileView.from_dict(data)



                return profile_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProfileView | Unset, data)

        profile = _parse_profile(d.pop("profile", UNSET))


        permissions_view = cls(
            actions=actions,
            profile=profile,
        )


        permissions_view.additional_properties = d
        return permissions_view

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
