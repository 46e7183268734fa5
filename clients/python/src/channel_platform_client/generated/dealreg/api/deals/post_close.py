from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.close_in import CloseIn
from ...models.deal_out import DealOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    deal_id: str,
    *,
    body: CloseIn,
    if_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/deals/{deal_id}/close".format(
            deal_id=quote(str(deal_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DealOut | Problem | None:
    if response.status_code == 200:
        response_200 = DealOut.from_dict(response.json())

        return response_200

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

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DealOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    deal_id: str,
    *,
    client: AuthenticatedClient,
    body: CloseIn,
    if_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[DealOut | Problem]:
    """Post Close

    Args:
        deal_id (str):
        if_match (None | str | Unset): The version you last read; 412 if stale.
        idempotency_key (str | Unset):
        body (CloseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DealOut | Problem]
    """

    kwargs = _get_kwargs(
        deal_id=deal_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    deal_id: str,
    *,
    client: AuthenticatedClient,
    body: CloseIn,
    if_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> DealOut | Problem | None:
    """Post Close

    Args:
        deal_id (str):
        if_match (None | str | Unset): The version you last read; 412 if stale.
        idempotency_key (str | Unset):
        body (CloseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DealOut | Problem
    """

    return sync_detailed(
        deal_id=deal_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    deal_id: str,
    *,
    client: AuthenticatedClient,
    body: CloseIn,
    if_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[DealOut | Problem]:
    """Post Close

    Args:
        deal_id (str):
        if_match (None | str | Unset): The version you last read; 412 if stale.
        idempotency_key (str | Unset):
        body (CloseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DealOut | Problem]
    """

    kwargs = _get_kwargs(
        deal_id=deal_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    deal_id: str,
    *,
    client: AuthenticatedClient,
    body: CloseIn,
    if_match: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> DealOut | Problem | None:
    """Post Close

    Args:
        deal_id (str):
        if_match (None | str | Unset): The version you last read; 412 if stale.
        idempotency_key (str | Unset):
        body (CloseIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DealOut | Problem
    """

    return (
        await asyncio_detailed(
            deal_id=deal_id,
            client=client,
            body=body,
            if_match=if_match,
            idempotency_key=idempotency_key,
        )
    ).parsed
