from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_result_error_type_0 import BatchResultErrorType0
    from ..models.deal_out import DealOut


T = TypeVar("T", bound="BatchResult")


@_attrs_define
class BatchResult:
    """One item's answer: its deal (201) or its problem document; `replayed` when its key answered before.

    Attributes:
        index (int):
        status (int):
        deal (DealOut | None | Unset):
        error (BatchResultErrorType0 | None | Unset):
        replayed (bool | None | Unset):
    """

    index: int
    status: int
    deal: DealOut | None | Unset = UNSET
    error: BatchResultErrorType0 | None | Unset = UNSET
    replayed: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_result_error_type_0 import BatchResultErrorType0  # noqa: PLC0415
        from ..models.deal_out import DealOut  # noqa: PLC0415

        index = self.index

        status = self.status

        deal: dict[str, Any] | None | Unset
        if isinstance(self.deal, Unset):
            deal = UNSET
        elif isinstance(self.deal, DealOut):
            deal = self.deal.to_dict()
        else:
            deal = self.deal

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, BatchResultErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        replayed: bool | None | Unset
        if isinstance(self.replayed, Unset):
            replayed = UNSET
        else:
            replayed = self.replayed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "status": status,
            }
        )
        if deal is not UNSET:
            field_dict["deal"] = deal
        if error is not UNSET:
            field_dict["error"] = error
        if replayed is not UNSET:
            field_dict["replayed"] = replayed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_result_error_type_0 import BatchResultErrorType0  # noqa: PLC0415
        from ..models.deal_out import DealOut  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        status = d.pop("status")

        def _parse_deal(data: object) -> DealOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                deal_type_0 = DealOut.from_dict(data)

                return deal_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DealOut | None | Unset, data)

        deal = _parse_deal(d.pop("deal", UNSET))

        def _parse_error(data: object) -> BatchResultErrorType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = BatchResultErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchResultErrorType0 | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_replayed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        replayed = _parse_replayed(d.pop("replayed", UNSET))

        batch_result = cls(
            index=index,
            status=status,
            deal=deal,
            error=error,
            replayed=replayed,
        )

        batch_result.additional_properties = d
        return batch_result

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
