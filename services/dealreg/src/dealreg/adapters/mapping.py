"""Rows <-> domain objects: the domain never sees a row, the database never sees a dataclass."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from dealreg.adapters.tables import DealRow, EnrollmentRow, PartnerRow, VendorPolicyRow
from dealreg.domain.customers import customer_match_keys
from dealreg.domain.deals import Customer, Deal, LineItem, Rep, normalize_sku
from dealreg.domain.enrolment import Enrolment, PartnerProfile, PartnerTerms, Terms
from dealreg.domain.policy import DEFAULT_POLICY, ApprovalPolicy, SlaBreachAction
from events.vocabulary import DealStage, DealStatus

# Deal fields copied verbatim onto the row (the rest need converting).
_PLAIN_FIELDS = (
    "vendor_id",
    "partner_id",
    "currency",
    "amount",
    "margin_pct",
    "margin_amount",
    "approval_due_at",
    "created_at",
    "updated_at",
    "version",
    "expected_close_date",
    "external_ref",
    "notes",
    "conflict",
    "protection_expires_at",
    "extensions_used",
    "decided_at",
    "decided_by",
    "decision_reason",
    "approval_overdue_at",
    "expired_at",
    "final_amount",
    "closed_on",
    "closed_at",
    "close_reason",
)


def deal_from_row(row: DealRow) -> Deal:
    return Deal(
        id=row.id,
        rep=Rep(**row.rep),
        customer=Customer(**row.customer),
        products=tuple(
            LineItem(sku=p["sku"], quantity=int(p["quantity"]), unit_price=Decimal(str(p["unit_price"])))
            for p in row.products
        ),
        status=DealStatus(row.status),
        stage=DealStage(row.stage),
        conflict_reasons=tuple(row.conflict_reasons),
        conflicting_deal_ids=tuple(row.conflicting_deal_ids),
        **{name: getattr(row, name) for name in _PLAIN_FIELDS},
    )


def _row_values(deal: Deal) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(deal, name) for name in _PLAIN_FIELDS}
    values.update(
        status=str(deal.status),
        stage=str(deal.stage),
        rep=asdict(deal.rep),
        customer=asdict(deal.customer),
        products=[{"sku": p.sku, "quantity": p.quantity, "unit_price": f"{p.unit_price:.2f}"} for p in deal.products],
        conflict_reasons=list(deal.conflict_reasons),
        conflicting_deal_ids=list(deal.conflicting_deal_ids),
    )
    return values


def write_deal(row: DealRow, deal: Deal) -> None:
    """Copy a deal's state onto its loaded row."""
    for name, value in _row_values(deal).items():
        setattr(row, name, value)


def new_deal_values(deal: Deal) -> dict[str, Any]:
    """Every column of a new deal's row (for a Core insert)."""
    keys = customer_match_keys(deal.customer.name, deal.customer.domain)
    return {
        "id": deal.id,
        "customer_domain_key": keys.domain,
        "customer_name_key": keys.name,
        "skus": sorted({normalize_sku(p.sku) for p in deal.products}),
        **_row_values(deal),
    }


def policy_from_row(row: VendorPolicyRow | None) -> ApprovalPolicy:
    if row is None:
        return DEFAULT_POLICY
    return ApprovalPolicy(
        auto_approve_max_amount=row.auto_approve_max_amount,
        auto_approve_tiers=frozenset(row.auto_approve_tiers),
        approval_sla=row.approval_sla,
        on_sla_breach=SlaBreachAction(row.on_sla_breach),
        protection_period=row.protection_period,
        max_extensions=row.max_extensions,
        extension_period=row.extension_period,
        auto_approve_currency=row.auto_approve_currency,
    )


def terms_from_row(row: EnrollmentRow) -> Terms:
    return Terms(tier=row.tier, territory=row.territory, region=row.region, channel_manager=row.channel_manager)


def partner_terms_from_row(row: EnrollmentRow) -> PartnerTerms:
    return PartnerTerms(partner_id=row.partner_id, vendor_id=row.vendor_id, terms=terms_from_row(row))


def enrolment_from_row(row: EnrollmentRow) -> Enrolment:
    return Enrolment(
        vendor_id=row.vendor_id, terms=terms_from_row(row), version=row.version, active=row.active,
        updated_at=row.updated_at,
    )  # fmt: skip


def profile_from_row(row: PartnerRow) -> PartnerProfile:
    return PartnerProfile(
        id=row.id, name=row.name, created_at=row.created_at, updated_at=row.updated_at, version=row.version
    )


def policy_values(policy: ApprovalPolicy) -> dict[str, Any]:
    """A policy's columns (the vendor's id and the timestamps aside)."""
    return {
        "auto_approve_max_amount": policy.auto_approve_max_amount,
        "auto_approve_tiers": sorted(policy.auto_approve_tiers),
        "auto_approve_currency": policy.auto_approve_currency,
        "approval_sla": policy.approval_sla,
        "on_sla_breach": str(policy.on_sla_breach),
        "protection_period": policy.protection_period,
        "max_extensions": policy.max_extensions,
        "extension_period": policy.extension_period,
    }
