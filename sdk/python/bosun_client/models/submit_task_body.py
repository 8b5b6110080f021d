from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.amount_body import AmountBody





T = TypeVar("T", bound="SubmitTaskBody")



@_attrs_define
class SubmitTaskBody:
    """ 
        Attributes:
            title (str):  Example: Add pagination to /users.
            deadline_at (None | str | Unset):
            depends_on (list[str] | Unset): Task ids (or, in a batch, refs) that must succeed first.
            description (str | Unset):
            estimate (AmountBody | None | Unset):
            idempotency_key (None | str | Unset): Submitting again with the same key returns the original task (200).
            max_attempts (int | Unset):
            payload (Any | Unset): Any JSON value.
            priority (int | Unset): 0–10, 10 highest (default 5).
            project (str | Unset):
            ref (None | str | Unset): In a batch: a name other tasks of the batch use in `depends_on`.
            required_capabilities (list[str] | Unset):
     """

    title: str
    deadline_at: None | str | Unset = UNSET
    depends_on: list[str] | Unset = UNSET
    description: str | Unset = UNSET
    estimate: AmountBody | None | Unset = UNSET
    idempotency_key: None | str | Unset = UNSET
    max_attempts: int | Unset = UNSET
    payload: Any | Unset = UNSET
    priority: int | Unset = UNSET
    project: str | Unset = UNSET
    ref: None | str | Unset = UNSET
    required_capabilities: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.amount_body import AmountBody # noqa: PLC0415
        title = self.title

        deadline_at: None | str | Unset
        if isinstance(self.deadline_at, Unset):
            deadline_at = UNSET
        else:
            deadline_at = self.deadline_at

        depends_on: list[str] | Unset = UNSET
        if not isinstance(self.depends_on, Unset):
            depends_on = self.depends_on



        description = self.description

        estimate: dict[str, Any] | None | Unset
        if isinstance(self.estimate, Unset):
            estimate = UNSET
        elif isinstance(self.estimate, AmountBody):
            estimate = self.estimate.to_dict()
        else:
            estimate = self.estimate

        idempotency_key: None | str | Unset
        if isinstance(self.idempotency_key, Unset):
            idempotency_key = UNSET
        else:
            idempotency_key = self.idempotency_key

        max_attempts = self.max_attempts

        payload = self.payload

        priority = self.priority

        project = self.project

        ref: None | str | Unset
        if isinstance(self.ref, Unset):
            ref = UNSET
        else:
            ref = self.ref

        required_capabilities: list[str] | Unset = UNSET
        if not isinstance(self.required_capabilities, Unset):
            required_capabilities = self.required_capabilities




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "title": title,
        })
        if deadline_at is not UNSET:
            field_dict["deadline_at"] = deadline_at
        if depends_on is not UNSET:
            field_dict["depends_on"] = depends_on
        if description is not UNSET:
            field_dict["description"] = description
        if estimate is not UNSET:
            field_dict["estimate"] = estimate
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if payload is not UNSET:
            field_dict["payload"] = payload
        if priority is not UNSET:
            field_dict["priority"] = priority
        if project is not UNSET:
            field_dict["project"] = project
        if ref is not UNSET:
            field_dict["ref"] = ref
        if required_capabilities is not UNSET:
            field_dict["required_capabilities"] = required_capabilities

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_body import AmountBody # noqa: PLC0415
        d = dict(src_dict)
        title = d.pop("title")

        def _parse_deadline_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        deadline_at = _parse_deadline_at(d.pop("deadline_at", UNSET))


        depends_on = cast(list[str], d.pop("depends_on", UNSET))


        description = d.pop("description", UNSET)

        def _parse_estimate(data: object) -> AmountBody | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                estimate_type_0 = AmountBody.from_dict(data)



                return estimate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AmountBody | None | Unset, data)

        estimate = _parse_estimate(d.pop("estimate", UNSET))


        def _parse_idempotency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotency_key", UNSET))


        max_attempts = d.pop("max_attempts", UNSET)

        payload = d.pop("payload", UNSET)

        priority = d.pop("priority", UNSET)

        project = d.pop("project", UNSET)

        def _parse_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ref = _parse_ref(d.pop("ref", UNSET))


        required_capabilities = cast(list[str], d.pop("required_capabilities", UNSET))


        submit_task_body = cls(
            title=title,
            deadline_at=deadline_at,
            depends_on=depends_on,
            description=description,
            estimate=estimate,
            idempotency_key=idempotency_key,
            max_attempts=max_attempts,
            payload=payload,
            priority=priority,
            project=project,
            ref=ref,
            required_capabilities=required_capabilities,
        )

        return submit_task_body

