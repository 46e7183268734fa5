from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.forecast_in import ForecastIn
    from ..models.program_create import ProgramCreate


T = TypeVar("T", bound="ProposalCreate")


@_attrs_define
class ProposalCreate:
    """A partner's build-your-own program (for itself) and the forecast it is judged on.

    Attributes:
        program (ProgramCreate): A program's terms. `ends_on` may not be before `starts_on`; `tier_multipliers` gives
            each of
            tiers 1, 2 and 3.
        forecast (ForecastIn):
    """

    program: ProgramCreate
    forecast: ForecastIn

    def to_dict(self) -> dict[str, Any]:
        program = self.program.to_dict()

        forecast = self.forecast.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "program": program,
                "forecast": forecast,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.forecast_in import ForecastIn  # noqa: PLC0415
        from ..models.program_create import ProgramCreate  # noqa: PLC0415

        d = dict(src_dict)
        program = ProgramCreate.from_dict(d.pop("program"))

        forecast = ForecastIn.from_dict(d.pop("forecast"))

        proposal_create = cls(
            program=program,
            forecast=forecast,
        )

        return proposal_create
