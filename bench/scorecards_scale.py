"""GET /v1/scorecards for a vendor with many partners and deals in the period, in process.

`.venv/bin/python bench/scorecards_scale.py [deals] [partners]` (default 100000 and 2000) against
the running local PostgreSQL (DATABASE_URL server, default 127.0.0.1:55432): a scratch
database, migrated, filled through the stores the consumers and the rebuild use, dropped at
the end. Times the route handler (use case, stores, response model, JSON) of a first page
sorted by score and of one sorted by a metric, each the best of five runs after a warm-up.
Not a test: no assertion on time.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from rollups_scale import alembic  # the same migration step (bench/ is on the path when run as a script)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from devstack.infra import Infra, create_databases, drop_databases
from pipeline.adapters.scorecard_store import PgScorecardStore
from pipeline.adapters.store import PgPipelineStore, PgReadModelStore
from pipeline.adapters.tables import PartnerEnrolmentRow, PlanRow
from pipeline.api.scorecard_routes import get_scorecards
from pipeline.domain.deltas import totals_deltas
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome
from pipeline.domain.scorecards import DealExtras
from pipeline.service.scorecard_events import ScorecardReplay, replace_scorecards
from pipeline.service.scorecard_ports import RewardEntry
from servicekit.principal import Principal, Role

VENDOR = "bench-vendor"
PERIOD = "2030Q1"


def deals(count: int, partners: int) -> tuple[list[DealSnapshot], ScorecardReplay]:
    rng = random.Random(7)
    replay = ScorecardReplay()
    made = []
    for i in range(count):
        p = i % partners
        created = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 60 * 24 * 80))
        status = rng.choice([DealStatus.APPROVED, DealStatus.PENDING_APPROVAL, DealStatus.CLOSED, DealStatus.REJECTED])
        closed = status is DealStatus.CLOSED
        won = rng.random() < 0.6
        stage = (DealStage.CLOSED_WON if won else DealStage.CLOSED_LOST) if closed else DealStage.REGISTERED
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
                currency="USD" if p % 10 else "EUR",
                status=status,
                stage=stage,
                expected_close_date=date(2030, 3, 15),
                closed_on=(created.date() + timedelta(days=rng.randint(1, 20))) if closed else None,
                outcome=(Outcome.WON if won else Outcome.LOST) if closed else None,
                final_amount=None,
                created_at=created,
                last_event_time=created,
                last_sequence=2,
            )
        )
        if status is not DealStatus.PENDING_APPROVAL:
            decided = created + timedelta(hours=rng.randint(1, 200))
            replay.extras[f"d{i}"] = DealExtras(decided, rng.random() < 0.1, rng.random() < 0.05)
        if status is not DealStatus.REJECTED:
            replay.rewards[f"e{i}"] = RewardEntry(
                f"e{i}", VENDOR, f"p{p:04d}", PERIOD, "USD", Decimal(rng.randint(100, 10000)) / 100
            )
    return made, replay


async def main(count: int, partners: int) -> None:
    server = os.environ.get("DATABASE_URL", "postgresql+asyncpg://platform:platform@127.0.0.1:55432")
    infra = Infra(server.replace("postgresql://", "postgresql+asyncpg://", 1), "")
    name = f"bench_scorecards_{uuid.uuid4().hex[:8]}"
    await create_databases(infra, [name])
    url = infra.database_url(name)
    engine = create_async_engine(url)
    try:
        alembic(url, "upgrade", "head")
        snapshots, replay = deals(count, partners)
        started = time.perf_counter()
        async with engine.begin() as conn:
            store = PgReadModelStore(conn)
            await store.replace_deals(snapshots)
            await store.replace_totals(totals_deltas((None, s) for s in snapshots))
            await store.replace_attributes(snapshots)
            await replace_scorecards(PgScorecardStore(conn), snapshots, replay)
            now = datetime.now(UTC)
            await conn.execute(
                insert(PartnerEnrolmentRow),
                [
                    {"partner_id": f"p{p:04d}", "vendor_id": VENDOR, "name": None, "tier": 1 + p % 3,
                     "territory": f"t{p % 12}", "region": f"r{p % 4}", "channel_manager": f"cm{p % 20}",
                     "version": 1, "updated_at": now}
                    for p in range(partners)
                ],
            )  # fmt: skip
            plan = {"vendor_id": VENDOR, "period": PERIOD, "revenue_target": Decimal(50000), "currency": "USD"}
            await conn.execute(
                insert(PlanRow),
                [{**plan, "partner_id": f"p{p:04d}", "updated_at": now, "version": 1} for p in range(0, partners, 2)],
            )
        fill_s = time.perf_counter() - started
        principal = Principal(role=Role.VENDOR, sub="bench", vendor_id=VENDOR)

        async def serve(sort: str) -> tuple[float, int]:
            async with AsyncSession(engine) as session:
                started = time.perf_counter()
                page = await get_scorecards(
                    VENDOR, principal, PgPipelineStore(session), PgScorecardStore(session), PERIOD, sort
                )
                body = page.model_dump_json()
                return (time.perf_counter() - started) * 1000, len(body)

        await serve("score")  # warm-up: connection, statement caches
        for sort in ("score", "win_rate"):
            runs = [await serve(sort) for _ in range(5)]
            best = min(ms for ms, _ in runs)
            print(f"GET /v1/scorecards sort={sort} limit=50: best {best:.0f} ms of 5 (response {runs[0][1]} bytes)")
        print(f"{count} deals, {partners} partners in {PERIOD}; filled in {fill_s:.1f} s")
    finally:
        await engine.dispose()
        await drop_databases(infra, [name])


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [100_000, 2000][len(args) :])))
