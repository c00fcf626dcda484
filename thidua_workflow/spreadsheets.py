"""Excel in and out, as offices work: the nomination list template, reading it back, list exports.

The template holds one submission (one Tờ trình of one unit) with one row per nominee. Besides the
nominee and the award, a row declares what the rules count: titles held ("Chiến sĩ thi đua cơ sở 2018;
Chiến sĩ thi đua cơ sở 2019"), initiatives ("Tên sáng kiến (2019, Cấp tỉnh)") and, for a collective, its
members' figures. The decisions behind declared titles and other detail stay for the YAML file format.

Reading gives the same dict a YAML nomination file holds, so the submission service judges both alike;
every problem names the sheet row and the column header, all at once.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from thidua_workflow.domain.enums import CommendationType, NomineeKind, PeriodPhase, Scope, Title
from thidua_workflow.domain.policy import Policy
from thidua_workflow.errors import InputRejected, Problem, ValidationFailed

LIST_SHEET = "Danh sách"
CODES_SHEET = "Danh mục"
HEADER_FILL = PatternFill("solid", fgColor="F1EFE9")
MAX_ROWS = 2000
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    required: bool = False


# The submission's own fields, each in column B of the rows above the list.
HEAD = [
    ("unit", "Mã đơn vị trình"),
    ("to_trinh_file", "Tệp tờ trình"),
    ("to_trinh_number", "Số tờ trình"),
    ("to_trinh_date", "Ngày tờ trình"),
    ("to_trinh_signer", "Người ký tờ trình (tên đăng nhập)"),
    ("bien_ban_file", "Tệp biên bản họp"),
    ("bien_ban_date", "Ngày họp"),
]
FIRST_LIST_ROW = len(HEAD) + 3  # a blank row, then the header row
COLUMNS = [
    Column("kind", "Loại đối tượng", 16, True),
    Column("name", "Họ tên / Tên tập thể", 30, True),
    Column("position", "Chức vụ", 24),
    Column("unit", "Mã đơn vị", 20),
    Column("address", "Địa chỉ (hộ gia đình)", 24),
    Column("birth_date", "Ngày sinh", 12),
    Column("award_form", "Hình thức khen", 26, True),
    Column("commendation_type", "Loại khen", 16),
    Column("year", "Năm", 8, True),
    Column("phase", "Giai đoạn", 12),
    Column("movement", "Phong trào", 24),
    Column("achievement", "Thành tích", 48, True),
    Column("evidence", "Tệp báo cáo thành tích (cách nhau dấu ;)", 30),
    Column("evidence_date", "Ngày lập báo cáo", 14),
    Column("titles", "Danh hiệu đã đạt (tên năm; …)", 40),
    Column("initiatives", "Sáng kiến (tên (năm, cấp); …)", 40),
    Column("members_total", "Tập thể: tổng số thành viên", 12),
    Column("members_completed", "Số hoàn thành nhiệm vụ", 12),
    Column("members_ldtt", "Số Lao động tiên tiến", 12),
    Column("members_cstd", "Số CSTĐ cơ sở", 12),
]
MEMBER_KEYS = {
    "members_total": "total",
    "members_completed": "completed_tasks",
    "members_ldtt": "lao_dong_tien_tien",
    "members_cstd": "chien_si_thi_dua_co_so",
}
TITLE_ITEM = re.compile(r"^(?P<title>.+?)[\s:,–-]*(?P<year>\d{4})$")
INITIATIVE_ITEM = re.compile(r"^(?P<name>.+?)\s*\((?P<year>\d{4})\s*,\s*(?P<scope>[^)]+)\)$")


def _style_header(cells: Iterable[Cell | MergedCell]) -> None:
    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def nomination_template(policy: Policy, unit_id: str | None = None) -> bytes:
    """An empty nomination list with drop-down lists for the enumerations and a sheet of codes."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = LIST_SHEET
    for row, (key, label) in enumerate(HEAD, start=1):
        sheet.cell(row, 1, label).font = Font(bold=True)
        if key == "unit" and unit_id:
            sheet.cell(row, 2, unit_id)
    header_row = FIRST_LIST_ROW - 1
    for col, column in enumerate(COLUMNS, start=1):
        sheet.cell(header_row, col, column.header + (" *" if column.required else ""))
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    _style_header(sheet[header_row])
    sheet.freeze_panes = f"A{FIRST_LIST_ROW}"

    codes = book.create_sheet(CODES_SHEET)
    awards = {code: form.name for period in policy.periods for code, form in period.award_forms.items()}
    lists = {
        "award_form": list(awards),
        "kind": [k.label for k in NomineeKind],
        "commendation_type": [t.label for t in CommendationType],
        "phase": [p.value for p in PeriodPhase],
    }
    codes.append(["Hình thức khen (mã)", "Tên", "Loại đối tượng", "Loại khen", "Giai đoạn"])
    _style_header(codes[1])
    longest = max(len(v) for v in lists.values())
    names = list(awards.values())
    for i in range(longest):
        codes.append(
            [
                lists["award_form"][i] if i < len(lists["award_form"]) else None,
                names[i] if i < len(names) else None,
                lists["kind"][i] if i < len(lists["kind"]) else None,
                lists["commendation_type"][i] if i < len(lists["commendation_type"]) else None,
                lists["phase"][i] if i < len(lists["phase"]) else None,
            ]
        )
    for letter, width in zip("ABCDE", (28, 60, 18, 30, 14), strict=True):
        codes.column_dimensions[letter].width = width
    sources = {"award_form": "A", "kind": "C", "commendation_type": "D", "phase": "E"}
    for key, letter in sources.items():
        target = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key))
        count = len(lists[key])
        validation = DataValidation(
            type="list",
            formula1=f"'{CODES_SHEET}'!${letter}$2:${letter}${count + 1}",
            allow_blank=key not in ("award_form", "kind"),
            showErrorMessage=True,
            errorTitle="Giá trị không có trong danh mục",
            error="Chọn một giá trị trong danh sách (xem trang Danh mục).",
        )
        validation.add(f"{target}{FIRST_LIST_ROW}:{target}{FIRST_LIST_ROW + MAX_ROWS}")
        sheet.add_data_validation(validation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if text is None:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"'{text}' không phải ngày (dd/mm/yyyy)")


