"""Aggregator batch registration: per-item status, per-item idempotency keys, only the token's partners."""

from __future__ import annotations

from typing import Any

import pytest
from dealreg_scene import Scene

from dealreg.service import batch
from support.kafka import events_of, read_topic


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


async def test_items_of_one_batch_see_each_other_and_existing_deals(scene: Scene) -> None:
    await scene.policy(auto_approve_max_amount="50000.00", auto_approve_tiers=[2])
    p1, p2 = await scene.partner(tier=2), await scene.partner(tier=2)
    earlier = await scene.register(p2, customer={"name": "Hooli Inc", "domain": "hooli.com"})
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[p1, p2])
    items = [
        scene.deal_body(partner_id=p1, customer={"name": "Initech LLC", "domain": "initech.com"}),
        # Another partner, the same customer (by domain) and SKU: a conflict with item 0, never auto-approved.
        scene.deal_body(partner_id=p2, customer={"name": "Initech", "domain": "initech.com"}),
        # The same partner again, the same customer by name after normalizing: a duplicate of item 0.
        scene.deal_body(partner_id=p1, customer={"name": "INITECH, L.L.C."}),
        # A conflict with a deal registered before the batch.
        scene.deal_body(partner_id=p1, customer={"name": "Hooli", "domain": "hooli.com"}),
        scene.deal_body(partner_id=p1, customer={"name": "Umbrella Corp", "domain": "umbrella.example"}),
    ]
    r = await scene.client.post("/v1/deals/batch", json={"items": items}, headers=aggregator)
    results = r.json()["results"]
    assert [x["status"] for x in results] == [201, 201, 409, 201, 201], results
    first, rival, dup, hooli, clean = results
    assert first["deal"]["status"] == clean["deal"]["status"] == "approved"  # auto-approved by the policy
    assert rival["deal"]["conflict"] is True and rival["deal"]["status"] == "pending_approval"
    assert dup["error"]["existing_deal_id"] == first["deal"]["id"]
    assert hooli["deal"]["conflict"] is True and hooli["deal"]["status"] == "pending_approval"
    vendor_view = await scene.client.get(f"/v1/deals/{hooli['deal']['id']}", headers=scene.vendor_h)
    assert vendor_view.json()["conflicting_deal_ids"] == [earlier["id"]]
    history = await scene.client.get(f"/v1/deals/{first['deal']['id']}/history", headers=scene.admin)
    assert [h["type"] for h in history.json()["items"]] == ["deal-registered", "deal-approved"]


async def test_a_key_repeated_in_one_batch_registers_once(scene: Scene) -> None:
    partner = await scene.partner()
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[partner])
    item = {**scene.deal_body(partner_id=partner), "idempotency_key": "twice"}
    r = await scene.client.post("/v1/deals/batch", json={"items": [item, item]}, headers=aggregator)
    assert [x["status"] for x in r.json()["results"]] == [201, 409]
    again = await scene.client.post("/v1/deals/batch", json={"items": [item]}, headers=aggregator)
    assert again.json()["results"][0]["replayed"] is True
    assert again.json()["results"][0]["deal"]["id"] == r.json()["results"][0]["deal"]["id"]
    listed = await scene.client.get("/v1/deals", headers=aggregator)
    assert len(listed.json()["items"]) == 1


async def test_every_registered_item_reaches_kafka_once(scene: Scene, infra: Any, topic_prefix: str) -> None:
    partner = await scene.partner()
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[partner])
    items = [scene.deal_body(partner_id=partner, customer={"name": f"Order Test {i}"}) for i in range(20)]
    r = await scene.client.post("/v1/deals/batch", json={"items": items}, headers=aggregator)
    ids = [x["deal"]["id"] for x in r.json()["results"]]
    wanted = {i.encode() for i in ids}

    def ours(records: list[Any]) -> list[Any]:
        return [rec for rec in records if rec.key in wanted]

    records = await read_topic(infra.kafka_bootstrap, topic_prefix + "deals.v1", lambda rs: len(ours(rs)) >= 20)
    events = events_of(ours(records))
    assert [e.type for e in events] == ["deal-registered"] * 20
    assert sorted(e.subject for e in events) == sorted(ids)
    assert all(e.data["customer"]["name"] == f"Order Test {ids.index(e.subject)}" for e in events)


async def test_a_failing_batch_transaction_falls_back_to_one_item_at_a_time(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = await scene.partner()
    aggregator = scene.token("aggregator", sub="agg-1", partner_ids=[partner])

    async def deadlocked(*_: Any) -> None:
        raise RuntimeError("deadlock detected")  # what PostgreSQL could answer to the one-transaction path

    monkeypatch.setattr(batch, "_register_together", deadlocked)
    items = [
        {**scene.deal_body(partner_id=partner, customer={"name": "Fallback A"}), "idempotency_key": "fb-a"},
        scene.deal_body(partner_id=partner, customer={"name": "Fallback B"}),
        scene.deal_body(partner_id=partner, customer={"name": "Fallback B"}),
    ]
    r = await scene.client.post("/v1/deals/batch", json={"items": items}, headers=aggregator)
    assert sorted(x["status"] for x in r.json()["results"]) == [201, 201, 409]
    replay = await scene.client.post("/v1/deals/batch", json={"items": items[:1]}, headers=aggregator)
    assert replay.json()["results"][0]["replayed"] is True
