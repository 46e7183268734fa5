from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_scorecards_sort import GetScorecardsSort
from ...models.problem import Problem
from ...models.scorecards_out import ScorecardsOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    vendor_id: str,
    period: None | str | Unset = UNSET,
    sort: GetScorecardsSort | Unset = "score",
    tier: int | None | Unset = UNSET,
    territory: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    channel_manager: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["vendor_id"] = vendor_id

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort

    params["sort"] = json_sort

    json_tier: int | None | Unset
    if isinstance(tier, Unset):
        json_tier = UNSET
    else:
        json_tier = tier
    params["tier"] = json_tier

    json_territory: None | str | Unset
    if isinstance(territory, Unset):
        json_territory = UNSET
    else:
        json_territory = territory
    params["territory"] = json_territory

    json_region: None | str | Unset
    if isinstance(region, Unset):
        json_region = UNSET
    else:
        json_region = region
    params["region"] = json_region

    json_channel_manager: None | str | Unset
    if isinstance(channel_manager, Unset):
        json_channel_manager = UNSET
    else:
        json_channel_manager = channel_manager
    params["channel_manager"] = json_channel_manager

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
        "url": "/v1/scorecards",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ScorecardsOut | None:
    if response.status_code == 200:
        response_200 = ScorecardsOut.from_dict(response.json())

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
) -> Response[Problem | ScorecardsOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
    sort: GetScorecardsSort | Unset = "score",
    tier: int | None | Unset = UNSET,
    territory: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    channel_manager: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | ScorecardsOut]:
    """Get Scorecards

     The vendor's partners ranked best first (an aggregator or partner sees only its own partners).

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).
        sort (GetScorecardsSort | Unset): score or a metric name; best first in its direction.
            Default: 'score'.
        tier (int | None | Unset):
        territory (None | str | Unset):
        region (None | str | Unset):
        channel_manager (None | str | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScorecardsOut]
    """

    kwargs = _get_kwargs(
        vendor_id=vendor_id,
        period=period,
        sort=sort,
        tier=tier,
        territory=territory,
        region=region,
        channel_manager=channel_manager,
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
    vendor_id: str,
    period: None | str | Unset = UNSET,
    sort: GetScorecardsSort | Unset = "score",
    tier: int | None | Unset = UNSET,
    territory: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    channel_manager: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Problem | ScorecardsOut | None:
    """Get Scorecards

     The vendor's partners ranked best first (an aggregator or partner sees only its own partners).

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).
        sort (GetScorecardsSort | Unset): score or a metric name; best first in its direction.
            Default: 'score'.
        tier (int | None | Unset):
        territory (None | str | Unset):
        region (None | str | Unset):
        channel_manager (None | str | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScorecardsOut
    """

    return sync_detailed(
        client=client,
        vendor_id=vendor_id,
        period=period,
        sort=sort,
        tier=tier,
        territory=territory,
        region=region,
        channel_manager=channel_manager,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
    sort: GetScorecardsSort | Unset = "score",
    tier: int | None | Unset = UNSET,
    territory: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    channel_manager: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | ScorecardsOut]:
    """Get Scorecards

     The vendor's partners ranked best first (an aggregator or partner sees only its own partners).

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).
        sort (GetScorecardsSort | Unset): score or a metric name; best first in its direction.
            Default: 'score'.
        tier (int | None | Unset):
        territory (None | str | Unset):
        region (None | str | Unset):
        channel_manager (None | str | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ScorecardsOut]
    """

    kwargs = _get_kwargs(
        vendor_id=vendor_id,
        period=period,
        sort=sort,
        tier=tier,
        territory=territory,
        region=region,
        channel_manager=channel_manager,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    vendor_id: str,
    period: None | str | Unset = UNSET,
    sort: GetScorecardsSort | Unset = "score",
    tier: int | None | Unset = UNSET,
    territory: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    channel_manager: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Problem | ScorecardsOut | None:
    """Get Scorecards

     The vendor's partners ranked best first (an aggregator or partner sees only its own partners).

    Args:
        vendor_id (str):
        period (None | str | Unset): A quarter such as 2026Q4 (default: the current one).
        sort (GetScorecardsSort | Unset): score or a metric name; best first in its direction.
            Default: 'score'.
        tier (int | None | Unset):
        territory (None | str | Unset):
        region (None | str | Unset):
        channel_manager (None | str | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset): next_cursor of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ScorecardsOut
    """

    return (
        await asyncio_detailed(
            client=client,
            vendor_id=vendor_id,
            period=period,
            sort=sort,
            tier=tier,
            territory=territory,
            region=region,
            channel_manager=channel_manager,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
