from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.proposal_out_forecast import ProposalOutForecast
    from ..models.proposal_out_gate_type_0 import ProposalOutGateType0
    from ..models.proposal_out_program import ProposalOutProgram
    from ..models.proposal_out_simulation import ProposalOutSimulation


T = TypeVar("T", bound="ProposalOut")


@_attrs_define
class ProposalOut:
    """
    Attributes:
        id (str):
        vendor_id (str):
        partner_id (str):
        status (str):
        roi (None | str):
        min_roi (None | str):
        simulation (ProposalOutSimulation):
        gate (None | ProposalOutGateType0):
        program (ProposalOutProgram):
        forecast (ProposalOutForecast):
        program_id (None | str):
        created_at (str):
        decided_at (None | str):
        version (int):
    """

    id: str
    vendor_id: str
    partner_id: str
    status: str
    roi: None | str
    min_roi: None | str
    simulation: ProposalOutSimulation
    gate: None | ProposalOutGateType0
    program: ProposalOutProgram
    forecast: ProposalOutForecast
    program_id: None | str
    created_at: str
    decided_at: None | str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.proposal_out_gate_type_0 import ProposalOutGateType0  # noqa: PLC0415

        id = self.id

        vendor_id = self.vendor_id

        partner_id = self.partner_id

        status = self.status

        roi: None | str
        roi = self.roi

        min_roi: None | str
        min_roi = self.min_roi

        simulation = self.simulation.to_dict()

        gate: dict[str, Any] | None
        if isinstance(self.gate, ProposalOutGateType0):
            gate = self.gate.to_dict()
        else:
            gate = self.gate

        program = self.program.to_dict()

        forecast = self.forecast.to_dict()

        program_id: None | str
        program_id = self.program_id

        created_at = self.created_at

        decided_at: None | str
        decided_at = self.decided_at

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "partner_id": partner_id,
                "status": status,
                "roi": roi,
                "min_roi": min_roi,
                "simulation": simulation,
                "gate": gate,
                "program": program,
                "forecast": forecast,
                "program_id": program_id,
                "created_at": created_at,
                "decided_at": decided_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.proposal_out_forecast import ProposalOutForecast  # noqa: PLC0415
        from ..models.proposal_out_gate_type_0 import ProposalOutGateType0  # noqa: PLC0415
        from ..models.proposal_out_program import ProposalOutProgram  # noqa: PLC0415
        from ..models.proposal_out_simulation import ProposalOutSimulation  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        vendor_id = d.pop("vendor_id")

        partner_id = d.pop("partner_id")

        status = d.pop("status")

        def _parse_roi(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        roi = _parse_roi(d.pop("roi"))

        def _parse_min_roi(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        min_roi = _parse_min_roi(d.pop("min_roi"))

        simulation = ProposalOutSimulation.from_dict(d.pop("simulation"))

        def _parse_gate(data: object) -> None | ProposalOutGateType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gate_type_0 = ProposalOutGateType0.from_dict(data)

                return gate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProposalOutGateType0, data)

        gate = _parse_gate(d.pop("gate"))

        program = ProposalOutProgram.from_dict(d.pop("program"))

        forecast = ProposalOutForecast.from_dict(d.pop("forecast"))

        def _parse_program_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        program_id = _parse_program_id(d.pop("program_id"))

        created_at = d.pop("created_at")

        def _parse_decided_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        version = d.pop("version")

        proposal_out = cls(
            id=id,
            vendor_id=vendor_id,
            partner_id=partner_id,
            status=status,
            roi=roi,
            min_roi=min_roi,
            simulation=simulation,
            gate=gate,
            program=program,
            forecast=forecast,
            program_id=program_id,
            created_at=created_at,
            decided_at=decided_at,
            version=version,
        )

        proposal_out.additional_properties = d
        return proposal_out

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
