"""The reward rules end to end, in memory: what the consumer does to one event, without storage.

The service's one path (service.rewards.apply_deal_events, a batch; one event is a batch of
one) composes the same pure functions in the same order: skip an event already processed, pick the deal's
program (programs.program_of_record), accrue under the budget's current balance
(accrual.accrue_event), record the program on the deal's first reward, post the transfers
(ledger). RewardBook does exactly that on the in-memory Ledger, so properties about money
(one program per deal, no budget overdrawn or over-credited) can be checked for any
sequence of events without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from events.vocabulary import DealEventType
from incentives.domain.accrual import Accrual, DealRewardState, accrue_event
from incentives.domain.deals import DealFacts
from incentives.domain.ledger import Ledger, funding_transfer, program_budget_account, reward_id, transfer_for_grant
from incentives.domain.programs import Program, program_of_record
from incentives.domain.rules import CurrencyMismatch


@dataclass(frozen=True)
class BookedLine:
    """One rule's outcome as booked: the deal, the program that paid it, the amount granted."""

    deal_id: str
    program_id: str
    rule_key: str
    granted: Decimal


@dataclass
class RewardBook:
    programs: dict[str, Program] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)
    records: dict[str, str] = field(default_factory=dict)
    states: dict[str, DealRewardState] = field(default_factory=dict)
    processed: set[str] = field(default_factory=set)
    lines: list[BookedLine] = field(default_factory=list)

    def add_program(self, program: Program) -> None:
        """A program created (or a proposal approved): its budget funded once."""
        if program.id in self.programs:
            return
        self.programs[program.id] = program
        self.ledger.post(funding_transfer(f"fund:{program.id}", program.id, program.budget, program.currency))

    def apply(
        self, event_id: str, event_type: DealEventType, deal: DealFacts, registered_at: datetime
    ) -> list[Accrual]:
        """One delivery of a deal event; a redelivery (same id) changes nothing."""
        if event_id in self.processed:
            return []
        self.processed.add(event_id)
        program = program_of_record(
            self.records.get(deal.deal_id), self.programs.values(), deal.vendor_id, deal.partner_id, registered_at
        )
        if program is None:
            return []
        state = self.states.get(deal.deal_id, DealRewardState())
        remaining = self.ledger.balance(program_budget_account(program.id), program.currency)
        try:
            accruals = accrue_event(program, event_type, deal, state, remaining)
        except CurrencyMismatch:
            return []
        if accruals:
            self.records.setdefault(deal.deal_id, program.id)
        for accrual in accruals:
            entry_id = reward_id(deal.deal_id, accrual.rule_key)
            transfer = transfer_for_grant(entry_id, program.id, deal.rep_id, accrual.granted, program.currency)
            if transfer is not None:
                self.ledger.post(transfer)
            self.lines.append(BookedLine(deal.deal_id, program.id, accrual.rule_key, accrual.granted))
        self.states[deal.deal_id] = state.after(accruals)
        return accruals
