"""What the use cases need of storage: the stores (Protocols) and the plain records they exchange.

Two stores, one connection style each: `RewardStore` is the deal-event hot path (raw asyncpg
under the consumer's transaction, a fixed number of set-based statements per batch), and
`IncentivesStore` everything else (the request's or consumer's SQLAlchemy session, so a keyed
POST's idempotency claim commits with its effect). Fakes live in tests/unit/incentives/fakes.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from events.envelope import CloudEvent
from events.schemas import PartnerEnrolmentData
from events.vocabulary import DealStage
from incentives.domain.accrual import DealRewardState
from incentives.domain.ledger import LedgerLine, RewardKeys, Transfer
from incentives.domain.payouts import Payout
from incentives.domain.policy import PartnerHistory
from incentives.domain.programs import Program
from incentives.domain.rules import RewardKind

# (topic, key, event, traceparent): an outbox row.
Outgoing = tuple[str, str | None, CloudEvent, str | None]


@dataclass(frozen=True, kw_only=True)
class ProgramRecord:
    """A stored program: the domain program (budget UNLIMITED when it has none) and what storage adds.

    `stage_bonuses` and `tier_multipliers` are as stored (the API shows them as they are).
    """

    program: Program
    budget: Decimal | None
    stage_bonuses: Mapping[str, Any]
    tier_multipliers: Mapping[str, Any]
    created_at: datetime
    version: int


@dataclass(frozen=True, kw_only=True)
class EntryValues(RewardKeys):
    """One ledger_entries row: a rule's outcome as the rep sees it."""

    kind: str
    stage: str | None
    rule_key: str
    amount: Decimal
    requested: Decimal
    cut: Decimal
    cut_reason: str | None
    currency: str
    event_id: str
    transfer_id: str | None


# What a ledger line (domain) takes from a stored entry as it is.
_LINE_FIELDS = ("id", "deal_id", "rep_id", "partner_id", "vendor_id", "program_id", "amount", "currency", "event_id")


@dataclass(frozen=True, kw_only=True)
class LedgerEntry(EntryValues):
    """A stored ledger entry (its booking order `seq` and time added)."""

    seq: int
    created_at: datetime

    def line(self, payout_id: str | None) -> LedgerLine:
        """The entry as statements and payouts read it (`payout_id`: the payout that settled it)."""
        return LedgerLine(
            **{name: getattr(self, name) for name in _LINE_FIELDS},
            kind=RewardKind(self.kind),
            stage=DealStage(self.stage) if self.stage else None,
            rule_key=self.rule_key,
            created_at=self.created_at,
            payout_id=payout_id,
        )


@dataclass(frozen=True, kw_only=True)
class DealClose:
    """A closed deal kept for the partner's history (the proposals' ROI gate)."""

    deal_id: str
    partner_id: str
    vendor_id: str
    outcome: str
    amount: Decimal
    margin_pct: Decimal
    currency: str
    closed_at: datetime


@dataclass(frozen=True, kw_only=True)
class LedgerScope:
    """What a caller may see of the ledger: everything, one vendor's, or some partners' (none: nothing)."""

    everything: bool = False
    vendor_id: str | None = None
    partner_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class LedgerFilter:
    rep_id: str | None = None
    partner_id: str | None = None
    deal_id: str | None = None
    program_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProgramScope:
    """Which programs a list may show: `vendor_id` asked for; `own_vendor` a vendor's only;
    `partner_ids` a partner's (vendors it is enrolled with; vendor-wide or its own)."""

    vendor_id: str | None = None
    own_vendor: str | None = None
    partner_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class PolicyRecord:
    """A vendor's stored incentive policy: each field as set (None: the default), its version."""

    vendor_id: str
    values: Mapping[str, Decimal | None]
    version: int
    updated_at: datetime


@dataclass(kw_only=True)
class ProposalRecord:
    id: str
    vendor_id: str
    partner_id: str
    program: dict[str, Any]
    forecast: dict[str, Any]
    simulation: dict[str, Any]
    gate: dict[str, Any] | None
    roi: Decimal | None
    min_roi: Decimal | None
    status: str
    program_id: str | None = None
    created_at: datetime
    decided_at: datetime | None = None
    version: int = 1


