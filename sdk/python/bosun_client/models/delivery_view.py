from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="DeliveryView")



@_attrs_define
class DeliveryView:
    """ One delivery of an alert to a webhook.

        Attributes:
            alert_id (str):
            attempts (int):
            id (str):
            status (str): pending, delivered or dead (the dead-letter list).
            updated_at (str):
            webhook_id (str):
            last_error (None | str | Unset):
            next_attempt_at (None | str | Unset): When a pending delivery is next attempted.
     """

    alert_id: str
    attempts: int
    id: str
    status: str
    updated_at: str
    webhook_id: str
    last_error: None | str | Unset = UNSET
    next_attempt_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        alert_id = self.alert_id

        attempts = self.attempts

        id = self.id

        status = self.status

        updated_at = self.updated_at

        webhook_id = self.webhook_id

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        else:
            next_attempt_at = self.next_attempt_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alert_id": alert_id,
            "attempts": attempts,
            "id": id,
            "status": status,
            "updated_at": updated_at,
            "webhook_id": webhook_id,
        })
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if next_attempt_at is not UNSET:
            field_dict["next_attempt_at"] = next_attempt_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        alert_id = d.pop("alert_id")

        attempts = d.pop("attempts")

        id = d.pop("id")

        status = d.pop("status")

        updated_at = d.pop("updated_at")

        webhook_id = d.pop("webhook_id")

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))


        def _parse_next_attempt_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at", UNSET))


        delivery_view = cls(
            alert_id=alert_id,
            attempts=attempts,
            id=id,
            status=status,
            updated_at=updated_at,
            webhook_id=webhook_id,
            last_error=last_error,
            next_attempt_at=next_attempt_at,
        )


        delivery_view.additional_properties = d
        return delivery_view

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
