from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.inbox import Inbox
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    unread_only: bool | Unset = UNSET,
    since: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    wait_seconds: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["unread_only"] = unread_only

    params["since"] = since

    params["limit"] = limit

    params["wait_seconds"] = wait_seconds


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/inbox",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Inbox | Problem | None:
    if response.status_code == 200:
        response_200 = Inbox.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Inbox | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    unread_only: bool | Unset = UNSET,
    since: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    wait_seconds: int | Unset = UNSET,

) -> Response[Inbox | Problem]:
    """ The calling agent's inbox, oldest first. Fetching marks messages `delivered`, never `read`.

    Args:
        unread_only (bool | Unset):
        since (str | Unset):
        limit (int | Unset):
        wait_seconds (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Inbox | Problem]
     """


    kwargs = _get_kwargs(
        unread_only=unread_only,
since=since,
limit=limit,
wait_seconds=wait_seconds,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    unread_only: bool | Unset = UNSET,
    since: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    wait_seconds: int | Unset = UNSET,

) -> Inbox | Problem | None:
    """ The calling agent's inbox, oldest first. Fetching marks messages `delivered`, never `read`.

    Args:
        unread_only (bool | Unset):
        since (str | Unset):
        limit (int | Unset):
        wait_seconds (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Inbox | Problem
     """


    return sync_detailed(
        client=client,
unread_only=unread_only,
since=since,
limit=limit,
wait_seconds=wait_seconds,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    unread_only: bool | Unset = UNSET,
    since: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    wait_seconds: int | Unset = UNSET,

) -> Response[Inbox | Problem]:
    """ The calling agent's inbox, oldest first. Fetching marks messages `delivered`, never `read`.

    Args:
        unread_only (bool | Unset):
        since (str | Unset):
        limit (int | Unset):
        wait_seconds (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Inbox | Problem]
     """


    kwargs = _get_kwargs(
        unread_only=unread_only,
since=since,
limit=limit,
wait_seconds=wait_seconds,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    unread_only: bool | Unset = UNSET,
    since: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    wait_seconds: int | Unset = UNSET,

) -> Inbox | Problem | None:
    """ The calling agent's inbox, oldest first. Fetching marks messages `delivered`, never `read`.

    Args:
        unread_only (bool | Unset):
        since (str | Unset):
        limit (int | Unset):
        wait_seconds (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Inbox | Problem
     """


    return (await asyncio_detailed(
        client=client,
unread_only=unread_only,
since=since,
limit=limit,
wait_seconds=wait_seconds,

    )).parsed
