"""A partner's enrolment with one vendor (its terms), as dealreg's partners.v1 events show it.

Which event wins: the highest enrolment `version` (dealreg bumps it on every change); an event
with the version already held, or an older one, changes nothing, so redeliveries and reorderings
never roll terms back.

Which terms a rollup groups a partner by (rollup_attributes): the enrolment's, unless a deal
event newer than the enrolment's `updated_at` showed terms (data.partner carries the deal
vendor's terms as of that event); a tie goes to the enrolment. A partner with no enrolment known
yet falls back to its deals' terms, one with neither is grouped under "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pipeline.domain.read_model import PartnerAttributes


@dataclass(frozen=True)
class Enrolment:
    partner_id: str
    vendor_id: str
    name: str | None
    tier: int | None
    territory: str | None
    region: str | None
    channel_manager: str | None
    version: int
    updated_at: datetime

    @property
    def key(self) -> tuple[str, str]:
        return (self.partner_id, self.vendor_id)

    @property
    def attributes(self) -> PartnerAttributes:
        return PartnerAttributes(self.tier, self.territory, self.region, self.channel_manager)


def supersedes(incoming: Enrolment, current: Enrolment | None) -> bool:
    """Whether `incoming` replaces what is held: only a strictly higher version does."""
    return current is None or incoming.version > current.version


def newest_enrolments(enrolments: Iterable[Enrolment]) -> dict[tuple[str, str], Enrolment]:
    """Per (partner, vendor), the enrolment with the highest version (the first one on a tie),
    whatever order they come in: what the consumer keeps, folded in memory (the rebuild)."""
    kept: dict[tuple[str, str], Enrolment] = {}
    for enrolment in enrolments:
        if supersedes(enrolment, kept.get(enrolment.key)):
            kept[enrolment.key] = enrolment
    return kept


def rollup_attributes(
    enrolment: tuple[PartnerAttributes, datetime] | None,
    from_deals: tuple[PartnerAttributes, datetime] | None,
) -> PartnerAttributes:
    """The terms a rollup groups a partner by: the enrolment's (with its updated_at) unless the
    deals' (with their latest event time) are strictly newer; either alone when the other is
    unknown."""
    if enrolment is None:
        return PartnerAttributes() if from_deals is None else from_deals[0]
    if from_deals is not None and from_deals[1] > enrolment[1]:
        return from_deals[0]
    return enrolment[0]
