from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.egress_lists_view import EgressListsView
  from ..models.limits_view import LimitsView





T = TypeVar("T", bound="ProfileView")



@_attrs_define
class ProfileView:
    """ 
        Attributes:
            blocked_operations (list[str]):
            egress (EgressListsView):
            limits (LimitsView):
            name (str):
            trust_level (int): 0 suspended, 1 observer, 2 worker, 3 trusted, 4 admin agent.
            allowed_operations (list[str] | None | Unset): Operations (audit names) the profile may do at all; absent: any
                the policies allow.
     """

    blocked_operations: list[str]
    egress: EgressListsView
    limits: LimitsView
    name: str
    trust_level: int
    allowed_operations: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.egress_lists_view import EgressListsView # noqa: PLC0415
        from ..models.limits_view import LimitsView # noqa: PLC0415
        blocked_operations = self.blocked_operations



        egress = self.egress.to_dict()

        limits = self.limits.to_dict()

        name = self.name

        trust_level = self.trust_level

        allowed_operations: list[str] | None | Unset
        if isinstance(self.allowed_operations, Unset):
            allowed_operations = UNSET
        elif isinstance(self.allowed_operations, list):
            allowed_operations = self.allowed_operations


        else:
            allowed_operations = self.allowed_operations


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "blocked_operations": blocked_operations,
            "egress": egress,
            "limits": limits,
            "name": name,
            "trust_level": trust_level,
        })
        if allowed_operations is not UNSET:
            field_dict["allowed_operations"] = allowed_operations

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.egress_lists_view import EgressListsView # noqa: PLC0415
        from ..models.limits_view import LimitsView # noqa: PLC0415
        d = dict(src_dict)
        blocked_operations = cast(list[str], d.pop("blocked_operations"))


        egress = EgressListsView.from_dict(d.pop("egress"))




        limits = LimitsView.from_dict(d.pop("limits"))




        name = d.pop("name")

        trust_level = d.pop("trust_level")

        def _parse_allowed_operations(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_operations_type_0 = cast(list[str], data)

                return allowed_operations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        allowed_operations = _parse_allowed_operations(d.pop("allowed_operations", UNSET))


        profile_view = cls(
            blocked_operations=blocked_operations,
            egress=egress,
            limits=limits,
            name=name,
            trust_level=trust_level,
            allowed_operations=allowed_operations,
        )


        profile_view.additional_properties = d
        return profile_view

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
