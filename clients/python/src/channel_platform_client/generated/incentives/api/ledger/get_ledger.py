from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.ledger_page import LedgerPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    rep_id: None | str | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    deal_id: None | str | Unset = UNSET,
    program_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_rep_id: None | str | Unset
    if isinstance(rep_id, Unset):
        json_rep_id = UNSET
    else:
        json_rep_id = rep_id
    params["rep_id"] = json_rep_id

    json_partner_id: None | str | Unset
    if isinstance(partner_id, Unset):
        json_partner_id = UNSET
    else:
        json_partner_id = partner_id
    params["partner_id"] = json_partner_id

    json_deal_id: None | str | Unset
    if isinstance(deal_id, Unset):
        json_deal_id = UNSET
    else:
        json_deal_id = deal_id
    params["deal_id"] = json_deal_id

    json_program_id: None | str | Unset
    if isinstance(program_id, Unset):
        json_program_id = UNSET
    else:
        json_program_id = program_id
    params["program_id"] = json_program_id

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/ledger",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LedgerPage | Problem | None:
    if response.status_code == 200:
        response_200 = LedgerPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[LedgerPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    rep_id: None | str | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    deal_id: None | str | Unset = UNSET,
    program_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[LedgerPage | Problem]:
    """Get Ledger

    Args:
        rep_id (None | str | Unset):
        partner_id (None | str | Unset):
        deal_id (None | str | Unset):
        program_id (None | str | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LedgerPage | Problem]
    """

    kwargs = _get_kwargs(
        rep_id=rep_id,
        partner_id=partner_id,
        deal_id=deal_id,
        program_id=program_id,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    rep_id: None | str | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    deal_id: None | str | Unset = UNSET,
    program_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> LedgerPage | Problem | None:
    """Get Ledger

    Args:
        rep_id (None | str | Unset):
        partner_id (None | str | Unset):
        deal_id (None | str | Unset):
        program_id (None | str | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LedgerPage | Problem
    """

    return sync_detailed(
        client=client,
        rep_id=rep_id,
        partner_id=partner_id,
        deal_id=deal_id,
        program_id=program_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    rep_id: None | str | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    deal_id: None | str | Unset = UNSET,
    program_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[LedgerPage | Problem]:
    """Get Ledger

    Args:
        rep_id (None | str | Unset):
        partner_id (None | str | Unset):
        deal_id (None | str | Unset):
        program_id (None | str | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LedgerPage | Problem]
    """

    kwargs = _get_kwargs(
        rep_id=rep_id,
        partner_id=partner_id,
        deal_id=deal_id,
        program_id=program_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    rep_id: None | str | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    deal_id: None | str | Unset = UNSET,
    program_id: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> LedgerPage | Problem | None:
    """Get Ledger

    Args:
        rep_id (None | str | Unset):
        partner_id (None | str | Unset):
        deal_id (None | str | Unset):
        program_id (None | str | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LedgerPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            rep_id=rep_id,
            partner_id=partner_id,
            deal_id=deal_id,
            program_id=program_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
