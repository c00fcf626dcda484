"""The Ministry's report forms from the example year: every cell of 0703 against the example files,
counted here from the files themselves; the figures entered by hand, checked, versioned and audited;
annulled awards left out of the year whose end the annulment precedes; 0602 counted from the stored
national proposals' outcomes, with the Ban's supplement for what no stored proposal holds."""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import COUNCIL, QB_NOMINATIONS, QT, QT_NOMINATIONS, row_counts, to_council
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.demo import Merger2025, Scenario
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import InputRejected, NotPermitted, StaleVersion
from thidua_workflow.services import annulments, council, decisions, national, statistics
from thidua_workflow.services.context import Context

EXAMPLES_2019 = [
    "hoi-nguoi-cao-tuoi-2019",
    "hoi-nguoi-mu-2019",
    "lien-minh-htx-2019",
    "hoi-chu-thap-do-2019",
    "hoi-vhnt-2019",
    "hoi-luat-gia-2019",
]
STAFF = "cv.tdkt1"


def issue_everything(ctx: Context, clock: FixedClock, names: list[str]) -> list[decisions.DecisionView]:
    """The example files through bloc, appraisal, council; every draft signed and registered."""
    to_council(ctx, *names)
    clock.set(date(2020, 1, 15))
    view = council.open_session(ctx, "tb.tdkt")
    council.record_attendance(ctx, "tb.tdkt", view.id, COUNCIL)
    needs = [i["nomination"] for i in view.items if i["needs_vote"]]
    for member in COUNCIL:
        council.cast_ballot(ctx, member, view.id, dict.fromkeys(needs, Choice.YES))
    council.close_session(ctx, "tb.tdkt", view.id, proposal_ref="12/TTr-SNV")
    clock.set(date(2020, 1, 20))
    number = 160
    for d in decisions.list_decisions(ctx):
        if d.status == "draft":
            decisions.sign(ctx, "ct.ubnd", d.id)
            number += 1
            decisions.register(ctx, "vt.ubnd", d.id, number)
    return [d for d in decisions.list_decisions(ctx) if d.status == "issued"]


@pytest.fixture
def issued(qb: Context, clock: FixedClock) -> list[decisions.DecisionView]:
    return issue_everything(qb, clock, EXAMPLES_2019)


# The form's columns by the award form each counts (TT 03/2018 0703 = TT 02/2023 0603), and its rows
# by recipient kind, class and commendation type: written out here, not read from the form's data.
COLUMN_OF_AWARD = {"bang_khen_tinh": "2", "chien_si_thi_dua_tinh": "3", "co_thi_dua_tinh": "4"}
ROW_OF_KIND = {"collective": "02", "household": "04", "person": "05"}
ROW_OF_GROUP = {
    "doanh_nghiep": "03",
    "lanh_dao_bo_tinh": "06",
    "lanh_dao_vu_so": "07",
    "doanh_nhan": "08",
    "lanh_dao_khac": "09",
    "truc_tiep": "10",
}
ROW_OF_TYPE = {"regular": "11", "campaign": "12", "ad_hoc": "13", "long_service": "15"}


