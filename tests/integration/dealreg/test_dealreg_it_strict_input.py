"""Input that must be a 4xx is a 4xx (issue 15, item 5): amounts beyond the columns, If-Match, cursors."""

from __future__ import annotations

import base64
import json

from dealreg_scene import Scene

OVERFLOW = [{"sku": "FW-500", "quantity": 100000, "unit_price": "1000000000000.00"}]


def _crafted(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


async def test_an_amount_beyond_numeric_18_2_is_a_422_naming_the_field_and_writes_nothing(scene: Scene) -> None:
    partner = await scene.partner()
    r = await scene.client.post("/v1/deals", json=scene.deal_body(products=OVERFLOW), headers=scene.partner_h(partner))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["loc"] for e in r.json()["errors"]] == [["body", "products", 0]]
    assert "999999999999999.99" in r.json()["errors"][0]["msg"]

    batch = await scene.client.post(
        "/v1/deals/batch",
        json={"items": [scene.deal_body(partner_id=partner, products=OVERFLOW), scene.deal_body(partner_id=partner)]},
        headers=scene.admin,
    )
    results = batch.json()["results"]
    assert [x["status"] for x in results] == [422, 201], "one bad item never blocks the others"
    assert results[0]["error"]["errors"][0]["loc"] == ["body", "items", 0, "products", 0]
    listed = (await scene.client.get("/v1/deals", headers=scene.partner_h(partner))).json()["items"]
    assert [d["amount"] for d in listed] == ["12000.00"], "only the good item was registered"

    deal = listed[0]
    close = await scene.client.post(
        f"/v1/deals/{deal['id']}/close", json={"outcome": "won", "final_amount": "10000000000000000.00"},
        headers=scene.partner_h(partner),
    )  # fmt: skip
    assert close.status_code == 422 and close.json()["errors"][0]["loc"] == ["body", "final_amount"]


async def test_a_malformed_if_match_is_a_422_and_changes_nothing(scene: Scene) -> None:
    partner = await scene.partner()
    deal = await scene.register(partner)
    for header in ("²".encode("latin-1"), b"abc", b'"1'):
        r = await scene.client.post(
            f"/v1/deals/{deal['id']}/decision", json={"decision": "approve"},
            headers={**scene.vendor_h, "If-Match": header},
        )  # fmt: skip
        assert r.status_code == 422, (header, r.text)
        assert r.json()["errors"] == [
            {"loc": ["header", "If-Match"], "msg": 'must be a version such as 3 or the ETag "3" (or *)'}
        ]
    current = (await scene.client.get(f"/v1/deals/{deal['id']}", headers=scene.vendor_h)).json()
    assert (current["status"], current["version"]) == ("pending_approval", 1)
    r = await scene.client.post(
        f"/v1/deals/{deal['id']}/decision", json={"decision": "approve"}, headers={**scene.vendor_h, "If-Match": '"1"'}
    )
    assert r.status_code == 200, "the ETag form the responses use is accepted"


async def test_crafted_cursors_are_422s(scene: Scene, service_client, token) -> None:
    partner = await scene.partner()
    deal = await scene.register(partner)
    headers = scene.partner_h(partner)
    for cursor in (_crafted({"c": "x", "i": "d"}), _crafted({"c": "2026-01-01T00:00:00Z", "i": 5}), "%%", "é"):
        r = await scene.client.get("/v1/deals", params={"cursor": cursor}, headers=headers)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "cursor"], r.text
    for cursor in (_crafted({"h": "x"}), _crafted({"h": 2**63}), _crafted({"h": 2**70})):
        r = await scene.client.get(f"/v1/deals/{deal['id']}/history", params={"cursor": cursor}, headers=headers)
        assert r.status_code == 422, r.text
    # The crafted ledger cursor {"seq": "x"} (incentives decodes it with the shared, typed decoder).
    async with service_client("incentives") as (incentives, _):
        admin = token("admin", sub="ops")
        for cursor in (_crafted({"seq": "x"}), _crafted({"seq": 1.5}), _crafted({"seq": None})):
            r = await incentives.get("/v1/ledger", params={"cursor": cursor}, headers=admin)
            assert r.status_code == 422, r.text
