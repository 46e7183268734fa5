"""Rollups latency before (every deal of the vendor's quarter) and after (stored totals), in process.

`.venv/bin/python bench/rollups_scale.py [deals]` against the running local
PostgreSQL (DATABASE_URL server, default 127.0.0.1:55432): a scratch database, dropped at the end.
Also checks that migration 0002's backfill gives the rows the consumer code keeps (downgrade to
0001, upgrade again, compare). Not a test: one timed run of each path, no assertion on time.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from devstack.infra import Infra, create_databases, drop_databases
from pipeline.adapters.rows import SNAPSHOT_COLUMNS, snapshot_of, snapshot_of_values
from pipeline.adapters.store import PgPipelineStore, PgReadModelStore
from pipeline.adapters.tables import DealRow, PlanRow
from pipeline.domain.deltas import totals_deltas
from pipeline.domain.figures import GroupBy, rollup
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome, PartnerAttributes
from pipeline.service.rollups import rollup_groups

SERVICE_DIR = Path(__file__).resolve().parents[1] / "services" / "pipeline"
VENDOR = "bench-vendor"
PERIOD = Quarter(2030, 1)
BY: GroupBy = "territory"


def deals(count: int, partners: int) -> list[DealSnapshot]:
    rng = random.Random(7)
    t0 = datetime(2030, 1, 2, tzinfo=UTC)
    made = []
    for i in range(count):
        p = i % partners
        status = rng.choice([DealStatus.APPROVED, DealStatus.PENDING_APPROVAL, DealStatus.CLOSED, DealStatus.REJECTED])
        won = rng.random() < 0.6
        closed = status is DealStatus.CLOSED
        stage = (DealStage.CLOSED_WON if won else DealStage.CLOSED_LOST) if closed else rng.choice(list(DealStage)[:4])
        made.append(
            DealSnapshot(
                deal_id=f"d{i}",
                vendor_id=VENDOR,
                partner_id=f"p{p:04d}",
                tier=1 + p % 3,
                territory=f"t{p % 12}",
                region=f"r{p % 4}",
                channel_manager=f"cm{p % 20}",
                amount=Decimal(rng.randint(100, 10**6)) / 100,
                currency="USD",
                status=status,
                stage=stage,
                expected_close_date=date(2030, 1, 1) + timedelta(days=rng.randint(0, 120)),
                closed_on=date(2030, 3, 1) if closed else None,
                outcome=(Outcome.WON if won else Outcome.LOST) if closed else None,
                final_amount=None,
                created_at=t0,
                last_event_time=t0 + timedelta(seconds=i),
                last_sequence=1,
            )
        )
    return made


async def deals_in_period(session: AsyncSession, vendor_id: str, period: str) -> list[DealSnapshot]:
    """Every deal of the vendor's quarter (what the route read before figure_totals)."""
    table = DealRow.__table__  # type: ignore[attr-defined]
    query = select(*(table.c[name] for name in SNAPSHOT_COLUMNS)).where(
        table.c.vendor_id == vendor_id, table.c.period == period
    )
    return [snapshot_of_values(r) for r in (await session.execute(query)).all()]


async def before(session: AsyncSession, policy: PipelinePolicy) -> list[tuple[str | None, object]]:
    """The route as it was: every deal of the quarter, plans, a DISTINCT ON over all the vendor's deals."""
    by_partner: dict[str, list[DealSnapshot]] = {}
    for d in await deals_in_period(session, VENDOR, str(PERIOD)):
        by_partner.setdefault(d.partner_id, []).append(d)
    plan_query = select(PlanRow).where(col(PlanRow.vendor_id) == VENDOR, col(PlanRow.period) == str(PERIOD))
    plan_rows = (await session.execute(plan_query)).scalars()
    plans: dict[str, Decimal | None] = {p.partner_id: p.revenue_target for p in plan_rows}
    latest = (
        select(DealRow)
        .where(col(DealRow.vendor_id) == VENDOR)
        .distinct(col(DealRow.partner_id))
        .order_by(col(DealRow.partner_id), col(DealRow.last_event_time).desc())
    )
    attributes: dict[str, PartnerAttributes] = {
        r.partner_id: snapshot_of(r).partner_attributes for r in (await session.execute(latest)).scalars()
    }
    return list(rollup(by_partner, plans, policy, by=BY, period=PERIOD, partner_attributes=attributes))


def alembic(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    ini = str(SERVICE_DIR / "alembic.ini")
    subprocess.run([sys.executable, "-m", "alembic", "-c", ini, *args], check=True, env=env, capture_output=True)


async def kept_rows(engine: AsyncEngine, query: str) -> list[object]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(query))).all())


async def main(count: int) -> None:
    server = os.environ.get("DATABASE_URL", "postgresql+asyncpg://platform:platform@127.0.0.1:55432")
    infra = Infra(server.replace("postgresql://", "postgresql+asyncpg://", 1), "")
    name = f"bench_rollups_{uuid.uuid4().hex[:8]}"
    await create_databases(infra, [name])
    url = infra.database_url(name)
    engine = create_async_engine(url)
    try:
        alembic(url, "upgrade", "head")
        snapshots = deals(count, partners=max(1, count // 25))
        async with engine.begin() as conn:
            store = PgReadModelStore(conn)
            await store.replace_deals(snapshots)
            await store.replace_totals(totals_deltas((None, s) for s in snapshots))
            await store.replace_attributes(snapshots)
            now = datetime.now(UTC)
            plan = {"vendor_id": VENDOR, "period": str(PERIOD), "revenue_target": Decimal(50000), "currency": "USD"}
            planned = range(0, count // 25, 2)
            plans = [{**plan, "partner_id": f"p{p:04d}", "updated_at": now, "version": 1} for p in planned]
            await conn.execute(insert(PlanRow), plans)
        policy = PipelinePolicy()
        async with AsyncSession(engine) as session:
            await before(session, policy)  # warm-up: connection, statement caches
            await rollup_groups(PgPipelineStore(session), VENDOR, PERIOD, BY, policy)
            started = time.perf_counter()
            old = await before(session, policy)
            old_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            kept = await rollup_groups(PgPipelineStore(session), VENDOR, PERIOD, BY, policy)
            new_ms = (time.perf_counter() - started) * 1000
        # Every deal and plan is in USD: the kept path reports in it, with nothing elsewhere.
        assert all(f.currency == "USD" and not f.other_currencies for _, (f, _) in kept)
        new = [(key, replace(f, currency=None)) for key, (f, _) in kept]
        assert old == new, "the two paths disagree"
        print(f"{count} deals, {count // 25} partners, by={BY}, {len(new)} groups")
        print(f"before (deals): {old_ms:.1f} ms   after (totals): {new_ms:.1f} ms")

        totals_q = "SELECT * FROM figure_totals ORDER BY partner_id, vendor_id, period, currency"
        attrs_q = "SELECT * FROM partner_attributes ORDER BY vendor_id, partner_id"
        kept = (await kept_rows(engine, totals_q), await kept_rows(engine, attrs_q))
        await engine.dispose()
        alembic(url, "downgrade", "0001")
        alembic(url, "upgrade", "head")
        backfilled = (await kept_rows(engine, totals_q), await kept_rows(engine, attrs_q))
        print("migration backfill equals the kept rows:", backfilled == kept)
    finally:
        await engine.dispose()
        await drop_databases(infra, [name])


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
