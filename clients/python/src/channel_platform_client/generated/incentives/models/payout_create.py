from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PayoutCreate")


@_attrs_define
class PayoutCreate:
    """
    Attributes:
        vendor_id (str):
        up_to (datetime.datetime | None | Unset):
        currency (None | str | Unset):
    """

    vendor_id: str
    up_to: datetime.datetime | None | Unset = UNSET
    currency: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        up_to: None | str | Unset
        if isinstance(self.up_to, Unset):
            up_to = UNSET
        elif isinstance(self.up_to, datetime.datetime):
            up_to = self.up_to.isoformat()
        else:
            up_to = self.up_to

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vendor_id": vendor_id,
            }
        )
        if up_to is not UNSET:
            field_dict["up_to"] = up_to
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        def _parse_up_to(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                up_to_type_0 = datetime.datetime.fromisoformat(data)

                return up_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        up_to = _parse_up_to(d.pop("up_to", UNSET))

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        payout_create = cls(
            vendor_id=vendor_id,
            up_to=up_to,
            currency=currency,
        )

        return payout_create
