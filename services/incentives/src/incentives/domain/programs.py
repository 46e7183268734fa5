"""Incentive programs: what a vendor pays for, when, and how much at most."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from events.vocabulary import DealStage
from incentives.domain.deals import BONUS_STAGES
from servicekit.money import to_cents

TIERS: tuple[int, ...] = (1, 2, 3)
# A program without a budget is unlimited; the rules want a number, so it gets one no
# ledger will reach (NUMERIC(18, 2) holds at most 16 digits before the point).
UNLIMITED = Decimal("9999999999999999.99")
_CURRENCY = re.compile(r"[A-Z]{3}")
_HUNDRED = Decimal(100)


class PayRegistrationOn(StrEnum):
    REGISTERED = "registered"
    APPROVED = "approved"


class InvalidProgram(ValueError):
    """A program that breaks its own rules; `problems` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, kw_only=True)
class Program:
    """One vendor's incentive program; `partner_id` set makes it partner-specific.

    Dates are inclusive. `cap_per_deal` None means uncapped. Invalid values raise
    InvalidProgram on construction, so a Program in hand is always a valid one.
    """

    id: str
    vendor_id: str
    name: str
    currency: str
    starts_on: date
    ends_on: date
    registration_reward_pct: Decimal
    pay_registration_on: PayRegistrationOn
    stage_bonuses: Mapping[DealStage, Decimal] = field(default_factory=dict)
    close_won_pct: Decimal = Decimal(0)
    clawback_on_reject: bool = True
    tier_multipliers: Mapping[int, Decimal] = field(default_factory=lambda: {tier: Decimal(1) for tier in TIERS})
    cap_per_deal: Decimal | None = None
    budget: Decimal
    partner_id: str | None = None
    # Set on a proposal's program (its approval time): a deal registered before it is not its.
    effective_from: datetime | None = None

    def __post_init__(self) -> None:
        problems = program_problems(self)
        if problems:
            raise InvalidProgram(problems)
        # Values may arrive as plain strings ("qualified", "approved") from the edge: normalise.
        object.__setattr__(self, "pay_registration_on", PayRegistrationOn(self.pay_registration_on))
        object.__setattr__(
            self, "stage_bonuses", {DealStage(stage): bonus for stage, bonus in self.stage_bonuses.items()}
        )
        object.__setattr__(self, "tier_multipliers", dict(self.tier_multipliers))

    def multiplier(self, tier: int) -> Decimal:
        """The tier's multiplier; an unknown tier is refused rather than guessed."""
        try:
            return self.tier_multipliers[tier]
        except KeyError:
            raise ValueError(f"program {self.id} has no multiplier for partner tier {tier!r}") from None

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def takes(self, registered_at: datetime) -> bool:
        """Whether a deal registered at that moment may fall under this program."""
        day = registered_at.astimezone(UTC).date()
        return self.runs_on(day) and (self.effective_from is None or registered_at >= self.effective_from)


def _is_cents(value: Decimal) -> bool:
    return value.is_finite() and value == to_cents(value)


def _pct_problem(name: str, value: Decimal) -> list[str]:
    if not value.is_finite() or not Decimal(0) <= value <= _HUNDRED:
        return [f"{name} must be between 0 and 100, got {value}"]
    return []


def program_problems(program: Program) -> list[str]:
    """Every rule the program breaks, as messages fit for a 422 (empty when valid)."""
    problems: list[str] = []
    if not program.id.strip():
        problems.append("id is required")
    if not program.vendor_id.strip():
        problems.append("vendor_id is required")
    if not program.name.strip():
        problems.append("name is required")
    if program.partner_id is not None and not program.partner_id.strip():
        problems.append("partner_id, when given, may not be blank")
    if not _CURRENCY.fullmatch(program.currency):
        problems.append(f"currency must be a three-letter ISO 4217 code, got {program.currency!r}")
    if program.pay_registration_on not in {str(p) for p in PayRegistrationOn}:
        problems.append(f"pay_registration_on must be registered or approved, got {program.pay_registration_on!r}")
    if program.ends_on < program.starts_on:
        problems.append("ends_on is before starts_on")
    problems += _pct_problem("registration_reward_pct", program.registration_reward_pct)
    problems += _pct_problem("close_won_pct", program.close_won_pct)
    for stage, bonus in program.stage_bonuses.items():
        if stage not in {str(s) for s in BONUS_STAGES}:
            allowed = ", ".join(BONUS_STAGES)
            problems.append(f"stage_bonuses: unknown stage {stage!r} (allowed: {allowed})")
        if not _is_cents(bonus) or bonus < 0:
            problems.append(f"stage_bonuses[{stage}] must be a non-negative amount in cents, got {bonus}")
    if set(program.tier_multipliers) != set(TIERS):
        problems.append("tier_multipliers must give exactly tiers 1, 2 and 3")
    for tier, multiplier in program.tier_multipliers.items():
        if not multiplier.is_finite() or multiplier < 0:
            problems.append(f"tier_multipliers[{tier}] must be non-negative, got {multiplier}")
    if program.cap_per_deal is not None and (not _is_cents(program.cap_per_deal) or program.cap_per_deal <= 0):
        problems.append(f"cap_per_deal must be a positive amount in cents, got {program.cap_per_deal}")
    if not _is_cents(program.budget) or program.budget <= 0:
        problems.append(f"budget must be a positive amount in cents, got {program.budget}")
    return problems


def programs_overlap(a: Program, b: Program) -> bool:
    """Same vendor, same partner scope (both vendor-wide or both for one partner), dates overlapping.

    A partner-specific program may run alongside the vendor-wide one: it replaces it for
    that partner (see active_program), so the two do not conflict.
    """
    return (
        a.vendor_id == b.vendor_id
        and a.partner_id == b.partner_id
        and a.starts_on <= b.ends_on
        and b.starts_on <= a.ends_on
    )


def overlapping_programs(existing: Iterable[Program], candidate: Program) -> list[Program]:
    """The existing programs a new one would overlap (the 409), the candidate itself excluded."""
    return [p for p in existing if p.id != candidate.id and programs_overlap(p, candidate)]


def active_program(
    programs: Iterable[Program], vendor_id: str, partner_id: str, on_date: date, registered_at: datetime | None = None
) -> Program | None:
    """The program that governs a deal registered on `on_date` (at `registered_at`), or None.

    A program made for this partner wins over the vendor-wide one. Non-overlap makes the
    match unique per scope; should data ever hold two, the later start wins, then the id,
    so the choice is at least stable. A program with `effective_from` takes only deals
    registered at or after it (`registered_at` None: only programs without one).
    """
    candidates = [
        p
        for p in programs
        if p.vendor_id == vendor_id
        and p.runs_on(on_date)
        and p.partner_id in (None, partner_id)
        and (p.effective_from is None or (registered_at is not None and registered_at >= p.effective_from))
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.partner_id is not None, p.starts_on, p.id))


def program_of_record(
    recorded_id: str | None,
    programs: Iterable[Program],
    vendor_id: str,
    partner_id: str,
    registered_at: datetime,
) -> Program | None:
    """The program that governs every reward of a deal.

    Once a deal was rewarded (`recorded_id`), that program, whatever programs appeared
    since; before, the program active on its registration. None: the recorded program is
    unknown (a caller's bug, never a reason to pick another) or no program applies.
    """
    listed = list(programs)
    if recorded_id is not None:
        return next((p for p in listed if p.id == recorded_id), None)
    day = registered_at.astimezone(UTC).date()
    return active_program(listed, vendor_id, partner_id, day, registered_at)
