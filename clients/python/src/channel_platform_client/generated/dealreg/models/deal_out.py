from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.deal_stage import DealStage, check_deal_stage
from ..models.deal_status import DealStatus, check_deal_status
from ..models.outcome import Outcome, check_outcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_out import CustomerOut
    from ..models.product_out import ProductOut
    from ..models.rep_out import RepOut


T = TypeVar("T", bound="DealOut")


@_attrs_define
class DealOut:
    """The deal. `conflicting_deal_ids` only to its vendor (and admin).

    Attributes:
        id (str):
        vendor_id (str):
        partner_id (str):
        rep (RepOut):
        customer (CustomerOut):
        products (list[ProductOut]):
        currency (str):
        amount (str):
        margin_pct (str):
        margin_amount (str):
        status (DealStatus):
        stage (DealStage):
        conflict (bool):
        conflict_reasons (list[str]):
        expected_close_date (datetime.date | None):
        protection_expires_at (datetime.datetime | None):
        approval_due_at (datetime.datetime | None):
        approval_overdue_at (datetime.datetime | None):
        extensions_used (int):
        decided_at (datetime.datetime | None):
        decision_reason (None | str):
        final_amount (None | str):
        closed_on (datetime.date | None):
        outcome (None | Outcome):
        close_reason (None | str):
        expired_at (datetime.datetime | None):
        external_ref (None | str):
        notes (None | str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        version (int):
        conflicting_deal_ids (list[str] | None | Unset):
    """

    id: str
    vendor_id: str
    partner_id: str
    rep: RepOut
    customer: CustomerOut
    products: list[ProductOut]
    currency: str
    amount: str
    margin_pct: str
    margin_amount: str
    status: DealStatus
    stage: DealStage
    conflict: bool
    conflict_reasons: list[str]
    expected_close_date: datetime.date | None
    protection_expires_at: datetime.datetime | None
    approval_due_at: datetime.datetime | None
    approval_overdue_at: datetime.datetime | None
    extensions_used: int
    decided_at: datetime.datetime | None
    decision_reason: None | str
    final_amount: None | str
    closed_on: datetime.date | None
    outcome: None | Outcome
    close_reason: None | str
    expired_at: datetime.datetime | None
    external_ref: None | str
    notes: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    conflicting_deal_ids: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        vendor_id = self.vendor_id

        partner_id = self.partner_id

        rep = self.rep.to_dict()

        customer = self.customer.to_dict()

        products = []
        for products_item_data in self.products:
            products_item = products_item_data.to_dict()
            products.append(products_item)

        currency = self.currency

        amount = self.amount

        margin_pct = self.margin_pct

        margin_amount = self.margin_amount

        status: str = self.status

        stage: str = self.stage

        conflict = self.conflict

        conflict_reasons = self.conflict_reasons

        expected_close_date: None | str
        if isinstance(self.expected_close_date, datetime.date):
            expected_close_date = self.expected_close_date.isoformat()
        else:
            expected_close_date = self.expected_close_date

        protection_expires_at: None | str
        if isinstance(self.protection_expires_at, datetime.datetime):
            protection_expires_at = self.protection_expires_at.isoformat()
        else:
            protection_expires_at = self.protection_expires_at

        approval_due_at: None | str
        if isinstance(self.approval_due_at, datetime.datetime):
            approval_due_at = self.approval_due_at.isoformat()
        else:
            approval_due_at = self.approval_due_at

        approval_overdue_at: None | str
        if isinstance(self.approval_overdue_at, datetime.datetime):
            approval_overdue_at = self.approval_overdue_at.isoformat()
        else:
            approval_overdue_at = self.approval_overdue_at

        extensions_used = self.extensions_used

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decision_reason: None | str
        decision_reason = self.decision_reason

        final_amount: None | str
        final_amount = self.final_amount

        closed_on: None | str
        if isinstance(self.closed_on, datetime.date):
            closed_on = self.closed_on.isoformat()
        else:
            closed_on = self.closed_on

        outcome: None | str
        if isinstance(self.outcome, str):
            outcome = self.outcome
        else:
            outcome = self.outcome

        close_reason: None | str
        close_reason = self.close_reason

        expired_at: None | str
        if isinstance(self.expired_at, datetime.datetime):
            expired_at = self.expired_at.isoformat()
        else:
            expired_at = self.expired_at

        external_ref: None | str
        external_ref = self.external_ref

        notes: None | str
        notes = self.notes

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        version = self.version

        conflicting_deal_ids: list[str] | None | Unset
        if isinstance(self.conflicting_deal_ids, Unset):
            conflicting_deal_ids = UNSET
        elif isinstance(self.conflicting_deal_ids, list):
            conflicting_deal_ids = self.conflicting_deal_ids

        else:
            conflicting_deal_ids = self.conflicting_deal_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "partner_id": partner_id,
                "rep": rep,
                "customer": customer,
                "products": products,
                "currency": currency,
                "amount": amount,
                "margin_pct": margin_pct,
                "margin_amount": margin_amount,
                "status": status,
                "stage": stage,
                "conflict": conflict,
                "conflict_reasons": conflict_reasons,
                "expected_close_date": expected_close_date,
                "protection_expires_at": protection_expires_at,
                "approval_due_at": approval_due_at,
                "approval_overdue_at": approval_overdue_at,
                "extensions_used": extensions_used,
                "decided_at": decided_at,
                "decision_reason": decision_reason,
                "final_amount": final_amount,
                "closed_on": closed_on,
                "outcome": outcome,
                "close_reason": close_reason,
                "expired_at": expired_at,
                "external_ref": external_ref,
                "notes": notes,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if conflicting_deal_ids is not UNSET:
            field_dict["conflicting_deal_ids"] = conflicting_deal_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_out import CustomerOut  # noqa: PLC0415
        from ..models.product_out import ProductOut  # noqa: PLC0415
        from ..models.rep_out import RepOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        vendor_id = d.pop("vendor_id")

        partner_id = d.pop("partner_id")

        rep = RepOut.from_dict(d.pop("rep"))

        customer = CustomerOut.from_dict(d.pop("customer"))

        products = []
        _products = d.pop("products")
        for products_item_data in _products:
            products_item = ProductOut.from_dict(products_item_data)

            products.append(products_item)

        currency = d.pop("currency")

        amount = d.pop("amount")

        margin_pct = d.pop("margin_pct")

        margin_amount = d.pop("margin_amount")

        status = check_deal_status(d.pop("status"))

        stage = check_deal_stage(d.pop("stage"))

        conflict = d.pop("conflict")

        conflict_reasons = cast(list[str], d.pop("conflict_reasons"))

        def _parse_expected_close_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_close_date_type_0 = datetime.date.fromisoformat(data)

                return expected_close_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expected_close_date = _parse_expected_close_date(d.pop("expected_close_date"))

        def _parse_protection_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                protection_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return protection_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        protection_expires_at = _parse_protection_expires_at(d.pop("protection_expires_at"))

        def _parse_approval_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                approval_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return approval_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        approval_due_at = _parse_approval_due_at(d.pop("approval_due_at"))

        def _parse_approval_overdue_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                approval_overdue_at_type_0 = datetime.datetime.fromisoformat(data)

                return approval_overdue_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        approval_overdue_at = _parse_approval_overdue_at(d.pop("approval_overdue_at"))

        extensions_used = d.pop("extensions_used")

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_decision_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decision_reason = _parse_decision_reason(d.pop("decision_reason"))

        def _parse_final_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        final_amount = _parse_final_amount(d.pop("final_amount"))

        def _parse_closed_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_on_type_0 = datetime.date.fromisoformat(data)

                return closed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        closed_on = _parse_closed_on(d.pop("closed_on"))

        def _parse_outcome(data: object) -> None | Outcome:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = check_outcome(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Outcome, data)

        outcome = _parse_outcome(d.pop("outcome"))

        def _parse_close_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        close_reason = _parse_close_reason(d.pop("close_reason"))

        def _parse_expired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expired_at_type_0 = datetime.datetime.fromisoformat(data)

                return expired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expired_at = _parse_expired_at(d.pop("expired_at"))

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        def _parse_conflicting_deal_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                conflicting_deal_ids_type_0 = cast(list[str], data)

                return conflicting_deal_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        conflicting_deal_ids = _parse_conflicting_deal_ids(d.pop("conflicting_deal_ids", UNSET))

        deal_out = cls(
            id=id,
            vendor_id=vendor_id,
            partner_id=partner_id,
            rep=rep,
            customer=customer,
            products=products,
            currency=currency,
            amount=amount,
            margin_pct=margin_pct,
            margin_amount=margin_amount,
            status=status,
            stage=stage,
            conflict=conflict,
            conflict_reasons=conflict_reasons,
            expected_close_date=expected_close_date,
            protection_expires_at=protection_expires_at,
            approval_due_at=approval_due_at,
            approval_overdue_at=approval_overdue_at,
            extensions_used=extensions_used,
            decided_at=decided_at,
            decision_reason=decision_reason,
            final_amount=final_amount,
            closed_on=closed_on,
            outcome=outcome,
            close_reason=close_reason,
            expired_at=expired_at,
            external_ref=external_ref,
            notes=notes,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            conflicting_deal_ids=conflicting_deal_ids,
        )

        deal_out.additional_properties = d
        return deal_out

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
