"""Calendar quarters ("2026Q4"), the periods plans and figures are kept for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_PERIOD = re.compile(r"([0-9]{4})Q([1-4])")  # not \d: it would accept non-ASCII digits


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; `str()` gives the canonical form, e.g. "2026Q4"."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1..4, got {self.quarter}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse "YYYYQn" (n in 1..4); anything else raises ValueError."""
        match = _PERIOD.fullmatch(text)
        if match is None or match.group(1) == "0000":
            raise ValueError(f"malformed period {text!r}: expected a quarter such as '2026Q4'")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"

    @property
    def start(self) -> date:
        """First day of the quarter."""
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter (inclusive)."""
        if self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)


def parse_period(text: str) -> Quarter:
    """Parse "2026Q4"; raises ValueError when malformed."""
    return Quarter.parse(text)


def period_of(day: date) -> Quarter:
    """The quarter a date falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def current_period(now: datetime) -> Quarter:
    """The quarter `now` falls in, in UTC (a naive datetime is refused: it is ambiguous)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return period_of(now.astimezone(UTC).date())
