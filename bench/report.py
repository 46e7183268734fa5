"""latest.json, latest.md and the latency plots (matplotlib, Agg)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _plot(samples: dict[str, list[float]], names: list[str], title: str, path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [(n, sorted(samples[n])) for n in names if samples.get(n)]
    if not series:
        return False
    fig, (cdf, hist) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, values in series:
        ys = [(i + 1) / len(values) for i in range(len(values))]
        cdf.plot(values, ys, label=f"{name} (n={len(values)})")
        hist.hist(values, bins=60, histtype="step", label=name)
    cdf.set_xscale("log")
    cdf.set_xlabel("latency (ms, log)")
    cdf.set_ylabel("fraction of requests")
    cdf.axhline(0.99, color="grey", linewidth=0.5, linestyle="--")
    cdf.axhline(0.5, color="grey", linewidth=0.5, linestyle="--")
    cdf.grid(True, which="both", alpha=0.3)
    cdf.legend(fontsize=8)
    cdf.set_title(f"{title}: CDF")
    hist.set_xlabel("latency (ms)")
    hist.set_ylabel("requests")
    hist.set_yscale("log")
    hist.set_title(f"{title}: histogram")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _fmt(value: Any) -> str:
    return "n/a" if value is None else str(value)


def _goal(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT met")


def goals(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    reg = results.get("registration") or {}
    half = reg.get("half_max_load") or {}
    e2e = results.get("e2e_reward_latency") or {}
    rt = results.get("kafka_roundtrip") or {}
    consumer = results.get("consumer") or {}
    share = reg.get("share_of_baseline_rps")
    e2e_p99, rt_p99 = e2e.get("p99_ms"), rt.get("p99_ms")
    eps = consumer.get("events_per_s")
    batch_ms = (results.get("dealreg_batch") or {}).get("median_ms")
    return [
        ("registration >= 60 % of baseline rps", _fmt(share), _goal(None if share is None else share >= 0.6)),
        (
            "registration p99 <= 50 ms at half max load",
            f"{_fmt(half.get('p99_ms'))} ms",
            _goal(None if half.get("p99_ms") is None else half["p99_ms"] <= 50),
        ),
        ("reward p99 <= 500 ms", f"{_fmt(e2e_p99)} ms", _goal(None if e2e_p99 is None else e2e_p99 <= 500)),
        (
            "reward p99 <= 5x Kafka round-trip p99",
            f"{_fmt(e2e_p99)} vs 5 x {_fmt(rt_p99)} ms",
            _goal(None if e2e_p99 is None or rt_p99 is None else e2e_p99 <= 5 * rt_p99),
        ),
        ("one consumer >= 2,000 events/s", _fmt(eps), _goal(None if eps is None else eps >= 2000)),
        (
            "500-item deal batch well under 2 s (issue 3)",
            f"{_fmt(batch_ms)} ms median",
            _goal(None if batch_ms is None else batch_ms < 2000),
        ),
    ]


def _phases(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for c, s in (results.get("baseline_insert") or {}).get("by_concurrency", {}).items():
        out.append((f"baseline insert c={c}", s))
    reg = results.get("registration") or {}
    for c, s in reg.get("by_concurrency", {}).items():
        out.append((f"registration c={c}", s))
    if reg.get("half_max_load"):
        out.append(("registration, half max load", reg["half_max_load"]))
    e2e = results.get("e2e_reward_latency") or {}
    if e2e:
        loadgen = e2e.get("registration", {}).get("loadgen_cores")
        out.append(("registration -> reward", {**e2e, "loadgen_cores": loadgen}))
    for key in ("consumer", "webhooks"):
        if (results.get(key) or {}).get("cpu_cores"):
            out.append((key, results[key]))
    return out


def write_report(results: dict[str, Any], samples: dict[str, list[float]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    results["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["goals"] = [{"goal": g, "figure": f, "status": s} for g, f, s in goals(results)]
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")

    http_names = [n for n in samples if n.startswith(("registration c=", "registration half", "baseline"))]
    plots = []
    if _plot(samples, http_names, "HTTP request latency", out / "latency_http.png"):
        plots.append(("HTTP request latency (registration vs baseline insert)", "latency_http.png"))
    if _plot(samples, ["registration -> reward", "kafka_roundtrip"], "Event latency", out / "latency_events.png"):
        plots.append(("Registration -> reward visible, and Kafka round trip", "latency_events.png"))

    m = results.get("machine", {})
    lines = [
        "# Benchmark results",
        "",
        f"Generated {results['generated_at']} by `python -m bench` (`make bench`) in {results.get('total_s')} s.",
        f"Machine: {m.get('cpus')} CPUs ({m.get('cpu_model')}), {m.get('mem_gb')} GB, Python {m.get('python')}, "
        f"{m.get('platform')}; load average at start {m.get('load_avg_at_start')}.",
        "",
        "## Goals (issue 11)",
        "",
        "| goal | figure | status |",
        "|---|---|---|",
        *[f"| {g} | {f} | {s} |" for g, f, s in goals(results)],
        "",
        "## HTTP: registration vs the bare-insert baseline",
        "",
        "| run | concurrency | target rate | rps | p50 ms | p90 ms | p99 ms | max ms | non-2xx / errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def row(name: str, s: dict[str, Any]) -> str:
        bad = {k: v for k, v in s.get("statuses", {}).items() if k not in ("200", "201")}
        bad.update(s.get("transport_errors") or {})
        return (
            f"| {name} | {s.get('concurrency')} | {_fmt(s.get('target_rate'))} | {_fmt(s.get('rps'))} | "
            f"{_fmt(s.get('p50_ms'))} | {_fmt(s.get('p90_ms'))} | {_fmt(s.get('p99_ms'))} | {_fmt(s.get('max_ms'))} | "
            f"{bad or '-'} |"
        )

    for c, s in (results.get("baseline_insert") or {}).get("by_concurrency", {}).items():
        lines.append(row(f"baseline insert c={c}", s))
    reg = results.get("registration") or {}
    for c, s in reg.get("by_concurrency", {}).items():
        lines.append(row(f"registration c={c}", s))
    if reg.get("half_max_load"):
        lines.append(row("registration, half max load", reg["half_max_load"]))
    drains = {c: s.get("backlog_drain") for c, s in reg.get("by_concurrency", {}).items()}
    lines += [
        "",
        f"Registration reaches {_fmt(reg.get('share_of_baseline_rps'))} of the baseline's best throughput. "
        f"After each registration level the bench waited for the consumers (incentives, pipeline, notifications) "
        f"to drain the backlog: {drains}.",
        "",
        "## Events",
        "",
    ]
    e2e = results.get("e2e_reward_latency") or {}
    rt = results.get("kafka_roundtrip") or {}
    consumer = results.get("consumer") or {}
    cb = results.get("consumer_baseline") or {}
    wh = results.get("webhooks") or {}
    batch = results.get("dealreg_batch") or {}
    lines += [
        "| figure | value |",
        "|---|---|",
        f"| registration -> reward visible p50 / p99 (ms) at {e2e.get('rate_per_s')} req/s | "
        f"{_fmt(e2e.get('p50_ms'))} / {_fmt(e2e.get('p99_ms'))} ({e2e.get('rewards_seen')} of "
        f"{e2e.get('registrations')} rewards seen) |",
        f"| Kafka produce -> consume round trip p50 / p99 (ms) | {_fmt(rt.get('p50_ms'))} / {_fmt(rt.get('p99_ms'))} |",
        f"| one incentives consumer, {consumer.get('events')} deal-registered events | "
        f"{_fmt(consumer.get('events_per_s'))} events/s (incl. start-up: "
        f"{_fmt(consumer.get('events_per_s_incl_start'))}) |",
        f"| raw aiokafka consume-only baseline | {_fmt(cb.get('events_per_s'))} events/s |",
        f"| POST /v1/deals/batch, {batch.get('items_per_batch')} new deals with idempotency keys, median / max of "
        f"{batch.get('rounds')} (ms) | {_fmt(batch.get('median_ms'))} / {_fmt(batch.get('max_ms'))} |",
        f"| webhook deliveries to a local receiver | {_fmt(wh.get('deliveries_per_s'))} deliveries/s "
        f"({wh.get('deliveries')} of {wh.get('expected')}){' - ' + wh['reason'] if wh.get('reason') else ''} |",
        "",
    ]
    stages = e2e.get("stages") or {}
    if stages:
        lines += [
            "Where a reward's time goes (per deal, same run; Kafka timestamps have 1 ms steps):",
            "",
            "| stage | p50 (ms) | p90 (ms) | p99 (ms) |",
            "|---|---|---|---|",
        ]
        for name, st in stages.items():
            lines.append(f"| {name} | {_fmt(st.get('p50_ms'))} | {_fmt(st.get('p90_ms'))} | {_fmt(st.get('p99_ms'))} |")
        lines.append("")
    pg = results.get("postgres_commit") or {}
    lines += [
        f"PostgreSQL single-row commit, one at a time: p50 {_fmt(pg.get('p50_ms'))} ms, p99 {_fmt(pg.get('p99_ms'))} "
        f"ms ({pg.get('settings')}).",
        "",
        f"## CPU per phase (cores; 1.0 = one core busy the whole phase; the machine has {m.get('cpus')})",
        "",
        "| phase | load generator (own process) | cores by process |",
        "|---|---|---|",
    ]
    for name, s in _phases(results):
        cpu = ", ".join(f"{k} {v}" for k, v in (s.get("cpu_cores") or {}).items())
        lines.append(f"| {name} | {_fmt(s.get('loadgen_cores'))} | {cpu} |")
    for label, prof in (results.get("profiles") or {}).items():
        lines += ["", f"## Profile: {label} (py-spy, {prof.get('samples', 0)} samples)", ""]
        if prof.get("error"):
            lines.append(prof["error"])
            continue
        lines += ["| top functions (self) | % | packages (inclusive) | % |", "|---|---|---|---|"]
        selfs, packs = prof.get("self_pct", []), prof.get("package_inclusive_pct", [])
        for k in range(max(len(selfs), len(packs))):
            a = selfs[k] if k < len(selfs) else ["", ""]
            b = packs[k] if k < len(packs) else ["", ""]
            lines.append(f"| {a[0]} | {a[1]} | {b[0]} | {b[1]} |")
    lines += [
        "",
        "## Plots",
        "",
    ]
    for caption, name in plots:
        lines += [f"### {caption}", "", f"![{caption}]({name})", ""]
    lines += [
        "## Method",
        "",
        "- Isolated stack: databases `bench_*`, topic prefix `bench.`, ports 19001-19004, one uvicorn worker each.",
        "- Load generator: `bench/loadgen.py`, asyncio + httpx in its own process, fixed concurrency for a fixed "
        "duration after a warm-up (closed loop), or paced at a fixed rate (open loop) for the half-load and e2e runs. "
        "Each request registers a new customer.",
        "- Baseline: `bench/baseline_app.py`, bare FastAPI + uvicorn (uvloop, httptools, one worker), one asyncpg "
        "INSERT of a deal-shaped row (same columns and JSONB), pool 10+10 like the services.",
        "- Reward latency: request send time -> arrival of its reward-earned record on `bench.incentives.v1` "
        "(written in the same transaction as the ledger entry the earnings endpoint reads).",
        "- Consumer: N events pre-produced to a fresh prefix; one incentives process started; events/s from the first "
        "to the last processed_events row. Baseline: a raw aiokafka consumer group over the same records.",
        "- Webhooks: one notifications process on a fresh prefix, admin subscriptions to deal-registered, a local "
        "keep-alive HTTP receiver; deliveries/s from the first to the last arrival.",
        "",
        "Full figures: `latest.json`.",
    ]
    (out / "latest.md").write_text("\n".join(lines) + "\n")
