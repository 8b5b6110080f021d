from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.delivery_view import DeliveryView





T = TypeVar("T", bound="AlertView")



@_attrs_define
class AlertView:
    """ A security alert.

        Attributes:
            count (int): Matching events: those that fired it and those suppressed in its window.
            created_at (str):
            deliveries (list[DeliveryView]): Its delivery to each webhook.
            group (str): The values of the rule's group_by fields, joined with `|`.
            id (str):
            rule (str):
            severity (str): warning or critical.
            status (str): open, acknowledged or resolved.
            title (str):
            updated_at (str):
            acknowledged_by (None | str | Unset):
            first_seq (int | None | Unset): The audit seq of the event that fired it (none for failed authentications).
            resolved_by (None | str | Unset):
     """

    count: int
    created_at: str
    deliveries: list[DeliveryView]
    group: str
    id: str
    rule: str
    severity: str
    status: str
    title: str
    updated_at: str
    acknowledged_by: None | str | Unset = UNSET
    first_seq: int | None | Unset = UNSET
    resolved_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery_view import DeliveryView # noqa: PLC0415
        count = self.count

        created_at = self.created_at

        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)



        group = self.group

        id = self.id

        rule = self.rule

        severity = self.severity

        status = self.status

        title = self.title

        updated_at = self.updated_at

        acknowledged_by: None | str | Unset
        if isinstance(self.acknowledged_by, Unset):
            acknowledged_by = UNSET
        else:
            acknowledged_by = self.acknowledged_by

        first_seq: int | None | Unset
        if isinstance(self.first_seq, Unset):
            first_seq = UNSET
        else:
            first_seq = self.first_seq

        resolved_by: None | str | Unset
        if isinstance(self.resolved_by, Unset):
            resolved_by = UNSET
        else:
            resolved_by = self.resolved_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "count": count,
            "created_at": created_at,
            "deliveries": deliveries,
            "group": group,
            "id": id,
            "rule": rule,
            "severity": severity,
            "status": status,
            "title": title,
            "updated_at": updated_at,
        })
        if acknowledged_by is not UNSET:
            field_dict["acknowledged_by"] = acknowledged_by
        if first_seq is not UNSET:
            field_dict["first_seq"] = first_seq
        if resolved_by is not UNSET:
            field_dict["resolved_by"] = resolved_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_view import DeliveryView # noqa: PLC0415
        d = dict(src_dict)
        count = d.pop("count")

        created_at = d.pop("created_at")

        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in (_deliveries):
            deliveries_item = DeliveryView.from_dict(deliveries_item_data)



            deliveries.append(deliveries_item)


        group = d.pop("group")

        id = d.pop("id")

        rule = d.pop("rule")

        severity = d.pop("severity")

        status = d.pop("status")

        title = d.pop("title")

        updated_at = d.pop("updated_at")

        def _parse_acknowledged_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        acknowledged_by = _parse_acknowledged_by(d.pop("acknowledged_by", UNSET))


        def _parse_first_seq(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        first_seq = _parse_first_seq(d.pop("first_seq", UNSET))


        def _parse_resolved_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by", UNSET))


        alert_view = cls(
            count=count,
            created_at=created_at,
            deliveries=deliveries,
            group=group,
            id=id,
            rule=rule,
            severity=severity,
            status=status,
            title=title,
            updated_at=updated_at,
            acknowledged_by=acknowledged_by,
            first_seq=first_seq,
            resolved_by=resolved_by,
        )


        alert_view.additional_properties = d
        return alert_view

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