def expected_0703(awarded: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(row, column) → count, from the example files' entries of the awarded (name, award form)."""
    entries = {}
    for name in EXAMPLES_2019:
        for entry in read_yaml(QB_NOMINATIONS / f"{name}.yaml")["nominations"]:
            entries[(entry["nominee"]["name"], entry["award_form"])] = entry
    cells: Counter[tuple[str, str]] = Counter()
    for key in awarded:
        entry = entries[key]
        column = COLUMN_OF_AWARD.get(entry["award_form"])
        if column is None:
            continue  # Tập thể lao động xuất sắc: no column of the form
        nominee = entry["nominee"]
        rows = ["01", ROW_OF_KIND[nominee["kind"]], ROW_OF_TYPE[entry.get("commendation_type", "regular")]]
        if "stat_group" in nominee:
            rows.append(ROW_OF_GROUP[nominee["stat_group"]])
        for row in rows:
            cells[(row, column)] += 1
            cells[(row, "1")] += 1
    return cells


def test_form_0703_counts_every_awardee_of_the_year_cell_by_cell(
    qb: Context, issued: list[decisions.DecisionView]
) -> None:
    awarded = [(i["name"], d.award_form) for d in issued for i in d.items]
    assert len(awarded) >= 6 and {d.award_form for d in issued} >= {"bang_khen_tinh", "co_thi_dua_tinh"}
    expected = expected_0703(awarded)
    report = statistics.build_form(qb, STAFF, 2020, "0703")
    assert (report.spec.code, report.start, report.end) == (
        "0703.N/BNV-TĐKT",
        date(2019, 12, 1),
        date(2020, 11, 30),
    )
    codes = ["01", *(f"{n:02d}" for n in range(2, 18))]
    assert list(report.figures) == codes
    for row in codes:
        for column in ("1", "2", "3", "4", "5"):
            assert report.cell(row, column) == expected.get((row, column), 0), (row, column)
    assert report.cell("01", "1") > 0
    # One person of the awarded was entered without a class: the form says so, and does not guess.
    assert any("chưa được phân loại" in n for n in report.notes)
    # The year before and the year after hold none of these decisions.
    assert statistics.build_form(qb, STAFF, 2019, "0703").cell("01", "1") == 0
    assert statistics.build_form(qb, STAFF, 2021, "0703").cell("01", "1") == 0


def test_the_exported_workbook_and_pdf_carry_the_same_cells(
    qb: Context, issued: list[decisions.DecisionView]
) -> None:
    report = statistics.build_form(qb, STAFF, 2020, "0703")
    name, data, media = statistics.export_form(qb, STAFF, 2020, "0703", "xlsx")
    assert (name, media) == ("bieu-0703-2020.xlsx", statistics.XLSX_TYPE)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    found: dict[str, list[Any]] = {}
    for row in sheet.iter_rows(values_only=True):
        if row[1] is not None and str(row[1]).isdigit() and len(str(row[1])) == 2:
            found[str(row[1])] = list(row[3:8])
    assert found == {
        code: [cells[c] for c in ("1", "2", "3", "4", "5")] for code, cells in report.figures.items()
    }
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Biểu số: 0703.N/BNV-TĐKT" in texts and "1=(2+3+4+5)" in texts
    assert "(Từ ngày 01/12/2019 đến ngày 30/11/2020)" in texts and "(Ký, họ tên, đóng dấu)" in texts
    _, pdf, _ = statistics.export_form(qb, STAFF, 2020, "0703", "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH" in text
    assert "Ban hành theo Thông tư số 03/2018/TT-BNV ngày 06/3/2018" in text
    assert "Người lập biểu" in text and "Thủ trưởng đơn vị" in text
    with pytest.raises(InputRejected, match="docx"):
        statistics.export_form(qb, STAFF, 2020, "0703", "docx")


def test_hand_figures_are_checked_versioned_and_audited(qb: Context) -> None:
    # 0605 (TT 02/2023): the Ban's own staff, which no stored record holds.
    figures = {"01": {"1": 2, "2": 1}, "02": {"1": 1}, "03": {"1": 1}, "11": {"1": 2}}
    version = statistics.enter_figures(qb, STAFF, 2024, "0605", figures, expected_version=None)
    report = statistics.build_form(qb, STAFF, 2024, "0605")
    assert report.origin == "entered" and report.entered_version == version
    assert report.cell("01", "1") == 2 and report.cell("01", "2") == 1 and report.cell("04", "1") == 0
    before = row_counts(qb)
    bad = [
        ({"03": {"1": 3}, "01": {"1": 2}}, "dòng 03"),  # a part above its whole
        ({"01": {"1": 2}, "02": {"1": 2}, "03": {"1": 1}}, "02, 03"),  # a group above its whole
        ({"01": {"1": 1, "2": 2}}, "Nữ"),  # women above the total
        ({"99": {"1": 1}}, "dòng mã số '99'"),  # 0605 has no row 99
        ({"01": {"1": -1}}, "số nguyên không âm"),
    ]
    for entered, message in bad:
        with pytest.raises(InputRejected, match=message):
            statistics.enter_figures(qb, STAFF, 2024, "0605", entered, expected_version=version)
    with pytest.raises(StaleVersion):
        statistics.enter_figures(qb, STAFF, 2024, "0605", figures, expected_version=None)
    with pytest.raises(NotPermitted):
        statistics.enter_figures(qb, "quantri", 2024, "0605", figures, expected_version=version)
    with pytest.raises(InputRejected, match="không nhập tay"):
        statistics.enter_figures(qb, STAFF, 2024, "0603", {}, expected_version=None)
    assert row_counts(qb) == before
    assert (
        statistics.enter_figures(qb, STAFF, 2024, "0605", {"01": {"1": 1}}, expected_version=version)
        > version
    )
    with qb.reader() as uow:
        events = [
            e.data
            for e in uow.session.scalars(
                select(m.AuditEvent).where(m.AuditEvent.action == "report_figures_enter")
            )
        ]
    assert [e["after"] for e in events] == [figures, {"01": {"1": 1}}]
    assert events[1]["before"] == figures


def test_only_the_bans_staff_build_the_forms(qb: Context) -> None:
    statistics.build_form(qb, "tb.tdkt", 2024, "0604")
    for user in ("quantri", "mu.canbo", "ct.ubnd"):
        with pytest.raises(NotPermitted):
            statistics.build_form(qb, user, 2024, "0604")


# --- annulled awards (NĐ 152/2025 Điều 56) --------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_an_award_annulled_by_the_years_last_day_is_not_counted_one_annulled_the_day_after_is(
    qb: Context, clock: FixedClock, issued: list[decisions.DecisionView]
) -> None:
    awarded = [(i["name"], d.award_form) for d in issued for i in d.items]
    decision = next(d for d in issued if d.award_form == "bang_khen_tinh" and len(d.items) >= 2)
    first, second = decision.items[0], decision.items[1]
    clock.set(date(2020, 12, 2))
    # Annulled on the year's last day (30/11/2020): no award in the 2020 form.
    annulments.annul(
        qb,
        "vt.ubnd",
        decision.id,
        act_number="90/QĐ-UBND",
        act_date=date(2020, 11, 30),
        ground="Kết luận thanh tra: thành tích kê khai không đúng.",
        nomination_ids=[first["nomination"]],
    )
    expected = expected_0703([a for a in awarded if a != (first["name"], "bang_khen_tinh")])
    report = statistics.build_form(qb, STAFF, 2020, "0703")
    for row in report.figures:
        for column in ("1", "2", "3", "4", "5"):
            assert report.cell(row, column) == expected.get((row, column), 0), (row, column)
    assert report.cell("01", "2") == expected_0703(awarded)[("01", "2")] - 1
    assert (
        "1 lượt khen thưởng trong kỳ đã bị hủy bỏ bằng quyết định ký đến ngày 30/11/2020: không tính "
        "(Điều 56 Nghị định 152/2025/NĐ-CP)." in report.notes
    )
    # Annulled the day after the year ended (01/12/2020): the 2020 form keeps it, and says so; the
    # 2021 form does not take it off either (it was never counted there).
    annulments.annul(
        qb,
        "vt.ubnd",
        decision.id,
        act_number="91/QĐ-UBND",
        act_date=date(2020, 12, 1),
        ground="Kết luận thanh tra: thành tích kê khai không đúng.",
        nomination_ids=[second["nomination"]],
    )
    again = statistics.build_form(qb, STAFF, 2020, "0703")
    assert again.figures == report.figures
    assert (
        "1 lượt khen thưởng trong kỳ bị hủy bỏ bằng quyết định ký sau ngày 30/11/2020: vẫn tính, biểu ghi "
        "số liệu đến ngày cuối kỳ." in again.notes
    )
    later = statistics.build_form(qb, STAFF, 2021, "0703")
    assert later.cell("01", "1") == 0
    assert any(
        n.startswith("1 lượt khen thưởng của các kỳ trước bị hủy bỏ trong kỳ này") for n in later.notes
    )
    # The exported form carries the same figures and says why one award is missing.
    text = _pdf_text(statistics.export_form(qb, STAFF, 2020, "0703", "pdf")[1])
    assert "Ghi chú:" in text and "đã bị hủy bỏ bằng quyết định ký đến ngày" in " ".join(text.split())


# --- 0602: national awards from the stored proposals ----------------------------------------------------

QT_STAFF = "cv.tdkt.qt"


@pytest.fixture
def scenario_2025(ctx: Context, clock: FixedClock) -> Context:
    """The demo's years through the 2025 merger: a Chiến sĩ thi đua toàn quốc proposed on 22/12/2025 and
    awarded by Quyết định 789/QĐ-TTg of 08/4/2026; a provincial Bằng khen annulled on 04/5/2026."""
    Scenario(ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    Merger2025(ctx, clock, QT, lambda _line: None).run()
    return ctx


def _sheet_rows(data: bytes, spec_codes: list[str], width: int) -> dict[str, list[Any]]:
    """The data rows of an exported form: row code → the numbers under the columns, in order."""
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    found: dict[str, list[Any]] = {}
    for row in sheet.iter_rows(values_only=True):
        if row[1] is not None and str(row[1]) in spec_codes and str(row[1]) not in found:
            found[str(row[1])] = list(row[3 : 3 + width])
    return found


def test_form_0602_counts_the_stored_national_outcomes_plus_the_bans_supplement(
    scenario_2025: Context,
) -> None:
    ctx = scenario_2025
    [proposal] = national.list_proposals(ctx)
    assert [(i["outcome"], i["outcome_date"]) for i in proposal.items] == [("awarded", "2026-04-08")]
    entry = read_yaml(QT_NOMINATIONS / "hoi-nguoi-cao-tuoi-2025-toan-quoc.yaml")["nominations"][0]
    assert (entry["nominee"]["kind"], entry["award_form"]) == ("person", "chien_si_thi_dua_toan_quoc")
    assert "stat_group" not in entry["nominee"] and "commendation_type" not in entry

    report = statistics.build_form(ctx, QT_STAFF, 2026, "0602")
    assert (report.start, report.end, report.origin) == (date(2025, 12, 1), date(2026, 11, 30), "mixed")
    # One person, Chiến sĩ thi đua toàn quốc (column 8), proposed by the province (row 3), individual
    # (row 9, in no "+ …" row: no class recorded), regular (row 15); nothing else anywhere.
    cells = {("1", "1"), ("1", "8"), ("3", "1"), ("3", "8"), ("9", "1"), ("9", "8"), ("15", "1"), ("15", "8")}
    for row, columns in report.figures.items():
        for column, value in columns.items():
            assert value == (1 if (row, column) in cells else 0), (row, column)
    assert report.notes[0] == (
        "1 lượt tính từ kết quả các hồ sơ trình cấp Nhà nước đã lưu trong hệ thống (quyết định của cấp "
        "Trung ương ký từ 01/12/2025 đến 30/11/2026; tỉnh trình: dòng 3)."
    )
    assert report.notes[1].startswith("Ban chưa nhập số liệu bổ sung")
    # The central decision's date governs: the year before and the year after count none of it.
    assert statistics.build_form(ctx, QT_STAFF, 2025, "0602").cell("1", "1") == 0
    assert statistics.build_form(ctx, QT_STAFF, 2027, "0602").cell("1", "1") == 0

    # The Ban adds what no stored proposal holds: two Bằng khen của Thủ tướng to individuals that a
    # ministry proposed (row 2) — added to the stored outcome, never replacing it.
    supplement = {"1": {"7b": 2}, "2": {"7b": 2}, "9": {"7b": 2}, "15": {"7b": 2}}
    version = statistics.enter_figures(ctx, QT_STAFF, 2026, "0602", supplement, expected_version=None)
    report = statistics.build_form(ctx, QT_STAFF, 2026, "0602")
    assert report.entered_version == version and report.entered is not None
    assert report.entered["1"] == {**dict.fromkeys(report.entered["1"], 0), "7b": 2, "1": 2}
    assert [report.cell("1", c) for c in ("1", "7b", "8")] == [3, 2, 1]
    assert [report.cell("2", c) for c in ("1", "7b", "8")] == [2, 2, 0]
    assert [report.cell("3", c) for c in ("1", "7b", "8")] == [1, 0, 1]
    assert [report.cell("9", c) for c in ("1", "7b", "8")] == [3, 2, 1]
    assert report.notes[1].startswith("2 lượt do Ban nhập bổ sung")
    # A supplement that breaks the form is refused as before, and changes nothing.
    with pytest.raises(InputRejected, match="dòng 2"):
        statistics.enter_figures(ctx, QT_STAFF, 2026, "0602", {"2": {"7b": 1}}, expected_version=version)
    assert statistics.build_form(ctx, QT_STAFF, 2026, "0602").figures == report.figures

    # The rendered rows: the workbook carries the totals, the PDF says where they come from.
    codes = [r.code or "" for r in report.spec.data_rows]
    keys = [c.key for c in report.spec.columns]
    _, data, _ = statistics.export_form(ctx, QT_STAFF, 2026, "0602", "xlsx")
    assert _sheet_rows(data, codes, len(keys)) == {
        code: [report.figures[code][c] for c in keys] for code in codes
    }
    text = " ".join(_pdf_text(statistics.export_form(ctx, QT_STAFF, 2026, "0602", "pdf")[1]).split())
    assert "1 lượt tính từ kết quả các hồ sơ trình cấp Nhà nước đã lưu" in text
    assert "2 lượt do Ban nhập bổ sung" in text


def test_the_2026_provincial_form_leaves_out_the_award_annulled_in_the_year(scenario_2025: Context) -> None:
    ctx = scenario_2025
    [annulled] = annulments.list_annulments(ctx)
    decision = decisions.show_decision(ctx, annulled.decision_id or 0)
    assert decision.decision_date is not None
    year = decision.decision_date.year + (1 if decision.decision_date.month == 12 else 0)
    assert annulled.act_date == date(2026, 5, 4) and year == 2026
    report = statistics.build_form(ctx, QT_STAFF, year, "0603")
    with ctx.reader() as uow:
        counted = uow.session.scalar(
            select(func.count(m.DecisionItem.id))
            .join(m.Decision, m.Decision.id == m.DecisionItem.decision_id)
            .where(
                m.Decision.status == "issued",
                m.Decision.province_id == ctx.policy.province,
                m.Decision.decision_date >= report.start,
                m.Decision.decision_date <= report.end,
                m.Decision.award_form.in_(["bang_khen_tinh", "chien_si_thi_dua_tinh", "co_thi_dua_tinh"]),
            )
        )
    assert counted is not None and counted >= 1
    assert report.cell("01", "1") == counted - 1
    assert any(n.startswith("1 lượt khen thưởng trong kỳ đã bị hủy bỏ") for n in report.notes)
