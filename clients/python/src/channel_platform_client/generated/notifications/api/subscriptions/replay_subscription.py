from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.replay_out import ReplayOut
from ...models.replay_request import ReplayRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    subscription_id: str,
    *,
    body: ReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/subscriptions/{subscription_id}/replay".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ReplayOut | None:
    if response.status_code == 202:
        response_202 = ReplayOut.from_dict(response.json())

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

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ReplayOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | ReplayOut]:
    """Replay Subscription

     Queue again every event since `since` that the subscription receives (its event types, its owner's
    tenancy), in the order they arrived; a deal's events are sent one after another, behind any of that
    deal's deliveries still pending. At most WEBHOOK_REPLAY_MAX events (10,000 by default) at once: a
    larger range is 422 with its `count` and queues nothing (choose a later `since`).

    Args:
        subscription_id (str):
        idempotency_key (str | Unset):
        body (ReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayOut]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Problem | ReplayOut | None:
    """Replay Subscription

     Queue again every event since `since` that the subscription receives (its event types, its owner's
    tenancy), in the order they arrived; a deal's events are sent one after another, behind any of that
    deal's deliveries still pending. At most WEBHOOK_REPLAY_MAX events (10,000 by default) at once: a
    larger range is 422 with its `count` and queues nothing (choose a later `since`).

    Args:
        subscription_id (str):
        idempotency_key (str | Unset):
        body (ReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayOut
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | ReplayOut]:
    """Replay Subscription

     Queue again every event since `since` that the subscription receives (its event types, its owner's
    tenancy), in the order they arrived; a deal's events are sent one after another, behind any of that
    deal's deliveries still pending. At most WEBHOOK_REPLAY_MAX events (10,000 by default) at once: a
    larger range is 422 with its `count` and queues nothing (choose a later `since`).

    Args:
        subscription_id (str):
        idempotency_key (str | Unset):
        body (ReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayOut]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Problem | ReplayOut | None:
    """Replay Subscription

     Queue again every event since `since` that the subscription receives (its event types, its owner's
    tenancy), in the order they arrived; a deal's events are sent one after another, behind any of that
    deal's deliveries still pending. At most WEBHOOK_REPLAY_MAX events (10,000 by default) at once: a
    larger range is 422 with its `count` and queues nothing (choose a later `since`).

    Args:
        subscription_id (str):
        idempotency_key (str | Unset):
        body (ReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayOut
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
