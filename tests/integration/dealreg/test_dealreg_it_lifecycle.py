"""Working a deal against the real PostgreSQL: decision, stage, close, extend, If-Match, tenancy, lists."""

from __future__ import annotations

import pytest
from dealreg_scene import Scene


async def _approved(scene: Scene, partner: str, **overrides: object) -> dict[str, object]:
    deal = await scene.register(partner, **overrides)
    r = await scene.client.post(
        f"/v1/deals/{deal['id']}/decision", json={"decision": "approve", "reason": "ok"}, headers=scene.vendor_h
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_decision_only_from_pending_and_by_the_vendor(scene: Scene) -> None:
    partner = await scene.partner()
    deal = await scene.register(partner)
    url = f"/v1/deals/{deal['id']}/decision"
    by_partner = await scene.client.post(url, json={"decision": "approve"}, headers=scene.partner_h(partner))
    assert by_partner.status_code == 403
    other_vendor = scene.token("vendor", sub="x", vendor_id="someone-else")
    assert (await scene.client.post(url, json={"decision": "approve"}, headers=other_vendor)).status_code == 404
    r = await scene.client.post(url, json={"decision": "reject", "reason": "not ours"}, headers=scene.vendor_h)
    assert r.status_code == 200
    assert r.json()["status"] == "rejected"
    assert r.json()["decision_reason"] == "not ours"
    again = await scene.client.post(url, json={"decision": "approve"}, headers=scene.vendor_h)
    assert again.status_code == 409


async def test_stages_move_forward_only_with_skips(scene: Scene) -> None:
    partner = await scene.partner()
    pending = await scene.register(partner)
    url = f"/v1/deals/{pending['id']}/stage"
    headers = scene.partner_h(partner)
    assert (await scene.client.post(url, json={"stage": "qualified"}, headers=headers)).status_code == 409
    deal = await _approved(scene, partner, customer={"name": "Initech"})
    url = f"/v1/deals/{deal['id']}/stage"
    r = await scene.client.post(url, json={"stage": "proposal", "note": "skip qualified"}, headers=headers)
    assert r.status_code == 200
    assert r.json()["stage"] == "proposal"
    assert (await scene.client.post(url, json={"stage": "qualified"}, headers=headers)).status_code == 409
    assert (await scene.client.post(url, json={"stage": "proposal"}, headers=headers)).status_code == 409
    assert (await scene.client.post(url, json={"stage": "negotiation"}, headers=scene.vendor_h)).status_code == 403


@pytest.mark.parametrize(("outcome", "stage"), [("won", "closed_won"), ("lost", "closed_lost")])
async def test_close_won_or_lost_and_nothing_after(scene: Scene, outcome: str, stage: str) -> None:
    partner = await scene.partner()
    deal = await _approved(scene, partner)
    headers = scene.partner_h(partner)
    r = await scene.client.post(
        f"/v1/deals/{deal['id']}/close",
        json={"outcome": outcome, "final_amount": "11500.00", "closed_on": "2027-02-01"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["stage"], body["final_amount"], body["outcome"]) == (
        "closed", stage, "11500.00", outcome,
    )  # fmt: skip
    again = await scene.client.post(f"/v1/deals/{deal['id']}/close", json={"outcome": "won"}, headers=headers)
    assert again.status_code == 409
    assert (await scene.client.post(f"/v1/deals/{deal['id']}/extend", headers=headers)).status_code == 409


async def test_extend_up_to_max_extensions(scene: Scene) -> None:
    await scene.policy(max_extensions=1, extension_period="P30D", protection_period="P90D")
    partner = await scene.partner()
    deal = await _approved(scene, partner)
    url = f"/v1/deals/{deal['id']}/extend"
    r = await scene.client.post(url, headers=scene.partner_h(partner))
    assert r.status_code == 200
    assert r.json()["extensions_used"] == 1
    assert r.json()["protection_expires_at"] > str(deal["protection_expires_at"])
    assert (await scene.client.post(url, headers=scene.partner_h(partner))).status_code == 409


async def test_if_match_with_a_stale_version_is_412_and_changes_nothing(scene: Scene) -> None:
    partner = await scene.partner()
    deal = await scene.register(partner)
    url = f"/v1/deals/{deal['id']}/decision"
    stale = await scene.client.post(url, json={"decision": "approve"}, headers={**scene.vendor_h, "If-Match": '"7"'})
    assert stale.status_code == 412
    got = await scene.client.get(f"/v1/deals/{deal['id']}", headers=scene.vendor_h)
    assert got.json()["status"] == "pending_approval"
    assert got.headers["ETag"] == '"1"'
    fresh = await scene.client.post(url, json={"decision": "approve"}, headers={**scene.vendor_h, "If-Match": '"1"'})
    assert fresh.status_code == 200
    assert fresh.json()["version"] == 2


async def test_another_tenants_deal_is_404(scene: Scene) -> None:
    owner, stranger = await scene.partner(), await scene.partner()
    deal = await scene.register(owner)
    for path in (f"/v1/deals/{deal['id']}", f"/v1/deals/{deal['id']}/history"):
        assert (await scene.client.get(path, headers=scene.partner_h(stranger))).status_code == 404
    r = await scene.client.post(
        f"/v1/deals/{deal['id']}/stage", json={"stage": "qualified"}, headers=scene.partner_h(stranger)
    )
    assert r.status_code == 404
    aggregator = scene.token("aggregator", sub="agg", partner_ids=[stranger])
    assert (await scene.client.get(f"/v1/deals/{deal['id']}", headers=aggregator)).status_code == 404
    assert (await scene.client.get("/v1/deals/no-such-deal", headers=scene.admin)).status_code == 404


async def test_list_filters_tenancy_and_cursor_pages(scene: Scene) -> None:
    mine, theirs = await scene.partner(), await scene.partner()
    ids = []
    for i in range(5):
        ids.append((await scene.register(mine, customer={"name": f"Customer {i}"}))["id"])
    await scene.register(theirs, customer={"name": "Elsewhere"})
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await scene.client.get("/v1/deals", params=params, headers=scene.partner_h(mine))).json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids  # oldest first, no duplicates or gaps, nothing of another partner
    await scene.client.post(f"/v1/deals/{ids[1]}/decision", json={"decision": "reject"}, headers=scene.vendor_h)
    rejected = await scene.client.get("/v1/deals", params={"status": "rejected"}, headers=scene.vendor_h)
    assert [d["id"] for d in rejected.json()["items"]] == [ids[1]]
    vendor_all = await scene.client.get("/v1/deals", params={"partner_id": theirs}, headers=scene.vendor_h)
    assert len(vendor_all.json()["items"]) == 1
    other_vendor = scene.token("vendor", sub="x", vendor_id="someone-else")
    assert (await scene.client.get("/v1/deals", headers=other_vendor)).json()["items"] == []
    bad = await scene.client.get("/v1/deals", params={"cursor": "garbage"}, headers=scene.vendor_h)
    assert bad.status_code == 422


async def test_history_lists_every_change_with_its_actor(scene: Scene) -> None:
    partner = await scene.partner()
    deal = await _approved(scene, partner)
    stage_url = f"/v1/deals/{deal['id']}/stage"
    await scene.client.post(stage_url, json={"stage": "qualified"}, headers=scene.partner_h(partner))
    r = await scene.client.get(f"/v1/deals/{deal['id']}/history", headers=scene.vendor_h)
    items = r.json()["items"]
    assert [(e["type"], e["actor"]) for e in items] == [
        ("deal-registered", "rep-7"),
        ("deal-approved", "approver-1"),
        ("stage-advanced", "rep-7"),
    ]
    assert items[1]["data"]["reason"] == "ok"
