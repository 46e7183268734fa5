"""A partner's terms are per vendor (v1.1): each vendor sets its own enrolment, and only its own."""

from __future__ import annotations

import uuid
from typing import Any

from dealreg_scene import Scene

from support.kafka import events_of, read_topic


def _terms(body: dict[str, Any]) -> tuple[Any, ...]:
    return (body["tier"], body["territory"], body["region"], body["channel_manager"])


async def test_a_vendor_cannot_read_another_vendors_partner_nor_enrol_it_with_someone_else(
    service_client, token
) -> None:
    vendor_a = token("vendor", sub="va", vendor_id="ven-a")
    vendor_b = token("vendor", sub="vb", vendor_id="ven-b")
    async with service_client("dealreg") as (dealreg, _):
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "Enrolled", "tier": 1, "vendor_ids": ["ven-a"]}, headers=vendor_a
        )
        assert r.status_code == 201, r.text
        # Not enrolled with b: b does not see it.
        assert (await dealreg.get("/v1/partners/p-enrol", headers=vendor_b)).status_code == 404

        # A vendor cannot enrol the partner with someone else (v1.1: vendor_ids must be [that vendor]).
        for vendor_ids in (["ven-a", "ven-b"], ["ven-b"], []):
            r = await dealreg.put(
                "/v1/partners/p-enrol", json={"name": "E", "tier": 1, "vendor_ids": vendor_ids}, headers=vendor_a
            )
            assert r.status_code == 403, (vendor_ids, r.text)
            assert "vendor_ids must be ['ven-a']" in r.json()["detail"]
        admin = token("admin", sub="ops")
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "E", "tier": 2, "vendor_ids": ["ven-a", "ven-b"]}, headers=admin
        )
        assert r.status_code == 200, r.text
        assert r.json()["vendor_ids"] == ["ven-a", "ven-b"]
        assert [(e["vendor_id"], e["tier"]) for e in r.json()["enrollments"]] == [("ven-a", 2), ("ven-b", 2)]
        r = await dealreg.get("/v1/partners/p-enrol", headers=vendor_b)
        assert r.status_code == 200 and r.json()["vendor_ids"] == ["ven-b"] and "enrollments" not in r.json()


async def test_vendor_b_cannot_change_vendor_a_tier_nor_the_name(scene: Scene, infra: Any, topic_prefix: str) -> None:
    """The issue's item 3: B's PUT {"tier": 3} used to change A's auto-approval and A's reward multiplier."""
    vendor_a, vendor_b = scene.vendor, f"v-{uuid.uuid4().hex[:8]}"
    a_h, b_h = scene.vendor_h, scene.token("vendor", sub="vb", vendor_id=vendor_b)
    partner = f"p-{uuid.uuid4().hex[:8]}"
    await scene.policy(auto_approve_max_amount="50000.00", auto_approve_tiers=[1])
    body_a = {"name": "Initech", "tier": 1, "territory": "west", "region": "NA", "channel_manager": "cm-a"}
    assert (await scene.client.put(f"/v1/partners/{partner}", json=body_a, headers=a_h)).status_code == 201

    body_b = {"name": "Hijacked", "tier": 3, "territory": "east", "region": "EU", "channel_manager": "cm-b"}
    r = await scene.client.put(f"/v1/partners/{partner}", json=body_b, headers=b_h)
    assert r.status_code == 201, r.text  # b's own enrolment is new
    assert r.json()["name"] == "Initech", "a vendor never renames a profile once set"
    assert _terms(r.json()) == (3, "east", "EU", "cm-b")

    seen_by_a = (await scene.client.get(f"/v1/partners/{partner}", headers=a_h)).json()
    assert (seen_by_a["name"], *_terms(seen_by_a)) == ("Initech", 1, "west", "NA", "cm-a")
    assert seen_by_a["vendor_ids"] == [vendor_a], "a vendor never learns the partner's other vendors"
    seen_by_partner = (await scene.client.get(f"/v1/partners/{partner}", headers=scene.partner_h(partner))).json()
    assert {e["vendor_id"]: e["tier"] for e in seen_by_partner["enrollments"]} == {vendor_a: 1, vendor_b: 3}
    assert seen_by_partner["tier"] is None, "two vendors, two tiers: the terms are under enrollments"

    # A's auto-approval still sees tier 1 ...
    deal_a = await scene.register(partner)
    assert deal_a["status"] == "approved"
    # ... and each deal's events carry the terms of the deal's own vendor.
    deal_b = await scene.register(partner, vendor_id=vendor_b, customer={"name": "Other Co", "domain": "other.com"})
    assert deal_b["status"] == "pending_approval"
    wanted = {deal_a["id"].encode(), deal_b["id"].encode()}
    records = await read_topic(
        infra.kafka_bootstrap, topic_prefix + "deals.v1", lambda rs: len({r.key for r in rs} & wanted) == 2
    )
    partner_of = {e.subject: e.data["partner"] for e in events_of([r for r in records if r.key in wanted])}
    assert partner_of[deal_a["id"]] == {
        "id": partner, "tier": 1, "territory": "west", "region": "NA", "channel_manager": "cm-a",
    }  # fmt: skip
    assert partner_of[deal_b["id"]] == {
        "id": partner, "tier": 3, "territory": "east", "region": "EU", "channel_manager": "cm-b",
    }  # fmt: skip


