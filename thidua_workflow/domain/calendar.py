"""Working days in Vietnam: deadlines such as "10 ngày làm việc" skip weekends, Tết and substituted days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


class WorkingCalendar:
    """Monday–Friday minus Vietnam's public holidays, plus any days the policy adds or removes.

    ``extra_days_off`` covers holidays decided late (a province's own day off);
    ``extra_working_days`` covers Saturdays worked to make up a bridged holiday.
    """

    def __init__(self, extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = ()) -> None:
        self._off = frozenset(extra_days_off)
        self._on = frozenset(extra_working_days)

    def is_working_day(self, day: date) -> bool:
        if day in self._on:
            return True
        if day in self._off:
            return False
        return day.weekday() < 5 and day not in _public_holidays(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count
