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


def _met(value: float | None, ok: bool) -> bool | None:
    return None if value is None else ok


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 22's goals (the first five), then issue 11's that still apply; each met or not."""
    reg = results.get("registration") or {}
    half = reg.get("half_max_load") or {}
    e2e = results.get("e2e_reward_latency") or {}
    rt = results.get("kafka_roundtrip") or {}
    cpu = (results.get("cpu_ms_per_registration") or {}).get("total")
    eps = (results.get("consumer") or {}).get("events_per_s")
    wh = (results.get("webhooks") or {}).get("deliveries_per_s")
    share = reg.get("share_of_monolith_rps")
    e2e_p99, rt_p99 = e2e.get("p99_ms"), rt.get("p99_ms")
    ratio = round(e2e_p99 / rt_p99, 2) if e2e_p99 is not None and rt_p99 else None
    batch_ms = (results.get("dealreg_batch") or {}).get("median_ms")
    rows = [
        ("registration rps / monolith baseline rps (wrk, same run) >= 0.60", share, ">= 0.6",
         _met(share, share is not None and share >= 0.6)),
        ("CPU ms per registration, all platform processes <= 4.0", cpu, "<= 4.0",
         _met(cpu, cpu is not None and cpu <= 4.0)),
        ("reward p99 at half load / Kafka round-trip p99 <= 5", ratio, "<= 5",
         _met(ratio, ratio is not None and ratio <= 5)),
        ("one incentives consumer, events/s >= 5,000", eps, ">= 5000", _met(eps, eps is not None and eps >= 5000)),
        ("webhook deliveries/s (per-deal order) >= 300", wh, ">= 300", _met(wh, wh is not None and wh >= 300)),
        ("registration p99 <= 50 ms at half max load (issue 11)", half.get("p99_ms"), "<= 50 ms",
         _met(half.get("p99_ms"), (half.get("p99_ms") or 0) <= 50)),
        ("reward p99 <= 500 ms (issue 11)", e2e_p99, "<= 500 ms", _met(e2e_p99, (e2e_p99 or 0) <= 500)),
        ("500-item deal batch well under 2 s, median ms (issue 3)", batch_ms, "< 2000 ms",
         _met(batch_ms, (batch_ms or 0) < 2000)),
    ]  # fmt: skip
    return [{"goal": g, "figure": f, "target": t, "met": m} for g, f, t, m in rows]


def _phases(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for key, label in (
        ("baseline_insert", "baseline insert"),
        ("baseline_monolith", "monolith"),
        ("registration", "registration"),
    ):
        for c, level in (results.get(key) or {}).get("by_concurrency", {}).items():
            runs = level.get("runs") or []
            if runs:
                out.append((f"{label} c={c} (run 1)", runs[0]))
    reg = results.get("registration") or {}
    if reg.get("half_max_load"):
        out.append(("registration, half max load", reg["half_max_load"]))
    for run in (results.get("cpu_ms_per_registration") or {}).get("runs", [])[:1]:
        out.append(("CPU-per-registration run", run["registration"]))
    for key in ("consumer", "webhooks"):
        if (results.get(key) or {}).get("cpu_cores"):
            out.append((key, results[key]))
    return out


def _runs(figure: dict[str, Any] | None) -> str:
    """ "median (min-max, spread %)" of a spread() block."""
    if not figure or figure.get("median") is None:
        return "n/a"
    return f"{figure['median']} ({figure['min']}-{figure['max']}, {figure['spread_pct']} %)"


def _statements(by_db: dict[str, Any]) -> list[str]:
    """pg_stat_statements of the profiled run, per database: calls and execution ms per registration."""
    lines = ["", "## Profile: PostgreSQL statements per registration (pg_stat_statements)", ""]
    for db, figures in by_db.items():
        lines += [
            f"**{db}**: {figures['calls_per_registration']} statements, "
            f"{figures['exec_ms_per_registration']} ms of execution per registration",
            "",
            "| calls / registration | exec ms / registration | slowest call, ms | statement |",
            "|---|---|---|---|",
            *[f"| {calls} | {ms} | {top} | `{query.replace('|', '/')}` |" for calls, ms, top, query in figures["top"]],
            "",
        ]
    return lines


def write_report(results: dict[str, Any], samples: dict[str, list[float]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    results["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["goals"] = goals(results)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")

    http_names = [n for n in samples if n.startswith(("registration c=", "registration half", "baseline"))]
    plots = []
    if _plot(samples, http_names, "HTTP request latency", out / "latency_http.png"):
        plots.append(("HTTP request latency (wrk's percentiles; half load: every request)", "latency_http.png"))
    if _plot(samples, ["registration -> reward", "kafka_roundtrip"], "Event latency", out / "latency_events.png"):
        plots.append(("Registration -> reward visible at half load, and Kafka round trip", "latency_events.png"))

    m = results.get("machine", {})
    cfg = results.get("config", {})
    repeats = cfg.get("repeats")
    lines = [
        "# Benchmark results",
        "",
        f"Generated {results['generated_at']} by `python -m bench` (`make bench`) in {results.get('total_s')} s.",
        f"Machine: {m.get('cpus')} CPUs ({m.get('cpu_model')}), {m.get('mem_gb')} GB, Python {m.get('python')}, "
        f"{m.get('platform')}; load average at start {m.get('load_avg_at_start')} (the machine is shared: "
        "throughput is noisy, CPU per registration and same-round ratios much less so).",
        f"Servers: {results.get('infra')}. Every phase ran {repeats} times: figures are medians, with "
        "(min-max, spread = (max - min) / median).",
        "",
        "## Goals (issue 22, then issue 11's)",
        "",
        "| goal | figure | status |",
        "|---|---|---|",
        *[f"| {g['goal']} | {_fmt(g['figure'])} | {_goal(g['met'])} |" for g in results["goals"]],
        "",
        "## HTTP: registration against the monolith and the bare insert (wrk, closed loop)",
        "",
        "| app | rps, best level per run: median (min-max, spread) | p50 / p99 ms (median run) | at c |",
        "|---|---|---|---|",
    ]
    reg = results.get("registration") or {}
    for key, label in (("baseline_insert", "bare insert (`bench/baseline_app.py`)"),
                       ("baseline_monolith", "monolith (`bench/baseline_monolith.py`)"),
                       ("registration", "registration (dealreg + the platform)")):  # fmt: skip
        f = results.get(key) or {}
        if f:
            lines.append(f"| {label} | {_runs(f.get('rps_runs'))} | {_fmt(f.get('p50_ms'))} / {_fmt(f.get('p99_ms'))} "
                         f"| {_fmt(f.get('at_concurrency'))} |")  # fmt: skip
    lines += [
        "",
        f"Registration / monolith, per round: {_runs(reg.get('share_of_monolith_rps_runs'))}; "
        f"registration / bare insert: {_runs(reg.get('share_of_baseline_rps_runs'))}.",
        "",
        "| run | concurrency | rps | p50 ms | p90 ms | p99 ms | max ms | non-2xx / errors | wrk cores |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def row(name: str, s: dict[str, Any]) -> str:
        bad = {k: v for k, v in s.get("statuses", {}).items() if k not in ("200", "201")}
        bad.update(s.get("transport_errors") or {})
        return (
            f"| {name} | {s.get('concurrency')} | {_fmt(s.get('rps'))} | "
            f"{_fmt(s.get('p50_ms'))} | {_fmt(s.get('p90_ms'))} | {_fmt(s.get('p99_ms'))} | {_fmt(s.get('max_ms'))} | "
            f"{bad or '-'} | {_fmt(s.get('loadgen_cores'))} |"
        )

    for key, label in (
        ("baseline_insert", "insert"),
        ("baseline_monolith", "monolith"),
        ("registration", "registration"),
    ):
        for c, level in ((results.get(key) or {}).get("by_concurrency") or {}).items():
            for i, run in enumerate(level.get("runs") or []):
                lines.append(row(f"{label} c={c} run {i + 1}", run))
    half = reg.get("half_max_load") or {}
    if half:
        lines += ["", "Registration at half the maximum (open loop, Python generator), median run by p99:", "",
                  "| target rate | rps | p50 ms | p99 ms (runs) |", "|---|---|---|---|",
                  f"| {_fmt(half.get('target_rate'))} | {_fmt(half.get('rps'))} | {_fmt(half.get('p50_ms'))} | "
                  f"{_runs(half.get('p99_ms_runs'))} |"]  # fmt: skip
    cpu = results.get("cpu_ms_per_registration") or {}
    if cpu:
        lines += [
            "",
            f"## CPU per registration (ms, at {cpu.get('rate_per_s')} registrations/s, open loop)",
            "",
            str(cpu.get("note", "")) + ".",
            "",
            "| process | ms per registration: median (min-max, spread) |",
            "|---|---|",
            *[f"| {g} | {_runs(t)} |" for g, t in (cpu.get("runs_by_process") or {}).items()],
            "",
            f"The same processes idle (no registrations), in cores: {cpu.get('idle_cores')}; `total_above_idle` "
            "takes that idle cost of the window out.",
            "",
            "PostgreSQL connections opened per database during each run (pg_stat_database.sessions; the drain "
            "wait's own one included): "
            + "; ".join(str(r.get("connections_opened")) for r in cpu.get("runs", []) if "connections_opened" in r)
            + ".",
        ]
    e2e = results.get("e2e_reward_latency") or {}
    rt = results.get("kafka_roundtrip") or {}
    consumer = results.get("consumer") or {}
    cb = results.get("consumer_baseline") or {}
    wh = results.get("webhooks") or {}
    batch = results.get("dealreg_batch") or {}
    lines += [
        "",
        "## Events",
        "",
        "| figure | value (median of runs; runs' min-max, spread) |",
        "|---|---|",
        f"| registration -> reward visible at {e2e.get('rate_per_s')} req/s (half load): p50 / p99 ms | "
        f"{_fmt(e2e.get('p50_ms'))} / {_runs(e2e.get('p99_ms_runs'))} ({e2e.get('rewards_seen')} of "
        f"{e2e.get('registrations')} rewards seen in the median run) |",
        f"| Kafka produce -> consume round trip p50 / p99 ms | {_fmt(rt.get('p50_ms'))} / "
        f"{_runs(rt.get('p99_ms_runs'))} |",
        f"| one incentives consumer, {consumer.get('events')} deal-registered events, events/s | "
        f"{_runs(consumer.get('events_per_s_runs'))} |",
        f"| raw aiokafka consume-only baseline | {_fmt(cb.get('events_per_s'))} events/s |",
        f"| POST /v1/deals/batch, {batch.get('items_per_batch')} new deals with idempotency keys, median / max of "
        f"{batch.get('rounds')} (ms) | {_fmt(batch.get('median_ms'))} / {_fmt(batch.get('max_ms'))} |",
        f"| webhook deliveries/s to a local receiver | {_runs(wh.get('deliveries_per_s_runs'))} "
        f"({wh.get('deliveries')} of {wh.get('expected')} in the median run) |",
        "",
    ]
    stages = e2e.get("stages") or {}
    if stages:
        lines += [
            "Where a reward's time goes (per deal, median run; Kafka timestamps have 1 ms steps):",
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
        cpu_cores = ", ".join(f"{k} {v}" for k, v in (s.get("cpu_cores") or {}).items())
        lines.append(f"| {name} | {_fmt(s.get('loadgen_cores'))} | {cpu_cores} |")
    for label, prof in (results.get("profiles") or {}).items():
        if label == "postgres statements per registration":
            lines += _statements(prof)
            continue
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
    lines += ["", "## Plots", ""]
    for caption, name in plots:
        lines += [f"### {caption}", "", f"![{caption}]({name})", ""]
    lines += [
        "## Method",
        "",
        "- Servers: unless `BENCH_INFRA=shared`, the bench starts its own PostgreSQL (55452) and Kafka (19392) "
        "and stops them at the end, so their CPU is the platform's alone. Isolated stack on them: databases "
        "`bench_*`, topic prefix `bench.`, ports 19001-19004, one uvicorn worker each.",
        "- Generators, by phase: **wrk** (`bench/registration.lua`: a new customer and Idempotency-Key per "
        "request, one wrk thread) for every closed-loop HTTP run (bare insert, monolith, registration); the "
        "**Python generator** (`bench/loadgen.py`, open loop) where wrk cannot pace requests or return the deal "
        "ids: CPU per registration, registration -> reward at half load; Python producers for the consumer replay "
        "and the webhooks (events pre-produced to Kafka); httpx for the 500-item batches.",
        "- Bare insert: `bench/baseline_app.py`, one asyncpg INSERT of a deal-shaped row. Monolith: "
        "`bench/baseline_monolith.py`, the token verified, dealreg's request schema, dealreg's locks + enrolment "
        "+ policy statement, the same conflict query and domain, then deal + history + registration reward "
        "ledger row in one transaction; no Kafka, no outbox, no idempotency keys.",
        "- Each round runs the bare insert, the monolith and registration at every concurrency, after a "
        "warm-up; the registration/monolith ratio is taken per round (best level each), then the median.",
        "- CPU per registration: utime + stime from /proc of the services, the bench's PostgreSQL (postmaster "
        "and all its children) and its Kafka, from the first request until the consumers were last seen "
        "working, divided by the registrations answered 201. The generator is excluded.",
        "- Reward latency: request send time -> arrival of its reward-earned record on `bench.incentives.v1` "
        "(written in the same transaction as the ledger entry the earnings endpoint reads), at half the "
        "registration maximum of the same run.",
        "- Consumer: N events pre-produced to a fresh prefix; one incentives process started; events/s from "
        "the first to the last processed_events row. Baseline: a raw aiokafka consumer group over the same records.",
        "- Webhooks: one notifications process on a fresh prefix, admin subscriptions to deal-registered, a local "
        "keep-alive HTTP receiver; deliveries/s from the first to the last arrival.",
        "",
        "Full figures: `latest.json`.",
    ]
    (out / "latest.md").write_text("\n".join(lines) + "\n")