async def test_a_vendor_creating_a_partner_first_does_not_block_other_vendors(scene: Scene) -> None:
    vendor_b = f"v-{uuid.uuid4().hex[:8]}"
    b_h = scene.token("vendor", sub="vb", vendor_id=vendor_b)
    partner = f"p-200-{uuid.uuid4().hex[:6]}"
    r = await scene.client.put(f"/v1/partners/{partner}", json={"name": "First Name", "tier": 2}, headers=b_h)
    assert r.status_code == 201, r.text
    assert (r.json()["vendor_ids"], r.json()["version"]) == ([vendor_b], 1)

    r = await scene.client.put(
        f"/v1/partners/{partner}", json={"name": "Second Name", "tier": 1, "vendor_ids": [scene.vendor]},
        headers=scene.vendor_h,
    )  # fmt: skip
    assert r.status_code == 201, r.text  # was 404 before v1.1
    assert (r.json()["name"], r.json()["tier"], r.json()["vendor_ids"]) == ("First Name", 1, [scene.vendor])
    # Both are enrolled, each with its own terms; the partner registers with either.
    await scene.register(partner)
    await scene.register(partner, vendor_id=vendor_b)
    b_view = (await scene.client.get(f"/v1/partners/{partner}", headers=b_h)).json()
    assert (b_view["tier"], b_view["version"]) == (2, 1), "a's enrolment left b's as it was"


async def test_registration_needs_an_enrolment_with_the_deal_vendor(scene: Scene) -> None:
    partner = await scene.partner(tier=2)
    r = await scene.client.post(
        "/v1/deals", json=scene.deal_body(vendor_id="v-not-enrolled"), headers=scene.partner_h(partner)
    )
    assert r.status_code == 403
    assert "not enrolled with vendor 'v-not-enrolled'" in r.json()["detail"]
    batch = await scene.client.post(
        "/v1/deals/batch",
        json={"items": [
            scene.deal_body(vendor_id="v-not-enrolled", partner_id=partner), scene.deal_body(partner_id=partner),
        ]},
        headers=scene.admin,
    )  # fmt: skip
    assert [i["status"] for i in batch.json()["results"]] == [403, 201]
    assert "not enrolled" in batch.json()["results"][0]["error"]["detail"]


