from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.partner_activity_out import PartnerActivityOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    vendor_id: str,
    *,
    period: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/vendors/{vendor_id}/partner-activity".format(
            vendor_id=quote(str(vendor_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PartnerActivityOut | Problem | None:
    if response.status_code == 200:
        response_200 = PartnerActivityOut.from_dict(response.json())

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
) -> Response[PartnerActivityOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    vendor_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> Response[PartnerActivityOut | Problem]:
    """Get Partner Activity

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PartnerActivityOut | Problem]
    """

    kwargs = _get_kwargs(
        vendor_id=vendor_id,
        period=period,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    vendor_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> PartnerActivityOut | Problem | None:
    """Get Partner Activity

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PartnerActivityOut | Problem
    """

    return sync_detailed(
        vendor_id=vendor_id,
        client=client,
        period=period,
    ).parsed


async def asyncio_detailed(
    vendor_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> Response[PartnerActivityOut | Problem]:
    """Get Partner Activity

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PartnerActivityOut | Problem]
    """

    kwargs = _get_kwargs(
        vendor_id=vendor_id,
        period=period,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    vendor_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> PartnerActivityOut | Problem | None:
    """Get Partner Activity

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PartnerActivityOut | Problem
    """

    return (
        await asyncio_detailed(
            vendor_id=vendor_id,
            client=client,
            period=period,
        )
    ).parsed
