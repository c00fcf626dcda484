"""The registration (đăng ký thi đua) workbook: the template a unit fills and reading it back.

Like the nomination list (``spreadsheets.py``), whose helpers it reuses: the registration's own fields
above the list (movement code, unit code), one row per title aimed for, columns found by their headers,
every problem named by its sheet row and column header, all at once.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.policy import PolicyPeriod
from thidua_workflow.domain.text import search_key
from thidua_workflow.errors import InputRejected, Problem, ValidationFailed
from thidua_workflow.spreadsheets import CODES_SHEET, TEXT, _choice, _open, _style_header, _text

SHEET = "Đăng ký thi đua"
HEAD = [("movement", "Mã phong trào"), ("unit", "Mã đơn vị đăng ký")]
FIRST_ROW = len(HEAD) + 3
COLUMNS = [
    ("kind", "Loại đối tượng", 22, True),
    ("name", "Họ tên / Tên tập thể", 36, True),
    ("position", "Chức vụ", 30, False),
    ("award_form", "Danh hiệu, hình thức đăng ký (mã)", 30, True),
]
MAX_ROWS = 2000


def registration_template(period: PolicyPeriod, movement: str, unit: str | None = None) -> bytes:
    """An empty registration for ``movement`` with drop-down lists of kinds and award forms."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    for row, (key, label) in enumerate(HEAD, start=1):
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 2, movement if key == "movement" else unit).number_format = TEXT
    sheet["C1"] = f"Điền từ dòng {FIRST_ROW}; cột có dấu * là bắt buộc; mã xem trang '{CODES_SHEET}'."
    for col, (_key, header, width, required) in enumerate(COLUMNS, start=1):
        sheet.cell(FIRST_ROW - 1, col, header + (" *" if required else ""))
        sheet.column_dimensions[get_column_letter(col)].width = width
    _style_header(sheet[FIRST_ROW - 1])
    sheet.freeze_panes = f"A{FIRST_ROW}"
    codes = book.create_sheet(CODES_SHEET)
    catalogue = [
        ("Mã hình thức", list(period.award_forms)),
        ("Tên", [f.name for f in period.award_forms.values()]),
        ("Loại đối tượng", [k.label for k in NomineeKind]),
    ]
    for col, (header, values) in enumerate(catalogue, start=1):
        codes.cell(1, col, header)
        for row, value in enumerate(values, start=2):
            codes.cell(row, col, value)
        codes.column_dimensions[get_column_letter(col)].width = min(
            60, max(len(v) for v in [header, *values]) + 2
        )
    _style_header(codes[1])
    for target, source, count in (("D", "A", len(period.award_forms)), ("A", "C", len(NomineeKind))):
        validation = DataValidation(
            type="list",
            formula1=f"'{CODES_SHEET}'!${source}$2:${source}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
        validation.add(f"{target}{FIRST_ROW}:{target}{FIRST_ROW + MAX_ROWS}")
        sheet.add_data_validation(validation)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class SheetRegistration:
    data: dict[str, Any]
    rows: list[int]  # rows[N - 1]: the sheet row of the N-th line

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The service's problems (entry N) put back on their sheet rows."""
        located = []
        headers = {key: header for key, header, _w, _r in COLUMNS}
        for p in problems:
            if p.entry is not None and 0 < p.entry <= len(self.rows):
                where = f"dòng {self.rows[p.entry - 1]}" + (f" ({p.nominee})" if p.nominee else "")
                field = headers.get((p.field or "").rsplit(".", 1)[-1], p.field)
                located.append(Problem(p.message, field=field, nominee=where, rule=p.rule, article=p.article))
            else:
                located.append(p)
        return located


def read_registration_workbook(data: bytes) -> SheetRegistration:
    """The registration in a filled template, as the dict ``registrations.register`` takes."""
    book = _open(data)
    try:
        if SHEET not in book.sheetnames:
            raise InputRejected(f"Bảng tính thiếu trang '{SHEET}' của mẫu đăng ký thi đua.")
        rows = list(book[SHEET].iter_rows(values_only=True, max_row=FIRST_ROW + MAX_ROWS))
    except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputRejected("Bảng tính bị hỏng, không đọc được; hãy mở bằng Excel và lưu lại.") from exc
    finally:
        book.close()
    problems: list[Problem] = []
    labels = {search_key(label): key for key, label in HEAD}
    head: dict[str, str | None] = {}
    header_row = None
    for number, row in enumerate(rows, start=1):
        first = _text(row[0]) if row else None
        if first and search_key(first) in labels and len(row) > 1:
            head[labels[search_key(first)]] = _text(row[1])
        if first and search_key(first).startswith(search_key("Loại đối tượng")):
            header_row = number
            break
    if header_row is None:
        raise InputRejected("Không thấy dòng tiêu đề ('Loại đối tượng', …) của mẫu đăng ký thi đua.")
    for key, label in HEAD:
        if not head.get(key):
            problems.append(
                Problem(f"thiếu '{label}'", field=label, nominee=f"dòng {HEAD.index((key, label)) + 1}")
            )
    header = [search_key((_text(c) or "").rstrip(" *")) for c in rows[header_row - 1]]
    columns: dict[str, int] = {}
    for key, label, _w, _r in COLUMNS:
        wanted = search_key(label)
        if wanted in header:
            columns[key] = header.index(wanted)
        elif _r:
            problems.append(Problem(f"thiếu cột '{label}'", nominee=f"dòng {header_row}"))
    lines: list[dict[str, Any]] = []
    line_rows: list[int] = []
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        cells = {key: row[i] if i < len(row) else None for key, i in columns.items()}
        if all(_text(v) is None for v in cells.values()):
            continue
        line: dict[str, Any] = {}
        for key, label, _w, required in COLUMNS:
            value = cells.get(key)
            try:
                text = _choice(value, NomineeKind) if key == "kind" else _text(value)
            except ValueError as exc:
                problems.append(Problem(str(exc), field=label, nominee=f"dòng {number}"))
                continue
            if text is None:
                if required:
                    problems.append(Problem("chưa nhập", field=label, nominee=f"dòng {number}"))
                continue
            line[key] = text
        lines.append(line)
        line_rows.append(number)
    if not lines and not problems:
        problems.append(Problem("bản đăng ký chưa có dòng nào", nominee=f"dòng {header_row + 1}"))
    if problems:
        raise ValidationFailed(problems, "Bảng tính đăng ký có lỗi, không lưu gì:")
    return SheetRegistration({"movement": head["movement"], "unit": head["unit"], "lines": lines}, line_rows)
