from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_event_schema_event_type import (
    GetEventSchemaEventType,
)
from ...models.get_event_schema_response_200 import GetEventSchemaResponse200
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    event_type: GetEventSchemaEventType,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/schemas/events/{event_type}.json".format(
            event_type=quote(str(event_type), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetEventSchemaResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = GetEventSchemaResponse200.from_dict(response.json())

        return response_200

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[GetEventSchemaResponse200 | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    event_type: GetEventSchemaEventType,
    *,
    client: AuthenticatedClient | Client,
) -> Response[GetEventSchemaResponse200 | Problem]:
    """The JSON Schema of an event type's data (public)

    Args:
        event_type (GetEventSchemaEventType): An event type this service produces

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetEventSchemaResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        event_type=event_type,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    event_type: GetEventSchemaEventType,
    *,
    client: AuthenticatedClient | Client,
) -> GetEventSchemaResponse200 | Problem | None:
    """The JSON Schema of an event type's data (public)

    Args:
        event_type (GetEventSchemaEventType): An event type this service produces

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetEventSchemaResponse200 | Problem
    """

    return sync_detailed(
        event_type=event_type,
        client=client,
    ).parsed


async def asyncio_detailed(
    event_type: GetEventSchemaEventType,
    *,
    client: AuthenticatedClient | Client,
) -> Response[GetEventSchemaResponse200 | Problem]:
    """The JSON Schema of an event type's data (public)

    Args:
        event_type (GetEventSchemaEventType): An event type this service produces

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetEventSchemaResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        event_type=event_type,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    event_type: GetEventSchemaEventType,
    *,
    client: AuthenticatedClient | Client,
) -> GetEventSchemaResponse200 | Problem | None:
    """The JSON Schema of an event type's data (public)

    Args:
        event_type (GetEventSchemaEventType): An event type this service produces

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetEventSchemaResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            event_type=event_type,
            client=client,
        )
    ).parsed
