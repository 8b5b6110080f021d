from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.workflow_template_stored import WorkflowTemplateStored
from ...models.workflow_text_body import WorkflowTextBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: WorkflowTextBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(bosun_gate_token, Unset):
        headers["Bosun-Gate-Token"] = bosun_gate_token



    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/workflows/{name}".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | WorkflowTemplateStored | None:
    if response.status_code == 200:
        response_200 = WorkflowTemplateStored.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = WorkflowTemplateStored.from_dict(response.json())



        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | WorkflowTemplateStored]:
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
    body: WorkflowTextBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Response[Problem | WorkflowTemplateStored]:
    """ Store a new version of the tenant's template (developers and above). The text is compiled
    first: a definition that does not compile (a cycle, an unknown step, an undeclared
    parameter, a loop without `max_iterations`…) is 422 `invalid_workflow` with its `line`.
    The same text as the latest version stores nothing (200, `created: false`). Runs keep the
    text they started with.

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (WorkflowTextBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkflowTemplateStored]
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
    body: WorkflowTextBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Problem | WorkflowTemplateStored | None:
    """ Store a new version of the tenant's template (developers and above). The text is compiled
    first: a definition that does not compile (a cycle, an unknown step, an undeclared
    parameter, a loop without `max_iterations`…) is 422 `invalid_workflow` with its `line`.
    The same text as the latest version stores nothing (200, `created: false`). Runs keep the
    text they started with.

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (WorkflowTextBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkflowTemplateStored
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
    body: WorkflowTextBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Response[Problem | WorkflowTemplateStored]:
    """ Store a new version of the tenant's template (developers and above). The text is compiled
    first: a definition that does not compile (a cycle, an unknown step, an undeclared
    parameter, a loop without `max_iterations`…) is 422 `invalid_workflow` with its `line`.
    The same text as the latest version stores nothing (200, `created: false`). Runs keep the
    text they started with.

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (WorkflowTextBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkflowTemplateStored]
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
    body: WorkflowTextBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Problem | WorkflowTemplateStored | None:
    """ Store a new version of the tenant's template (developers and above). The text is compiled
    first: a definition that does not compile (a cycle, an unknown step, an undeclared
    parameter, a loop without `max_iterations`…) is 422 `invalid_workflow` with its `line`.
    The same text as the latest version stores nothing (200, `created: false`). Runs keep the
    text they started with.

    Args:
        name (str):
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (WorkflowTextBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkflowTemplateStored
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )).parsed
