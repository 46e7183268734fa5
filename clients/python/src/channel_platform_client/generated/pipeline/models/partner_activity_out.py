from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.activity_out import ActivityOut


T = TypeVar("T", bound="PartnerActivityOut")


@_attrs_define
class PartnerActivityOut:
    """
    Attributes:
        period (str):
        enrolled (int):
        active (int):
        producing (int):
        newly_active (int):
        lapsed (int):
        attrition_rate (None | str):
        vendor_id (str):
        trend (list[ActivityOut]): The last four periods, oldest first, ending with this one.
    """

    period: str
    enrolled: int
    active: int
    producing: int
    newly_active: int
    lapsed: int
    attrition_rate: None | str
    vendor_id: str
    trend: list[ActivityOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period = self.period

        enrolled = self.enrolled

        active = self.active

        producing = self.producing

        newly_active = self.newly_active

        lapsed = self.lapsed

        attrition_rate: None | str
        attrition_rate = self.attrition_rate

        vendor_id = self.vendor_id

        trend = []
        for trend_item_data in self.trend:
            trend_item = trend_item_data.to_dict()
            trend.append(trend_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "period": period,
                "enrolled": enrolled,
                "active": active,
                "producing": producing,
                "newly_active": newly_active,
                "lapsed": lapsed,
                "attrition_rate": attrition_rate,
                "vendor_id": vendor_id,
                "trend": trend,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity_out import ActivityOut  # noqa: PLC0415

        d = dict(src_dict)
        period = d.pop("period")

        enrolled = d.pop("enrolled")

        active = d.pop("active")

        producing = d.pop("producing")

        newly_active = d.pop("newly_active")

        lapsed = d.pop("lapsed")

        def _parse_attrition_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        attrition_rate = _parse_attrition_rate(d.pop("attrition_rate"))

        vendor_id = d.pop("vendor_id")

        trend = []
        _trend = d.pop("trend")
        for trend_item_data in _trend:
            trend_item = ActivityOut.from_dict(trend_item_data)

            trend.append(trend_item)

        partner_activity_out = cls(
            period=period,
            enrolled=enrolled,
            active=active,
            producing=producing,
            newly_active=newly_active,
            lapsed=lapsed,
            attrition_rate=attrition_rate,
            vendor_id=vendor_id,
            trend=trend,
        )

        partner_activity_out.additional_properties = d
        return partner_activity_out

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
