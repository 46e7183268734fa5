"""Aggregator batch registration: per-item status, per-item idempotency keys, only the token's partners."""

from __future__ import annotations

from dealreg_scene import Scene


async def test_mixed_batch_answers_each_item_and_bad_items_block_nothing(scene: Scene) -> None:
    p1, p2, outsider = await scene.partner(), await scene.partner(), await scene.partner()
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[p1, p2])
    items = [
        scene.deal_body(partner_id=p1, customer={"name": "Alpha"}),
        scene.deal_body(partner_id=p2, customer={"name": "Beta"}),
        scene.deal_body(partner_id=p1, currency="ZZZ", margin_pct="400"),
        scene.deal_body(partner_id=outsider, customer={"name": "Gamma"}),
        scene.deal_body(customer={"name": "Delta"}),  # no partner_id: required for an aggregator
        scene.deal_body(partner_id=p1, customer={"name": "Epsilon"}),
        scene.deal_body(partner_id=p1, customer={"name": "Epsilon"}),  # duplicate of the one before
    ]
    r = await scene.client.post("/v1/deals/batch", json={"items": items}, headers=aggregator)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["index"] for x in results] == list(range(len(items)))
    assert [x["status"] for x in results[:5]] == [201, 201, 422, 403, 422]
    assert sorted(x["status"] for x in results[5:]) == [201, 409]
    assert results[0]["deal"]["partner_id"] == p1
    assert results[1]["deal"]["partner_id"] == p2
    bad_locs = {tuple(e["loc"]) for e in results[2]["error"]["errors"]}
    assert {("body", "items", 2, "currency"), ("body", "items", 2, "margin_pct")} <= bad_locs
    winner = next(x for x in results[5:] if x["status"] == 201)
    loser = next(x for x in results[5:] if x["status"] == 409)
    assert loser["error"]["existing_deal_id"] == winner["deal"]["id"]
    listed = await scene.client.get("/v1/deals", headers=aggregator)
    assert len(listed.json()["items"]) == 3


async def test_item_idempotency_keys_replay_and_refuse_a_changed_item(scene: Scene) -> None:
    partner = await scene.partner()
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[partner])
    item = {**scene.deal_body(partner_id=partner), "idempotency_key": "item-1"}
    first = (await scene.client.post("/v1/deals/batch", json={"items": [item]}, headers=aggregator)).json()
    again = (await scene.client.post("/v1/deals/batch", json={"items": [item]}, headers=aggregator)).json()
    assert first["results"][0]["status"] == again["results"][0]["status"] == 201
    assert again["results"][0]["deal"]["id"] == first["results"][0]["deal"]["id"]
    assert again["results"][0]["replayed"] is True
    changed = {**item, "margin_pct": "30"}
    third = (await scene.client.post("/v1/deals/batch", json={"items": [changed]}, headers=aggregator)).json()
    assert third["results"][0]["status"] == 422
    listed = await scene.client.get("/v1/deals", headers=aggregator)
    assert len(listed.json()["items"]) == 1


async def test_batch_limits_and_roles(scene: Scene) -> None:
    partner = await scene.partner()
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[partner])
    too_many = {"items": [scene.deal_body(partner_id=partner)] * 501}
    assert (await scene.client.post("/v1/deals/batch", json=too_many, headers=aggregator)).status_code == 422
    assert (await scene.client.post("/v1/deals/batch", json={"items": []}, headers=aggregator)).status_code == 422
    one = {"items": [scene.deal_body(partner_id=partner)]}
    assert (await scene.client.post("/v1/deals/batch", json=one, headers=scene.vendor_h)).status_code == 403
