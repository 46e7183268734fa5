from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EntryOut")


@_attrs_define
class EntryOut:
    """
    Attributes:
        id (str):
        deal_id (str):
        rep_id (str):
        partner_id (str):
        vendor_id (str):
        program_id (str):
        kind (str):
        stage (None | str):
        amount (str):
        requested (str):
        cut (str):
        cut_reason (None | str):
        currency (str):
        event_id (str):
        created_at (str):
    """

    id: str
    deal_id: str
    rep_id: str
    partner_id: str
    vendor_id: str
    program_id: str
    kind: str
    stage: None | str
    amount: str
    requested: str
    cut: str
    cut_reason: None | str
    currency: str
    event_id: str
    created_at: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        deal_id = self.deal_id

        rep_id = self.rep_id

        partner_id = self.partner_id

        vendor_id = self.vendor_id

        program_id = self.program_id

        kind = self.kind

        stage: None | str
        stage = self.stage

        amount = self.amount

        requested = self.requested

        cut = self.cut

        cut_reason: None | str
        cut_reason = self.cut_reason

        currency = self.currency

        event_id = self.event_id

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "deal_id": deal_id,
                "rep_id": rep_id,
                "partner_id": partner_id,
                "vendor_id": vendor_id,
                "program_id": program_id,
                "kind": kind,
                "stage": stage,
                "amount": amount,
                "requested": requested,
                "cut": cut,
                "cut_reason": cut_reason,
                "currency": currency,
                "event_id": event_id,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        deal_id = d.pop("deal_id")

        rep_id = d.pop("rep_id")

        partner_id = d.pop("partner_id")

        vendor_id = d.pop("vendor_id")

        program_id = d.pop("program_id")

        kind = d.pop("kind")

        def _parse_stage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stage = _parse_stage(d.pop("stage"))

        amount = d.pop("amount")

        requested = d.pop("requested")

        cut = d.pop("cut")

        def _parse_cut_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cut_reason = _parse_cut_reason(d.pop("cut_reason"))

        currency = d.pop("currency")

        event_id = d.pop("event_id")

        created_at = d.pop("created_at")

        entry_out = cls(
            id=id,
            deal_id=deal_id,
            rep_id=rep_id,
            partner_id=partner_id,
            vendor_id=vendor_id,
            program_id=program_id,
            kind=kind,
            stage=stage,
            amount=amount,
            requested=requested,
            cut=cut,
            cut_reason=cut_reason,
            currency=currency,
            event_id=event_id,
            created_at=created_at,
        )

        entry_out.additional_properties = d
        return entry_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
