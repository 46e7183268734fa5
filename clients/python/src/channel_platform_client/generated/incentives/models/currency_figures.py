from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.currency_figures_by_kind import CurrencyFiguresByKind
    from ..models.deal_earnings_out import DealEarningsOut


T = TypeVar("T", bound="CurrencyFigures")


@_attrs_define
class CurrencyFigures:
    """One currency's figures (the kinds present in its lines only).

    Attributes:
        earned (str):
        clawed_back (str):
        net (str):
        paid (str):
        unpaid (str):
        by_kind (CurrencyFiguresByKind):
        deals (list[DealEarningsOut]):
    """

    earned: str
    clawed_back: str
    net: str
    paid: str
    unpaid: str
    by_kind: CurrencyFiguresByKind
    deals: list[DealEarningsOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        earned = self.earned

        clawed_back = self.clawed_back

        net = self.net

        paid = self.paid

        unpaid = self.unpaid

        by_kind = self.by_kind.to_dict()

        deals = []
        for deals_item_data in self.deals:
            deals_item = deals_item_data.to_dict()
            deals.append(deals_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "earned": earned,
                "clawed_back": clawed_back,
                "net": net,
                "paid": paid,
                "unpaid": unpaid,
                "by_kind": by_kind,
                "deals": deals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_figures_by_kind import CurrencyFiguresByKind  # noqa: PLC0415
        from ..models.deal_earnings_out import DealEarningsOut  # noqa: PLC0415

        d = dict(src_dict)
        earned = d.pop("earned")

        clawed_back = d.pop("clawed_back")

        net = d.pop("net")

        paid = d.pop("paid")

        unpaid = d.pop("unpaid")

        by_kind = CurrencyFiguresByKind.from_dict(d.pop("by_kind"))

        deals = []
        _deals = d.pop("deals")
        for deals_item_data in _deals:
            deals_item = DealEarningsOut.from_dict(deals_item_data)

            deals.append(deals_item)

        currency_figures = cls(
            earned=earned,
            clawed_back=clawed_back,
            net=net,
            paid=paid,
            unpaid=unpaid,
            by_kind=by_kind,
            deals=deals,
        )

        currency_figures.additional_properties = d
        return currency_figures

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
