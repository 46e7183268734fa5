from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.stage_in_stage import StageInStage, check_stage_in_stage
from ..types import UNSET, Unset

T = TypeVar("T", bound="StageIn")


@_attrs_define
class StageIn:
    """
    Attributes:
        stage (StageInStage):
        note (None | str | Unset):
    """

    stage: StageInStage
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        stage: str = self.stage

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "stage": stage,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stage = check_stage_in_stage(d.pop("stage"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        stage_in = cls(
            stage=stage,
            note=note,
        )

        return stage_in
