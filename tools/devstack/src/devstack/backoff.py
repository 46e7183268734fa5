"""When `make run`'s supervisor restarts a dead service: the policy alone, no processes (unit-tested).

A service that dies is restarted after a delay that doubles with each death in a row (1, 2, 4 ...
up to 30 s), so a service that cannot start does not spin. A service that stayed up a while
(STABLE_AFTER) starts over at the shortest delay. A service that died again and again shortly
after its start gets one clear message, with the tail of its log, instead of silent restarts.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

BASE_DELAY = 1.0
MAX_DELAY = 30.0
STABLE_AFTER = 60.0  # seconds up after which a death is a fresh incident, not a failing start-up
STARTUP_WINDOW = 60.0  # deaths counted over this many seconds ...
STARTUP_DEATHS = 5  # ... this many of them at start-up make the "keeps dying" message


@dataclass(frozen=True)
class Restart:
    delay: float  # seconds to wait before starting the service again
    keeps_dying: str | None = None  # set once per streak: "dealreg exited 5 times within 60 s at start-up"


@dataclass
class RestartBackoff:
    """One service's restart delays; feed it each death (`died`) and each start (`started`)."""

    name: str
    base: float = BASE_DELAY
    cap: float = MAX_DELAY
    stable_after: float = STABLE_AFTER
    window: float = STARTUP_WINDOW
    deaths_to_report: int = STARTUP_DEATHS
    _delay: float = 0.0
    _started_at: float | None = None
    _startup_deaths: deque[float] = field(default_factory=deque)
    _reported: bool = False

    def started(self, now: float) -> None:
        self._started_at = now

    def died(self, now: float) -> Restart:
        uptime = None if self._started_at is None else now - self._started_at
        if uptime is not None and uptime >= self.stable_after:
            self._delay, self._reported = 0.0, False
            self._startup_deaths.clear()
        self._delay = self.base if self._delay == 0 else min(self._delay * 2, self.cap)
        if uptime is None or uptime < self.stable_after:
            self._startup_deaths.append(now)
        while self._startup_deaths and self._startup_deaths[0] < now - self.window:
            self._startup_deaths.popleft()
        message = None
        if len(self._startup_deaths) >= self.deaths_to_report and not self._reported:
            self._reported = True
            message = f"{self.name} exited {len(self._startup_deaths)} times within {self.window:.0f} s at start-up"
        return Restart(self._delay, message)
