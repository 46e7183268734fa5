"""Migration 0003_money_pipeline on a database at the old head (0002): today's per-partner totals,
which added currencies together, become totals per currency; partners with deals are seeded as
enrolled (version 0), so their plans stay reachable; and the downgrade restores the old shape."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.migrate import alembic_config

_DEAL = (
    "INSERT INTO deals (deal_id, vendor_id, partner_id, period, tier, territory, region, channel_manager, amount,"
    " currency, status, stage, expected_close_date, created_at, last_event_time, last_sequence)"
    " VALUES (:id, 'acme', 'p1', '2030Q1', 2, 'west', 'NA', 'cm-1', :amount, :currency, 'approved', 'registered',"
    " '2030-02-15', '2030-01-02T00:00:00Z', '2030-01-02T00:00:00Z', 1)"
)
_OLD_TOTALS = (
    "INSERT INTO figure_totals (partner_id, vendor_id, period, open_count_registered, open_count_qualified,"
    " open_count_proposal, open_count_negotiation, open_count_closed_won, open_count_closed_lost,"
    " open_amount_registered, open_amount_qualified, open_amount_proposal, open_amount_negotiation,"
    " open_amount_closed_won, open_amount_closed_lost, won_count, won_amount, lost_count, cycle_days, cycle_count,"
    " deal_count) VALUES ('p1', 'acme', '2030Q1', 2, 0, 0, 0, 0, 0, 1010000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)"
)


async def test_totals_are_split_per_currency_and_partners_with_deals_stay_enrolled(make_db) -> None:
    url = await make_db("pipeline")
    config = alembic_config("pipeline", url)
    await asyncio.to_thread(command.downgrade, config, "0002")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            # The example as 0002 kept it: USD 10,000 and JPY 1,000,000 in one sum.
            await conn.execute(text(_DEAL), {"id": "d-usd", "amount": 10000, "currency": "USD"})
            await conn.execute(text(_DEAL), {"id": "d-jpy", "amount": 1000000, "currency": "JPY"})
            await conn.execute(text(_OLD_TOTALS))
            await conn.execute(
                text(
                    "INSERT INTO partner_attributes VALUES"
                    " ('acme', 'p1', 2, 'west', 'NA', 'cm-1', '2030-01-02T00:00:00Z')"
                )
            )
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as conn:
            totals = (
                await conn.execute(
                    text(
                        "SELECT currency, open_amount_registered, open_count_registered, deal_count"
                        " FROM figure_totals ORDER BY currency"
                    )
                )
            ).all()
            assert [tuple(r) for r in totals] == [("JPY", 1000000, 1, 1), ("USD", 10000, 1, 1)]
            enrolled = (
                await conn.execute(text("SELECT partner_id, vendor_id, tier, version FROM partner_enrolments"))
            ).all()
            assert [tuple(r) for r in enrolled] == [("p1", "acme", 2, 0)]

        await asyncio.to_thread(command.downgrade, config, "0002")
        async with engine.connect() as conn:
            back = (await conn.execute(text("SELECT open_amount_registered, deal_count FROM figure_totals"))).all()
            assert [tuple(r) for r in back] == [(1010000, 2)]  # the old shape (and its mixing) again
            gone = await conn.execute(text("SELECT to_regclass('partner_enrolments')"))
            assert gone.scalar_one() is None
    finally:
        await engine.dispose()
