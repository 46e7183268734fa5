"""Vendor approval policies: defaults, ISO 8601 durations, tenancy, validation."""

from __future__ import annotations

import asyncio

from dealreg_scene import Scene


async def test_without_a_policy_the_contracts_defaults_apply(scene: Scene) -> None:
    r = await scene.client.get(f"/v1/vendors/{scene.vendor}/approval-policy", headers=scene.vendor_h)
    assert r.status_code == 200
    body = r.json()
    assert (body["auto_approve_max_amount"], body["approval_sla"], body["on_sla_breach"]) == (None, "PT96H", "escalate")
    assert body["protection_period"] == "P90D"
    assert body["default"] is True


async def test_put_then_get_round_trips_iso_durations(scene: Scene) -> None:
    put = await scene.client.put(
        f"/v1/vendors/{scene.vendor}/approval-policy",
        json={
            "auto_approve_max_amount": "25000.00", "auto_approve_tiers": [1, 2], "approval_sla": "PT48H",
            "on_sla_breach": "auto_reject", "protection_period": "P90D", "max_extensions": 1,
            "extension_period": "P30D",
        },
        headers=scene.vendor_h,
    )  # fmt: skip
    assert put.status_code == 201
    got = (await scene.client.get(f"/v1/vendors/{scene.vendor}/approval-policy", headers=scene.admin)).json()
    assert got["auto_approve_max_amount"] == "25000.00"
    assert got["auto_approve_tiers"] == [1, 2]
    assert (got["approval_sla"], got["protection_period"], got["extension_period"]) == ("PT48H", "P90D", "P30D")
    assert (got["on_sla_breach"], got["max_extensions"], got["version"]) == ("auto_reject", 1, 1)
    stale = await scene.client.put(
        f"/v1/vendors/{scene.vendor}/approval-policy", json={}, headers={**scene.vendor_h, "If-Match": "5"}
    )
    assert stale.status_code == 412


async def test_policy_tenancy_and_validation(scene: Scene) -> None:
    url = f"/v1/vendors/{scene.vendor}/approval-policy"
    other = scene.token("vendor", sub="x", vendor_id="someone-else")
    assert (await scene.client.put(url, json={}, headers=other)).status_code == 404
    partner = await scene.partner()
    assert (await scene.client.put(url, json={}, headers=scene.partner_h(partner))).status_code == 403
    bad = await scene.client.put(
        url,
        json={"approval_sla": "forever", "protection_period": "-P1D", "on_sla_breach": "panic",
              "auto_approve_tiers": [4], "auto_approve_max_amount": "-1"},
        headers=scene.vendor_h,
    )  # fmt: skip
    assert bad.status_code == 422
    locs = {e["loc"][1] for e in bad.json()["errors"]}
    wanted = {"approval_sla", "protection_period", "on_sla_breach", "auto_approve_tiers", "auto_approve_max_amount"}
    assert wanted <= locs


async def test_concurrent_first_puts_with_if_match_0_one_wins_the_others_412(scene: Scene) -> None:
    url = f"/v1/vendors/{scene.vendor}/approval-policy"
    answers = await asyncio.gather(
        *(
            scene.client.put(url, json={"approval_sla": f"PT{i + 1}H"}, headers={**scene.vendor_h, "If-Match": "0"})
            for i in range(6)
        )
    )
    assert sorted(a.status_code for a in answers) == [201] + [412] * 5
    assert (await scene.client.get(url, headers=scene.vendor_h)).json()["version"] == 1
