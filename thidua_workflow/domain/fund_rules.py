"""The reward fund's rules as dated data (``fund_rules.yaml``): the share set aside for organising the
work, with the article that sets it and whether we read it in the decree's text."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from thidua_workflow.domain.policy import Confirmation
from thidua_workflow.errors import ConfigurationError


class FundPeriod(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    applies_from: date | None
    applies_until: date | None
    organising_share: Decimal = Field(ge=0, le=1)
    source: str
    status: Confirmation
    recovery: str

    def covers(self, day: date) -> bool:
        return (self.applies_from is None or self.applies_from <= day) and (
            self.applies_until is None or day <= self.applies_until
        )

    def set_aside(self, income: int) -> int:
        """The organising share of ``income``, in whole đồng."""
        return int((self.organising_share * income).to_integral_value(rounding=ROUND_HALF_UP))


class FundRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    periods: list[FundPeriod]

    def for_year(self, year: int) -> FundPeriod:
        """The rule of a budget year: the one in force on its last day (the fund is settled then)."""
        day = date(year, 12, 31)
        for period in self.periods:
            if period.covers(day):
                return period
        raise ConfigurationError(f"Không có quy định về quỹ thi đua, khen thưởng cho năm {year}.")


@cache
def fund_rules() -> FundRules:
    text = resources.files("thidua_workflow.domain").joinpath("fund_rules.yaml").read_text(encoding="utf-8")
    return FundRules.model_validate(yaml.safe_load(text))
