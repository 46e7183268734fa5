from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.plan_in import PlanIn
from ...models.plan_out import PlanOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    partner_id: str,
    period: str,
    *,
    body: PlanIn,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/plans/{partner_id}/{period}".format(
            partner_id=quote(str(partner_id), safe=""),
            period=quote(str(period), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
    body: PlanIn,
    if_match: None | str | Unset = UNSET,
) -> Response[PlanOut | Problem]:
    """Put Plan

     Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived.

    Args:
        partner_id (str):
        period (str):
        if_match (None | str | Unset): The version you last read; 412 if it is no longer current.
        body (PlanIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanOut | Problem]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        period=period,
        body=body,
        if_match=if_match,
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
    body: PlanIn,
    if_match: None | str | Unset = UNSET,
) -> PlanOut | Problem | None:
    """Put Plan

     Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived.

    Args:
        partner_id (str):
        period (str):
        if_match (None | str | Unset): The version you last read; 412 if it is no longer current.
        body (PlanIn):

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
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    partner_id: str,
    period: str,
    *,
    client: AuthenticatedClient,
    body: PlanIn,
    if_match: None | str | Unset = UNSET,
) -> Response[PlanOut | Problem]:
    """Put Plan

     Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived.

    Args:
        partner_id (str):
        period (str):
        if_match (None | str | Unset): The version you last read; 412 if it is no longer current.
        body (PlanIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PlanOut | Problem]
    """

    kwargs = _get_kwargs(
        partner_id=partner_id,
        period=period,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    partner_id: str,
    period: str,
    *,
    client: AuthenticatedClient,
    body: PlanIn,
    if_match: None | str | Unset = UNSET,
) -> PlanOut | Problem | None:
    """Put Plan

     Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived.

    Args:
        partner_id (str):
        period (str):
        if_match (None | str | Unset): The version you last read; 412 if it is no longer current.
        body (PlanIn):

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
            body=body,
            if_match=if_match,
        )
    ).parsed
