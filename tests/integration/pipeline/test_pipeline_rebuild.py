"""Rebuilding the read model from deals.v1 reaches the same figures."""

from __future__ import annotations

from typing import Any

from pipeline_scenario import EXPECTED, PERIOD, enrol, figures, put_plan, scenario_deals, unique, wait_for_figures
from sqlalchemy import text

from pipeline.rebuild import rebuild


def without_as_of(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "as_of"}


async def test_rebuild_reaches_the_same_figures(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, app):
        await enrol(infra, topic_prefix, vendor, partner)
        await put_plan(client, headers, partner, vendor)
        await scenario_deals(infra, topic_prefix, vendor, partner)
        before = without_as_of(await wait_for_figures(client, headers, partner, vendor, **EXPECTED))
        rollup_params = {"vendor_id": vendor, "period": PERIOD, "by": "channel_manager"}
        rollup_before = (await client.get("/v1/rollups", params=rollup_params, headers=headers)).json()

        # Damage the read model the way a bug would; the rebuild must not depend on it.
        async with app.state.engine.begin() as conn:
            damage = text("UPDATE deals SET amount = 1, status = 'expired' WHERE vendor_id = :v")
            await conn.execute(damage, {"v": vendor})
            # Figures come from figure_totals: damage those too (every open deal gone).
            stages = ("registered", "qualified", "proposal", "negotiation")
            open_counts = ", ".join(f"open_count_{s} = 0" for s in stages)
            await conn.execute(text(f"UPDATE figure_totals SET {open_counts} WHERE vendor_id = :v"), {"v": vendor})
        assert (await figures(client, headers, partner, vendor))["open_deals"] == 0

        report = await rebuild(app.state.settings)

        assert report.deals >= 4 and report.events_read >= 8 and report.seconds > 0
        assert without_as_of(await figures(client, headers, partner, vendor)) == before
        rollup_after = (await client.get("/v1/rollups", params=rollup_params, headers=headers)).json()
        assert rollup_after["items"] == rollup_before["items"]