def _enum_value(text: str | None, choices: Iterable[tuple[str, str]]) -> str | None:
    """A code, or its Vietnamese label, to the code; accents and case must match the label's."""
    if text is None:
        return None
    for code, label in choices:
        if text in (code, label) or text.casefold() == label.casefold():
            return code
    raise ValueError(f"'{text}' không có trong danh mục")


@dataclass(frozen=True)
class SheetSubmission:
    """A submission read from a workbook, and the sheet row of each of its nominations."""

    data: dict[str, Any]
    rows: list[int]

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The service's problems, each entry number (the N-th nomination) turned into its sheet row."""
        located = []
        for p in problems:
            if p.entry is not None and 0 < p.entry <= len(self.rows):
                row = self.rows[p.entry - 1]
                where = f"dòng {row} ({p.nominee})" if p.nominee else f"dòng {row}"
                located.append(replace(p, entry=None, nominee=where))
            else:
                located.append(p)
        return located


def read_nomination_workbook(data: bytes) -> SheetSubmission:
    """The submission in a filled template: the dict a YAML nomination file holds, with its rows."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputRejected("Tệp không phải bảng tính Excel .xlsx (hãy dùng mẫu tải về, lưu dạng .xlsx).")
    try:
        book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise InputRejected(f"Không đọc được bảng tính: {exc}") from exc
    if LIST_SHEET not in book.sheetnames:
        raise InputRejected(f"Bảng tính thiếu trang '{LIST_SHEET}' của mẫu danh sách đề nghị.")
    rows = list(book[LIST_SHEET].iter_rows(values_only=True))
    problems: list[Problem] = []

    def head(key: str) -> Any:
        index = next(i for i, (k, _label) in enumerate(HEAD) if k == key)
        row = rows[index] if index < len(rows) else ()
        return row[1] if len(row) > 1 else None

    def problem(row: int, header: str, message: str) -> None:
        problems.append(Problem(f"dòng {row}, cột '{header}': {message}", field=header, entry=row))

    documents: list[dict[str, Any]] = []
    for key, label in HEAD:
        if key.endswith("_date"):
            try:
                _date(head(key))
            except ValueError as exc:
                problem(HEAD.index((key, label)) + 1, label, str(exc))
    if file_name := _text(head("to_trinh_file")):
        documents.append(
            {
                "kind": "to_trinh",
                "file": file_name,
                "number": _text(head("to_trinh_number")),
                "dated": _safe_date(head("to_trinh_date")),
                "signed_by": _text(head("to_trinh_signer")),
            }
        )
    if file_name := _text(head("bien_ban_file")):
        documents.append({"kind": "bien_ban", "file": file_name, "dated": _safe_date(head("bien_ban_date"))})

    nominations: list[dict[str, Any]] = []
    sheet_rows: list[int] = []
    kinds = [(k.value, k.label) for k in NomineeKind]
    types = [(t.value, t.label) for t in CommendationType]
    phases = [(p.value, p.label) for p in PeriodPhase]
    for number, values in enumerate(rows[FIRST_LIST_ROW - 1 :], start=FIRST_LIST_ROW):
        cells = {c.key: (values[i] if i < len(values) else None) for i, c in enumerate(COLUMNS)}
        if all(_text(v) is None for v in cells.values()):
            continue
        if len(nominations) >= MAX_ROWS:
            problem(number, "Loại đối tượng", f"danh sách quá {MAX_ROWS} dòng; chia thành nhiều tờ trình")
            break
        header = {c.key: c.header for c in COLUMNS}
        entry: dict[str, Any] = {}
        nominee: dict[str, Any] = {}
        for column in COLUMNS:
            if column.required and _text(cells[column.key]) is None:
                problem(number, column.header, "chưa nhập (bắt buộc)")
        try:
            nominee["kind"] = _enum_value(_text(cells["kind"]), kinds)
        except ValueError as exc:
            problem(number, header["kind"], str(exc))
        for key in ("name", "position", "unit", "address"):
            if (text := _text(cells[key])) is not None:
                nominee[key] = text
        try:
            if (born := _date(cells["birth_date"])) is not None:
                nominee["birth_date"] = born
        except ValueError as exc:
            problem(number, header["birth_date"], str(exc))
        entry["nominee"] = nominee
        entry["award_form"] = _text(cells["award_form"])
        try:
            entry["commendation_type"] = _enum_value(_text(cells["commendation_type"]), types) or "regular"
        except ValueError as exc:
            problem(number, header["commendation_type"], str(exc))
        period: dict[str, Any] = {}
        if (year := _text(cells["year"])) is not None:
            if year.isdigit():
                period["year"] = int(year)
            else:
                problem(number, header["year"], f"'{year}' không phải một năm")
        try:
            if (phase := _enum_value(_text(cells["phase"]), phases)) is not None:
                period["phase"] = phase
        except ValueError as exc:
            problem(number, header["phase"], str(exc))
        entry["period"] = period
        for key in ("movement", "achievement"):
            if (text := _text(cells[key])) is not None:
                entry[key] = text
        try:
            dated = _date(cells["evidence_date"])
        except ValueError as exc:
            problem(number, header["evidence_date"], str(exc))
            dated = None
        declared, declared_problems = _declared(cells)
        for key, message in declared_problems:
            problem(number, header[key], message)
        if declared:
            entry["declared"] = declared
        files = [f.strip() for f in (_text(cells["evidence"]) or "").split(";") if f.strip()]
        entry["evidence"] = [
            {"kind": "bao_cao_thanh_tich", "file": f, **({"dated": dated} if dated else {})} for f in files
        ]
        nominations.append(entry)
        sheet_rows.append(number)
    if not nominations and not problems:
        problems.append(
            Problem(
                f"danh sách trống: điền từ dòng {FIRST_LIST_ROW} của trang '{LIST_SHEET}'",
                field="Danh sách",
                entry=FIRST_LIST_ROW,
            )
        )
    if problems:
        raise ValidationFailed(problems, f"Bảng tính có {len(problems)} lỗi; chưa nộp gì:")
    return SheetSubmission(
        {"unit": _text(head("unit")), "documents": documents, "nominations": nominations}, sheet_rows
    )


def _declared(cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Titles, initiatives and members' figures of one row, with what could not be read."""
    declared: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    titles = [(t.value, t.label) for t in Title]
    scopes = [(s.value, s.label) for s in Scope]
    for item in _items(cells["titles"]):
        found = TITLE_ITEM.match(item)
        try:
            if found is None:
                raise ValueError(
                    f"'{item}' cần dạng 'tên danh hiệu năm', ví dụ 'Chiến sĩ thi đua cơ sở 2019'"
                )
            code = _enum_value(found["title"].strip(), titles)
            declared.setdefault("titles", []).append({"title": code, "year": int(found["year"])})
        except ValueError as exc:
            problems.append(("titles", str(exc)))
    for item in _items(cells["initiatives"]):
        found = INITIATIVE_ITEM.match(item)
        try:
            if found is None:
                raise ValueError(f"'{item}' cần dạng 'tên (năm, cấp)', ví dụ 'Giải pháp … (2019, Cấp tỉnh)'")
            scope = _enum_value(found["scope"].strip(), scopes)
            declared.setdefault("initiatives", []).append(
                {"name": found["name"].strip(), "year": int(found["year"]), "scope": scope}
            )
        except ValueError as exc:
            problems.append(("initiatives", str(exc)))
    members = {}
    for key, field in MEMBER_KEYS.items():
        if (text := _text(cells[key])) is None:
            continue
        if text.isdigit():
            members[field] = int(text)
        else:
            problems.append((key, f"'{text}' không phải số người"))
    if members:
        declared["members"] = members
    return declared, problems


def _items(value: Any) -> list[str]:
    return [part.strip() for part in (_text(value) or "").split(";") if part.strip()]


def _safe_date(value: Any) -> str | None:
    try:
        return _date(value)
    except ValueError:
        return None


def rows_to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Any list as a workbook: bold frozen header, filters, widths, dates as dd/mm/yyyy, text kept as text.

    A text cell that starts like a formula (=, +, -, @) is stored as text, never evaluated by Excel.
    """
    book = Workbook(write_only=False)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title[:31].replace("/", "-").replace(":", " ").replace("?", "").replace("*", "")
    sheet.append([unicodedata.normalize("NFC", h) for h in headers])
    _style_header(sheet[1])
    widths = [len(h) + 2 for h in headers]
    for row, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col)
            if isinstance(value, str):
                text = unicodedata.normalize("NFC", value)
                cell.value = text
                cell.data_type = "s"  # a string, even if it starts with "="
                if col <= len(widths):
                    widths[col - 1] = max(widths[col - 1], min(60, len(text) + 2))
            elif isinstance(value, datetime | date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            else:
                cell.value = value  # type: ignore[assignment]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
