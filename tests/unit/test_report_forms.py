"""The report forms as data: every period's forms hang together, the header formulas read as printed,
the counting engine and the checks of entered figures (0602 counted from made-up recipients here, since
proposals to national awards are not stored yet)."""

from __future__ import annotations

from typing import Any

import pytest

from thidua_workflow.domain.report_forms import catalogue
from thidua_workflow.errors import InputRejected


def test_every_form_of_every_period_hangs_together() -> None:
    periods = catalogue().periods
    assert [p.code for p in periods] == ["tt02-2023", "tt03-2018"]
    for period in periods:
        for key, spec in period.forms.items():
            assert spec.code.startswith(f"{key}.N/BNV-TĐKT"), spec.code
            codes = [r.code for r in spec.data_rows]
            assert len(codes) == len(set(codes)), spec.code
            keys = {c.key for c in spec.columns}
            for row in spec.data_rows:
                assert row.part_of is None or row.part_of in codes, (spec.code, row.code)
                assert all(part in codes for part in row.sum_of or []), (spec.code, row.code)
            for column in spec.columns:
                assert all(k in keys for k in column.formula or []), (spec.code, column.key)


def test_a_successor_circular_is_a_new_period_with_its_own_forms_and_year() -> None:
    old, new = catalogue().period_for(2021), catalogue().period_for(2022)
    assert (old.circular, list(old.forms)) == (
        "Thông tư số 03/2018/TT-BNV ngày 06/3/2018",
        ["0701", "0702", "0703"],
    )
    assert (new.circular, list(new.forms)) == (
        "Thông tư số 02/2023/TT-BNV ngày 23/3/2023",
        ["0601", "0602", "0603", "0604", "0605"],
    )
    assert [str(d) for d in new.bounds(2024)] == ["2023-12-01", "2024-11-30"]
    assert [c.header_formula() for c in new.form("0601").columns] == ["1=(2+3+4)", None, None, None]
    assert [c.header_formula() for c in old.form("0701").columns] == ["1=(2+3)", None, None]
    assert new.form("0602").columns[0].header_formula() == "1=(2+3+4+5+6+7+8+9)"
    with pytest.raises(InputRejected, match="năm 2017"):
        catalogue().period_for(2017)


def test_form_0602_counts_each_recipient_once_per_cell() -> None:
    spec = catalogue().period_for(2024).form("0602")
    person = {"nominee_kind": "person", "submitter": "province", "commendation_type": "regular"}
    records: list[tuple[dict[str, str | None], int]] = [
        ({**person, "award_class": "huan_huy_chuong", "stat_group": "lanh_dao_vu_so"}, 3),
        ({**person, "award_class": "bang_khen_ttg", "stat_group": None, "commendation_type": "ad_hoc"}, 2),
        (
            {
                "nominee_kind": "collective",
                "stat_group": "doanh_nghiep",
                "award_class": "co_chinh_phu",
                "submitter": "province",
                "commendation_type": "regular",
            },
            1,
        ),
        (
            {
                "nominee_kind": "household",
                "award_class": "bang_khen_ttg",
                "submitter": "province",
                "commendation_type": "seniority",
            },
            4,
        ),
    ]
    f = spec.count(records)
    assert f["1"] == {
        "1": 10,
        "2a": 0,
        "2b": 3,
        "3": 0,
        "4": 0,
        "5a": 0,
        "5b": 0,
        "6": 1,
        "7a": 0,
        "7b": 6,
        "8": 0,
        "9a": 0,
        "9b": 0,
    }
    assert (f["3"]["1"], f["2"]["1"]) == (10, 0)  # all submitted by the province
    assert (f["6"]["6"], f["7"]["6"], f["8"]["1"], f["9"]["1"], f["11"]["2b"]) == (1, 1, 4, 5, 3)
    # a household counts with the individuals' sub-column (the form has no column of its own for it)
    assert (f["15"]["1"], f["17"]["7b"], f["20"]["1"], f["20"]["7b"]) == (4, 2, 4, 4)
    assert f["8"]["1"] == 4 and sum(f[r]["1"] for r in ("6", "8", "9")) == 10


def test_entered_figures_are_checked_against_the_forms_structure() -> None:
    spec = catalogue().period_for(2024).form("0605")
    spec.check_entered({"01": {"1": 10, "2": 4}, "02": {"1": 3, "2": 1}, "11": {"1": 6}})
    cases: list[tuple[dict[str, dict[str, Any]], str]] = [
        ({"01": {"1": 3, "2": 4}}, "cột 2"),  # more women than staff
        ({"01": {"1": 3}, "02": {"1": 2}, "03": {"1": 2}}, "cộng lại 4"),
        ({"01": {"1": True}}, "số nguyên"),
        ({"16": {"1": 1}}, "'16'"),
    ]
    for entered, message in cases:
        with pytest.raises(InputRejected, match=message):
            spec.check_entered(entered)
    organisations = catalogue().period_for(2024).form("0604")
    assert organisations.complete({"02": {"1": 2}, "04": {"1": 1}})["01"] == {"1": 3}  # row 01 is the sum
    with pytest.raises(InputRejected, match="dòng tính tổng"):
        organisations.check_entered({"01": {"1": 3}})


def test_movement_figures_in_0601s_layout_land_on_0701_for_the_older_years() -> None:
    """What movements.movement_form_rows gives (0601's rows and columns) laid on each year's form."""
    rows = {
        "01": {"1": 4, "2": 0, "3": 3, "4": 1},
        "03": {"1": 2, "3": 2},
        "04": {"1": 1, "4": 1},
        "05": {"1": 1, "3": 1},
        "07": {"1": 3, "3": 3},
        "10": {"1": 1, "4": 1},
        "11": {"1": 1, "3": 1},
        "12": {"1": 3, "3": 2, "4": 1},
    }
    new = catalogue().period_for(2024).form("0601").from_current(rows)
    assert new["01"] == {"1": 4, "2": 0, "3": 3, "4": 1} and new["04"] == {"1": 1, "2": 0, "3": 0, "4": 1}
    old = catalogue().period_for(2020).form("0701").from_current(rows)
    assert old["01"] == {"1": 3, "2": 0, "3": 3}  # column 4 (units' own movements) has no place in 0701
    assert (old["03"]["3"], old["09"]["3"], old["10"]["3"], old["11"]["3"]) == (3, 0, 1, 2)


def test_a_figure_longer_than_the_forms_cell_is_refused() -> None:
    """The entry cell takes nine digits, but twenty typed past it were stored and printed on the Ministry's
    form (99999999999999999999 awards in a year)."""
    spec = catalogue().period_for(2024).form("0605")
    with pytest.raises(InputRejected, match=r"dòng 01, cột 1: .* tối đa 999\.999\.999"):
        spec.check_entered({"01": {"1": 10**20}})
    spec.check_entered({"01": {"1": 999_999_999}})
