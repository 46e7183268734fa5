"""The ceiling registration is compared with: bare FastAPI + uvicorn, one asyncpg INSERT.

`python -m bench.baseline_app` (BASELINE_DSN, PORT). The row has the columns and JSONB
sizes of a dealreg deal; the pool is as large as a service's (10 + 10 overflow); the
server runs like a service (one worker, uvloop, httptools, no access log). No auth,
no conflict check, no outbox, no history: just the write.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse

DDL = """
CREATE TABLE IF NOT EXISTS bench_deals (
    id text PRIMARY KEY,
    vendor_id text NOT NULL,
    partner_id text NOT NULL,
    rep jsonb NOT NULL,
    customer jsonb NOT NULL,
    customer_domain_key text,
    customer_name_key text,
    products jsonb NOT NULL,
    skus text[] NOT NULL,
    currency varchar(3) NOT NULL,
    amount numeric(18, 2) NOT NULL,
    margin_pct numeric(9, 4) NOT NULL,
    margin_amount numeric(18, 2) NOT NULL,
    status text NOT NULL,
    stage text NOT NULL,
    conflict boolean NOT NULL,
    conflict_reasons text[] NOT NULL,
    conflicting_deal_ids text[] NOT NULL,
    expected_close_date date,
    approval_due_at timestamptz NOT NULL,
    extensions_used integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
)
"""

INSERT = """
INSERT INTO bench_deals (id, vendor_id, partner_id, rep, customer, customer_domain_key, customer_name_key,
    products, skus, currency, amount, margin_pct, margin_amount, status, stage, conflict, conflict_reasons,
    conflicting_deal_ids, expected_close_date, approval_due_at, extensions_used, created_at, updated_at, version)
VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23, $24)
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    dsn = os.environ["BASELINE_DSN"]
    pool = await asyncpg.create_pool(dsn, min_size=10, max_size=20)
    async with pool.acquire() as conn:
        await conn.execute(DDL)
    app.state.pool = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/readyz")
async def readyz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/deals", status_code=201)
async def register(request: Request, body: dict[str, Any] = Body(...)) -> JSONResponse:
    now = datetime.now(UTC)
    products = body["products"]
    amount = sum((Decimal(p["unit_price"]) * p["quantity"] for p in products), Decimal(0))
    margin_pct = Decimal(body["margin_pct"])
    margin = (amount * margin_pct / 100).quantize(Decimal("0.01"))
    customer = body["customer"]
    deal_id = str(uuid.uuid4())
    rep = {"id": "rep-bench", "email": None, "name": None}
    await request.app.state.pool.execute(
        INSERT,
        deal_id,
        body["vendor_id"],
        "p-bench",
        json.dumps(rep),
        json.dumps(customer),
        customer.get("domain", "").lower(),
        customer["name"].lower(),
        json.dumps(products),
        [p["sku"] for p in products],
        body["currency"],
        amount,
        margin_pct,
        margin,
        "pending_approval",
        "registered",
        False,
        [],
        [],
        date.fromisoformat(body["expected_close_date"]),
        now + timedelta(days=5),
        0,
        now,
        now,
        1,
    )
    return JSONResponse(
        {
            "id": deal_id,
            "vendor_id": body["vendor_id"],
            "partner_id": "p-bench",
            "rep": rep,
            "customer": customer,
            "products": products,
            "currency": body["currency"],
            "amount": str(amount),
            "margin_pct": str(margin_pct),
            "margin_amount": str(margin),
            "status": "pending_approval",
            "stage": "registered",
            "created_at": now.isoformat(),
            "version": 1,
        },
        status_code=201,
    )


def main() -> None:
    import uvicorn

    uvicorn.run(
        "bench.baseline_app:app",
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "19005")),
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