async def test_partner_put_is_versioned_and_honours_if_match(scene: Scene) -> None:
    partner = f"p-{uuid.uuid4().hex[:8]}"
    url = f"/v1/partners/{partner}"
    body = {"name": "Versioned", "tier": 1}
    r = await scene.client.put(url, json=body, headers={**scene.vendor_h, "If-Match": '"1"'})
    assert r.status_code == 412, "nothing to match yet"
    r = await scene.client.put(url, json=body, headers=scene.vendor_h)
    assert (r.status_code, r.headers["ETag"], r.json()["version"]) == (201, '"1"', 1)
    same = await scene.client.put(url, json=body, headers={**scene.vendor_h, "If-Match": '"1"'})
    assert (same.status_code, same.json()["version"]) == (200, 1), "writing the same terms changes nothing"
    r = await scene.client.put(url, json={**body, "tier": 2}, headers={**scene.vendor_h, "If-Match": '"1"'})
    assert (r.status_code, r.json()["version"], r.json()["tier"]) == (200, 2, 2)
    stale = await scene.client.put(url, json={**body, "tier": 3}, headers={**scene.vendor_h, "If-Match": "1"})
    assert stale.status_code == 412
    # The issue's `If-Match: ²` (byte 0xB2: "²".isdigit() is True, int("²") raised): a 422 naming the header.
    superscript = {**scene.vendor_h, "If-Match": "²".encode("latin-1")}
    bad = await scene.client.put(url, json={**body, "tier": 3}, headers=superscript)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["header", "If-Match"]
    assert (await scene.client.get(url, headers=scene.vendor_h)).json()["tier"] == 2, "refused writes changed nothing"
    # The admin's version is the profile's: it moved with each change of an enrolment.
    admin_view = await scene.client.get(url, headers=scene.admin)
    assert admin_view.json()["version"] == 2
    r = await scene.client.put(
        url, json={"name": "Renamed", "tier": 1}, headers={**scene.admin, "If-Match": admin_view.headers["ETag"]}
    )
    assert (r.status_code, r.json()["name"], r.json()["version"]) == (200, "Renamed", 3)


async def test_enrolments_are_announced_on_partners_v1(scene: Scene, infra: Any, topic_prefix: str) -> None:
    partner = f"p-{uuid.uuid4().hex[:8]}"
    url = f"/v1/partners/{partner}"
    vendor_b = f"v-{uuid.uuid4().hex[:8]}"
    b_h = scene.token("vendor", sub="vb", vendor_id=vendor_b)
    body = {"name": "Announced", "tier": 1, "territory": "west", "region": "NA", "channel_manager": "cm-1"}
    assert (await scene.client.put(url, json=body, headers=scene.vendor_h)).status_code == 201
    assert (await scene.client.put(url, json=body, headers=scene.vendor_h)).status_code == 200  # no change, no event
    assert (await scene.client.put(url, json={**body, "tier": 2}, headers=scene.vendor_h)).status_code == 200
    assert (await scene.client.put(url, json={**body, "tier": 3}, headers=b_h)).status_code == 201
    # A refused write announces nothing.
    assert (await scene.client.put(url, json=body, headers={**b_h, "If-Match": "7"})).status_code == 412

    records = await read_topic(
        infra.kafka_bootstrap, topic_prefix + "partners.v1",
        lambda rs: sum(r.key == partner.encode() for r in rs) >= 3, timeout=20,
    )  # fmt: skip
    ours = [r for r in records if r.key == partner.encode()]
    events = events_of(ours)
    summary = [(e.type, e.data["vendor_id"], e.data["tier"], e.data["version"]) for e in events]
    assert summary == [
        ("partner-enrolled", scene.vendor, 1, 1),
        ("partner-updated", scene.vendor, 2, 2),
        ("partner-enrolled", vendor_b, 3, 1),
    ]
    first = events[0]
    assert first.source == "/services/dealreg" and first.subject == partner
    assert {k: first.data[k] for k in ("partner_id", "name", "territory", "region", "channel_manager")} == {
        "partner_id": partner, "name": "Announced", "territory": "west", "region": "NA", "channel_manager": "cm-1",
    }  # fmt: skip
    assert first.data["updated_at"]
    assert len({r.partition for r in ours}) == 1, "keyed by partner id: one partner's events stay in order"


async def test_another_vendors_pipeline_policy_is_not_found(service_client, token) -> None:
    async with service_client("pipeline") as (pipeline, _):
        other = token("vendor", sub="vb", vendor_id="ven-b")
        partner = token("partner", sub="r", partner_id="p-x")
        assert (await pipeline.get("/v1/vendors/ven-a/pipeline-policy", headers=other)).status_code == 404
        assert (await pipeline.get("/v1/vendors/ven-a/pipeline-policy", headers=partner)).status_code == 403
