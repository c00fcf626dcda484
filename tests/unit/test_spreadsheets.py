"""The .xlsx template, reading a filled one back, and list exports."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from thidua_workflow import spreadsheets as xl
from thidua_workflow.domain.policy import bundled_policy
from thidua_workflow.errors import InputRejected, Problem, ValidationFailed
from thidua_workflow.services.nominations import parse_submission

POLICY = bundled_policy("quang-binh")
FIRST = xl.FIRST_LIST_ROW


def list_sheet(book: Workbook) -> Worksheet:
    sheet = book[xl.LIST_SHEET]
    assert isinstance(sheet, Worksheet)
    return sheet


def filled(rows: list[dict[str, Any]], head: dict[str, Any] | None = None) -> bytes:
    """The template, filled in as a clerk would with Excel."""
    book = load_workbook(io.BytesIO(xl.nomination_template(POLICY, "qb-hoi-nguoi-mu")))
    sheet = list_sheet(book)
    for key, value in (head or {}).items():
        sheet.cell(xl.HEAD_ROWS[key], 2, value)
    columns = [c.key for c in xl.COLUMNS]
    for i, row in enumerate(rows):
        for key, value in row.items():
            sheet.cell(FIRST + i, columns.index(key) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_of(data: bytes) -> list[Problem]:
    with pytest.raises(ValidationFailed) as caught:
        xl.read_nomination_workbook(data)
    return caught.value.problems


HEAD = {
    "to_trinh_file": "to-trinh.pdf",
    "to_trinh_number": "31/TTr-HNM",
    "to_trinh_dated": date(2019, 12, 3),
    "to_trinh_signed_by": "mu.chutich",
    "bien_ban_file": "bien-ban.pdf",
    "bien_ban_dated": "29/11/2019",
}
PERSON = {
    "kind": "Cá nhân",
    "name": "Nguyễn Thị Hồng Nhung",
    "position": "Phó Chủ tịch Hội",
    "unit": "qb-hoi-nguoi-mu",
    "birth_date": "07/03/1978",
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
    assert sheet.data["unit"] == "qb-hoi-nguoi-mu"
    assert sheet.data["documents"] == [
        {
            "kind": "to_trinh",
            "file": "to-trinh.pdf",
            "number": "31/TTr-HNM",
            "dated": "2019-12-03",
            "signed_by": "mu.chutich",
        },
        {"kind": "bien_ban", "file": "bien-ban.pdf", "dated": "2019-11-29"},
    ]
    person, collective = sheet.data["nominations"]
    assert person == {
        "nominee": {
            "kind": "person",
            "name": "Nguyễn Thị Hồng Nhung",
            "position": "Phó Chủ tịch Hội",
            "unit": "qb-hoi-nguoi-mu",
            "birth_date": "1978-03-07",
        },
        "award_form": "bang_khen_tinh",
        "commendation_type": "regular",
        "period": {"year": 2019},
        "movement": "2 vượt, 4 rèn, 5 phấn đấu",
        "achievement": "Hoàn thành xuất sắc nhiệm vụ; sáng kiến “đọc sách nói” được áp dụng toàn tỉnh.",
        "declared": {
            "titles": [
                {"title": "chien_si_thi_dua_co_so", "year": 2018},
                {"title": "chien_si_thi_dua_co_so", "year": 2019},
            ],
            "initiatives": [
                {"name": "Giải pháp dạy chữ nổi Braille qua điện thoại", "year": 2019, "scope": "province"}
            ],
        },
        "evidence": [
            {"kind": "bao_cao_thanh_tich", "file": "bao-cao-nhung.pdf", "dated": "2019-11-20"},
            {"kind": "bao_cao_thanh_tich", "file": "bao-cao-bo-sung.pdf", "dated": "2019-11-20"},
        ],
    }
    assert collective["nominee"] == {
        "kind": "collective",
        "name": "Hội Người mù tỉnh Quảng Bình",
        "unit": "qb-hoi-nguoi-mu",
    }
    assert collective["period"] == {"year": 2019}
    assert collective["declared"] == {
        "members": {"total": 12, "completed_tasks": 12, "lao_dong_tien_tien": 10, "chien_si_thi_dua_co_so": 2}
    }
    assert sheet.rows == [FIRST, FIRST + 2]  # the blank row is skipped
    parsed = parse_submission(sheet.data)
    assert [n.nominee.name for n in parsed.nominations] == [
        "Nguyễn Thị Hồng Nhung",
        "Hội Người mù tỉnh Quảng Bình",
    ]
    assert parsed.nominations[0].nominee.birth_date == date(1978, 3, 7)
    assert parsed.documents[0].dated == date(2019, 12, 3)


def test_text_comes_back_in_nfc_exactly_as_typed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    sheet = xl.read_nomination_workbook(filled([{**PERSON, "name": f"  {decomposed} "}], HEAD))
    assert sheet.data["nominations"][0]["nominee"]["name"] == "Nguyễn Thị Hồng Nhung"


@pytest.mark.parametrize("kind", ["person", "Cá nhân", "cá nhân", " CA NHAN "])
def test_a_nominee_kind_is_read_from_its_code_or_label(kind: str) -> None:
    sheet = xl.read_nomination_workbook(filled([{**PERSON, "kind": kind}], HEAD))
    assert sheet.data["nominations"][0]["nominee"]["kind"] == "person"


def test_labels_are_read_for_every_enumeration_and_phases_follow_their_detail() -> None:
    rows = [
        {
            **PERSON,
            "commendation_type": "Đột xuất",
            "phase": "Thành tích đột xuất",
            "event_date": "12/05/2020",
            "year": 2020,
        },
        {**COLLECTIVE, "kind": "Tập thể", "commendation_type": "Theo đợt hoặc chuyên đề", "year": 2020}
        | {"campaign": "San sẻ yêu thương, chung tay đẩy lùi đại dịch"},
        {**COLLECTIVE, "kind": "Hộ gia đình", "address": "Thôn 3, xã Quảng Phú", "phase": "first_half"},
    ]
    first, second, third = xl.read_nomination_workbook(filled(rows, HEAD)).data["nominations"]
    assert first["commendation_type"] == "ad_hoc"
    assert first["period"] == {"year": 2020, "phase": "event", "event_date": "2020-05-12"}
    assert second["commendation_type"] == "campaign"
    assert second["period"] == {
        "year": 2020,
        "phase": "campaign",  # inferred from the campaign's name
        "campaign": "San sẻ yêu thương, chung tay đẩy lùi đại dịch",
    }
    assert third["nominee"]["kind"] == "household"
    assert third["nominee"]["address"] == "Thôn 3, xã Quảng Phú"
    assert third["period"] == {"year": 2019, "phase": "first_half"}
    parsed = parse_submission(xl.read_nomination_workbook(filled(rows, HEAD)).data)
    assert parsed.nominations[0].period.event_date == date(2020, 5, 12)
    assert parsed.nominations[1].period.code.startswith("2020-cd-san-se-yeu-thuong")


def test_the_template_has_bold_frozen_headers_and_drop_down_lists_on_the_right_columns() -> None:
    book = load_workbook(io.BytesIO(xl.nomination_template(POLICY, "qb-hoi-nguoi-mu")))
    sheet, codes = list_sheet(book), book[xl.CODES_SHEET]
    assert sheet["A1"].value == "Mã đơn vị trình" and sheet["B1"].value == "qb-hoi-nguoi-mu"
    header = FIRST - 1
    headers = {sheet.cell(header, col).value: col for col in range(1, len(xl.COLUMNS) + 1)}
    assert "Họ tên / Tên tập thể *" in headers and "Hình thức khen *" in headers and "Chức vụ" in headers
    assert all(sheet.cell(header, col).font.b for col in headers.values())
    assert sheet.freeze_panes == f"A{FIRST}"
    assert sheet.column_dimensions["N"].width == 48  # Thành tích
    assert sheet.column_dimensions["B"].alignment.wrap_text

    def listed(formula: str) -> list[str]:
        reference = formula.split("!")[1].replace("$", "")
        return [c.value for (c,) in codes[reference]]

    by_column: dict[str, list[str]] = {}
    styles: dict[str, str] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and validation.showErrorMessage
        first_cell = str(validation.sqref).split(":")[0]
        assert first_cell.endswith(str(FIRST))
        name = str(sheet.cell(header, sheet[first_cell].column).value)
        by_column[name] = listed(validation.formula1)
        styles[name] = validation.errorStyle
    # Only listed award forms; a typed code ("person") still passes for the others, with a warning.
    assert styles == {
        "Hình thức khen *": "stop",
        "Loại đối tượng *": "warning",
        "Loại khen": "warning",
        "Giai đoạn": "warning",
        "Nhóm đối tượng (biểu thống kê)": "warning",
    }
    every_code = {code for period in POLICY.periods for code in period.award_forms}
    assert set(by_column["Hình thức khen *"]) == every_code
    assert {"bang_khen_tinh", "co_thi_dua_tinh", "chien_si_thi_dua_tinh"} <= every_code
    assert by_column["Loại đối tượng *"] == ["Cá nhân", "Tập thể", "Hộ gia đình"]
    assert by_column["Loại khen"][:3] == [
        "Thường xuyên (theo công trạng)",
        "Theo đợt hoặc chuyên đề",
        "Đột xuất",
    ]
    assert by_column["Giai đoạn"][0] == "Tổng kết năm"
    assert by_column["Nhóm đối tượng (biểu thống kê)"][0] == "Tập thể là doanh nghiệp"
    assert set(by_column) == {
        "Hình thức khen *",
        "Loại đối tượng *",
        "Loại khen",
        "Giai đoạn",
        "Nhóm đối tượng (biểu thống kê)",
    }
    # The catalogue shows each code with its readable name.
    named = {row[0]: row[1] for row in codes.iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert named["bang_khen_tinh"] == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert named["co_thi_dua_tinh"] == "Cờ thi đua của Ủy ban nhân dân tỉnh"


def test_every_problem_names_its_row_and_column_at_once() -> None:
    rows = [
        {**PERSON, "kind": "robot"},
        {**COLLECTIVE, "name": None, "year": "hai nghìn"},
        {**PERSON, "evidence_date": "31/02/2019", "titles": "Anh hùng 2019", "members_total": "mười"},
    ]
    problems = problems_of(filled(rows, {**HEAD, "to_trinh_dated": "3/12/19"}))
    assert {(p.entry, p.field) for p in problems} == {
        (FIRST, "Loại đối tượng"),
        (FIRST + 1, "Họ tên / Tên tập thể"),
        (FIRST + 1, "Năm"),
        (FIRST + 2, "Ngày lập báo cáo"),
        (FIRST + 2, "Danh hiệu đã đạt (tên năm; …)"),
        (FIRST + 2, "Tập thể: tổng số thành viên"),
        (xl.HEAD_ROWS["to_trinh_dated"], "Ngày tờ trình"),
    }
    messages = [p.message for p in problems]
    assert f"dòng {FIRST}, cột 'Loại đối tượng': 'robot' không có trong danh mục" in messages[0]
    assert f"dòng {FIRST + 1}, cột 'Họ tên / Tên tập thể': chưa nhập (bắt buộc)" in messages
    assert f"dòng {FIRST + 1}, cột 'Năm': 'hai nghìn' không phải một năm" in messages
    assert "dòng 4, cột 'Ngày tờ trình': '3/12/19' không phải ngày (dd/mm/yyyy)" in messages


def test_a_missing_unit_or_file_name_is_named_on_its_row() -> None:
    data = filled([PERSON], {**HEAD, "to_trinh_file": None})
    book = load_workbook(io.BytesIO(data))
    list_sheet(book)["B1"] = None
    out = io.BytesIO()
    book.save(out)
    messages = {p.message for p in problems_of(out.getvalue())}
    assert messages == {
        "dòng 1, cột 'Mã đơn vị trình': chưa nhập (bắt buộc)",
        "dòng 2, cột 'Tệp tờ trình': chưa nhập tên tệp, dù đã nhập số, ngày hoặc người ký",
    }


def test_an_inserted_row_and_column_do_not_shift_the_fields() -> None:
    book = load_workbook(io.BytesIO(filled([PERSON, COLLECTIVE], HEAD)))
    sheet = list_sheet(book)
    sheet.insert_cols(1)  # a clerk's "STT" column
    sheet.insert_rows(1)  # and a title above everything
    sheet["A1"] = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2019"
    sheet.cell(FIRST, 1, "STT")
    sheet.cell(FIRST + 1, 1, 1)
    sheet.cell(FIRST + 2, 1, 2)
    out = io.BytesIO()
    book.save(out)
    moved = xl.read_nomination_workbook(out.getvalue())
    assert moved.data == xl.read_nomination_workbook(filled([PERSON, COLLECTIVE], HEAD)).data
    assert moved.rows == [FIRST + 1, FIRST + 2]
    assert moved.head_rows["unit"] == 2


def test_an_upload_that_is_not_a_workbook_of_the_template_is_refused_clearly() -> None:
    with pytest.raises(InputRejected, match=r"không phải bảng tính Excel \.xlsx"):
        xl.read_nomination_workbook(b"%PDF-1.4 not a spreadsheet")
    with pytest.raises(InputRejected, match=r"Excel 97–2003 \(\.xls\)"):
        xl.read_nomination_workbook(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "không phải bảng tính")
    with pytest.raises(InputRejected, match=r"không phải bảng tính \.xlsx đọc được"):
        xl.read_nomination_workbook(archive.getvalue())
    other = io.BytesIO()
    Workbook().save(other)
    with pytest.raises(InputRejected, match="thiếu trang 'Danh sách'"):
        xl.read_nomination_workbook(other.getvalue())
    with pytest.raises(ValidationFailed, match="danh sách trống"):
        xl.read_nomination_workbook(filled([], HEAD))


def test_a_sheet_without_the_list_header_or_a_required_column_is_refused() -> None:
    blank = Workbook()
    blank.active.title = xl.LIST_SHEET  # type: ignore[union-attr]
    out = io.BytesIO()
    blank.save(out)
    with pytest.raises(InputRejected, match="không có dòng tiêu đề"):
        xl.read_nomination_workbook(out.getvalue())
    book = load_workbook(io.BytesIO(filled([PERSON], HEAD)))
    list_sheet(book).delete_cols([c.key for c in xl.COLUMNS].index("achievement") + 1)
    out = io.BytesIO()
    book.save(out)
    assert [p.message for p in problems_of(out.getvalue())] == [
        f"dòng {FIRST - 1}, cột 'Thành tích': thiếu cột này của mẫu"
    ]


def test_a_service_problem_on_entry_n_is_put_back_on_its_sheet_row_and_column() -> None:
    sheet = xl.read_nomination_workbook(filled([PERSON, {}, COLLECTIVE], HEAD))
    assert sheet.rows[2 - 1] == FIRST + 2  # entry 2 (the collective) is on that sheet row
    located = sheet.locate(
        [
            Problem(
                "không đủ điều kiện", entry=2, field="award_form", nominee="Hội Người mù tỉnh Quảng Bình"
            ),
            Problem("không ký được", field="documents[1].signed_by"),
            Problem("chung"),
        ]
    )
    assert located[0].describe() == (
        f"dòng {FIRST + 2} (Hội Người mù tỉnh Quảng Bình) · trường 'Hình thức khen': không đủ điều kiện"
    )
    assert located[1].describe() == "dòng 5 · trường 'Người ký tờ trình (tên đăng nhập)': không ký được"
    assert located[2] == Problem("chung")
    # The schema's own problems (pydantic, 0-based paths) land on the row too.
    data = sheet.data
    data["nominations"][1]["period"]["year"] = 1800
    data["nominations"][1]["evidence"][0]["file"] = ""
    with pytest.raises(ValidationFailed) as caught:
        parse_submission(data)
    fields = {(p.nominee, p.field) for p in sheet.locate(caught.value.problems)}
    where = f"dòng {FIRST + 2} (Hội Người mù tỉnh Quảng Bình)"
    assert fields == {(where, "Năm"), (where, "Tệp báo cáo thành tích (cách nhau dấu ;)")}


def read_back(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","bấm")', "+1+1", "-2+3", "@SUM(A1)"])
def test_exports_never_carry_a_formula(text: str) -> None:
    data = xl.rows_to_xlsx("Hồ sơ", ["Họ tên", "Ghi chú"], [("Nguyễn Thị Hồng Nhung", text)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # nothing Excel would evaluate
    cell = read_back(data)["B2"]
    assert cell.value == text and cell.data_type == "s"
    assert cell.quotePrefix  # Excel's leading apostrophe: still text when the cell is edited
    assert not read_back(data)["A2"].quotePrefix


def test_exports_keep_vietnamese_text_dates_and_layout() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    hanoi = timezone(timedelta(hours=7))
    data = xl.rows_to_xlsx(
        "QĐ 162/QĐ-UBND [dự thảo]",
        ["STT", "Họ tên", "Ghi chú", "Ngày", "Cập nhật", "Tiền thưởng (đồng)"],
        [
            (1, nfd, "dòng\x0bmột", date(2020, 1, 21), datetime(2020, 1, 21, 2, 30, tzinfo=UTC), 1_490_000),
            (
                2,
                "Hội Người mù tỉnh Quảng Bình",
                None,
                None,
                datetime(2020, 1, 21, 9, 0, tzinfo=hanoi),
                2980000,
            ),
        ],
    )
    sheet = read_back(data)
    assert sheet.title == "QĐ 162-QĐ-UBND dự thảo"
    assert sheet["B1"].font.b and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    assert sheet["B2"].value == "Nguyễn Thị Hồng Nhung"  # NFC, accents kept
    assert sheet["C2"].value == "dòngmột"  # a control character XML cannot hold is dropped
    assert sheet["D2"].value == datetime(2020, 1, 21) and sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["E2"].value == datetime(2020, 1, 21, 9, 30)  # 02:30 UTC is 09:30 in Vietnam
    assert sheet["E3"].value == datetime(2020, 1, 21, 9, 0)
    assert sheet["E2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["F2"].value == 1_490_000 and sheet["F2"].data_type == "n"
    assert sheet.column_dimensions["B"].width >= len("Hội Người mù tỉnh Quảng Bình")


def test_discipline_is_read_with_its_level_and_the_judged_ground_as_typed() -> None:
    """Issue 18: "Khiển trách 2; cảnh cáo 1" becomes the levels the rule compares; a bad item is named."""
    row = COLLECTIVE | {
        "award_form": "tap_the_lao_dong_xuat_sac",
        "discipline": "Khiển trách 2; cảnh cáo 1",
        "outstanding": "Mô hình “Đọc sách nói” được nhân rộng toàn tỉnh.",
    }
    sheet = xl.read_nomination_workbook(filled([row], HEAD))
    declared = sheet.data["nominations"][0]["declared"]
    assert declared["members"]["discipline"] == {"khien_trach": 2, "canh_cao": 1}
    assert declared["members"]["disciplined"] == 3
    assert declared["outstanding"] == "Mô hình “Đọc sách nói” được nhân rộng toàn tỉnh."
    members = parse_submission(sheet.data).nominations[0].declared.members
    assert members is not None and sum(members.discipline.values()) == 3
    [problem] = problems_of(filled([COLLECTIVE | {"discipline": "Nhắc nhở 1"}], HEAD))
    assert problem.field is not None and "Kỷ luật" in problem.field and "Nhắc nhở" in problem.message
