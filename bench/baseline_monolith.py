"""The alternative a user would build: one FastAPI process doing a registration's whole job
synchronously, in one PostgreSQL transaction, with no Kafka and no other service.

`python -m bench.baseline_monolith` (BASELINE_DSN, PORT; the database migrated with dealreg's
migrations, so deals, deal_history, partners and vendor_policies are dealreg's own tables).

Per request, like dealreg: the bearer token verified (HS256, the dev secret), the body validated by
dealreg's own request schema (`DealCreate`), the customer's advisory locks with the partner's
enrolment and the vendor policy (dealreg's statement), the same conflict query, dealreg's domain
deciding (match, policy, auto-approval); then the deal, its history rows and the registration
reward's ledger row written in one statement, committed, and the deal answered with dealreg's
response model. What it leaves out is what the platform adds: the outbox and its events, the
Idempotency-Key table, Kafka, and the other services' consumers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from dealreg.adapters.mapping import new_deal_values
from dealreg.adapters.registration_store import RegistrationStore
from dealreg.api.commands import register_command
from dealreg.api.schemas import DealCreate, DealOut
from dealreg.domain import registration as domain_registration
from dealreg.domain.conflicts import classify_registration
from dealreg.domain.deals import DuplicateRegistration
from dealreg.domain.policy import DEFAULT_POLICY
from dealreg.service.changes import POLICY_ACTOR
from dealreg.service.registration import pending_registration
from dealreg.service.views import deal_json
from events.vocabulary import DealEventType
from servicekit.auth import InvalidToken, decode_token
from servicekit.settings import DEV_AUTH_SECRET

# The bench program's registration reward: 25 % of the margin, times the tier's multiplier.
REWARD_PCT, TIER_MULTIPLIER = Decimal("25"), Decimal("1.25")

DDL = """
CREATE TABLE IF NOT EXISTS reward_ledger (
    id text PRIMARY KEY,
    seq bigserial,
    deal_id text NOT NULL,
    rep_id text NOT NULL,
    partner_id text NOT NULL,
    vendor_id text NOT NULL,
    kind text NOT NULL,
    rule_key text NOT NULL,
    amount numeric(18, 2) NOT NULL,
    currency varchar(3) NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (deal_id, rule_key)
);
INSERT INTO partners (id, name, created_at, updated_at, version)
    VALUES ('p-bench', 'Bench Partner', now(), now(), 1) ON CONFLICT DO NOTHING;
INSERT INTO partner_enrollments (partner_id, vendor_id, tier, territory, region, channel_manager, active,
    created_at, updated_at, version)
    VALUES ('p-bench', 'acme', 2, 'west', 'NA', 'cm-1', true, now(), now(), 1) ON CONFLICT DO NOTHING;
"""

_HISTORY = ("deal_id", "type", "at", "actor", "data")
_LEDGER = ("id", "deal_id", "rep_id", "partner_id", "vendor_id", "kind", "rule_key", "amount", "currency", "created_at")


def _insert_sql(deal_columns: tuple[str, ...]) -> str:
    n = len(deal_columns)
    values = ", ".join(f"${i + 1}" for i in range(n))
    history = ", ".join(f"${n + 1 + i}::{t}[]" for i, t in enumerate(("text", "text", "timestamptz", "text", "jsonb")))
    ledger = ", ".join(f"${n + 6 + i}" for i in range(len(_LEDGER)))
    return (
        f"WITH d AS (INSERT INTO deals ({', '.join(deal_columns)}) VALUES ({values})),"  # noqa: S608
        f" h AS (INSERT INTO deal_history ({', '.join(_HISTORY)}) SELECT * FROM unnest({history}))"
        f" INSERT INTO reward_ledger ({', '.join(_LEDGER)}) VALUES ({ledger})"
    )


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["BASELINE_DSN"], min_size=10, max_size=20)
    async with pool.acquire() as conn:
        await conn.execute(DDL)
        app.state.json_columns = {
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'deals' AND data_type = 'jsonb'"
            )
        }
    app.state.pool = pool
    app.state.secret = os.environ.get("AUTH_SECRET", DEV_AUTH_SECRET)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/readyz")
async def readyz() -> dict[str, str]:
    return {"status": "ok"}


def _problem(status: int, title: str) -> Response:
    return Response(
        _json({"type": "about:blank", "title": title, "status": status}), status, media_type="application/problem+json"
    )


@app.post("/v1/deals", status_code=201)
async def register(body: DealCreate, request: Request) -> Response:
    auth = request.headers.get("authorization", "")
    try:
        principal = decode_token(auth.removeprefix("Bearer "), request.app.state.secret)
    except InvalidToken:
        return _problem(401, "Unauthorized")
    pending = pending_registration(principal, register_command(body))
    draft = pending.draft
    async with request.app.state.pool.acquire() as con, con.transaction():
        store = RegistrationStore(con)
        found = await store.lock_with_lookups(draft.vendor_id, pending.new.customer, pending.partner_id)
        if found is None or found[0] is None:
            return _problem(403, "The partner is not enrolled with the vendor.")
        terms, policy = found
        candidates = await store.active_candidates(draft.vendor_id, pending.new.customer)
        match = classify_registration(pending.new, candidates)
        now = datetime.now(UTC)
        try:
            changes = domain_registration.register_deal(
                draft, deal_id=str(uuid.uuid4()), now=now, policy=policy or DEFAULT_POLICY,
                partner_tier=terms.terms.tier, match=match,
            )  # fmt: skip
        except DuplicateRegistration:
            return _problem(409, "Duplicate registration")
        deal = changes[-1].deal
        history = [
            (
                c.deal.id,
                str(c.event_type),
                c.deal.updated_at,
                POLICY_ACTOR if c.event_type is DealEventType.DEAL_APPROVED else principal.sub,
                _json({**{k: (str(v) if v is not None else None) for k, v in c.data.items()},
                       "status": str(c.deal.status), "stage": str(c.deal.stage), "version": c.deal.version}),
            )
            for c in changes
        ]  # fmt: skip
        reward = (deal.margin_amount * REWARD_PCT / 100 * TIER_MULTIPLIER).quantize(Decimal("0.01"))
        ledger = (str(uuid.uuid4()), deal.id, deal.rep.id, deal.partner_id, deal.vendor_id, "registration",
                  "registration", reward, deal.currency, now)  # fmt: skip
        values = new_deal_values(deal)
        columns = tuple(sorted(values))
        json_columns = request.app.state.json_columns
        args = [_json(values[c]) if c in json_columns else values[c] for c in columns]
        args += [list(col) for col in zip(*history, strict=True)]
        await con.execute(_insert_sql(columns), *args, *ledger)
    out = DealOut.model_validate(deal_json(deal, principal)).model_dump(mode="json")
    return JSONResponse(out, status_code=201, headers={"Location": f"/v1/deals/{deal.id}"})


def main() -> None:
    import uvicorn

    uvicorn.run(
        "bench.baseline_monolith:app",
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "19009")),
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
