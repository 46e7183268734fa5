"""A partner's enrolments: its terms (tier, territory, region, channel manager) with each vendor.

Who may set which enrolment, and what a PUT of a partner changes. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from events.vocabulary import PartnerEventType
from servicekit.errors import Forbidden
from servicekit.principal import Principal, Role


@dataclass(frozen=True)
class Terms:
    """A partner's terms with one vendor."""

    tier: int
    territory: str | None = None
    region: str | None = None
    channel_manager: str | None = None


@dataclass(frozen=True)
class Enrolment:
    """A partner's enrolment with one vendor as stored (`active` false: the partner left that vendor)."""

    vendor_id: str
    terms: Terms
    version: int
    active: bool = True
    updated_at: datetime | None = None


@dataclass(frozen=True)
class PartnerProfile:
    """A partner's profile: its name. Version 0: just created, nothing written to it yet."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class PartnerTerms:
    """Who a deal's partner is to the deal's vendor: what registration and deal events use."""

    partner_id: str
    vendor_id: str
    terms: Terms


class EnrolmentRefused(Forbidden):
    """The caller may not set these enrolments (403). `str()` is a user-facing detail."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        super().__init__(detail)


def acting_vendor(principal: Principal) -> str | None:
    """Who sets enrolments: a vendor (its own only) or an admin (None: those it lists); others may not."""
    if principal.role not in (Role.ADMIN, Role.VENDOR):
        raise Forbidden("Only vendors and admins manage partner profiles.")
    return principal.vendor_id if principal.role is Role.VENDOR else None


def active_enrolment(enrolments: Mapping[str, Enrolment], vendor_id: str) -> Enrolment | None:
    found = enrolments.get(vendor_id)
    return found if found is not None and found.active else None


def version_seen(vendor: str | None, profile: PartnerProfile, enrolments: Mapping[str, Enrolment]) -> int:
    """The version the caller last read (its If-Match): a vendor's is its enrolment's, the admin's the profile's."""
    if vendor is None:
        return profile.version
    own = active_enrolment(enrolments, vendor)
    return own.version if own is not None else 0


def vendor_targets(acting_vendor: str | None, requested: Collection[str] | None) -> list[str]:
    """The vendors whose enrolments a PUT sets.

    A vendor (`acting_vendor`) sets its own only: `vendor_ids`, if given, must be [that vendor].
    An admin (`acting_vendor` None) sets exactly those it lists (none: only the profile).
    """
    wanted = sorted(set(requested)) if requested is not None else None
    if acting_vendor is None:
        return wanted or []
    if wanted is None or wanted == [acting_vendor]:
        return [acting_vendor]
    raise EnrolmentRefused(
        403,
        f"A vendor sets only its own enrolment of a partner: vendor_ids must be [{acting_vendor!r}] or left out;"
        " other vendors' enrolments are theirs.",
    )


@dataclass(frozen=True)
class EnrolmentChange:
    """One enrolment written by a PUT, and the event that announces it."""

    vendor_id: str
    terms: Terms
    version: int
    event_type: PartnerEventType


@dataclass(frozen=True)
class PartnerPut:
    """What a PUT of a partner changes: the profile's name and the enrolments written (none: nothing changed)."""

    name: str
    profile_created: bool
    profile_changed: bool
    changes: tuple[EnrolmentChange, ...]

    @property
    def changed(self) -> bool:
        return self.profile_created or self.profile_changed or bool(self.changes)


def plan_partner_put(
    current_name: str | None,
    enrolments: Mapping[str, Enrolment],
    *,
    name: str,
    terms: Terms,
    targets: Collection[str],
    may_rename: bool,
) -> PartnerPut:
    """Apply a PUT: `targets` get `terms`; the name is set when the profile is new (or by an admin).

    A vendor never renames a profile once it exists. A rename reaches every enrolment's event
    (the name travels in them), so each one's version moves on. Writing what is already there
    changes nothing and announces nothing.
    """
    created = current_name is None
    new_name = name if created or may_rename else current_name
    assert new_name is not None
    renamed = not created and new_name != current_name
    changes: list[EnrolmentChange] = []
    for vendor_id in sorted(set(targets) | (set(enrolments) if renamed else set())):
        current = enrolments.get(vendor_id)
        if current is None:
            changes.append(EnrolmentChange(vendor_id, terms, 1, PartnerEventType.PARTNER_ENROLLED))
            continue
        new_terms = terms if vendor_id in targets else current.terms
        revived = vendor_id in targets and not current.active
        if new_terms != current.terms or revived or (renamed and current.active):
            changes.append(EnrolmentChange(vendor_id, new_terms, current.version + 1, PartnerEventType.PARTNER_UPDATED))
    return PartnerPut(new_name, created, renamed, tuple(changes))


def apply_partner_put(
    profile: PartnerProfile, enrolments: Mapping[str, Enrolment], plan: PartnerPut, now: datetime
) -> tuple[PartnerProfile, list[Enrolment]]:
    """The profile and the enrolments after a planned PUT (the enrolments written, in plan order).

    Any change moves the profile's version on: the partner's and admin's view includes every enrolment.
    """
    if plan.changed:
        profile = replace(profile, name=plan.name, updated_at=now, version=profile.version + 1)
    written = [
        Enrolment(vendor_id=c.vendor_id, terms=c.terms, version=c.version, active=True, updated_at=now)
        for c in plan.changes
    ]
    return profile, written


def put_created(vendor: str | None, enrolments: Mapping[str, Enrolment], plan: PartnerPut) -> bool:
    """Whether a PUT answers 201: a vendor's first (active) enrolment, or an admin's new profile."""
    if vendor is not None:
        return active_enrolment(enrolments, vendor) is None
    return plan.profile_created
