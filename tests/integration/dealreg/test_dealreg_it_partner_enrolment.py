"""A vendor manages only its own enrolment of a partner; another vendor's partner is invisible to it."""

from __future__ import annotations


async def test_a_vendor_cannot_read_or_overwrite_another_vendors_partner(service_client, token) -> None:
    vendor_a = token("vendor", sub="va", vendor_id="ven-a")
    vendor_b = token("vendor", sub="vb", vendor_id="ven-b")
    async with service_client("dealreg") as (dealreg, _):
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "Enrolled", "tier": 1, "vendor_ids": ["ven-a"]}, headers=vendor_a
        )
        assert r.status_code == 201, r.text

        hijack = {"name": "Hijacked", "tier": 3, "vendor_ids": ["ven-b"]}
        assert (await dealreg.put("/v1/partners/p-enrol", json=hijack, headers=vendor_b)).status_code == 404
        assert (await dealreg.get("/v1/partners/p-enrol", headers=vendor_b)).status_code == 404
        profile = (await dealreg.get("/v1/partners/p-enrol", headers=vendor_a)).json()
        assert (profile["name"], profile["vendor_ids"]) == ("Enrolled", ["ven-a"])

        # A vendor cannot enrol the partner with someone else, nor drop another vendor's enrolment.
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "E", "tier": 1, "vendor_ids": ["ven-a", "ven-b"]}, headers=vendor_a
        )
        assert r.status_code == 403
        admin = token("admin", sub="ops")
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "E", "tier": 1, "vendor_ids": ["ven-a", "ven-b"]}, headers=admin
        )
        assert r.status_code == 200
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "E", "tier": 2, "vendor_ids": ["ven-b"]}, headers=vendor_b
        )
        assert r.status_code == 200, r.text
        assert sorted(r.json()["vendor_ids"]) == ["ven-a", "ven-b"], "vendor b left a's enrolment as it was"
        r = await dealreg.put(
            "/v1/partners/p-enrol", json={"name": "E", "tier": 2, "vendor_ids": ["ven-a"]}, headers=vendor_b
        )
        assert r.status_code == 200, r.text
        assert r.json()["vendor_ids"] == ["ven-a"], "b left the partner; a's enrolment stays"
        assert (await dealreg.get("/v1/partners/p-enrol", headers=vendor_b)).status_code == 404


async def test_another_vendors_pipeline_policy_is_not_found(service_client, token) -> None:
    async with service_client("pipeline") as (pipeline, _):
        other = token("vendor", sub="vb", vendor_id="ven-b")
        partner = token("partner", sub="r", partner_id="p-x")
        assert (await pipeline.get("/v1/vendors/ven-a/pipeline-policy", headers=other)).status_code == 404
        assert (await pipeline.get("/v1/vendors/ven-a/pipeline-policy", headers=partner)).status_code == 403
