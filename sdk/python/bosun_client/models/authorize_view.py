from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.policy_ref import PolicyRef





T = TypeVar("T", bound="AuthorizeView")



@_attrs_define
class AuthorizeView:
    """ A dry-run decision.

        Attributes:
            allowed (bool):
            errors (list[str]): Why the decision is a deny whatever the policies say (fail closed): an unknown action,
                an evaluation error.
            policies (list[PolicyRef]): The policies that decided: the permits that allowed, or the forbids that denied
                (empty
                when nothing permitted).
            reason (None | str | Unset): For a denial: why, in one line.
     """

    allowed: bool
    errors: list[str]
    policies: list[PolicyRef]
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.policy_ref import PolicyRef # noqa: PLC0415
        allowed = self.allowed

        errors = self.errors



        policies = []
        for policies_item_data in self.policies:
            policies_item = policies_item_data.to_dict()
            policies.append(policies_item)



        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "allowed": allowed,
            "errors": errors,
            "policies": policies,
        })
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_ref import PolicyRef # noqa: PLC0415
        d = dict(src_dict)
        allowed = d.pop("allowed")

        errors = cast(list[str], d.pop("errors"))


        policies = []
        _policies = d.pop("policies")
        for policies_item_data in (_policies):
            policies_item = PolicyRef.from_dict(policies_item_data)



            policies.append(policies_item)


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        authorize_view = cls(
            allowed=allowed,
            errors=errors,
            policies=policies,
            reason=reason,
        )


        authorize_view.additional_properties = d
        return authorize_view

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
