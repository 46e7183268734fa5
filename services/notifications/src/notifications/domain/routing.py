"""Which subscriptions receive an event: the right event type, and the owner's own tenancy.

An event's tenancy is read from its CloudEvent ``data``: ``vendor_id`` and
``partner_id`` at the top level (deal events also carry ``partner.id``).
A vendor sees events of its vendor_id, a partner those of its partner_id, an
aggregator those of any partner in its partner_ids, an admin everything.
Fail closed: an event without a partner_id (e.g. ``payout-created``, whose lines
span several partners) reaches no partner or aggregator; one without a vendor_id
reaches no vendor.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from events.vocabulary import DealEventType, IncentiveEventType, PipelineEventType
from servicekit.principal import Role

# Every event type of the topics notifications reads (deals, incentives, pipeline).
KNOWN_EVENT_TYPES: frozenset[str] = frozenset(
    t.value for vocabulary in (DealEventType, IncentiveEventType, PipelineEventType) for t in vocabulary
)

# Deal fields a vendor may see but a partner never may (another partner's deal ids).
VENDOR_ONLY_FIELDS = frozenset({"conflicting_deal_ids"})


# A subscription's owner holds the role of the token that created it.
OwnerRole = Role


@dataclass(frozen=True)
class SubscriptionOwner:
    """The tenant a subscription belongs to, taken from the creating token's claims."""

    role: OwnerRole
    vendor_id: str | None = None
    partner_id: str | None = None
    partner_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # A missing id would otherwise silently route nothing; catch the wiring bug early.
        if self.role is OwnerRole.VENDOR and not self.vendor_id:
            raise ValueError("a vendor owner needs a vendor_id")
        if self.role is OwnerRole.PARTNER and not self.partner_id:
            raise ValueError("a partner owner needs a partner_id")


@dataclass(frozen=True)
class EventTenancy:
    vendor_id: str | None
    partner_id: str | None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def tenancy_of(data: Mapping[str, Any]) -> EventTenancy:
    """The vendor and partner an event belongs to, from its ``data``."""
    partner_id = _text(data.get("partner_id"))
    if partner_id is None:
        partner = data.get("partner")
        if isinstance(partner, Mapping):
            partner_id = _text(partner.get("id"))
    return EventTenancy(vendor_id=_text(data.get("vendor_id")), partner_id=partner_id)


def may_see(owner: SubscriptionOwner, tenancy: EventTenancy) -> bool:
    """Whether an event of ``tenancy`` lies within ``owner``'s tenancy."""
    match owner.role:
        case OwnerRole.ADMIN:
            return True
        case OwnerRole.VENDOR:
            return tenancy.vendor_id is not None and tenancy.vendor_id == owner.vendor_id
        case OwnerRole.PARTNER:
            return tenancy.partner_id is not None and tenancy.partner_id == owner.partner_id
        case OwnerRole.AGGREGATOR:
            return tenancy.partner_id is not None and tenancy.partner_id in owner.partner_ids


def unknown_event_types(event_types: Iterable[str]) -> list[str]:
    """The requested types that no topic publishes (a non-empty answer means 422)."""
    return sorted({t for t in event_types if t not in KNOWN_EVENT_TYPES})


class Routable(Protocol):
    """What routing needs of a subscription (the service's own type fits)."""

    @property
    def owner(self) -> SubscriptionOwner: ...

    @property
    def event_types(self) -> Collection[str]: ...


S = TypeVar("S", bound=Routable)


def receives(subscription: Routable, event_type: str, data: Mapping[str, Any]) -> bool:
    """Whether ``subscription`` gets this event: its type is wanted and its tenancy is the owner's."""
    return event_type in subscription.event_types and may_see(subscription.owner, tenancy_of(data))


def recipients(subscriptions: Iterable[S], event_type: str, data: Mapping[str, Any]) -> list[S]:
    """The subscriptions (already filtered to active ones by the caller) that get this event."""
    tenancy = tenancy_of(data)
    return [s for s in subscriptions if event_type in s.event_types and may_see(s.owner, tenancy)]


def visible_data(owner: SubscriptionOwner, data: Mapping[str, Any]) -> dict[str, Any]:
    """The event ``data`` as ``owner`` may see it: partners never get vendor-only fields."""
    if owner.role in (OwnerRole.VENDOR, OwnerRole.ADMIN):
        return dict(data)
    return {k: v for k, v in data.items() if k not in VENDOR_ONLY_FIELDS}
