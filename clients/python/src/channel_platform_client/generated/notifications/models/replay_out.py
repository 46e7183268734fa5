from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReplayOut")


@_attrs_define
class ReplayOut:
    """
    Attributes:
        subscription_id (str):
        since (str):
        queued (int):
        delivery_ids (list[str]):
    """

    subscription_id: str
    since: str
    queued: int
    delivery_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subscription_id = self.subscription_id

        since = self.since

        queued = self.queued

        delivery_ids = self.delivery_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscription_id": subscription_id,
                "since": since,
                "queued": queued,
                "delivery_ids": delivery_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subscription_id = d.pop("subscription_id")

        since = d.pop("since")

        queued = d.pop("queued")

        delivery_ids = cast(list[str], d.pop("delivery_ids"))

        replay_out = cls(
            subscription_id=subscription_id,
            since=since,
            queued=queued,
            delivery_ids=delivery_ids,
        )

        replay_out.additional_properties = d
        return replay_out

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
