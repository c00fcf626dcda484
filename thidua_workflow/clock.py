"""The injectable clock: tests fix it, a replay of 2019–2020 shifts it, production reads the wall."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    tz: tzinfo

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def __init__(self, tz: tzinfo = VIETNAM) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """Always the same instant: deterministic tests. ``advance`` moves it on."""

    def __init__(self, at: datetime | date, tz: tzinfo = VIETNAM) -> None:
        self.tz = tz
        self._now = _as_datetime(at, tz)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def set(self, at: datetime | date) -> None:
        self._now = _as_datetime(at, self.tz)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class ShiftedClock:
    """Real time moved to another day: events keep their real order and spacing on the replayed date."""

    def __init__(self, as_of: date, tz: tzinfo = VIETNAM) -> None:
        self.tz = tz
        real = datetime.now(tz)
        self._offset = datetime.combine(as_of, real.timetz()) - real

    def now(self) -> datetime:
        return datetime.now(self.tz) + self._offset

    def today(self) -> date:
        return self.now().date()


def _as_datetime(at: datetime | date, tz: tzinfo) -> datetime:
    if isinstance(at, datetime):
        return at if at.tzinfo else at.replace(tzinfo=tz)
    return datetime.combine(at, time(9, 0), tzinfo=tz)