class RewardStore(Protocol):
    """The deal-event path's storage, a batch at a time, inside the consumer's transaction."""

    async def record_closes(self, closes: Sequence[DealClose]) -> None: ...

    async def programs_of(self, vendor_ids: set[str]) -> list[ProgramRecord]: ...

    async def recorded_programs(self, deal_ids: set[str]) -> dict[str, str]: ...

    async def lock_accounts(self, accounts: set[str]) -> dict[str, Decimal]:
        """Balances of the accounts that exist, their rows locked in id order until commit."""
        ...

    async def ensure_accounts(self, accounts: Mapping[str, tuple[str, bool]]) -> None:
        """Create missing accounts (id -> (currency, non_negative)) at zero."""
        ...

    async def deal_states(self, deal_ids: set[str]) -> dict[str, DealRewardState]: ...

    async def write_batch(
        self, transfers: Sequence[Transfer], rows: Sequence[EntryValues], outgoing: Sequence[Outgoing], now: datetime
    ) -> int:
        """Book transfers, entries and outbox rows at once; how many entries were new."""
        ...


class IncentivesStore(Protocol):
    """Programs, the ledger's reads, payouts, policies, proposals and enrolments."""

    # Programs
    async def lock_vendor_programs(self, vendor_id: str) -> None: ...

    async def programs_of_vendor(self, vendor_id: str) -> list[ProgramRecord]: ...

    async def program(self, program_id: str, *, lock: bool = False) -> ProgramRecord | None: ...

    async def add_program(self, record: ProgramRecord) -> None: ...

    async def change_program(self, program_id: str, *, name: str | None, ends_on: date | None) -> ProgramRecord:
        """Apply the changes to a program read with lock=True and bump its version."""
        ...

    async def list_programs(
        self, scope: ProgramScope, after: tuple[date, str] | None, limit: int
    ) -> list[ProgramRecord]: ...

    async def is_enrolled(self, partner_ids: Sequence[str], vendor_id: str) -> bool: ...

    # The ledger
    async def open_account(self, account: str, currency: str, *, non_negative: bool) -> None: ...

    async def balance(self, account: str) -> Decimal | None: ...

    async def post_transfer(self, transfer: Transfer, now: datetime) -> None: ...

    async def ledger_page(
        self, scope: LedgerScope, where: LedgerFilter, after_seq: int | None, limit: int
    ) -> list[LedgerEntry]: ...

    async def deal_entries(self, deal_id: str) -> list[LedgerEntry]: ...

    async def rep_lines(self, rep_id: str, scope: LedgerScope) -> list[LedgerLine]: ...

    # Payouts
    async def lock_vendor_payouts(self, vendor_id: str) -> None: ...

    async def unpaid_lines(self, vendor_id: str, up_to: datetime) -> list[LedgerLine]: ...

    async def add_payout(self, payout: Payout, entry_ids: Sequence[str]) -> None: ...

    async def payout(self, payout_id: str) -> Payout | None: ...

    async def enqueue(self, outgoing: Sequence[tuple[str, str | None, CloudEvent]]) -> None: ...

    # Policies and proposals
    async def lock_policy(self, vendor_id: str) -> PolicyRecord | None: ...

    async def policy(self, vendor_id: str) -> PolicyRecord | None: ...

    async def save_policy(self, record: PolicyRecord) -> None: ...

    async def enrolled_tier(self, partner_id: str, vendor_id: str) -> int | None: ...

    async def partner_history(self, partner_id: str, vendor_id: str, currency: str) -> PartnerHistory: ...

    async def add_proposal(self, record: ProposalRecord) -> None: ...

    async def proposal(self, proposal_id: str, *, lock: bool = False) -> ProposalRecord | None: ...

    async def save_proposal(self, record: ProposalRecord) -> None: ...

    # Enrolments (partners.v1)
    async def keep_enrolment(self, data: PartnerEnrolmentData) -> None:
        """Store the enrolment unless a version at least as high is kept."""
        ...
