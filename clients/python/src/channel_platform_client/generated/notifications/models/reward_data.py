from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reward_data_kind import RewardDataKind, check_reward_data_kind
from ..types import UNSET, Unset

T = TypeVar("T", bound="RewardData")


@_attrs_define
class RewardData:
    """reward-earned and reward-clawed-back: one ledger entry as the rep sees it.

    Attributes:
        entry_id (str):
        deal_id (str):
        rep_id (str):
        partner_id (str):
        vendor_id (str):
        program_id (str):
        kind (RewardDataKind):
        amount (float | str):
        currency (str):
        source_event_id (str):
        stage (None | str | Unset):
    """

    entry_id: str
    deal_id: str
    rep_id: str
    partner_id: str
    vendor_id: str
    program_id: str
    kind: RewardDataKind
    amount: float | str
    currency: str
    source_event_id: str
    stage: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry_id = self.entry_id

        deal_id = self.deal_id

        rep_id = self.rep_id

        partner_id = self.partner_id

        vendor_id = self.vendor_id

        program_id = self.program_id

        kind: str = self.kind

        amount: float | str
        amount = self.amount

        currency = self.currency

        source_event_id = self.source_event_id

        stage: None | str | Unset
        if isinstance(self.stage, Unset):
            stage = UNSET
        else:
            stage = self.stage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry_id": entry_id,
                "deal_id": deal_id,
                "rep_id": rep_id,
                "partner_id": partner_id,
                "vendor_id": vendor_id,
                "program_id": program_id,
                "kind": kind,
                "amount": amount,
                "currency": currency,
                "source_event_id": source_event_id,
            }
        )
        if stage is not UNSET:
            field_dict["stage"] = stage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entry_id = d.pop("entry_id")

        deal_id = d.pop("deal_id")

        rep_id = d.pop("rep_id")

        partner_id = d.pop("partner_id")

        vendor_id = d.pop("vendor_id")

        program_id = d.pop("program_id")

        kind = check_reward_data_kind(d.pop("kind"))

        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))

        currency = d.pop("currency")

        source_event_id = d.pop("source_event_id")

        def _parse_stage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stage = _parse_stage(d.pop("stage", UNSET))

        reward_data = cls(
            entry_id=entry_id,
            deal_id=deal_id,
            rep_id=rep_id,
            partner_id=partner_id,
            vendor_id=vendor_id,
            program_id=program_id,
            kind=kind,
            amount=amount,
            currency=currency,
            source_event_id=source_event_id,
            stage=stage,
        )

        reward_data.additional_properties = d
        return reward_data

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
