"""Working days skip weekends, Tết, public holidays and the days substituted for them."""

from __future__ import annotations

from datetime import date

from thidua_workflow.domain.calendar import WorkingCalendar

CAL = WorkingCalendar()


def test_weekend_is_not_a_working_day() -> None:
    assert CAL.is_working_day(date(2019, 12, 6))  # Friday
    assert not CAL.is_working_day(date(2019, 12, 7))  # Saturday
    assert not CAL.is_working_day(date(2019, 12, 8))  # Sunday


def test_ten_working_days_across_tet_2020() -> None:
    # Tết Canh Tý: 23–29/1/2020 off. From Tuesday 21/1: 22/1, 30/1, 31/1, 3–7/2, 10/2, 11/2.
    assert CAL.add_working_days(date(2020, 1, 21), 10) == date(2020, 2, 11)


def test_substituted_day_off_2025() -> None:
    # 2/5/2025 was given off in exchange for Saturday 26/4/2025.
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert not CAL.is_working_day(date(2025, 4, 30))
    assert CAL.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)


def test_policy_days_override_the_calendar() -> None:
    cal = WorkingCalendar(extra_days_off=[date(2019, 12, 9)], extra_working_days=[date(2019, 12, 7)])
    assert cal.is_working_day(date(2019, 12, 7))
    assert not cal.is_working_day(date(2019, 12, 9))


def test_working_days_between_is_signed() -> None:
    assert CAL.working_days_between(date(2019, 12, 6), date(2019, 12, 13)) == 5
    assert CAL.working_days_between(date(2019, 12, 13), date(2019, 12, 6)) == -5
    assert CAL.working_days_between(date(2019, 12, 6), date(2019, 12, 6)) == 0
