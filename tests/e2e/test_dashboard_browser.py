"""The dashboard in headless chromium against the four service processes.

Seeds partners, plans, deals and rewards through the public APIs, loads GET /dashboard
as a user would (pasting a token), reads the figures the page rendered and checks them
against the APIs' JSON (and a few by hand), then exports the QBR as a PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
from dashboard_browser import SCREENSHOTS, headless_chromium, point_dashboard_at_incentives
from dashboard_seed import seed_plans, seed_scene
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

MakeToken = Callable[..., dict[str, str]]
MONEY_FIELDS = (
    "plan",
    "closed_won",
    "pipeline_total",
    "pipeline_target",
    "risk_adjusted_pipeline",
    "risk_adjusted_target",
)
RATIO_FIELDS = ("performance_to_plan", "coverage", "win_rate")


def shown_money(value: str | None) -> str:
    """How the page writes an API amount: thousands separators, two places."""
    return "—" if value is None else f"{Decimal(value):,.2f}"


def shown_ratio(text: str) -> Decimal | None:
    """The number behind a rendered percentage ("14.4 %" -> 0.144)."""
    return None if text == "—" else Decimal(text.removesuffix(" %")) / 100


async def table(page: Page, selector: str) -> dict[str, dict[str, tuple[str, str]]]:
    """{row key: {field: (text, data-value)}} of a rendered figures table."""
    rows: dict[str, dict[str, list[str]]] = await page.eval_on_selector_all(
        f"{selector} tbody tr",
        """rows => Object.fromEntries(rows.map(tr => [tr.dataset.key, Object.fromEntries(
            [...tr.querySelectorAll('[data-field]')].map(td =>
                [td.dataset.field, [td.textContent, td.dataset.value ?? '']]))]))""",
    )
    return {key: {name: (text, raw) for name, (text, raw) in cells.items()} for key, cells in rows.items()}


def assert_figures_match(rendered: dict[str, dict[str, tuple[str, str]]], api_items: list[dict[str, Any]]) -> None:
    assert set(rendered) == {str(i["key"]) for i in api_items}
    for item in api_items:
        row = rendered[str(item["key"])]
        for name in MONEY_FIELDS:
            assert row[name] == (shown_money(item[name]), item[name] or ""), (item["key"], name)
        for name in RATIO_FIELDS:
            text, raw = row[name]
            assert raw == (item[name] or ""), (item["key"], name)
            if item[name] is None:
                assert text == "—"
            else:
                shown = shown_ratio(text)
                assert shown is not None and abs(shown - Decimal(item[name])) <= Decimal("0.0005"), (item, name)
        assert row["open_deals"][0] == str(item["open_deals"])


async def wait_for(page: Page, selector: str, errors: list[str], timeout: float = 15_000) -> None:
    """Wait for a rendered state; on failure say what the page showed instead."""
    try:
        await page.wait_for_selector(selector, timeout=timeout, state="attached")
    except PlaywrightTimeout:
        status = await page.text_content("#status")
        rewards = await page.text_content("#rewards-status")
        detail = f"status={status!r} rewards={rewards!r} errors={errors}"
        raise AssertionError(f"{selector} never appeared; {detail}") from None


async def api_json(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    r = await client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_dashboard_renders_the_apis_figures(e2e_stack: Any, token: MakeToken) -> None:
    point_dashboard_at_incentives(e2e_stack)
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    scene = await seed_scene(urls, token)
    pa, pb, pc = scene.partner_ids
    vendor = scene.vendor_headers
    async with (
        httpx.AsyncClient(base_url=urls["pipeline"]) as pipeline,
        httpx.AsyncClient(base_url=urls["incentives"]) as incentives,
    ):
        q = {"vendor_id": scene.vendor_id, "period": scene.period}
        by_partner = (await api_json(pipeline, "/v1/rollups", vendor, **q, by="partner"))["items"]
        by_territory = (await api_json(pipeline, "/v1/rollups", vendor, **q, by="territory"))["items"]
        by_tier = (await api_json(pipeline, "/v1/rollups", vendor, **q, by="tier"))["items"]
        earnings = {
            rep: await api_json(incentives, f"/v1/reps/{rep}/earnings", vendor, period=scene.period)
            for rep in scene.rep_ids
        }

    console_errors: list[str] = []
    async with headless_chromium() as browser:
        page = await browser.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        response = await page.goto(f"{urls['pipeline']}/dashboard")
        assert response is not None
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and f"connect-src 'self' {urls['incentives']}" in csp
        # A user pastes the token and presses Enter (keyboard only; every field has a label).
        await page.get_by_label("Access token", exact=True).fill(vendor["Authorization"].removeprefix("Bearer "))
        await page.get_by_label("Vendor", exact=True).fill(scene.vendor_id)
        await page.get_by_label("Quarter", exact=True).fill(scene.period)
        await page.get_by_label("Quarter", exact=True).press("Enter")
        await wait_for(page, "#main[data-state=ready]", console_errors)
        await wait_for(page, "#rewards-table[data-state=ready]", console_errors, timeout=30_000)

        assert "Bearer" not in page.url and "token" not in page.url
        assert await page.evaluate("sessionStorage.getItem('dashboard.token')") == vendor["Authorization"][7:]

        # Partners: every figure as the API gives it, and the at-risk ones marked.
        partners = await table(page, "#partners-figures")
        assert_figures_match(partners, by_partner)
        assert partners[pa]["closed_won"][0] == "11,500.00"  # the won deal's final amount
        assert partners[pa]["plan"][0] == "50,000.00"
        # pb: one registered deal, 12000.00 x 0.10 against a 100000.00 risk-adjusted target.
        assert partners[pb]["risk_adjusted_pipeline"][0] == "1,200.00"
        assert {k: v["status"][0] for k, v in partners.items()} == {pa: "At risk", pb: "At risk", pc: "On track"}
        keys = "gs => gs.map(g => g.dataset.key)"
        risky_bars = await page.eval_on_selector_all("#partners-chart g.row.at-risk", keys)
        assert sorted(risky_bars) == [pa, pb]
        assert await page.locator("#partners-chart rect.bar").count() == 3 * 4
        risky_coverage = await page.eval_on_selector_all("#coverage-chart g.at-risk", keys)
        assert sorted(risky_coverage) == [pa, pb]

        summary = dict(
            await page.eval_on_selector_all("#summary dd", "dds => dds.map(dd => [dd.dataset.field, dd.textContent])")
        )
        assert summary["plan"] == "160,000.00"
        assert summary["closed_won"] == "11,500.00"
        assert summary["at_risk"] == "2 of 3"

        # Rollups by territory and tier.
        assert_figures_match(await table(page, "#territory-figures"), by_territory)
        assert_figures_match(await table(page, "#tier-figures"), by_tier)
        assert {i["key"] for i in by_territory} == {"east", "west"}

        # Rewards per rep, from incentives (CORS allows the dashboard's origin).
        rewards = await table(page, "#rewards-figures")
        assert set(rewards) == set(scene.rep_ids)
        for rep, statement in earnings.items():
            for name in ("earned", "clawed_back", "net", "paid", "unpaid"):
                assert rewards[rep][name] == (shown_money(statement[name]), statement[name]), (rep, name)
        # 3000.00 margin x 25 % x 1.25 (tier 2), paid by the payout; the late registration is unpaid.
        assert rewards[f"{pb}-rep-b1"]["paid"][0] == "937.50"
        assert rewards[f"{pa}-rep-a2"]["unpaid"][0] == "750.00"
        assert rewards[f"{pa}-rep-a2"]["paid"][0] == "0.00"

        # The risk-adjusted view redraws the bars from the other figures.
        await page.get_by_label("Risk-adjusted", exact=True).check()
        fields = await page.eval_on_selector_all("#partners-chart rect.bar", "rs => rs.map(r => r.dataset.field)")
        assert "risk_adjusted_pipeline" in fields and "pipeline_total" not in fields

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.get_by_label("Total", exact=True).check()
        await page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

        # Offline-ready: nothing but the two APIs was fetched, and the token never rode in a URL.
        token_text = vendor["Authorization"][7:]
        assert all(u.startswith((urls["pipeline"], urls["incentives"], "data:")) for u in requested), requested
        assert not any(token_text in u for u in requested)

        # A phone: the page reflows, wide charts and tables scroll inside their own boxes.
        await page.set_viewport_size({"width": 390, "height": 844})
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        await page.screenshot(path=str(SCREENSHOTS / "dashboard-mobile.png"), full_page=False)
        await page.set_viewport_size({"width": 1280, "height": 900})

        # Export QBR: two printed pages per partner (its summary, its scorecard).
        await wait_for(page, "#scorecards[data-state=ready]", console_errors, timeout=30_000)
        await page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
        await page.get_by_role("button", name="Export QBR").click()
        assert await page.evaluate("window.__printed") == 1
        pages = await page.eval_on_selector_all("#qbr .qbr-page", "ps => ps.map(p => p.dataset.key)")
        # Each partner's summary, then its scorecard on a page of its own (test_dashboard_scorecards.py).
        assert pages == [p for p in sorted(scene.partner_ids) for _ in range(2)]
        await page.emulate_media(media="print")
        await page.screenshot(path=str(SCREENSHOTS / "qbr.png"), full_page=True)
        pdf = await page.pdf(path=str(SCREENSHOTS / "qbr.pdf"), prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 3 * 2
    assert console_errors == []


async def test_first_render_with_200_partners_is_under_a_second(e2e_stack: Any, token: MakeToken) -> None:
    point_dashboard_at_incentives(e2e_stack)
    pipeline_url = e2e_stack.services["pipeline"].url
    urls = {name: service.url for name, service in e2e_stack.services.items()}
    vendor_id, period, vendor = await seed_plans(urls, token, 200)
    async with headless_chromium() as browser:
        page = await browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        await page.goto(f"{pipeline_url}/dashboard")
        # A returning user in the same tab: the token is already in sessionStorage, the page loads at once.
        await page.evaluate(
            """([t, v, p]) => { sessionStorage.setItem('dashboard.token', t);
               sessionStorage.setItem('dashboard.vendor', v); sessionStorage.setItem('dashboard.period', p); }""",
            [vendor["Authorization"][7:], vendor_id, period],
        )
        await page.reload()
        await wait_for(page, "#main[data-state=ready]", errors)
        timings = await page.evaluate("window.dashboardTimings")
        assert timings["partners"] == 200
        print(f"dashboard first render with 200 partners: {timings}")
        # From navigation start to every chart drawn (page, JS, one rollup call per grouping).
        assert timings["sincePageStartMs"] < 1000, timings
        await page.select_option("#rows", "all")
        assert await page.locator("#partners-figures tbody tr").count() == 200
        assert await page.locator("#partners-chart g.row").count() == 200


async def test_a_token_that_may_not_see_the_vendor_gets_a_clear_message(e2e_stack: Any) -> None:
    from devstack.tokens import dev_token

    pipeline_url = e2e_stack.services["pipeline"].url
    cases = [
        (dev_token("vendor", sub="cm-x", vendor_id="x", ttl_hours=-1), "token was rejected"),
        (dev_token("partner", sub="rep-x", partner_id="p-x"), "may not see vendor someone-else"),
    ]
    async with headless_chromium() as browser:
        page = await browser.new_page()
        await page.goto(f"{pipeline_url}/dashboard")
        for bad_token, message in cases:
            await page.get_by_label("Access token", exact=True).fill(bad_token)
            await page.get_by_label("Vendor", exact=True).fill("someone-else")
            await page.get_by_role("button", name="Show", exact=True).click()
            await page.wait_for_selector("#status.error")
            assert message in (await page.text_content("#status") or "")
            assert await page.locator("#main").is_hidden()
            await page.evaluate("() => document.getElementById('status').classList.remove('error')")


def test_incentives_allows_only_the_dashboards_origin(e2e_stack: Any) -> None:
    incentives = e2e_stack.services["incentives"].url
    dashboard = e2e_stack.services["pipeline"].url
    for origin, allowed in ((dashboard, True), ("http://evil.example", False)):
        r = httpx.options(
            f"{incentives}/v1/ledger",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert (r.headers.get("access-control-allow-origin") == origin) is allowed, (origin, r.headers)
