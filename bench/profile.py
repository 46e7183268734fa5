"""Optional sampling profiles (--profile / BENCH_PROFILE=1): py-spy on a service process
during a phase, summarised as the functions the process spends its time in."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def py_spy() -> str | None:
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


async def record(pid: int, seconds: float, out: Path) -> asyncio.subprocess.Process | None:
    """Start `py-spy record` (collapsed stacks, idle frames left out) on `pid` for `seconds`."""
    exe = py_spy()
    if exe is None:
        return None
    args = ["record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200"]
    args += ["--format", "raw", "--output", str(out), "--nonblocking"]
    return await asyncio.create_subprocess_exec(
        exe, *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


def _short(frame: str) -> str:
    # "func (path/to/module.py:123)" -> "func (module.py)": lines split one function's samples
    name, _, where = frame.partition(" (")
    file = where.rsplit("/", 1)[-1].split(":", 1)[0]
    return f"{name} ({file})" if file else name


def _package(frame: str) -> str:
    """The top-level package (or stdlib module) of a frame; py-spy names files from there,
    e.g. "servicekit/idempotency.py:181" or "functools.py:35"."""
    where = frame.rpartition(" (")[2].rstrip(")").split(":", 1)[0]
    return where.split("/", 1)[0].removesuffix(".py") or "other"


def top(collapsed: Path, n: int = 15) -> dict[str, Any]:
    """The most sampled functions (self time) and packages (inclusive), in % of samples."""
    self_time: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        samples = int(count_text)
        frames = stack.split(";")
        total += samples
        self_time[_short(frames[-1])] += samples
        for package in {_package(f) for f in frames}:
            packages[package] += samples

    def pct(counter: Counter[str], k: int) -> list[list[Any]]:
        return [[f, round(100 * c / total, 1)] for f, c in counter.most_common(k)] if total else []

    return {"samples": total, "self_pct": pct(self_time, n), "package_inclusive_pct": pct(packages, 25)}
