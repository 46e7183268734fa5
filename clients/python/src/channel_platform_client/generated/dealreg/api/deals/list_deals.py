import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deal_page import DealPage
from ...models.list_deals_stage_type_0 import (
    ListDealsStageType0,
)
from ...models.list_deals_status_type_0 import (
    ListDealsStatusType0,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ListDealsStatusType0 | None | Unset = UNSET,
    stage: ListDealsStageType0 | None | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    vendor_id: None | str | Unset = UNSET,
    updated_after: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, str):
        json_status = status
    else:
        json_status = status
    params["status"] = json_status

    json_stage: None | str | Unset
    if isinstance(stage, Unset):
        json_stage = UNSET
    elif isinstance(stage, str):
        json_stage = stage
    else:
        json_stage = stage
    params["stage"] = json_stage

    json_partner_id: None | str | Unset
    if isinstance(partner_id, Unset):
        json_partner_id = UNSET
    else:
        json_partner_id = partner_id
    params["partner_id"] = json_partner_id

    json_vendor_id: None | str | Unset
    if isinstance(vendor_id, Unset):
        json_vendor_id = UNSET
    else:
        json_vendor_id = vendor_id
    params["vendor_id"] = json_vendor_id

    json_updated_after: None | str | Unset
    if isinstance(updated_after, Unset):
        json_updated_after = UNSET
    elif isinstance(updated_after, datetime.datetime):
        json_updated_after = updated_after.isoformat()
    else:
        json_updated_after = updated_after
    params["updated_after"] = json_updated_after

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
        "url": "/v1/deals",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DealPage | Problem | None:
    if response.status_code == 200:
        response_200 = DealPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DealPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ListDealsStatusType0 | None | Unset = UNSET,
    stage: ListDealsStageType0 | None | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    vendor_id: None | str | Unset = UNSET,
    updated_after: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[DealPage | Problem]:
    """List Deals

    Args:
        status (ListDealsStatusType0 | None | Unset):
        stage (ListDealsStageType0 | None | Unset):
        partner_id (None | str | Unset):
        vendor_id (None | str | Unset):
        updated_after (datetime.datetime | None | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DealPage | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        stage=stage,
        partner_id=partner_id,
        vendor_id=vendor_id,
        updated_after=updated_after,
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
    status: ListDealsStatusType0 | None | Unset = UNSET,
    stage: ListDealsStageType0 | None | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    vendor_id: None | str | Unset = UNSET,
    updated_after: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> DealPage | Problem | None:
    """List Deals

    Args:
        status (ListDealsStatusType0 | None | Unset):
        stage (ListDealsStageType0 | None | Unset):
        partner_id (None | str | Unset):
        vendor_id (None | str | Unset):
        updated_after (datetime.datetime | None | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DealPage | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        stage=stage,
        partner_id=partner_id,
        vendor_id=vendor_id,
        updated_after=updated_after,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ListDealsStatusType0 | None | Unset = UNSET,
    stage: ListDealsStageType0 | None | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    vendor_id: None | str | Unset = UNSET,
    updated_after: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[DealPage | Problem]:
    """List Deals

    Args:
        status (ListDealsStatusType0 | None | Unset):
        stage (ListDealsStageType0 | None | Unset):
        partner_id (None | str | Unset):
        vendor_id (None | str | Unset):
        updated_after (datetime.datetime | None | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DealPage | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        stage=stage,
        partner_id=partner_id,
        vendor_id=vendor_id,
        updated_after=updated_after,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ListDealsStatusType0 | None | Unset = UNSET,
    stage: ListDealsStageType0 | None | Unset = UNSET,
    partner_id: None | str | Unset = UNSET,
    vendor_id: None | str | Unset = UNSET,
    updated_after: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> DealPage | Problem | None:
    """List Deals

    Args:
        status (ListDealsStatusType0 | None | Unset):
        stage (ListDealsStageType0 | None | Unset):
        partner_id (None | str | Unset):
        vendor_id (None | str | Unset):
        updated_after (datetime.datetime | None | Unset):
        limit (int | Unset): Page size (default 50, at most 500). Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DealPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            stage=stage,
            partner_id=partner_id,
            vendor_id=vendor_id,
            updated_after=updated_after,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
