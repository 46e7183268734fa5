"""The pipeline's read model of one deal, folded from deals.v1 events.

Every deal event carries the whole deal (plus `partner`), so applying an event replaces the
snapshot's state rather than adding a delta: redelivering an event is harmless, and the only
thing to guard against is an older event overwriting a newer state. Order is decided by the
deal's `version` (dealreg bumps it on every change); events without one fall back to the
event time, ties broken by how far the deal has progressed (the lifecycle only moves forward).

The event's deal JSON is read by the small parser at the end, not by events.schemas.DealEventData:
that model requires what the read model does without (rep, customer, products, margins, status,
version, partner), and validating it costs about as much as this whole fold (measured: ~31 us/event
for DealEventData.model_validate on a full deal vs ~33 us/event for apply_deal_event), well over the
consumer's budget for a second parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from events.vocabulary import OPEN_STATUSES, DealEventType, DealStage, DealStatus, Outcome
from servicekit.money import parse_decimal

__all__ = [
    "DEAL_EVENT_TYPES",
    "OPEN_STATUSES",
    "DealSnapshot",
    "DealStage",
    "DealStatus",
    "Outcome",
    "PartnerAttributes",
    "apply_deal_event",
    "is_stale",
]


# Status implied by an event type, used only when the deal data lacks `status`.
_STATUS_BY_EVENT: Mapping[str, DealStatus] = {
    DealEventType.DEAL_REGISTERED: DealStatus.PENDING_APPROVAL,
    DealEventType.DEAL_APPROVED: DealStatus.APPROVED,
    DealEventType.DEAL_REJECTED: DealStatus.REJECTED,
    DealEventType.STAGE_ADVANCED: DealStatus.APPROVED,
    DealEventType.DEAL_CLOSED: DealStatus.CLOSED,
    DealEventType.DEAL_EXPIRED: DealStatus.EXPIRED,
    DealEventType.DEAL_EXTENDED: DealStatus.APPROVED,
    DealEventType.DEAL_APPROVAL_OVERDUE: DealStatus.PENDING_APPROVAL,
}
DEAL_EVENT_TYPES: frozenset[str] = frozenset(DealEventType)

_STATUS_RANK: Mapping[DealStatus, int] = {
    DealStatus.PENDING_APPROVAL: 0,
    DealStatus.APPROVED: 1,
    DealStatus.REJECTED: 2,
    DealStatus.EXPIRED: 2,
    DealStatus.CLOSED: 2,
}
# Pipeline's own tie-break order (closed_lost after closed_won, unlike events.vocabulary.STAGE_RANK):
# kept so that a same-instant, version-less pair of events folds as it always has.
_STAGE_RANK: Mapping[DealStage, int] = {stage: i for i, stage in enumerate(DealStage)}


@dataclass(frozen=True)
class PartnerAttributes:
    """What rollups group partners by."""

    tier: int | None = None
    territory: str | None = None
    region: str | None = None
    channel_manager: str | None = None


@dataclass(frozen=True)
class DealSnapshot:
    """A deal as the pipeline sees it: the latest state that events have shown."""

    deal_id: str
    vendor_id: str
    partner_id: str
    tier: int | None
    territory: str | None
    region: str | None
    channel_manager: str | None
    amount: Decimal
    currency: str
    status: DealStatus
    stage: DealStage
    expected_close_date: date | None
    closed_on: date | None
    outcome: Outcome | None
    final_amount: Decimal | None
    created_at: datetime  # registration time
    last_event_time: datetime
    last_sequence: int | None  # the deal's `version` this snapshot reflects, when events carry it

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_won(self) -> bool:
        return self.status is DealStatus.CLOSED and self.outcome is Outcome.WON

    @property
    def is_lost(self) -> bool:
        return self.status is DealStatus.CLOSED and self.outcome is Outcome.LOST

    @property
    def period_date(self) -> date | None:
        """The date that places the deal in a period: close date once closed, else expected close."""
        if self.status is DealStatus.CLOSED and self.closed_on is not None:
            return self.closed_on
        return self.expected_close_date

    @property
    def partner_attributes(self) -> PartnerAttributes:
        return PartnerAttributes(self.tier, self.territory, self.region, self.channel_manager)


def is_stale(snapshot: DealSnapshot, event_type: str, deal_data: Mapping[str, Any], event_time: datetime) -> bool:
    """True when the event shows nothing newer than `snapshot` (older, or a duplicate)."""
    version = _optional_int(deal_data.get("version"), "version")
    if version is not None and snapshot.last_sequence is not None:
        return version <= snapshot.last_sequence
    if event_time != snapshot.last_event_time:
        return event_time < snapshot.last_event_time
    # Same instant, no versions: the lifecycle only moves forward, so the less advanced state is older.
    incoming_status = _status(deal_data, event_type, snapshot)
    incoming = (_STATUS_RANK[incoming_status], _STAGE_RANK[_stage_or(deal_data, snapshot)])
    current = (_STATUS_RANK[snapshot.status], _STAGE_RANK[snapshot.stage])
    return incoming < current


def apply_deal_event(
    snapshot: DealSnapshot | None,
    event_type: str,
    deal_data: Mapping[str, Any],
    event_time: datetime,
) -> DealSnapshot:
    """Fold one deals.v1 event into the deal's snapshot.

    Returns `snapshot` itself when the event is stale or changes nothing, so `result is snapshot`
    tells the caller there is nothing to store. Raises ValueError for an unknown event type (the
    consumer should skip types outside DEAL_EVENT_TYPES), a naive `event_time`, malformed data, or
    data of another deal.
    """
    if event_type not in DEAL_EVENT_TYPES:
        raise ValueError(f"not a deal event type: {event_type!r}")
    if event_time.tzinfo is None or event_time.utcoffset() is None:
        raise ValueError("event_time must be timezone-aware")
    deal_id = _required_str(deal_data, "id")
    if snapshot is not None:
        if snapshot.deal_id != deal_id:
            raise ValueError(f"event of deal {deal_id!r} applied to deal {snapshot.deal_id!r}")
        if is_stale(snapshot, event_type, deal_data, event_time):
            return snapshot

    prev = snapshot
    partner = deal_data.get("partner") or {}
    if not isinstance(partner, Mapping):
        raise ValueError("partner must be an object")

    status = _status(deal_data, event_type, prev)
    outcome = _outcome(deal_data, prev)
    stage = _stage(deal_data, event_type, outcome, prev)
    if outcome is None and status is DealStatus.CLOSED:
        outcome = {DealStage.CLOSED_WON: Outcome.WON, DealStage.CLOSED_LOST: Outcome.LOST}.get(stage)
    amount = _money_or(deal_data, "amount", prev.amount if prev else None)
    if amount is None:
        raise ValueError("deal data lacks amount")

    final_amount = _money_or(deal_data, "final_amount", prev.final_amount if prev else None)
    closed_on = _date_or(deal_data, "closed_on", prev.closed_on if prev else None)
    if status is DealStatus.CLOSED:
        # A close without its details still counts: the deal's amount, on the day of the event.
        final_amount = amount if final_amount is None else final_amount
        closed_on = event_time.astimezone(UTC).date() if closed_on is None else closed_on

    fallback_partner_id = prev.partner_id if prev else None
    partner_id = _str_or(deal_data, "partner_id", _str_or(partner, "id", fallback_partner_id))
    vendor_id = _str_or(deal_data, "vendor_id", prev.vendor_id if prev else None)
    currency = _str_or(deal_data, "currency", prev.currency if prev else None)
    if partner_id is None or vendor_id is None or currency is None:
        raise ValueError("deal data lacks partner_id, vendor_id or currency")

    updated = DealSnapshot(
        deal_id=deal_id,
        vendor_id=vendor_id,
        partner_id=partner_id,
        tier=_int_or(partner, "tier", prev.tier if prev else None),
        territory=_str_or(partner, "territory", prev.territory if prev else None),
        region=_str_or(partner, "region", prev.region if prev else None),
        channel_manager=_str_or(partner, "channel_manager", prev.channel_manager if prev else None),
        amount=amount,
        currency=currency,
        status=status,
        stage=stage,
        expected_close_date=_date_or(deal_data, "expected_close_date", prev.expected_close_date if prev else None),
        closed_on=closed_on,
        outcome=outcome,
        final_amount=final_amount,
        created_at=_datetime_or(deal_data, "created_at", prev.created_at if prev else event_time),
        last_event_time=event_time,
        last_sequence=_int_or(deal_data, "version", prev.last_sequence if prev else None),
    )
    return prev if updated == prev else updated


# --- parsing of the event's deal JSON (money as decimal strings, dates as ISO 8601 strings) ---


def _status(data: Mapping[str, Any], event_type: str, prev: DealSnapshot | None) -> DealStatus:
    raw = data.get("status")
    if raw is not None:
        return _enum(DealStatus, raw, "status")
    if event_type == DealEventType.DEAL_APPROVAL_OVERDUE and prev is not None:
        return prev.status  # overdue says nothing about the status an SLA action may have set
    default = prev.status if prev else DealStatus.PENDING_APPROVAL
    return _STATUS_BY_EVENT.get(event_type, default)


def _stage_or(data: Mapping[str, Any], prev: DealSnapshot | None) -> DealStage:
    raw = data.get("stage")
    if raw is not None:
        return _enum(DealStage, raw, "stage")
    return prev.stage if prev else DealStage.REGISTERED


def _stage(data: Mapping[str, Any], event_type: str, outcome: Outcome | None, prev: DealSnapshot | None) -> DealStage:
    if data.get("stage") is None and event_type == DealEventType.DEAL_CLOSED and outcome is not None:
        return DealStage.CLOSED_WON if outcome is Outcome.WON else DealStage.CLOSED_LOST
    return _stage_or(data, prev)


def _outcome(data: Mapping[str, Any], prev: DealSnapshot | None) -> Outcome | None:
    raw = data.get("outcome")
    if raw is not None:
        return _enum(Outcome, raw, "outcome")
    return prev.outcome if prev else None


_E = TypeVar("_E", bound=StrEnum)


def _enum(kind: type[_E], raw: object, name: str) -> _E:
    try:
        if not isinstance(raw, str):
            raise ValueError(raw)
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValueError(f"unknown {name} {raw!r}; expected one of {allowed}") from None


def _required_str(data: Mapping[str, Any], key: str) -> str:
    value = _str_or(data, key, None)
    if value is None:
        raise ValueError(f"deal data lacks {key}")
    return value


def _str_or(data: Mapping[str, Any], key: str, default: str | None) -> str | None:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _int_or(data: Mapping[str, Any], key: str, default: int | None) -> int | None:
    value = _optional_int(data.get(key), key)
    return default if value is None else value


def _optional_int(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ValueError(f"{name} must be an integer")


def _money_or(data: Mapping[str, Any], key: str, default: Decimal | None) -> Decimal | None:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str | int) and not isinstance(value, bool):
        return parse_decimal(str(value))
    # Floats would carry binary rounding error into money; the contract sends decimal strings.
    raise ValueError(f"{key} must be a decimal string")


def _date_or(data: Mapping[str, Any], key: str, default: date | None) -> date | None:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, datetime):
        raise ValueError(f"{key} must be a date, not a timestamp")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{key} must be a date such as 2027-02-15, got {value!r}") from None
    raise ValueError(f"{key} must be a date string")


def _datetime_or(data: Mapping[str, Any], key: str, default: datetime) -> datetime:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{key} must be an RFC 3339 timestamp, got {value!r}") from None
    if not isinstance(value, datetime):
        raise ValueError(f"{key} must be a timestamp")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{key} must carry a UTC offset")
    return value.astimezone(UTC)
