from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.audit_page import AuditPage
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: str | Unset = UNSET,
    severity: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: int | Unset = UNSET,
    format_: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["actor"] = actor

    params["action"] = action

    params["target"] = target

    params["outcome"] = outcome

    params["severity"] = severity

    params["from"] = from_

    params["to"] = to

    params["project"] = project

    params["limit"] = limit

    params["cursor"] = cursor

    params["format"] = format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditPage | Problem | None:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: str | Unset = UNSET,
    severity: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: int | Unset = UNSET,
    format_: str | Unset = UNSET,

) -> Response[AuditPage | Problem]:
    """ Query the caller's tenant's audit log, or stream an export of it.

    Args:
        actor (str | Unset):
        action (str | Unset):
        target (str | Unset):
        outcome (str | Unset):
        severity (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        cursor (int | Unset):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Problem]
     """


    kwargs = _get_kwargs(
        actor=actor,
action=action,
target=target,
outcome=outcome,
severity=severity,
from_=from_,
to=to,
project=project,
limit=limit,
cursor=cursor,
format_=format_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: str | Unset = UNSET,
    severity: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: int | Unset = UNSET,
    format_: str | Unset = UNSET,

) -> AuditPage | Problem | None:
    """ Query the caller's tenant's audit log, or stream an export of it.

    Args:
        actor (str | Unset):
        action (str | Unset):
        target (str | Unset):
        outcome (str | Unset):
        severity (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        cursor (int | Unset):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Problem
     """


    return sync_detailed(
        client=client,
actor=actor,
action=action,
target=target,
outcome=outcome,
severity=severity,
from_=from_,
to=to,
project=project,
limit=limit,
cursor=cursor,
format_=format_,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: str | Unset = UNSET,
    severity: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: int | Unset = UNSET,
    format_: str | Unset = UNSET,

) -> Response[AuditPage | Problem]:
    """ Query the caller's tenant's audit log, or stream an export of it.

    Args:
        actor (str | Unset):
        action (str | Unset):
        target (str | Unset):
        outcome (str | Unset):
        severity (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        cursor (int | Unset):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Problem]
     """


    kwargs = _get_kwargs(
        actor=actor,
action=action,
target=target,
outcome=outcome,
severity=severity,
from_=from_,
to=to,
project=project,
limit=limit,
cursor=cursor,
format_=format_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    actor: str | Unset = UNSET,
    action: str | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: str | Unset = UNSET,
    severity: str | Unset = UNSET,
    from_: str | Unset = UNSET,
    to: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: int | Unset = UNSET,
    format_: str | Unset = UNSET,

) -> AuditPage | Problem | None:
    """ Query the caller's tenant's audit log, or stream an export of it.

    Args:
        actor (str | Unset):
        action (str | Unset):
        target (str | Unset):
        outcome (str | Unset):
        severity (str | Unset):
        from_ (str | Unset):
        to (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        cursor (int | Unset):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Problem
     """


    return (await asyncio_detailed(
        client=client,
actor=actor,
action=action,
target=target,
outcome=outcome,
severity=severity,
from_=from_,
to=to,
project=project,
limit=limit,
cursor=cursor,
format_=format_,

    )).parsed
