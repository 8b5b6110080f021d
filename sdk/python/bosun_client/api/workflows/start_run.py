from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.start_run_body import StartRunBody
from ...models.workflow_run_view import WorkflowRunView
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: StartRunBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(bosun_gate_token, Unset):
        headers["Bosun-Gate-Token"] = bosun_gate_token



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workflows/{name}/runs".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | WorkflowRunView | None:
    if response.status_code == 202:
        response_202 = WorkflowRunView.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())



        return response_415

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | WorkflowRunView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartRunBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Response[Problem | WorkflowRunView]:
    """ Start a run: its first tasks are queued at once and it advances as they end (202 with the
    run). Workers claim its tasks like any other; a check step's task needs a worker that runs
    checks (`bosun worker --run-checks`).

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (StartRunBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkflowRunView]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartRunBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Problem | WorkflowRunView | None:
    """ Start a run: its first tasks are queued at once and it advances as they end (202 with the
    run). Workers claim its tasks like any other; a check step's task needs a worker that runs
    checks (`bosun worker --run-checks`).

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (StartRunBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkflowRunView
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartRunBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Response[Problem | WorkflowRunView]:
    """ Start a run: its first tasks are queued at once and it advances as they end (202 with the
    run). Workers claim its tasks like any other; a check step's task needs a worker that runs
    checks (`bosun worker --run-checks`).

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (StartRunBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkflowRunView]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: StartRunBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Problem | WorkflowRunView | None:
    """ Start a run: its first tasks are queued at once and it advances as they end (202 with the
    run). Workers claim its tasks like any other; a check step's task needs a worker that runs
    checks (`bosun worker --run-checks`).

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (StartRunBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkflowRunView
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )).parsed
