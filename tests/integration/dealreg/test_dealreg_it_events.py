"""Deal events really on Kafka: one per change, in order, keyed by the deal, carrying deal and partner."""

from __future__ import annotations

from typing import Any

from dealreg_scene import Scene

from support.kafka import events_of, read_topic


async def test_deal_events_arrive_in_order_with_deal_and_partner(scene: Scene, infra: Any, topic_prefix: str) -> None:
    await scene.policy(auto_approve_max_amount="50000.00", auto_approve_tiers=[2], max_extensions=1)
    partner = await scene.partner(tier=2)
    headers = scene.partner_h(partner)
    deal = await scene.register(partner)
    deal_id = deal["id"]
    for path, body in [
        ("stage", {"stage": "proposal"}),
        ("extend", None),
        ("close", {"outcome": "won", "final_amount": "11500.00"}),
    ]:
        r = await scene.client.post(f"/v1/deals/{deal_id}/{path}", json=body, headers=headers)
        assert r.status_code == 200, r.text

    def ours(records: list[Any]) -> list[Any]:
        return [r for r in records if r.key == deal_id.encode()]

    records = await read_topic(infra.kafka_bootstrap, topic_prefix + "deals.v1", lambda rs: len(ours(rs)) >= 5)
    events = events_of(ours(records))
    assert [e.type for e in events] == [
        "deal-registered", "deal-approved", "stage-advanced", "deal-extended", "deal-closed",
    ]  # fmt: skip
    assert len({r.partition for r in ours(records)}) == 1
    assert [e.data["version"] for e in events] == [1, 2, 3, 4, 5]
    assert [e.data["status"] for e in events] == ["pending_approval", "approved", "approved", "approved", "closed"]
    assert all(e.subject == deal_id and e.source == "/services/dealreg" for e in events)
    assert events[0].data["partner"] == {
        "id": partner, "tier": 2, "territory": "west", "region": "NA", "channel_manager": "cm-1",
    }  # fmt: skip
    assert events[0].data["amount"] == "12000.00"
    assert events[-1].data["final_amount"] == "11500.00"
    assert events[-1].data["stage"] == "closed_won"
