from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MessageFields")



@_attrs_define
class MessageFields:
    """ The fields of a message every view shares.

        Attributes:
            ack_required (bool):
            body (str): Markdown.
            created_at (str):
            from_ (str):
            from_id (str):
            from_type (str):
            id (str):
            importance (str): low, normal, high or urgent.
            payload (Any): Any JSON value.
            project (str):
            subject (str):
            thread_id (str):
            type_ (str): task_handoff, status_update, data_request, data_response, escalation, notification, chat.
            reply_to (None | str | Unset):
            topic (None | str | Unset):
     """

    ack_required: bool
    body: str
    created_at: str
    from_: str
    from_id: str
    from_type: str
    id: str
    importance: str
    payload: Any
    project: str
    subject: str
    thread_id: str
    type_: str
    reply_to: None | str | Unset = UNSET
    topic: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        ack_required = self.ack_required

        body = self.body

        created_at = self.created_at

        from_ = self.from_

        from_id = self.from_id

        from_type = self.from_type

        id = self.id

        importance = self.importance

        payload = self.payload

        project = self.project

        subject = self.subject

        thread_id = self.thread_id

        type_ = self.type_

        reply_to: None | str | Unset
        if isinstance(self.reply_to, Unset):
            reply_to = UNSET
        else:
            reply_to = self.reply_to

        topic: None | str | Unset
        if isinstance(self.topic, Unset):
            topic = UNSET
        else:
            topic = self.topic


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "ack_required": ack_required,
            "body": body,
            "created_at": created_at,
            "from": from_,
            "from_id": from_id,
            "from_type": from_type,
            "id": id,
            "importance": importance,
            "payload": payload,
            "project": project,
            "subject": subject,
            "thread_id": thread_id,
            "type": type_,
        })
        if reply_to is not UNSET:
            field_dict["reply_to"] = reply_to
        if topic is not UNSET:
            field_dict["topic"] = topic

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ack_required = d.pop("ack_required")

        body = d.pop("body")

        created_at = d.pop("created_at")

        from_ = d.pop("from")

        from_id = d.pop("from_id")

        from_type = d.pop("from_type")

        id = d.pop("id")

        importance = d.pop("importance")

        payload = d.pop("payload")

        project = d.pop("project")

        subject = d.pop("subject")

        thread_id = d.pop("thread_id")

        type_ = d.pop("type")

        def _parse_reply_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reply_to = _parse_reply_to(d.pop("reply_to", UNSET))


        def _parse_topic(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        topic = _parse_topic(d.pop("topic", UNSET))


        message_fields = cls(
            ack_required=ack_required,
            body=body,
            created_at=created_at,
            from_=from_,
            from_id=from_id,
            from_type=from_type,
            id=id,
            importance=importance,
            payload=payload,
            project=project,
            subject=subject,
            thread_id=thread_id,
            type_=type_,
            reply_to=reply_to,
            topic=topic,
        )


        message_fields.additional_properties = d
        return message_fields

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
