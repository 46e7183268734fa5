"""The dashboard's "Scorecards" panel in headless chromium against the four service processes:
the ranking, one partner's card against the peer median and the activity trend show what the
APIs answer, and the QBR export gives each partner its scorecard page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from dashboard_browser import SCREENSHOTS, headless_chromium, point_dashboard_at_incentives
from dashboard_seed import seed_scene
from playwright.async_api import Page
from test_dashboard_browser import wait_for

from support.kafka import eventually

MakeToken = Callable[..., dict[str, str]]


async def cells(page: Page, selector: str) -> dict[str, dict[str, str]]:
    """{row key: {field: data-value}} of a rendered table."""
    rows: dict[str, dict[str, str]] = await page.eval_on_selector_all(
        f"{selector} tbody tr",
        """rows => Object.fromEntries(rows.map(tr => [tr.dataset.key, Object.fromEntries(
            [...tr.querySelectorAll('[data-field]')].map(td => [td.dataset.field, td.dataset.value]))]))""",
    )
    return rows


def without_as_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in i.items() if k != "as_of"} for i in items]


async def test_scorecards_panel_and_qbr_pages(e2e_stack: Any, token: MakeToken) -> None:
    point_dashboard_at_incentives(e2e_stack)
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    scene = await seed_scene(urls, token)
    vendor = scene.vendor_headers
    q = {"vendor_id": scene.vendor_id, "period": scene.period}
    async with httpx.AsyncClient(base_url=urls["pipeline"]) as pipeline:

        async def stable() -> list[dict[str, Any]]:
            # The reward events reach pipeline on their own consumer: wait until two reads agree.
            first = (await pipeline.get("/v1/scorecards", params=q, headers=vendor)).json()["items"]
            await asyncio.sleep(2)
            second = (await pipeline.get("/v1/scorecards", params=q, headers=vendor)).json()["items"]
            assert without_as_of(first) == without_as_of(second) and all(i["rewards_net"] for i in second)
            return second

        cards = await eventually(stable, timeout=60)
        assert isinstance(cards, list) and len(cards) == 3
        activity = (
            await pipeline.get(
                f"/v1/vendors/{scene.vendor_id}/partner-activity", params={"period": scene.period}, headers=vendor
            )
        ).json()

    errors: list[str] = []
    async with headless_chromium() as browser:
        page = await browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(f"{urls['pipeline']}/dashboard")
        await page.get_by_label("Access token", exact=True).fill(vendor["Authorization"].removeprefix("Bearer "))
        await page.get_by_label("Vendor", exact=True).fill(scene.vendor_id)
        await page.get_by_label("Quarter", exact=True).fill(scene.period)
        await page.get_by_label("Quarter", exact=True).press("Enter")
        await wait_for(page, "#scorecards[data-state=ready]", errors, timeout=30_000)

        # The ranking: the API's order and values.
        ranking = await cells(page, "#scorecards-figures")
        order = await page.eval_on_selector_all("#scorecards-figures tbody tr", "rs => rs.map(r => r.dataset.key)")
        assert order == [c["partner_id"] for c in cards]
        for card in cards:
            row = ranking[card["partner_id"]]
            assert row["score"] == card["score"]
            for field in ("registrations", "approval_rate", "win_rate", "avg_deal_size", "rewards_net"):
                assert row[field] == ("" if card[field] is None else str(card[field])), (card["partner_id"], field)

        # One partner's card against the peer median: pick the last-ranked partner.
        last = cards[-1]
        await page.get_by_label("Partner", exact=True).select_option(last["partner_id"])
        shown = await cells(page, "#scorecard-figures")
        for metric, peer in last["peer"].items():
            value = last[metric]
            assert shown[metric]["value"] == ("" if value is None else str(value)), metric
            assert shown[metric]["median"] == (peer["median"] or ""), metric
            assert shown[metric]["percentile"] == (peer["percentile"] or ""), metric

        # The activity trend: four quarters, as the API gives them.
        trend = await cells(page, "#activity-figures")
        assert list(trend) == [t["period"] for t in activity["trend"]]
        for t in activity["trend"]:
            for field in ("enrolled", "active", "producing", "newly_active", "lapsed"):
                assert trend[t["period"]][field] == str(t[field])
        assert trend[scene.period]["active"] == "3"
        assert await page.locator("#activity-chart rect.bar").count() == 4 * 3

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.locator("#scorecards").screenshot(path=str(SCREENSHOTS / "scorecards.png"))

        # QBR export: each partner's scorecard on its own page.
        await page.evaluate("() => { window.print = () => {}; }")
        await page.get_by_role("button", name="Export QBR").click()
        captions = await page.eval_on_selector_all(
            "#qbr .qbr-scorecard",
            "ps => ps.map(p => [p.dataset.key, p.querySelector('table.scorecard caption')?.textContent])",
        )
        by_partner = {c["partner_id"]: c for c in cards}
        assert sorted(k for k, _ in captions) == sorted(by_partner)
        for key, caption in captions:
            assert caption is not None and f"score {by_partner[key]['score']} of 100" in caption
    assert errors == []
