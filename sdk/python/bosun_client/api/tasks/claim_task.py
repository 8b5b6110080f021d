from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.claim_body import ClaimBody
from ...models.claim_view import ClaimView
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: ClaimBody,
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
        "url": "/api/v1/tasks/claim",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ClaimView | Problem | None:
    if response.status_code == 200:
        response_200 = ClaimView.from_dict(response.json())



        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 402:
        response_402 = Problem.from_dict(response.json())



        return response_402

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ClaimView | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Response[Any | ClaimView | Problem]:
    """ Claim the best ready task this agent can do (priority, then submission order). 204 when none.
    A task that declared an `estimate` is claimed only with room on the budgets (402 otherwise).

    Args:
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ClaimView | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Any | ClaimView | Problem | None:
    """ Claim the best ready task this agent can do (priority, then submission order). 204 when none.
    A task that declared an `estimate` is claimed only with room on the budgets (402 otherwise).

    Args:
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ClaimView | Problem
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Response[Any | ClaimView | Problem]:
    """ Claim the best ready task this agent can do (priority, then submission order). 204 when none.
    A task that declared an `estimate` is claimed only with room on the budgets (402 otherwise).

    Args:
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ClaimView | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    idempotency_key: str | Unset = UNSET,
    bosun_gate_token: str | Unset = UNSET,

) -> Any | ClaimView | Problem | None:
    """ Claim the best ready task this agent can do (priority, then submission order). 204 when none.
    A task that declared an `estimate` is claimed only with room on the budgets (402 otherwise).

    Args:
        idempotency_key (str | Unset):
        bosun_gate_token (str | Unset):
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ClaimView | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,
bosun_gate_token=bosun_gate_token,

    )).parsed
