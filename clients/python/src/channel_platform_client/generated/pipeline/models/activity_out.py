from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ActivityOut")


@_attrs_define
class ActivityOut:
    """
    Attributes:
        period (str):
        enrolled (int):
        active (int):
        producing (int):
        newly_active (int):
        lapsed (int):
        attrition_rate (None | str):
    """

    period: str
    enrolled: int
    active: int
    producing: int
    newly_active: int
    lapsed: int
    attrition_rate: None | str
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
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
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

        activity_out = cls(
            period=period,
            enrolled=enrolled,
            active=active,
            producing=producing,
            newly_active=newly_active,
            lapsed=lapsed,
            attrition_rate=attrition_rate,
        )

        activity_out.additional_properties = d
        return activity_out

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
