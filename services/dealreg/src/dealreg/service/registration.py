"""Use case: register a deal (validated, persisted, its event in the outbox, one transaction)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from events.envelope import new_event
from events.outbox import enqueue
from events.topics import TopicNames
from servicekit.money import percent_of, to_cents
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, validation_problem
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.tables import DealHistoryRow, DealRow, PartnerRow
from dealreg.api.schemas import DealCreate
from dealreg.service.views import deal_event_data

DEFAULT_APPROVAL_SLA = timedelta(hours=96)


def resolve_partner_id(principal: Principal, requested: str | None) -> str:
    if principal.role is Role.PARTNER:
        assert principal.partner_id is not None
        if requested is not None and requested != principal.partner_id:
            raise Problem(403, "partner_id must be your own partner.")
        return principal.partner_id
    if principal.role is Role.AGGREGATOR:
        if requested is None:
            raise validation_problem([{"loc": ["body", "partner_id"], "msg": "Field required for an aggregator"}])
        if requested not in principal.partner_ids:
            raise Problem(403, f"You do not act for partner {requested!r}.")
        return requested
    if principal.role is Role.ADMIN:
        if requested is None:
            raise validation_problem([{"loc": ["body", "partner_id"], "msg": "Field required"}])
        return requested
    raise Problem(403, "Only partners, aggregators and admins register deals.")


async def register_deal(
    session: AsyncSession, topics: TopicNames, principal: Principal, body: DealCreate, now: datetime | None = None
) -> tuple[DealRow, PartnerRow]:
    now = now or datetime.now(UTC)
    partner_id = resolve_partner_id(principal, body.partner_id)
    partner = await session.get(PartnerRow, partner_id)
    if partner is None:
        raise Problem(403, f"Partner {partner_id!r} has no profile; a vendor or admin must create it first.")
    if body.vendor_id not in partner.vendor_ids:
        raise Problem(403, f"Partner {partner_id!r} is not enrolled with vendor {body.vendor_id!r}.")
    amount = to_cents(sum((p.unit_price * p.quantity for p in body.products), Decimal(0)))
    rep = body.rep.model_dump() if body.rep else {"id": principal.sub, "email": None, "name": None}
    customer = body.customer.model_dump()
    row = DealRow(
        id=str(uuid.uuid4()),
        vendor_id=body.vendor_id,
        partner_id=partner_id,
        rep=rep,
        customer=customer,
        customer_domain_key=(body.customer.domain or "").lower() or None,
        customer_name_key=body.customer.name.casefold(),
        products=[{"sku": p.sku, "quantity": p.quantity, "unit_price": f"{p.unit_price:.2f}"} for p in body.products],
        skus=sorted({p.sku for p in body.products}),
        currency=body.currency,
        amount=amount,
        margin_pct=body.margin_pct,
        margin_amount=to_cents(percent_of(amount, body.margin_pct)),
        status="pending_approval",
        stage="registered",
        conflict=False,
        conflict_reasons=[],
        conflicting_deal_ids=[],
        expected_close_date=body.expected_close_date,
        approval_due_at=now + DEFAULT_APPROVAL_SLA,
        extensions_used=0,
        external_ref=body.external_ref,
        notes=body.notes,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(row)
    session.add(DealHistoryRow(deal_id=row.id, type="deal-registered", at=now, actor=principal.sub, data={}))
    event = new_event(
        event_type="deal-registered", service="dealreg", subject=row.id, data=deal_event_data(row, partner), time=now
    )
    await session.flush()
    await enqueue(session, [(topics.deals, row.id, event)])
    return row, partner
