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
    from ..models.customer_ref import CustomerRef
    from ..models.partner_ref import PartnerRef
    from ..models.product_line import ProductLine
    from ..models.rep_ref import RepRef


T = TypeVar("T", bound="DealEventData")


@_attrs_define
class DealEventData:
    """The deal (as the API returns it) plus the registering partner's attributes.

    Attributes:
        id (str):
        vendor_id (str):
        partner_id (str):
        rep (RepRef):
        customer (CustomerRef):
        products (list[ProductLine]):
        currency (str):
        amount (float | str):
        margin_pct (float | str):
        margin_amount (float | str):
        status (DealStatus):
        stage (DealStage):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        version (int):
        partner (PartnerRef):
        conflict (bool | Unset):  Default: False.
        expected_close_date (datetime.date | None | Unset):
        protection_expires_at (datetime.datetime | None | Unset):
        approval_due_at (datetime.datetime | None | Unset):
        extensions_used (int | Unset):  Default: 0.
        final_amount (float | None | str | Unset):
        closed_on (datetime.date | None | Unset):
        outcome (None | Outcome | Unset):
        reason (None | str | Unset):
    """

    id: str
    vendor_id: str
    partner_id: str
    rep: RepRef
    customer: CustomerRef
    products: list[ProductLine]
    currency: str
    amount: float | str
    margin_pct: float | str
    margin_amount: float | str
    status: DealStatus
    stage: DealStage
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    partner: PartnerRef
    conflict: bool | Unset = False
    expected_close_date: datetime.date | None | Unset = UNSET
    protection_expires_at: datetime.datetime | None | Unset = UNSET
    approval_due_at: datetime.datetime | None | Unset = UNSET
    extensions_used: int | Unset = 0
    final_amount: float | None | str | Unset = UNSET
    closed_on: datetime.date | None | Unset = UNSET
    outcome: None | Outcome | Unset = UNSET
    reason: None | str | Unset = UNSET
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

        amount: float | str
        amount = self.amount

        margin_pct: float | str
        margin_pct = self.margin_pct

        margin_amount: float | str
        margin_amount = self.margin_amount

        status: str = self.status

        stage: str = self.stage

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        version = self.version

        partner = self.partner.to_dict()

        conflict = self.conflict

        expected_close_date: None | str | Unset
        if isinstance(self.expected_close_date, Unset):
            expected_close_date = UNSET
        elif isinstance(self.expected_close_date, datetime.date):
            expected_close_date = self.expected_close_date.isoformat()
        else:
            expected_close_date = self.expected_close_date

        protection_expires_at: None | str | Unset
        if isinstance(self.protection_expires_at, Unset):
            protection_expires_at = UNSET
        elif isinstance(self.protection_expires_at, datetime.datetime):
            protection_expires_at = self.protection_expires_at.isoformat()
        else:
            protection_expires_at = self.protection_expires_at

        approval_due_at: None | str | Unset
        if isinstance(self.approval_due_at, Unset):
            approval_due_at = UNSET
        elif isinstance(self.approval_due_at, datetime.datetime):
            approval_due_at = self.approval_due_at.isoformat()
        else:
            approval_due_at = self.approval_due_at

        extensions_used = self.extensions_used

        final_amount: float | None | str | Unset
        if isinstance(self.final_amount, Unset):
            final_amount = UNSET
        else:
            final_amount = self.final_amount

        closed_on: None | str | Unset
        if isinstance(self.closed_on, Unset):
            closed_on = UNSET
        elif isinstance(self.closed_on, datetime.date):
            closed_on = self.closed_on.isoformat()
        else:
            closed_on = self.closed_on

        outcome: None | str | Unset
        if isinstance(self.outcome, Unset):
            outcome = UNSET
        elif isinstance(self.outcome, str):
            outcome = self.outcome
        else:
            outcome = self.outcome

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

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
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
                "partner": partner,
            }
        )
        if conflict is not UNSET:
            field_dict["conflict"] = conflict
        if expected_close_date is not UNSET:
            field_dict["expected_close_date"] = expected_close_date
        if protection_expires_at is not UNSET:
            field_dict["protection_expires_at"] = protection_expires_at
        if approval_due_at is not UNSET:
            field_dict["approval_due_at"] = approval_due_at
        if extensions_used is not UNSET:
            field_dict["extensions_used"] = extensions_used
        if final_amount is not UNSET:
            field_dict["final_amount"] = final_amount
        if closed_on is not UNSET:
            field_dict["closed_on"] = closed_on
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_ref import CustomerRef  # noqa: PLC0415
        from ..models.partner_ref import PartnerRef  # noqa: PLC0415
        from ..models.product_line import ProductLine  # noqa: PLC0415
        from ..models.rep_ref import RepRef  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        vendor_id = d.pop("vendor_id")

        partner_id = d.pop("partner_id")

        rep = RepRef.from_dict(d.pop("rep"))

        customer = CustomerRef.from_dict(d.pop("customer"))

        products = []
        _products = d.pop("products")
        for products_item_data in _products:
            products_item = ProductLine.from_dict(products_item_data)

            products.append(products_item)

        currency = d.pop("currency")

        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))

        def _parse_margin_pct(data: object) -> float | str:
            return cast(float | str, data)

        margin_pct = _parse_margin_pct(d.pop("margin_pct"))

        def _parse_margin_amount(data: object) -> float | str:
            return cast(float | str, data)

        margin_amount = _parse_margin_amount(d.pop("margin_amount"))

        status = check_deal_status(d.pop("status"))

        stage = check_deal_stage(d.pop("stage"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        partner = PartnerRef.from_dict(d.pop("partner"))

        conflict = d.pop("conflict", UNSET)

        def _parse_expected_close_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_close_date_type_0 = datetime.date.fromisoformat(data)

                return expected_close_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expected_close_date = _parse_expected_close_date(d.pop("expected_close_date", UNSET))

        def _parse_protection_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                protection_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return protection_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        protection_expires_at = _parse_protection_expires_at(d.pop("protection_expires_at", UNSET))

        def _parse_approval_due_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                approval_due_at_type_0 = datetime.datetime.fromisoformat(data)

                return approval_due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        approval_due_at = _parse_approval_due_at(d.pop("approval_due_at", UNSET))

        extensions_used = d.pop("extensions_used", UNSET)

        def _parse_final_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        final_amount = _parse_final_amount(d.pop("final_amount", UNSET))

        def _parse_closed_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_on_type_0 = datetime.date.fromisoformat(data)

                return closed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        closed_on = _parse_closed_on(d.pop("closed_on", UNSET))

        def _parse_outcome(data: object) -> None | Outcome | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = check_outcome(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Outcome | Unset, data)

        outcome = _parse_outcome(d.pop("outcome", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        deal_event_data = cls(
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
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            partner=partner,
            conflict=conflict,
            expected_close_date=expected_close_date,
            protection_expires_at=protection_expires_at,
            approval_due_at=approval_due_at,
            extensions_used=extensions_used,
            final_amount=final_amount,
            closed_on=closed_on,
            outcome=outcome,
            reason=reason,
        )

        deal_event_data.additional_properties = d
        return deal_event_data

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
