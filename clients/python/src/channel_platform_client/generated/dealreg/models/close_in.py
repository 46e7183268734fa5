from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.close_in_outcome import CloseInOutcome, check_close_in_outcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="CloseIn")


@_attrs_define
class CloseIn:
    """
    Attributes:
        outcome (CloseInOutcome):
        final_amount (float | None | str | Unset):
        closed_on (datetime.date | None | Unset):
        reason (None | str | Unset):
    """

    outcome: CloseInOutcome
    final_amount: float | None | str | Unset = UNSET
    closed_on: datetime.date | None | Unset = UNSET
    reason: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        outcome: str = self.outcome

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

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "outcome": outcome,
            }
        )
        if final_amount is not UNSET:
            field_dict["final_amount"] = final_amount
        if closed_on is not UNSET:
            field_dict["closed_on"] = closed_on
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = check_close_in_outcome(d.pop("outcome"))

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

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        close_in = cls(
            outcome=outcome,
            final_amount=final_amount,
            closed_on=closed_on,
            reason=reason,
        )

        return close_in
