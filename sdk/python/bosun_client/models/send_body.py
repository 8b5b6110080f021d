from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SendBody")



@_attrs_define
class SendBody:
    """ 
        Attributes:
            ack_required (bool | Unset):
            body (str | Unset): Markdown.
            importance (str | Unset): low, normal (default), high or urgent.
            payload (Any | Unset): Any JSON value.
            project (str | Unset):
            reply_to (None | str | Unset): Reply to a message: joins its thread.
            subject (str | Unset):
            thread_id (None | str | Unset):
            to (list[str] | Unset): Agent names or ids.
            topic (None | str | Unset): Instead of `to`: every live agent of the tenant but you.
            type_ (str | Unset): task_handoff, status_update, data_request, data_response, escalation, notification, chat.
     """

    ack_required: bool | Unset = UNSET
    body: str | Unset = UNSET
    importance: str | Unset = UNSET
    payload: Any | Unset = UNSET
    project: str | Unset = UNSET
    reply_to: None | str | Unset = UNSET
    subject: str | Unset = UNSET
    thread_id: None | str | Unset = UNSET
    to: list[str] | Unset = UNSET
    topic: None | str | Unset = UNSET
    type_: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        ack_required = self.ack_required

        body = self.body

        importance = self.importance

        payload = self.payload

        project = self.project

        reply_to: None | str | Unset
        if isinstance(self.reply_to, Unset):
            reply_to = UNSET
        else:
            reply_to = self.reply_to

        subject = self.subject

        thread_id: None | str | Unset
        if isinstance(self.thread_id, Unset):
            thread_id = UNSET
        else:
            thread_id = self.thread_id

        to: list[str] | Unset = UNSET
        if not isinstance(self.to, Unset):
            to = self.to



        topic: None | str | Unset
        if isinstance(self.topic, Unset):
            topic = UNSET
        else:
            topic = self.topic

        type_ = self.type_


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if ack_required is not UNSET:
            field_dict["ack_required"] = ack_required
        if body is not UNSET:
            field_dict["body"] = body
        if importance is not UNSET:
            field_dict["importance"] = importance
        if payload is not UNSET:
            field_dict["payload"] = payload
        if project is not UNSET:
            field_dict["project"] = project
        if reply_to is not UNSET:
            field_dict["reply_to"] = reply_to
        if subject is not UNSET:
            field_dict["subject"] = subject
        if thread_id is not UNSET:
            field_dict["thread_id"] = thread_id
        if to is not UNSET:
            field_dict["to"] = to
        if topic is not UNSET:
            field_dict["topic"] = topic
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ack_required = d.pop("ack_required", UNSET)

        body = d.pop("body", UNSET)

        importance = d.pop("importance", UNSET)

        payload = d.pop("payload", UNSET)

        project = d.pop("project", UNSET)

        def _parse_reply_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reply_to = _parse_reply_to(d.pop("reply_to", UNSET))


        subject = d.pop("subject", UNSET)

        def _parse_thread_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thread_id = _parse_thread_id(d.pop("thread_id", UNSET))


        to = cast(list[str], d.pop("to", UNSET))


        def _parse_topic(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        topic = _parse_topic(d.pop("topic", UNSET))


        type_ = d.pop("type", UNSET)

        send_body = cls(
            ack_required=ack_required,
            body=body,
            importance=importance,
            payload=payload,
            project=project,
            reply_to=reply_to,
            subject=subject,
            thread_id=thread_id,
            to=to,
            topic=topic,
            type_=type_,
        )

        return send_body

