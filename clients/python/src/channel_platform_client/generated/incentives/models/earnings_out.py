from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.deal_earnings_out import DealEarningsOut
    from ..models.earnings_out_by_currency import EarningsOutByCurrency
    from ..models.earnings_out_by_kind_type_0 import EarningsOutByKindType0


T = TypeVar("T", bound="EarningsOut")


@_attrs_define
class EarningsOut:
    """Currencies are never added: with several (and no ?currency=) the top-level figures are null.

    Attributes:
        rep_id (str):
        period (None | str):
        currency (None | str):
        earned (None | str):
        clawed_back (None | str):
        net (None | str):
        paid (None | str):
        unpaid (None | str):
        by_kind (EarningsOutByKindType0 | None):
        deals (list[DealEarningsOut]):
        by_currency (EarningsOutByCurrency):
    """

    rep_id: str
    period: None | str
    currency: None | str
    earned: None | str
    clawed_back: None | str
    net: None | str
    paid: None | str
    unpaid: None | str
    by_kind: EarningsOutByKindType0 | None
    deals: list[DealEarningsOut]
    by_currency: EarningsOutByCurrency
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.earnings_out_by_kind_type_0 import EarningsOutByKindType0  # noqa: PLC0415

        rep_id = self.rep_id

        period: None | str
        period = self.period

        currency: None | str
        currency = self.currency

        earned: None | str
        earned = self.earned

        clawed_back: None | str
        clawed_back = self.clawed_back

        net: None | str
        net = self.net

        paid: None | str
        paid = self.paid

        unpaid: None | str
        unpaid = self.unpaid

        by_kind: dict[str, Any] | None
        if isinstance(self.by_kind, EarningsOutByKindType0):
            by_kind = self.by_kind.to_dict()
        else:
            by_kind = self.by_kind

        deals = []
        for deals_item_data in self.deals:
            deals_item = deals_item_data.to_dict()
            deals.append(deals_item)

        by_currency = self.by_currency.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rep_id": rep_id,
                "period": period,
                "currency": currency,
                "earned": earned,
                "clawed_back": clawed_back,
                "net": net,
                "paid": paid,
                "unpaid": unpaid,
                "by_kind": by_kind,
                "deals": deals,
                "by_currency": by_currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deal_earnings_out import DealEarningsOut  # noqa: PLC0415
        from ..models.earnings_out_by_currency import EarningsOutByCurrency  # noqa: PLC0415
        from ..models.earnings_out_by_kind_type_0 import EarningsOutByKindType0  # noqa: PLC0415

        d = dict(src_dict)
        rep_id = d.pop("rep_id")

        def _parse_period(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        period = _parse_period(d.pop("period"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_earned(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        earned = _parse_earned(d.pop("earned"))

        def _parse_clawed_back(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        clawed_back = _parse_clawed_back(d.pop("clawed_back"))

        def _parse_net(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        net = _parse_net(d.pop("net"))

        def _parse_paid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        paid = _parse_paid(d.pop("paid"))

        def _parse_unpaid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unpaid = _parse_unpaid(d.pop("unpaid"))

        def _parse_by_kind(data: object) -> EarningsOutByKindType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                by_kind_type_0 = EarningsOutByKindType0.from_dict(data)

                return by_kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EarningsOutByKindType0 | None, data)

        by_kind = _parse_by_kind(d.pop("by_kind"))

        deals = []
        _deals = d.pop("deals")
        for deals_item_data in _deals:
            deals_item = DealEarningsOut.from_dict(deals_item_data)

            deals.append(deals_item)

        by_currency = EarningsOutByCurrency.from_dict(d.pop("by_currency"))

        earnings_out = cls(
            rep_id=rep_id,
            period=period,
            currency=currency,
            earned=earned,
            clawed_back=clawed_back,
            net=net,
            paid=paid,
            unpaid=unpaid,
            by_kind=by_kind,
            deals=deals,
            by_currency=by_currency,
        )

        earnings_out.additional_properties = d
        return earnings_out

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
