"""wrk (C, one epoll loop per thread) as the closed-loop load generator of the HTTP phases.

The Python generator (bench/loadgen.py) burned a whole core at the bare-insert baseline's rate,
so that baseline measured the generator. wrk needs a few percent of a core for the same rate.
Every request registers a new customer with an Idempotency-Key of its own (bench/registration.lua).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("registration.lua")
PERCENTILES = (1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9)


def wrk_binary() -> str:
    exe = shutil.which("wrk")
    if exe is None:
        raise RuntimeError("wrk is not installed: `make bench` installs Debian's wrk (apt-get install wrk)")
    return exe


def _run(args: list[str], out_path: Path) -> tuple[int, float]:
    """Run wrk to completion; its exit code and the CPU seconds it used (from wait4's rusage)."""
    with out_path.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


async def run_wrk(
    url: str, token: str, tag: str, concurrency: int, duration: float, threads: int = 1
) -> dict[str, Any]:
    """One closed-loop run: `concurrency` connections for `duration` s; the summary load_summary() gives."""
    args = [wrk_binary(), "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s"]
    args += ["--timeout", "30s", "-s", str(SCRIPT), url, "--", tag, token]
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        out_path = Path(tmp) / "wrk.out"
        rc, cpu_s = await asyncio.to_thread(_run, args, out_path)
        output = out_path.read_text(errors="replace")
    line = next((x for x in output.splitlines() if x.startswith("WRK_JSON ")), None)
    if rc != 0 or line is None:
        raise RuntimeError(f"wrk exited with {rc}: {output[-2000:]}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return wrk_summary(raw, concurrency, cpu_s)


def wrk_summary(raw: dict[str, Any], concurrency: int, cpu_s: float) -> dict[str, Any]:
    elapsed = raw["duration_us"] / 1e6
    statuses = {str(k): int(v) for k, v in raw["statuses"].items()}
    ok = statuses.get("200", 0) + statuses.get("201", 0)
    lat = raw["latency_us"]
    pcts = {float(k): v / 1000 for k, v in lat["percentiles"].items()}
    errors = {k: v for k, v in raw["errors"].items() if v and k != "status"}

    def ms(p: float) -> float | None:
        return round(pcts[p], 2) if p in pcts else None

    return {
        "generator": "wrk",
        "concurrency": concurrency,
        "target_rate": None,
        "duration_s": round(elapsed, 2),
        "requests": raw["requests"],
        "ok": ok,
        "statuses": statuses,
        "transport_errors": errors,
        "rps": round(ok / elapsed, 1) if elapsed > 0 else None,
        # wrk's latency covers every response (a non-2xx too); with no errors that is the 201s.
        "count": raw["requests"],
        "p50_ms": ms(50.0),
        "p90_ms": ms(90.0),
        "p99_ms": ms(99.0),
        "max_ms": round(lat["max"] / 1000, 2),
        "mean_ms": round(lat["mean"] / 1000, 2),
        "loadgen_cores": round(cpu_s / elapsed, 3) if elapsed > 0 else None,
        "percentiles_ms": {str(p): round(v, 3) for p, v in sorted(pcts.items())},
    }


def curve(summary: dict[str, Any], points: int = 200) -> list[float]:
    """Latencies spread over wrk's percentile points (linear in between), for the CDF plot."""
    known = sorted((float(p), v) for p, v in (summary.get("percentiles_ms") or {}).items())
    if len(known) < 2:
        return []
    out = []
    for i in range(points):
        q = known[0][0] + (known[-1][0] - known[0][0]) * i / (points - 1)
        for (q0, v0), (q1, v1) in itertools.pairwise(known):
            if q0 <= q <= q1:
                out.append(v0 + (v1 - v0) * ((q - q0) / (q1 - q0) if q1 > q0 else 0))
                break
    return out
