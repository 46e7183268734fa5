from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payout_created_data import PayoutCreatedData


T = TypeVar("T", bound="PayoutCreatedWebhook")


@_attrs_define
class PayoutCreatedWebhook:
    """A `payout-created` webhook body.

    Attributes:
        specversion (Literal['1.0']):
        id (str): The event id, also `webhook-id`: the same on every retry
        source (str): The producing service, `/services/<name>`
        type_ (Literal['payout-created']):
        time (datetime.datetime):
        data (PayoutCreatedData):
        subject (None | str | Unset): The deal id (deal events) or the partner id
        datacontenttype (Literal['application/json'] | Unset):  Default: 'application/json'.
        dataschema (None | str | Unset): The URL of `data`'s JSON Schema
    """

    specversion: Literal["1.0"]
    id: str
    source: str
    type_: Literal["payout-created"]
    time: datetime.datetime
    data: PayoutCreatedData
    subject: None | str | Unset = UNSET
    datacontenttype: Literal["application/json"] | Unset = "application/json"
    dataschema: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        specversion = self.specversion

        id = self.id

        source = self.source

        type_ = self.type_

        time = self.time.isoformat()

        data = self.data.to_dict()

        subject: None | str | Unset
        if isinstance(self.subject, Unset):
            subject = UNSET
        else:
            subject = self.subject

        datacontenttype = self.datacontenttype

        dataschema: None | str | Unset
        if isinstance(self.dataschema, Unset):
            dataschema = UNSET
        else:
            dataschema = self.dataschema

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "specversion": specversion,
                "id": id,
                "source": source,
                "type": type_,
                "time": time,
                "data": data,
            }
        )
        if subject is not UNSET:
            field_dict["subject"] = subject
        if datacontenttype is not UNSET:
            field_dict["datacontenttype"] = datacontenttype
        if dataschema is not UNSET:
            field_dict["dataschema"] = dataschema

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payout_created_data import PayoutCreatedData  # noqa: PLC0415

        d = dict(src_dict)
        specversion = cast(Literal["1.0"], d.pop("specversion"))
        if specversion != "1.0":
            raise ValueError(f"specversion must match const '1.0', got '{specversion}'")

        id = d.pop("id")

        source = d.pop("source")

        type_ = cast(Literal["payout-created"], d.pop("type"))
        if type_ != "payout-created":
            raise ValueError(f"type must match const 'payout-created', got '{type_}'")

        time = datetime.datetime.fromisoformat(d.pop("time"))

        data = PayoutCreatedData.from_dict(d.pop("data"))

        def _parse_subject(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject = _parse_subject(d.pop("subject", UNSET))

        datacontenttype = cast(Literal["application/json"] | Unset, d.pop("datacontenttype", UNSET))
        if datacontenttype != "application/json" and not isinstance(datacontenttype, Unset):
            raise ValueError(f"datacontenttype must match const 'application/json', got '{datacontenttype}'")

        def _parse_dataschema(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataschema = _parse_dataschema(d.pop("dataschema", UNSET))

        payout_created_webhook = cls(
            specversion=specversion,
            id=id,
            source=source,
            type_=type_,
            time=time,
            data=data,
            subject=subject,
            datacontenttype=datacontenttype,
            dataschema=dataschema,
        )

        payout_created_webhook.additional_properties = d
        return payout_created_webhook

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
