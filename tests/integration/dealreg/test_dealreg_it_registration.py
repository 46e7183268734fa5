"""Registration against the real PostgreSQL: amounts, validation, duplicates, conflicts, auto-approval."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from dealreg_scene import Scene


async def test_registration_answers_the_contracts_deal(scene: Scene) -> None:
    partner = await scene.partner()
    deal = await scene.register(partner, margin_pct="25")
    assert deal["partner_id"] == partner
    assert deal["amount"] == "12000.00"
    assert deal["margin_amount"] == "3000.00"
    assert deal["status"] == "pending_approval"
    assert deal["stage"] == "registered"
    assert deal["conflict"] is False
    assert deal["version"] == 1
    created = datetime.fromisoformat(deal["created_at"].replace("Z", "+00:00"))
    due = datetime.fromisoformat(deal["approval_due_at"].replace("Z", "+00:00"))
    assert due - created == timedelta(hours=96)  # no policy: PT96H
    got = await scene.client.get(f"/v1/deals/{deal['id']}", headers=scene.partner_h(partner))
    assert got.status_code == 200
    assert got.json()["amount"] == "12000.00"


async def test_one_422_names_every_bad_field_and_writes_nothing(scene: Scene) -> None:
    partner = await scene.partner()
    body = scene.deal_body(
        currency="ZZZ",
        margin_pct="101",
        expected_close_date=(date.today() - timedelta(days=1)).isoformat(),
        customer={"name": "Globex", "domain": "not a domain"},
        products=[{"sku": "FW-500", "quantity": 0, "unit_price": "-1"}],
        rep={"id": "rep-7", "email": "nope"},
    )
    r = await scene.client.post("/v1/deals", json=body, headers=scene.partner_h(partner))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    locs = {tuple(e["loc"]) for e in r.json()["errors"]}
    for expected in [
        ("body", "currency"),
        ("body", "margin_pct"),
        ("body", "expected_close_date"),
        ("body", "customer", "domain"),
        ("body", "products", 0, "quantity"),
        ("body", "products", 0, "unit_price"),
        ("body", "rep", "email"),
    ]:
        assert expected in locs, (expected, locs)
    listed = await scene.client.get("/v1/deals", headers=scene.partner_h(partner))
    assert listed.json()["items"] == []


async def test_no_products_and_too_many_products_are_422(scene: Scene) -> None:
    partner = await scene.partner()
    for products in ([], [{"sku": f"S-{i}", "quantity": 1, "unit_price": "1.00"} for i in range(201)]):
        r = await scene.client.post(
            "/v1/deals", json=scene.deal_body(products=products), headers=scene.partner_h(partner)
        )
        assert r.status_code == 422
        assert ["body", "products"] in [e["loc"] for e in r.json()["errors"]]


async def test_same_partner_same_customer_and_sku_is_a_409_naming_the_existing_deal(scene: Scene) -> None:
    partner = await scene.partner()
    first = await scene.register(partner)
    r = await scene.client.post(
        "/v1/deals",
        # Same customer after normalization (case, suffix, www.), overlapping SKU.
        json=scene.deal_body(
            customer={"name": "GLOBEX, Inc.", "domain": "https://www.Globex.com/"},
            products=[
                {"sku": "fw-500", "quantity": 1, "unit_price": "5.00"},
                {"sku": "X-1", "quantity": 1, "unit_price": "1.00"},
            ],
        ),
        headers=scene.partner_h(partner),
    )
    assert r.status_code == 409
    assert r.json()["existing_deal_id"] == first["id"]
    # Another SKU is a new registration, not a duplicate.
    await scene.register(partner, products=[{"sku": "AP-1", "quantity": 1, "unit_price": "10.00"}])


async def test_another_partners_registration_is_a_conflict_with_ids_hidden_from_partners(scene: Scene) -> None:
    await scene.policy(auto_approve_max_amount="1000000.00", auto_approve_tiers=[1, 2, 3])
    first_partner, second_partner = await scene.partner(), await scene.partner()
    first = await scene.register(first_partner, customer={"name": "Globex Corp."})  # no domain: name key
    assert first["status"] == "approved"
    second = await scene.register(second_partner, customer={"name": "globex corporation", "domain": "globex.com"})
    assert second["conflict"] is True
    assert set(second["conflict_reasons"]) == {"same_customer_name", "product_overlap"}
    assert second["status"] == "pending_approval"  # never auto-approved
    assert "conflicting_deal_ids" not in second
    as_partner = await scene.client.get(f"/v1/deals/{second['id']}", headers=scene.partner_h(second_partner))
    assert "conflicting_deal_ids" not in as_partner.json()
    as_vendor = await scene.client.get(f"/v1/deals/{second['id']}", headers=scene.vendor_h)
    assert as_vendor.json()["conflicting_deal_ids"] == [first["id"]]


async def test_conflicts_ignore_other_vendors_and_inactive_deals(scene: Scene) -> None:
    other_vendor = f"{scene.vendor}-other"
    partner_a = await scene.partner(vendor_ids=[scene.vendor, other_vendor])
    partner_b = await scene.partner()
    await scene.register(partner_a, vendor_id=other_vendor)
    rejected = await scene.register(partner_a)
    r = await scene.client.post(
        f"/v1/deals/{rejected['id']}/decision", json={"decision": "reject"}, headers=scene.vendor_h
    )
    assert r.status_code == 200
    clean = await scene.register(partner_b)
    assert clean["conflict"] is False


async def test_auto_approval_per_policy_inside_the_request(scene: Scene) -> None:
    await scene.policy(
        auto_approve_max_amount="12000.00", auto_approve_tiers=[1, 2], approval_sla="PT48H", protection_period="P30D"
    )
    tier2, tier3 = await scene.partner(tier=2), await scene.partner(tier=3)
    approved = await scene.register(tier2)
    assert approved["status"] == "approved"
    assert approved["version"] == 2
    created = datetime.fromisoformat(approved["created_at"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(approved["protection_expires_at"].replace("Z", "+00:00"))
    assert expires - created == timedelta(days=30)
    due = datetime.fromisoformat(approved["approval_due_at"].replace("Z", "+00:00"))
    assert due - created == timedelta(hours=48)
    assert (await scene.register(tier3, customer={"name": "Initech"}))["status"] == "pending_approval"
    over = await scene.register(
        tier2, customer={"name": "Hooli"}, products=[{"sku": "FW-500", "quantity": 11, "unit_price": "1200.00"}]
    )
    assert over["status"] == "pending_approval"
    history = await scene.client.get(f"/v1/deals/{approved['id']}/history", headers=scene.partner_h(tier2))
    entries = history.json()["items"]
    assert [e["type"] for e in entries] == ["deal-registered", "deal-approved"]
    assert entries[0]["actor"] == "rep-7"
    assert entries[1]["actor"] == "system:policy"


async def test_partner_may_only_register_with_its_vendors_and_as_itself(scene: Scene) -> None:
    partner = await scene.partner()
    r = await scene.client.post(
        "/v1/deals", json=scene.deal_body(vendor_id="someone-else"), headers=scene.partner_h(partner)
    )
    assert r.status_code == 403
    assert "not enrolled" in r.json()["detail"]
    r = await scene.client.post(
        "/v1/deals", json=scene.deal_body(partner_id="p-other"), headers=scene.partner_h(partner)
    )
    assert r.status_code == 403
    r = await scene.client.post("/v1/deals", json=scene.deal_body(), headers=scene.vendor_h)
    assert r.status_code == 403


async def test_idempotency_key_replays_the_registration(scene: Scene) -> None:
    partner = await scene.partner()
    headers = {**scene.partner_h(partner), "Idempotency-Key": "reg-1"}
    first = await scene.client.post("/v1/deals", json=scene.deal_body(), headers=headers)
    again = await scene.client.post("/v1/deals", json=scene.deal_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


# dealreg sends a keyed registration's key as an SQL literal (servicekit.idempotency.begin_and_claim):
# quotes and backslashes in a key must stay plain characters of that key.
@pytest.mark.parametrize("key", ["it's", "a'); DELETE FROM deals; --", "back\\slash\\'", "$$dollar$$"])
async def test_a_key_with_quotes_and_backslashes_is_its_own_key(scene: Scene, key: str) -> None:
    partner = await scene.partner()
    headers = {**scene.partner_h(partner), "Idempotency-Key": key}
    first = await scene.client.post("/v1/deals", json=scene.deal_body(), headers=headers)
    again = await scene.client.post("/v1/deals", json=scene.deal_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"] == f"/v1/deals/{first.json()['id']}"
    assert again.json() == first.json()
    other_body = scene.deal_body(customer=_customer("Other Corp"))
    other = await scene.client.post("/v1/deals", json=other_body, headers=headers)
    assert other.status_code == 422
    similar = {**headers, "Idempotency-Key": key + "'"}
    third_body = scene.deal_body(customer=_customer("Third Corp"))
    third = await scene.client.post("/v1/deals", json=third_body, headers=similar)
    assert third.status_code == 201, third.text
    assert "Idempotent-Replayed" not in third.headers and third.json()["id"] != first.json()["id"]


def _customer(name: str) -> dict[str, str]:
    return {"name": name, "domain": name.lower().replace(" ", "") + ".example", "country": "US"}
