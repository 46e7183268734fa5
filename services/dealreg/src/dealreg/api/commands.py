"""Request bodies -> the use cases' commands, and how a batch item's refusal reads (no I/O)."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ValidationError

from dealreg.api.schemas import DealCreate, PartnerIn, PolicyIn
from dealreg.domain.deals import Customer, LineItem, Rep
from dealreg.domain.enrolment import Terms
from dealreg.domain.policy import ApprovalPolicy, SlaBreachAction
from dealreg.service.batch import BatchItem
from dealreg.service.partners import PutPartner
from dealreg.service.registration import RegisterDeal
from servicekit.errors import DomainError, InvalidInput, invalid
from servicekit.idempotency import fingerprint, valid_key
from servicekit.problems import Problem


def register_command(body: DealCreate) -> RegisterDeal:
    return RegisterDeal(
        vendor_id=body.vendor_id,
        partner_id=body.partner_id,
        rep=Rep(**body.rep.model_dump()) if body.rep else None,
        customer=Customer(**body.customer.model_dump()),
        products=tuple(LineItem(sku=p.sku, quantity=p.quantity, unit_price=p.unit_price) for p in body.products),
        currency=body.currency,
        margin_pct=body.margin_pct,
        expected_close_date=body.expected_close_date,
        external_ref=body.external_ref,
        notes=body.notes,
    )


def partner_command(partner_id: str, body: PartnerIn) -> PutPartner:
    terms = Terms(tier=body.tier, territory=body.territory, region=body.region, channel_manager=body.channel_manager)
    return PutPartner(partner_id=partner_id, name=body.name, terms=terms, vendor_ids=body.vendor_ids)


def policy_of(body: PolicyIn) -> ApprovalPolicy:
    """The policy a PUT sets (the domain's own checks run here, before anything is written)."""
    values = body.model_dump()
    tiers, breach = frozenset(values.pop("auto_approve_tiers")), SlaBreachAction(values.pop("on_sla_breach"))
    return ApprovalPolicy(**values, auto_approve_tiers=tiers, on_sla_breach=breach)


def _validation_errors(exc: ValidationError, index: int) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", "items", index, *err.get("loc", ())], "msg": str(err.get("msg", "invalid"))[:300],
         "type": err.get("type", "invalid")}
        for err in exc.errors()
    ]  # fmt: skip


def batch_item(index: int, raw: dict[str, Any]) -> BatchItem:
    """Split off the item's idempotency key and validate the rest (no I/O)."""
    item = dict(raw)
    key = item.pop("idempotency_key", None)
    if key is not None and (not isinstance(key, str) or not valid_key(key)):
        bad_key = invalid(["body", "items", index, "idempotency_key"], "1 to 255 printable ASCII characters")
        return BatchItem(index, None, bad_key)
    fp = fingerprint(orjson.dumps(item, option=orjson.OPT_SORT_KEYS)) if key is not None else ""
    try:
        command = register_command(DealCreate.model_validate(item))
    except ValidationError as exc:
        return BatchItem(index, None, InvalidInput(_validation_errors(exc, index)), key, fp)
    return BatchItem(index, command, None, key, fp)


class ProblemAnswers:
    """dealreg.service.batch.ItemAnswers: a refused item's answer is its problem document."""

    def refused(self, error: DomainError) -> tuple[int, dict[str, Any]]:
        return error.status, error.body()  # every refusal kind is a Problem

    def reused_key(self) -> tuple[int, dict[str, Any]]:
        return 422, Problem(422, "This idempotency_key was already used with a different item.").body()

    def failed(self) -> tuple[int, dict[str, Any]]:
        return 500, Problem(500, "This item could not be registered; nothing was written for it. Retry it.").body()
