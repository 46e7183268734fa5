from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.plan_out import PlanOut
from ...models.problem import Problem
from ...types import UNSET, Response


def _get_kwargs(
    partner_id: str,
    period: str,
    *,
    vendor_id: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["vendor_id"] = vendor_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/plans/{partner_id}/{period}".format(
            partner_id=quote(str(partner_id), safe=""),
            period=quote(str(period), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PlanOut | Problem | None:
    if response.status_code == 200:
        response_200 = PlanOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PlanOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    partner_id: str,
    period: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
) -> Response[PlanOut | Problem]:
    """Get Plan

    Args:
        partner_id (str):
        period (str):
        vendor_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanOut | Problem]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        period=period,
        vendor_id=vendor_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    partner_id: str,
    period: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
) -> PlanOut | Problem | None:
    """Get Plan

    Args:
        partner_id (str):
        period (str):
        vendor_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanOut | Problem
    """

    return sync_detailed(
        partner_id=partner_id,
        period=period,
        client=client,
        vendor_id=vendor_id,
    ).parsed


async def asyncio_detailed(
    partner_id: str,
    period: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
) -> Response[PlanOut | Problem]:
    """Get Plan

    Args:
        partner_id (str):
        period (str):
        vendor_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanOut | Problem]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        period=period,
        vendor_id=vendor_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    partner_id: str,
    period: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
) -> PlanOut | Problem | None:
    """Get Plan

    Args:
        partner_id (str):
        period (str):
        vendor_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PlanOut | Problem
    """

    return (
        await asyncio_detailed(
            partner_id=partner_id,
            period=period,
            client=client,
            vendor_id=vendor_id,
        )
    ).parsed
