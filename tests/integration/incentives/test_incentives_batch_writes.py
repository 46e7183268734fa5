"""The batch path's merged statements (ledger_bulk), against the real database.

One statement writes a batch's transfers, postings, balances, entries and outbox rows, and
one reads the programs while locking the budgets: what that merging must not lose is
tested here (the batch-vs-one-by-one equivalence is in test_incentives_batches).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from incentives_helpers import make_program, new_vendor
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from events.envelope import new_event
from events.tables import OUTBOX_CHANNEL
from incentives.adapters.reward_store import ensure_accounts, raw_connection, write_batch
from incentives.domain.ledger import program_budget_account, rep_payable_account, transfer_for_grant
from incentives.service.ports import EntryValues

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _entry(deal_id: str, rule_key: str, program_id: str, amount: str, transfer_id: str | None) -> EntryValues:
    return EntryValues(
        id=f"reward:{deal_id}:{rule_key}",
        deal_id=deal_id,
        rep_id="rep-1",
        partner_id="p-1",
        vendor_id="v",
        program_id=program_id,
        kind="registration",
        stage=None,
        rule_key=rule_key,
        amount=Decimal(amount),
        requested=Decimal(amount),
        cut=Decimal("0.00"),
        cut_reason=None,
        currency="USD",
        event_id=f"ev-{uuid.uuid4().hex}",
        transfer_id=transfer_id,
    )


def _reward(program_id: str, deal_id: str, amount: str) -> tuple[Any, EntryValues, Any]:
    """A reward's transfer, its entry and its outbox row."""
    entry_id = f"reward:{deal_id}:registration"
    transfer = transfer_for_grant(entry_id, program_id, "rep-1", Decimal(amount), "USD")
    assert transfer is not None
    event = new_event(event_type="reward-accrued", service="incentives", subject=deal_id, data={"deal_id": deal_id})
    return transfer, _entry(deal_id, "registration", program_id, amount, transfer.id), ("t", deal_id, event, None)


async def _counts(app: Any, deal_id: str) -> tuple[int, int, int, int]:
    """(transfers, postings, entries, outbox rows) of a deal's registration reward."""
    entry_id = f"reward:{deal_id}:registration"
    async with app.state.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM ledger_transfers WHERE id = :e),"
                    " (SELECT count(*) FROM ledger_postings WHERE transfer_id = :e),"
                    " (SELECT count(*) FROM ledger_entries WHERE deal_id = :d),"
                    " (SELECT count(*) FROM outbox WHERE key = :d)"
                ),
                {"e": entry_id, "d": deal_id},
            )
        ).one()
        return (row[0], row[1], row[2], row[3])


async def _balance(app: Any, account: str) -> Decimal | None:
    async with app.state.engine.connect() as conn:
        value: Decimal | None = await conn.scalar(
            text("SELECT balance FROM ledger_accounts WHERE id = :a"), {"a": account}
        )
        return value


async def _write(app: Any, transfers: list[Any], rows: list[EntryValues], outgoing: list[Any]) -> int:
    async with app.state.sessions() as session, session.begin():
        await session.execute(text("SELECT 1"))  # the transaction is open, as the consumer's claim leaves it
        con = await raw_connection(session)
        await ensure_accounts(con, {rep_payable_account("rep-1"): ("USD", False)})
        return await write_batch(con, transfers, rows, outgoing, NOW)


async def test_a_batch_that_would_overdraw_a_budget_writes_nothing(service_client, make_db, admin) -> None:
    async with service_client("incentives", database_url=await make_db("incentives")) as (client, app):
        program = (await make_program(client, admin, new_vendor(), budget="1000.00"))["id"]
        fits, fits_entry, fits_out = _reward(program, "deal-fits", "600.00")
        over, over_entry, over_out = _reward(program, "deal-over", "600.00")  # 1200.00 of 1000.00 in all

        with pytest.raises(DBAPIError, match="ledger_accounts_may_not_overdraw"):
            await _write(app, [fits, over], [fits_entry, over_entry], [fits_out, over_out])

        # Neither the reward that fitted nor anything of the batch's other tables was kept.
        assert await _counts(app, "deal-fits") == (0, 0, 0, 0)
        assert await _counts(app, "deal-over") == (0, 0, 0, 0)
        assert await _balance(app, program_budget_account(program)) == Decimal("1000.00")
        assert await _balance(app, rep_payable_account("rep-1")) is None  # its creation rolled back too


async def test_the_write_counts_only_new_entries_so_a_booked_one_fails_the_batch(
    service_client, make_db, admin
) -> None:
    async with service_client("incentives", database_url=await make_db("incentives")) as (client, app):
        program = (await make_program(client, admin, new_vendor(), budget="1000.00"))["id"]
        transfer, entry, out = _reward(program, "deal-1", "100.00")
        assert await _write(app, [transfer], [entry], [out]) == 1
        assert await _counts(app, "deal-1") == (1, 2, 1, 1)

        again = _entry("deal-1", "registration", program, "100.00", None)  # same deal and rule
        other = _entry("deal-1", "stage:qualified", program, "0.00", None)
        assert await _write(app, [], [again, other], []) == 1  # what on_deal_events refuses (RuntimeError)
        assert await _balance(app, program_budget_account(program)) == Decimal("900.00")


async def test_the_outbox_is_notified_when_a_batch_queues_events_and_only_then(
    service_client, make_db, admin, infra
) -> None:
    database_url = await make_db("incentives")
    async with service_client("incentives", database_url=database_url) as (client, app):
        program = (await make_program(client, admin, new_vendor(), budget="1000.00"))["id"]
        listener = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        heard: asyncio.Queue[str] = asyncio.Queue()
        await listener.add_listener(OUTBOX_CHANNEL, lambda *args: heard.put_nowait(args[2]))
        try:
            nothing_queued = _entry("deal-cut", "registration", program, "0.00", None)  # a reward cut to nothing
            await _write(app, [], [nothing_queued], [])
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    await heard.get()

            transfer, entry, out = _reward(program, "deal-paid", "100.00")
            await _write(app, [transfer], [entry], [out])
            async with asyncio.timeout(5):
                assert await heard.get() == OUTBOX_CHANNEL
        finally:
            await listener.close()
