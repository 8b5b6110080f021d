from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TaskView")



@_attrs_define
class TaskView:
    """ 
        Attributes:
            attempts (int):
            created_at (str):
            created_by (str):
            depends_on (list[str]):
            description (str):
            fence (int): The current fence: grows by one on every claim.
            id (str):
            max_attempts (int):
            payload (Any): Any JSON value.
            priority (int):
            project (str):
            required_capabilities (list[str]):
            scope (list[str]): Lock keys held with the current lease.
            status (str): blocked, ready, leased, succeeded, failed (waiting to retry), dead or cancelled.
            title (str):
            updated_at (str):
            assignee (None | str | Unset):
            deadline_at (None | str | Unset):
            error (None | str | Unset):
            idempotency_key (None | str | Unset):
            lease_expires_at (None | str | Unset):
            result (Any | Unset): Any JSON value.
            retry_at (None | str | Unset): When a failed task becomes ready again.
     """

    attempts: int
    created_at: str
    created_by: str
    depends_on: list[str]
    description: str
    fence: int
    id: str
    max_attempts: int
    payload: Any
    priority: int
    project: str
    required_capabilities: list[str]
    scope: list[str]
    status: str
    title: str
    updated_at: str
    assignee: None | str | Unset = UNSET
    deadline_at: None | str | Unset = UNSET
    error: None | str | Unset = UNSET
    idempotency_key: None | str | Unset = UNSET
    lease_expires_at: None | str | Unset = UNSET
    result: Any | Unset = UNSET
    retry_at: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        created_at = self.created_at

        created_by = self.created_by

        depends_on = self.depends_on



        description = self.description

        fence = self.fence

        id = self.id

        max_attempts = self.max_attempts

        payload = self.payload

        priority = self.priority

        project = self.project

        required_capabilities = self.required_capabilities



        scope = self.scope



        status = self.status

        title = self.title

        updated_at = self.updated_at

        assignee: None | str | Unset
        if isinstance(self.assignee, Unset):
            assignee = UNSET
        else:
            assignee = self.assignee

        deadline_at: None | str | Unset
        if isinstance(self.deadline_at, Unset):
            deadline_at = UNSET
        else:
            deadline_at = self.deadline_at

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        idempotency_key: None | str | Unset
        if isinstance(self.idempotency_key, Unset):
            idempotency_key = UNSET
        else:
            idempotency_key = self.idempotency_key

        lease_expires_at: None | str | Unset
        if isinstance(self.lease_expires_at, Unset):
            lease_expires_at = UNSET
        else:
            lease_expires_at = self.lease_expires_at

        result = self.result

        retry_at: None | str | Unset
        if isinstance(self.retry_at, Unset):
            retry_at = UNSET
        else:
            retry_at = self.retry_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "created_at": created_at,
            "created_by": created_by,
            "depends_on": depends_on,
            "description": description,
            "fence": fence,
            "id": id,
            "max_attempts": max_attempts,
            "payload": payload,
            "priority": priority,
            "project": project,
            "required_capabilities": required_capabilities,
            "scope": scope,
            "status": status,
            "title": title,
            "updated_at": updated_at,
        })
        if assignee is not UNSET:
            field_dict["assignee"] = assignee
        if deadline_at is not UNSET:
            field_dict["deadline_at"] = deadline_at
        if error is not UNSET:
            field_dict["error"] = error
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key
        if lease_expires_at is not UNSET:
            field_dict["lease_expires_at"] = lease_expires_at
        if result is not UNSET:
            field_dict["result"] = result
        if retry_at is not UNSET:
            field_dict["retry_at"] = retry_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        created_at = d.pop("created_at")

        created_by = d.pop("created_by")

        depends_on = cast(list[str], d.pop("depends_on"))


        description = d.pop("description")

        fence = d.pop("fence")

        id = d.pop("id")

        max_attempts = d.pop("max_attempts")

        payload = d.pop("payload")

        priority = d.pop("priority")

        project = d.pop("project")

        required_capabilities = cast(list[str], d.pop("required_capabilities"))


        scope = cast(list[str], d.pop("scope"))


        status = d.pop("status")

        title = d.pop("title")

        updated_at = d.pop("updated_at")

        def _parse_assignee(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        assignee = _parse_assignee(d.pop("assignee", UNSET))


        def _parse_deadline_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        deadline_at = _parse_deadline_at(d.pop("deadline_at", UNSET))


        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        def _parse_idempotency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotency_key", UNSET))


        def _parse_lease_expires_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lease_expires_at = _parse_lease_expires_at(d.pop("lease_expires_at", UNSET))


        result = d.pop("result", UNSET)

        def _parse_retry_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        retry_at = _parse_retry_at(d.pop("retry_at", UNSET))


        task_view = cls(
            attempts=attempts,
            created_at=created_at,
            created_by=created_by,
            depends_on=depends_on,
            description=description,
            fence=fence,
            id=id,
            max_attempts=max_attempts,
            payload=payload,
            priority=priority,
            project=project,
            required_capabilities=required_capabilities,
            scope=scope,
            status=status,
            title=title,
            updated_at=updated_at,
            assignee=assignee,
            deadline_at=deadline_at,
            error=error,
            idempotency_key=idempotency_key,
            lease_expires_at=lease_expires_at,
            result=result,
            retry_at=retry_at,
        )


        task_view.additional_properties = d
        return task_view

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
