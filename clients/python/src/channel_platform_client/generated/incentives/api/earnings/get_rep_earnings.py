from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.earnings_out import EarningsOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    rep_id: str,
    *,
    period: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reps/{rep_id}/earnings".format(
            rep_id=quote(str(rep_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EarningsOut | Problem | None:
    if response.status_code == 200:
        response_200 = EarningsOut.from_dict(response.json())

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
) -> Response[EarningsOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    rep_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Response[EarningsOut | Problem]:
    """Get Rep Earnings

     The rep's statement. Currencies are never added: with several and no `?currency=`, the
    top-level figures are null and `by_currency` holds each; `by_currency` is always there.

    A rep the caller cannot see and a rep that does not exist get the same 404.

    Args:
        rep_id (str):
        period (None | str | Unset): A quarter, e.g. 2026Q4
        currency (None | str | Unset): Only this currency's rewards (ISO 4217).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EarningsOut | Problem]
    """

    kwargs = _get_kwargs(
        rep_id=rep_id,
        period=period,
        currency=currency,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    rep_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> EarningsOut | Problem | None:
    """Get Rep Earnings

     The rep's statement. Currencies are never added: with several and no `?currency=`, the
    top-level figures are null and `by_currency` holds each; `by_currency` is always there.

    A rep the caller cannot see and a rep that does not exist get the same 404.

    Args:
        rep_id (str):
        period (None | str | Unset): A quarter, e.g. 2026Q4
        currency (None | str | Unset): Only this currency's rewards (ISO 4217).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EarningsOut | Problem
    """

    return sync_detailed(
        rep_id=rep_id,
        client=client,
        period=period,
        currency=currency,
    ).parsed


async def asyncio_detailed(
    rep_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Response[EarningsOut | Problem]:
    """Get Rep Earnings

     The rep's statement. Currencies are never added: with several and no `?currency=`, the
    top-level figures are null and `by_currency` holds each; `by_currency` is always there.

    A rep the caller cannot see and a rep that does not exist get the same 404.

    Args:
        rep_id (str):
        period (None | str | Unset): A quarter, e.g. 2026Q4
        currency (None | str | Unset): Only this currency's rewards (ISO 4217).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EarningsOut | Problem]
    """

    kwargs = _get_kwargs(
        rep_id=rep_id,
        period=period,
        currency=currency,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    rep_id: str,
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> EarningsOut | Problem | None:
    """Get Rep Earnings

     The rep's statement. Currencies are never added: with several and no `?currency=`, the
    top-level figures are null and `by_currency` holds each; `by_currency` is always there.

    A rep the caller cannot see and a rep that does not exist get the same 404.

    Args:
        rep_id (str):
        period (None | str | Unset): A quarter, e.g. 2026Q4
        currency (None | str | Unset): Only this currency's rewards (ISO 4217).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EarningsOut | Problem
    """

    return (
        await asyncio_detailed(
            rep_id=rep_id,
            client=client,
            period=period,
            currency=currency,
        )
    ).parsed
