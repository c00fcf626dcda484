"""Form 0601's pure parts: the duration classes and the table's cells (issue 20a)."""

from __future__ import annotations

from datetime import date

import pytest

from thidua_workflow.domain import movements as mv
from thidua_workflow.domain.movements import DurationClass as D


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2020, 3, 20), date(2020, 9, 30), D.UNDER_ONE_YEAR),
        (date(2020, 1, 1), date(2020, 12, 30), D.ONE_YEAR),
        (date(2020, 1, 1), date(2020, 12, 31), D.ONE_YEAR),
        (date(2020, 1, 1), date(2021, 1, 1), D.ONE_YEAR),
        (date(2020, 1, 1), date(2021, 6, 30), D.ONE_TO_THREE),
        (date(2020, 1, 1), date(2022, 12, 31), D.THREE_TO_FIVE),
        (date(2020, 1, 1), date(2024, 12, 30), D.THREE_TO_FIVE),
        (date(2020, 1, 1), date(2024, 12, 31), D.FIVE_AND_MORE),
        (date(2021, 2, 28), date(2022, 2, 27), D.ONE_YEAR),
    ],
)
def test_duration_class(start: date, end: date, expected: D) -> None:
    assert mv.duration_class(start, end) is expected


def test_form_0601_cells() -> None:
    table = mv.form_0601(
        [
            (
                mv.MovementScope.SECTOR_LOCAL,
                D.ONE_YEAR,
                mv.MovementMethod.REGULAR,
                mv.LauncherLevel.MINISTRY_PROVINCE,
            ),
            (
                mv.MovementScope.BLOC,
                D.UNDER_ONE_YEAR,
                mv.MovementMethod.THEMATIC,
                mv.LauncherLevel.ORGANISATION,
            ),
            (
                mv.MovementScope.NATIONAL,
                D.FIVE_AND_MORE,
                mv.MovementMethod.THEMATIC,
                mv.LauncherLevel.CENTRAL,
            ),
        ]
    )
    assert table["01"] == {"1": 3, "2": 1, "3": 1, "4": 1}
    assert table["02"] == {"1": 1, "2": 1, "3": 0, "4": 0}
    assert table["03"] == {"1": 1, "2": 0, "3": 1, "4": 0}
    assert table["04"] == {"1": 1, "2": 0, "3": 0, "4": 1}
    assert table["05"] == {"1": 0, "2": 0, "3": 0, "4": 0}
    assert table["06"] == {"1": 1, "2": 0, "3": 0, "4": 1}
    assert table["07"] == {"1": 1, "2": 0, "3": 1, "4": 0}
    assert table["08"] == table["09"] == {"1": 0, "2": 0, "3": 0, "4": 0}
    assert table["10"] == {"1": 1, "2": 1, "3": 0, "4": 0}
    assert table["11"] == {"1": 2, "2": 1, "3": 0, "4": 1}
    assert table["12"] == {"1": 1, "2": 0, "3": 1, "4": 0}
    for group in (("02", "03", "04", "05"), ("06", "07", "08", "09", "10"), ("11", "12")):
        assert {c: sum(table[r][c] for r in group) for c in "1234"} == table["01"]


def test_reporting_year() -> None:
    assert mv.reporting_year(2020) == (date(2019, 12, 1), date(2020, 11, 30))


def test_a_province_movement_names_no_launcher() -> None:
    with pytest.raises(ValueError, match="launcher"):
        mv.MovementIn.model_validate(
            {
                "code": "x",
                "name": "X",
                "launcher_kind": "province",
                "launcher": "qb-hoi-nct",
                "scope": "sector_local",
                "method": "regular",
                "launched_on": "2020-01-01",
                "starts_on": "2020-01-01",
                "ends_on": "2020-12-31",
            }
        )
