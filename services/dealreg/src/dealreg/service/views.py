"""How a deal, a policy and a history entry look to a caller and in events (the contract's JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from dealreg.domain.deals import Deal
from dealreg.domain.enrolment import Enrolment, PartnerProfile, PartnerTerms
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service.ports import HistoryEntry
from events.vocabulary import DealStage, Outcome
from servicekit.money import format_money
from servicekit.principal import Principal, Role


def _pct(value: Decimal) -> str:
    # "25" rather than "25.0000": percentages are written as given.
    return format(value.normalize(), "f")


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def iso_duration(value: timedelta, *, unit: str = "days") -> str:
    """ISO 8601 duration: whole days as "P90D" (unit="days") or whole hours as "PT48H" (unit="hours").

    Anything finer falls back to days + "T" hours/minutes/seconds ("PT1.5S", "P1DT2H").
    """
    total = value.total_seconds()
    if unit == "hours" and total > 0 and total % 3600 == 0:
        return f"PT{int(total // 3600)}H"
    days, rest = divmod(value, timedelta(days=1))
    seconds = rest.total_seconds()
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    out = f"P{days}D" if days else "P"
    time = ""
    if hours:
        time += f"{int(hours)}H"
    if minutes:
        time += f"{int(minutes)}M"
    if seconds:
        time += f"{seconds:g}S"
    if time:
        out += "T" + time
    return out if out != "P" else "PT0S"


def outcome_of(deal: Deal) -> str | None:
    outcome = {DealStage.CLOSED_WON: Outcome.WON, DealStage.CLOSED_LOST: Outcome.LOST}.get(deal.stage)
    return str(outcome) if outcome is not None else None


def deal_json(deal: Deal, viewer: Principal | None) -> dict[str, Any]:
    """The deal as GET returns it. Other partners' deal ids are shown only to the vendor (and admin)."""
    body: dict[str, Any] = {
        "id": deal.id,
        "vendor_id": deal.vendor_id,
        "partner_id": deal.partner_id,
        # Not dataclasses.asdict: it deep-copies every value, 6 % of dealreg's CPU per registration.
        "rep": {"id": deal.rep.id, "email": deal.rep.email, "name": deal.rep.name},
        "customer": {"name": deal.customer.name, "domain": deal.customer.domain, "country": deal.customer.country},
        "products": [
            {"sku": p.sku, "quantity": p.quantity, "unit_price": format_money(p.unit_price)} for p in deal.products
        ],
        "currency": deal.currency,
        "amount": format_money(deal.amount),
        "margin_pct": _pct(deal.margin_pct),
        "margin_amount": format_money(deal.margin_amount),
        "status": str(deal.status),
        "stage": str(deal.stage),
        "conflict": deal.conflict,
        "conflict_reasons": list(deal.conflict_reasons),
        "expected_close_date": deal.expected_close_date.isoformat() if deal.expected_close_date else None,
        "protection_expires_at": iso(deal.protection_expires_at),
        "approval_due_at": iso(deal.approval_due_at),
        "approval_overdue_at": iso(deal.approval_overdue_at),
        "extensions_used": deal.extensions_used,
        "decided_at": iso(deal.decided_at),
        "decision_reason": deal.decision_reason,
        "final_amount": format_money(deal.final_amount) if deal.final_amount is not None else None,
        "closed_on": deal.closed_on.isoformat() if deal.closed_on else None,
        "outcome": outcome_of(deal),
        "close_reason": deal.close_reason,
        "expired_at": iso(deal.expired_at),
        "external_ref": deal.external_ref,
        "notes": deal.notes,
        "created_at": iso(deal.created_at),
        "updated_at": iso(deal.updated_at),
        "version": deal.version,
    }
    if viewer is None or viewer.acts_for_vendor(deal.vendor_id):
        body["conflicting_deal_ids"] = list(deal.conflicting_deal_ids)
    return body


def partner_ref(partner: PartnerTerms) -> dict[str, Any]:
    """`data.partner` of a deal event: the partner's terms with the deal's vendor (events.schemas.PartnerRef)."""
    terms = partner.terms
    return {
        "id": partner.partner_id,
        "tier": terms.tier,
        "territory": terms.territory,
        "region": terms.region,
        "channel_manager": terms.channel_manager,
    }


def deal_event_data(deal: Deal, partner: PartnerTerms, reason: str | None = None) -> dict[str, Any]:
    """The data of a deal event: the deal (as its vendor sees it), the partner, and the change's reason."""
    data = deal_json(deal, viewer=None)
    data["partner"] = partner_ref(partner)
    if reason is not None:
        data["reason"] = reason
    return data


def policy_json(vendor_id: str, policy: ApprovalPolicy, *, version: int, is_default: bool) -> dict[str, Any]:
    return {
        "vendor_id": vendor_id,
        "auto_approve_max_amount": (
            format_money(policy.auto_approve_max_amount) if policy.auto_approve_max_amount is not None else None
        ),
        "auto_approve_tiers": sorted(policy.auto_approve_tiers),
        "auto_approve_currency": policy.auto_approve_currency,
        "approval_sla": iso_duration(policy.approval_sla, unit="hours"),
        "on_sla_breach": str(policy.on_sla_breach),
        "protection_period": iso_duration(policy.protection_period),
        "max_extensions": policy.max_extensions,
        "extension_period": iso_duration(policy.extension_period),
        "default": is_default,
        "version": version,
    }


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {"type": entry.type, "at": iso(entry.at), "actor": entry.actor, "data": entry.data}


def _enrolment_json(e: Enrolment) -> dict[str, Any]:
    return {
        "vendor_id": e.vendor_id,
        "tier": e.terms.tier,
        "territory": e.terms.territory,
        "region": e.terms.region,
        "channel_manager": e.terms.channel_manager,
        "version": e.version,
        "updated_at": iso(e.updated_at),
    }


def partner_json(profile: PartnerProfile, enrolments: Sequence[Enrolment], viewer: Principal) -> dict[str, Any] | None:
    """The partner as `viewer` sees it; None when the viewer may not see it (a vendor it is not enrolled with)."""
    active = sorted((e for e in enrolments if e.active), key=lambda e: e.vendor_id)
    if viewer.role is Role.VENDOR:
        own = next((e for e in active if e.vendor_id == viewer.vendor_id), None)
        if own is None:
            return None
        return {
            "id": profile.id, "name": profile.name, "tier": own.terms.tier, "territory": own.terms.territory,
            "region": own.terms.region, "channel_manager": own.terms.channel_manager, "vendor_ids": [own.vendor_id],
            "created_at": iso(profile.created_at), "updated_at": iso(own.updated_at), "version": own.version,
        }  # fmt: skip
    if not viewer.acts_for_partner(profile.id):
        return None
    # Top-level terms are unambiguous only with a single vendor; otherwise see `enrollments`.
    single = active[0].terms if len(active) == 1 else None
    return {
        "id": profile.id,
        "name": profile.name,
        "tier": single.tier if single else None,
        "territory": single.territory if single else None,
        "region": single.region if single else None,
        "channel_manager": single.channel_manager if single else None,
        "vendor_ids": [e.vendor_id for e in active],
        "enrollments": [_enrolment_json(e) for e in active],
        "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
        "version": profile.version,
    }
