from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.recall_view import RecallView
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    q: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    min_relevance: float | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["q"] = q

    params["tags"] = tags

    params["event_type"] = event_type

    params["project"] = project

    params["limit"] = limit

    params["min_relevance"] = min_relevance


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/memory/recall",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RecallView | None:
    if response.status_code == 200:
        response_200 = RecallView.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RecallView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    min_relevance: float | Unset = UNSET,

) -> Response[Problem | RecallView]:
    """ Recall the memories most relevant to a question, best first, each with its `relevance`
    (0–1) and the parts it came from. `mode` says whether vectors were used; `note` says why not.

    Args:
        q (str | Unset):
        tags (str | Unset):
        event_type (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        min_relevance (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecallView]
     """


    kwargs = _get_kwargs(
        q=q,
tags=tags,
event_type=event_type,
project=project,
limit=limit,
min_relevance=min_relevance,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    min_relevance: float | Unset = UNSET,

) -> Problem | RecallView | None:
    """ Recall the memories most relevant to a question, best first, each with its `relevance`
    (0–1) and the parts it came from. `mode` says whether vectors were used; `note` says why not.

    Args:
        q (str | Unset):
        tags (str | Unset):
        event_type (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        min_relevance (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecallView
     """


    return sync_detailed(
        client=client,
q=q,
tags=tags,
event_type=event_type,
project=project,
limit=limit,
min_relevance=min_relevance,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    min_relevance: float | Unset = UNSET,

) -> Response[Problem | RecallView]:
    """ Recall the memories most relevant to a question, best first, each with its `relevance`
    (0–1) and the parts it came from. `mode` says whether vectors were used; `note` says why not.

    Args:
        q (str | Unset):
        tags (str | Unset):
        event_type (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        min_relevance (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecallView]
     """


    kwargs = _get_kwargs(
        q=q,
tags=tags,
event_type=event_type,
project=project,
limit=limit,
min_relevance=min_relevance,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: str | Unset = UNSET,
    tags: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    project: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    min_relevance: float | Unset = UNSET,

) -> Problem | RecallView | None:
    """ Recall the memories most relevant to a question, best first, each with its `relevance`
    (0–1) and the parts it came from. `mode` says whether vectors were used; `note` says why not.

    Args:
        q (str | Unset):
        tags (str | Unset):
        event_type (str | Unset):
        project (str | Unset):
        limit (int | Unset):
        min_relevance (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecallView
     """


    return (await asyncio_detailed(
        client=client,
q=q,
tags=tags,
event_type=event_type,
project=project,
limit=limit,
min_relevance=min_relevance,

    )).parsed
