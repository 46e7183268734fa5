from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_in import CustomerIn
    from ..models.product_in import ProductIn
    from ..models.rep_in import RepIn


T = TypeVar("T", bound="DealCreate")


@_attrs_define
class DealCreate:
    """
    Attributes:
        vendor_id (str):
        customer (CustomerIn):
        products (list[ProductIn]):
        currency (str):
        margin_pct (float | str):
        partner_id (None | str | Unset):
        rep (None | RepIn | Unset):
        expected_close_date (datetime.date | None | Unset):
        external_ref (None | str | Unset):
        notes (None | str | Unset):
    """

    vendor_id: str
    customer: CustomerIn
    products: list[ProductIn]
    currency: str
    margin_pct: float | str
    partner_id: None | str | Unset = UNSET
    rep: None | RepIn | Unset = UNSET
    expected_close_date: datetime.date | None | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.rep_in import RepIn  # noqa: PLC0415

        vendor_id = self.vendor_id

        customer = self.customer.to_dict()

        products = []
        for products_item_data in self.products:
            products_item = products_item_data.to_dict()
            products.append(products_item)

        currency = self.currency

        margin_pct: float | str
        margin_pct = self.margin_pct

        partner_id: None | str | Unset
        if isinstance(self.partner_id, Unset):
            partner_id = UNSET
        else:
            partner_id = self.partner_id

        rep: dict[str, Any] | None | Unset
        if isinstance(self.rep, Unset):
            rep = UNSET
        elif isinstance(self.rep, RepIn):
            rep = self.rep.to_dict()
        else:
            rep = self.rep

        expected_close_date: None | str | Unset
        if isinstance(self.expected_close_date, Unset):
            expected_close_date = UNSET
        elif isinstance(self.expected_close_date, datetime.date):
            expected_close_date = self.expected_close_date.isoformat()
        else:
            expected_close_date = self.expected_close_date

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vendor_id": vendor_id,
                "customer": customer,
                "products": products,
                "currency": currency,
                "margin_pct": margin_pct,
            }
        )
        if partner_id is not UNSET:
            field_dict["partner_id"] = partner_id
        if rep is not UNSET:
            field_dict["rep"] = rep
        if expected_close_date is not UNSET:
            field_dict["expected_close_date"] = expected_close_date
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if notes is not UNSET:
            field_dict["notes"] = notes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_in import CustomerIn  # noqa: PLC0415
        from ..models.product_in import ProductIn  # noqa: PLC0415
        from ..models.rep_in import RepIn  # noqa: PLC0415

        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        customer = CustomerIn.from_dict(d.pop("customer"))

        products = []
        _products = d.pop("products")
        for products_item_data in _products:
            products_item = ProductIn.from_dict(products_item_data)

            products.append(products_item)

        currency = d.pop("currency")

        def _parse_margin_pct(data: object) -> float | str:
            return cast(float | str, data)

        margin_pct = _parse_margin_pct(d.pop("margin_pct"))

        def _parse_partner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        partner_id = _parse_partner_id(d.pop("partner_id", UNSET))

        def _parse_rep(data: object) -> None | RepIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rep_type_0 = RepIn.from_dict(data)

                return rep_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RepIn | Unset, data)

        rep = _parse_rep(d.pop("rep", UNSET))

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

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        deal_create = cls(
            vendor_id=vendor_id,
            customer=customer,
            products=products,
            currency=currency,
            margin_pct=margin_pct,
            partner_id=partner_id,
            rep=rep,
            expected_close_date=expected_close_date,
            external_ref=external_ref,
            notes=notes,
        )

        return deal_create
