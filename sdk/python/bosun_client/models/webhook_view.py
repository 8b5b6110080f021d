from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WebhookView")



@_attrs_define
class WebhookView:
    """ Where alerts are posted.

        Attributes:
            breaker (str): closed, or open (not called) after consecutive failures.
            consecutive_failures (int):
            created_at (str):
            created_by (str):
            id (str):
            url (str):
            description (None | str | Unset):
            secret (None | str | Unset): Shown once, when the webhook is created: verify `Bosun-Signature` with it.
     """

    breaker: str
    consecutive_failures: int
    created_at: str
    created_by: str
    id: str
    url: str
    description: None | str | Unset = UNSET
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        breaker = self.breaker

        consecutive_failures = self.consecutive_failures

        created_at = self.created_at

        created_by = self.created_by

        id = self.id

        url = self.url

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "breaker": breaker,
            "consecutive_failures": consecutive_failures,
            "created_at": created_at,
            "created_by": created_by,
            "id": id,
            "url": url,
        })
        if description is not UNSET:
            field_dict["description"] = description
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        breaker = d.pop("breaker")

        consecutive_failures = d.pop("consecutive_failures")

        created_at = d.pop("created_at")

        created_by = d.pop("created_by")

        id = d.pop("id")

        url = d.pop("url")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))


        webhook_view = cls(
            breaker=breaker,
            consecutive_failures=consecutive_failures,
            created_at=created_at,
            created_by=created_by,
            id=id,
            url=url,
            description=description,
            secret=secret,
        )


        webhook_view.additional_properties = d
        return webhook_view

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
