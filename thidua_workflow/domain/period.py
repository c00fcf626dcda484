"""The period a nomination is for: it decides which law judges it and which bloc round takes it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_workflow.domain.enums import PeriodPhase
from thidua_workflow.domain.fields import VnLine
from thidua_workflow.domain.text import search_key, vietnamese_date


class Period(BaseModel):
    """A year, its first half, a named campaign in a year, or the date of an ad-hoc achievement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: Annotated[int, Field(ge=1945, le=2200)]
    phase: PeriodPhase = PeriodPhase.FULL_YEAR
    campaign: VnLine | None = None
    event_date: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.phase is PeriodPhase.CAMPAIGN and not self.campaign:
            raise ValueError("đợt/chuyên đề cần có tên (campaign)")
        if self.phase is PeriodPhase.EVENT:
            if self.event_date is None:
                raise ValueError("thành tích đột xuất cần ngày lập thành tích (event_date)")
            if self.event_date.year != self.year:
                raise ValueError("event_date phải thuộc năm của kỳ (year)")
        return self

    @property
    def starts_on(self) -> date:
        if self.phase is PeriodPhase.EVENT and self.event_date:
            return self.event_date
        return date(self.year, 1, 1)

    @property
    def reference_date(self) -> date:
        """The day whose law judges the nomination: the end of the period, or the achievement's date."""
        if self.phase is PeriodPhase.FIRST_HALF:
            return date(self.year, 6, 30)
        if self.phase is PeriodPhase.EVENT and self.event_date:
            return self.event_date
        return date(self.year, 12, 31)

    @property
    def code(self) -> str:
        """A stable key for rounds and duplicate checks: "2019", "2020-H1", "2020-cd-<campaign>"."""
        if self.phase is PeriodPhase.FULL_YEAR:
            return str(self.year)
        if self.phase is PeriodPhase.FIRST_HALF:
            return f"{self.year}-H1"
        if self.phase is PeriodPhase.CAMPAIGN:
            return f"{self.year}-cd-{search_key(self.campaign or '').replace(' ', '-')}"
        return f"{self.year}-dx-{self.event_date.isoformat() if self.event_date else ''}"

    @property
    def label(self) -> str:
        if self.phase is PeriodPhase.FULL_YEAR:
            return f"năm {self.year}"
        if self.phase is PeriodPhase.FIRST_HALF:
            return f"6 tháng đầu năm {self.year}"
        if self.phase is PeriodPhase.CAMPAIGN:
            return f"{self.campaign} ({self.year})"
        return f"đột xuất, {vietnamese_date(self.event_date)}" if self.event_date else str(self.year)
