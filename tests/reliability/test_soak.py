"""The soak, short: 300 registrations through one dealreg SIGKILL (requests in flight) and one
Kafka restart; every request gets its own 201 and one deal, no event lost, no reward doubled.
`make soak` runs the long one (10,000 registrations, every service killed, PostgreSQL restarted)."""

from __future__ import annotations

from rel_infra import PrivateInfra
from soak import Plan, soak, verdict

from devstack.processes import Stack


async def test_a_short_soak_keeps_every_guarantee(rel_stack: Stack, private_infra: PrivateInfra) -> None:
    plan = Plan(
        count=300, concurrency=4, dealreg_kills=1, kill_others=False, kafka_restarts=1, postgres_restarts=0,
        request_deadline_s=120, settle_timeout_s=180,
    )  # fmt: skip
    report = await soak(rel_stack, private_infra, plan)
    report.print()
    assert verdict(report) == [], report.figures
    assert report["retried requests"] > 0  # the kill did catch requests in flight
