"""The .xlsx template, reading a filled one back, and list exports."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from thidua_workflow import spreadsheets as xl
from thidua_workflow.domain.policy import bundled_policy
from thidua_workflow.errors import InputRejected, Problem, ValidationFailed
from thidua_workflow.services.nominations import parse_submission

POLICY = bundled_policy("quang-binh")


def filled(rows: list[dict[str, Any]], head: dict[str, Any] | None = None) -> bytes:
    """The template, filled in as a clerk would with Excel."""
    book = load_workbook(io.BytesIO(xl.nomination_template(POLICY, "qb-hoi-nguoi-mu")))
    sheet = book[xl.LIST_SHEET]
    assert isinstance(sheet, Worksheet)
    keys = [k for k, _label in xl.HEAD]
    for key, value in (head or {}).items():
        sheet.cell(keys.index(key) + 1, 2, value)
    columns = [c.key for c in xl.COLUMNS]
    for i, row in enumerate(rows):
        for key, value in row.items():
            sheet.cell(xl.FIRST_LIST_ROW + i, columns.index(key) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEAD = {
    "to_trinh_file": "to-trinh.pdf",
    "to_trinh_number": "31/TTr-HNM",
    "to_trinh_date": date(2019, 12, 3),
    "to_trinh_signer": "mu.chutich",
    "bien_ban_file": "bien-ban.pdf",
    "bien_ban_date": "29/11/2019",
}
PERSON = {
    "kind": "Cá nhân",
    "name": "Nguyễn Thị Hồng Nhung",
    "position": "Phó Chủ tịch Hội",
    "unit": "qb-hoi-nguoi-mu",
    "award_form": "bang_khen_tinh",
    "year": 2019,
    "movement": "2 vượt, 4 rèn, 5 phấn đấu",
    "achievement": "Hoàn thành xuất sắc nhiệm vụ; sáng kiến “đọc sách nói” được áp dụng toàn tỉnh.",
    "evidence": "bao-cao-nhung.pdf; bao-cao-bo-sung.pdf",
    "evidence_date": "20/11/2019",
    "titles": "Chiến sĩ thi đua cơ sở 2018; chien_si_thi_dua_co_so 2019",
    "initiatives": "Giải pháp dạy chữ nổi Braille qua điện thoại (2019, Cấp tỉnh)",
}
COLLECTIVE = {
    "kind": "collective",
    "name": "Hội Người mù tỉnh Quảng Bình",
    "unit": "qb-hoi-nguoi-mu",
    "award_form": "bang_khen_tinh",
    "commendation_type": "regular",
    "year": "2019",
    "achievement": "Thành tích xuất sắc năm 2019.",
    "evidence": "bao-cao-bo-sung.pdf",
    "evidence_date": date(2019, 11, 20),
    "members_total": 12,
    "members_completed": "12",
    "members_ldtt": 10,
    "members_cstd": 2,
}


def test_a_filled_template_reads_back_as_the_submission_a_yaml_file_holds() -> None:
    sheet = xl.read_nomination_workbook(filled([PERSON, {}, COLLECTIVE], HEAD))
    data = sheet.data
    assert data["unit"] == "qb-hoi-nguoi-mu"
    assert data["documents"] == [
        {
            "kind": "to_trinh",
            "file": "to-trinh.pdf",
            "number": "31/TTr-HNM",
            "dated": "2019-12-03",
            "signed_by": "mu.chutich",
        },
        {"kind": "bien_ban", "file": "bien-ban.pdf", "dated": "2019-11-29"},
    ]
    person, collective = data["nominations"]
    assert person["nominee"] == {
        "kind": "person",
        "name": "Nguyễn Thị Hồng Nhung",
        "position": "Phó Chủ tịch Hội",
        "unit": "qb-hoi-nguoi-mu",
    }
    assert person["achievement"] == PERSON["achievement"]
    assert [e["file"] for e in person["evidence"]] == ["bao-cao-nhung.pdf", "bao-cao-bo-sung.pdf"]
    assert person["evidence"][0]["dated"] == "2019-11-20"
    assert person["declared"] == {
        "titles": [
            {"title": "chien_si_thi_dua_co_so", "year": 2018},
            {"title": "chien_si_thi_dua_co_so", "year": 2019},
        ],
        "initiatives": [
            {"name": "Giải pháp dạy chữ nổi Braille qua điện thoại", "year": 2019, "scope": "province"}
        ],
    }
    assert collective["nominee"]["kind"] == "collective" and collective["period"] == {"year": 2019}
    assert collective["declared"] == {
        "members": {"total": 12, "completed_tasks": 12, "lao_dong_tien_tien": 10, "chien_si_thi_dua_co_so": 2}
    }
    assert sheet.rows == [xl.FIRST_LIST_ROW, xl.FIRST_LIST_ROW + 2]  # the blank row is skipped
    parsed = parse_submission(data)
    assert parsed.nominations[0].nominee.name == "Nguyễn Thị Hồng Nhung"


def test_the_template_offers_drop_down_lists_for_award_form_kind_and_type() -> None:
    book = load_workbook(io.BytesIO(xl.nomination_template(POLICY)))
    sheet = book[xl.LIST_SHEET]
    assert isinstance(sheet, Worksheet)
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(xl.COLUMNS)}
    validations = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    for key in ("award_form", "kind", "commendation_type"):
        assert letters[key] in validations, key
        assert validations[letters[key]].type == "list"
    codes = book[xl.CODES_SHEET]
    listed = [row[0] for row in codes.iter_rows(min_row=2, values_only=True) if row[0]]
    assert "bang_khen_tinh" in listed and "co_thi_dua_tinh" in listed
    assert sheet.cell(xl.FIRST_LIST_ROW - 1, 2).value == "Họ tên / Tên tập thể *"


def test_every_problem_names_its_row_and_column_at_once() -> None:
    rows = [
        {**PERSON, "kind": "robot"},
        {**COLLECTIVE, "name": None, "year": "hai nghìn"},
        {**PERSON, "evidence_date": "31/02/2019", "titles": "Anh hùng 2019", "members_total": "mười"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        xl.read_nomination_workbook(filled(rows, HEAD))
    found = {(p.entry, p.field) for p in caught.value.problems}
    first = xl.FIRST_LIST_ROW
    assert found == {
        (first, "Loại đối tượng"),
        (first + 1, "Họ tên / Tên tập thể"),
        (first + 1, "Năm"),
        (first + 2, "Ngày lập báo cáo"),
        (first + 2, "Danh hiệu đã đạt (tên năm; …)"),
        (first + 2, "Tập thể: tổng số thành viên"),
    }
    assert f"dòng {first}, cột 'Loại đối tượng'" in caught.value.message


def test_an_upload_that_is_not_a_workbook_is_refused_clearly() -> None:
    with pytest.raises(InputRejected, match=r"\.xlsx"):
        xl.read_nomination_workbook(b"%PDF-1.4 not a spreadsheet")
    with pytest.raises(ValidationFailed, match="danh sách trống"):
        xl.read_nomination_workbook(filled([], HEAD))


def test_service_problems_are_located_on_their_sheet_rows() -> None:
    sheet = xl.read_nomination_workbook(filled([PERSON, {}, COLLECTIVE], HEAD))
    located = sheet.locate([Problem("không đủ điều kiện", entry=2, field="award_form"), Problem("chung")])
    assert located[0].describe().startswith(f"dòng {xl.FIRST_LIST_ROW + 2} · trường 'award_form'")
    assert located[1] == Problem("chung")


def test_exports_keep_text_as_text_and_dates_as_dates() -> None:
    data = xl.rows_to_xlsx(
        "QĐ 162/QĐ-UBND",
        ["STT", "Họ tên", "Ghi chú", "Ngày"],
        [(1, "Nguyễn Thị Hồng Nhung", '=HYPERLINK("http://evil.example","bấm")', date(2020, 1, 21)), ()],
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # nothing Excel would evaluate
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    assert sheet.title == "QĐ 162-QĐ-UBND"
    assert sheet["B2"].value == "Nguyễn Thị Hồng Nhung"
    assert sheet["C2"].value == '=HYPERLINK("http://evil.example","bấm")' and sheet["C2"].data_type == "s"
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
