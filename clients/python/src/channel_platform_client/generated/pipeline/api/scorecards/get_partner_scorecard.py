from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.scorecard_out import ScorecardOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    partner_id: str,
    *,
    vendor_id: str,
    period: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["vendor_id"] = vendor_id

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/partners/{partner_id}/scorecard".format(
            partner_id=quote(str(partner_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ScorecardOut | None:
    if response.status_code == 200:
        response_200 = ScorecardOut.from_dict(response.json())

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
) -> Response[Problem | ScorecardOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
) -> Response[Problem | ScorecardOut]:
    """Get Partner Scorecard

     The partner's scorecard for the period; its peers (all the vendor's partners) appear only
    as percentiles and medians.

    Args:
        partner_id (str):
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScorecardOut]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        vendor_id=vendor_id,
        period=period,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
) -> Problem | ScorecardOut | None:
    """Get Partner Scorecard

     The partner's scorecard for the period; its peers (all the vendor's partners) appear only
    as percentiles and medians.

    Args:
        partner_id (str):
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScorecardOut
    """

    return sync_detailed(
        partner_id=partner_id,
        client=client,
        vendor_id=vendor_id,
        period=period,
    ).parsed


async def asyncio_detailed(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
) -> Response[Problem | ScorecardOut]:
    """Get Partner Scorecard

     The partner's scorecard for the period; its peers (all the vendor's partners) appear only
    as percentiles and medians.

    Args:
        partner_id (str):
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScorecardOut]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        vendor_id=vendor_id,
        period=period,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    partner_id: str,
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
) -> Problem | ScorecardOut | None:
    """Get Partner Scorecard

     The partner's scorecard for the period; its peers (all the vendor's partners) appear only
    as percentiles and medians.

    Args:
        partner_id (str):
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScorecardOut
    """

    return (
        await asyncio_detailed(
            partner_id=partner_id,
            client=client,
            vendor_id=vendor_id,
            period=period,
        )
    ).parsed
