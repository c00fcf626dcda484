"""Excel in and out, as offices work: the nomination list template, reading it back, list exports.

The template holds one submission (one Tờ trình of one unit): the submission's fields in the rows above
the list, then one row per nominee. Besides the nominee and the award, a row may declare what the rules
count: titles held ("Chiến sĩ thi đua cơ sở 2018; Chiến sĩ thi đua cơ sở 2019"), initiatives ("Tên sáng
kiến (2019, Cấp tỉnh)"), a collective's members' figures, its members' discipline by level ("Khiển
trách 1; Cảnh cáo 1": only some levels disqualify) and an outstanding achievement the appraiser judges.
What the sheet leaves out — the decision behind a declared title, who recognised an initiative, several
evidence kinds per nominee — stays for the YAML file format.

Reading gives the same dict a YAML nomination file holds, so the submission service judges both alike.
Columns and the submission's fields are found by their headers, so an inserted column ("STT") or row
does no harm. Every problem names the sheet row and the column header, all at once; a problem the
service finds later refers to the N-th nomination, and ``SheetSubmission.locate`` puts it back on its
sheet row and column (``rows[N - 1]`` is that row).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as WorkbookFile
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from thidua_workflow.clock import VIETNAM
from thidua_workflow.domain.enums import (
    CommendationType,
    DisciplineLevel,
    LabelledEnum,
    NomineeKind,
    PeriodPhase,
    Scope,
    StatGroup,
    Title,
)
from thidua_workflow.domain.policy import Policy
from thidua_workflow.domain.text import nfc, search_key
from thidua_workflow.errors import InputRejected, Problem, ValidationFailed

LIST_SHEET = "Danh sách"
CODES_SHEET = "Danh mục"
HEADER_FILL = PatternFill("solid", fgColor="F1EFE9")
MAX_ROWS = 2000
HEADER_SCAN = 40  # rows searched for the list's header row
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE, TEXT, GENERAL = "dd/mm/yyyy", "@", "General"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    required: bool = False
    format: str = TEXT  # typed text stays text: "12/3" is a number, not a date


# The submission's own fields: the label in column A, the value in column B, above the list.
HEAD = [
    ("unit", "Mã đơn vị trình"),
    ("to_trinh_file", "Tệp tờ trình"),
    ("to_trinh_number", "Số tờ trình"),
    ("to_trinh_dated", "Ngày tờ trình"),
    ("to_trinh_signed_by", "Người ký tờ trình (tên đăng nhập)"),
    ("bien_ban_file", "Tệp biên bản họp"),
    ("bien_ban_dated", "Ngày họp"),
]
FIRST_LIST_ROW = len(HEAD) + 3  # a blank row, then the header row
COLUMNS = [
    Column("kind", "Loại đối tượng", 34, True),
    Column("name", "Họ tên / Tên tập thể", 30, True),
    Column("position", "Chức vụ", 24),
    Column("unit", "Mã đơn vị", 20),
    Column("address", "Địa chỉ (hộ gia đình)", 24),
    Column("birth_date", "Ngày sinh", 12, format=DATE),
    Column("award_form", "Hình thức khen", 26, True),
    Column("commendation_type", "Loại khen", 18),
    Column("year", "Năm", 8, True, GENERAL),
    Column("phase", "Giai đoạn", 16),
    Column("campaign", "Tên đợt / chuyên đề", 20),
    Column("event_date", "Ngày lập thành tích (đột xuất)", 14, format=DATE),
    Column("movement", "Phong trào", 24),
    Column("achievement", "Thành tích", 48, True),
    Column("evidence", "Tệp báo cáo thành tích (cách nhau dấu ;)", 30),
    Column("evidence_date", "Ngày lập báo cáo", 14, format=DATE),
    Column("titles", "Danh hiệu đã đạt (tên năm; …)", 40),
    Column("initiatives", "Sáng kiến (tên (năm, cấp); …)", 40),
    Column("members_total", "Tập thể: tổng số thành viên", 12, format=GENERAL),
    Column("members_completed", "Số hoàn thành nhiệm vụ", 12, format=GENERAL),
    Column("members_ldtt", "Số Lao động tiên tiến", 12, format=GENERAL),
    Column("members_cstd", "Số CSTĐ cơ sở", 12, format=GENERAL),
    # issue 18: discipline with its level; the ground the appraiser judges (cần thẩm định)
    Column("discipline", "Kỷ luật (hình thức số người; …)", 24),
    Column("outstanding", "Thành tích xuất sắc trong phong trào / đóng góp (cần thẩm định)", 40),
    # issue 20b: last, so that the columns of templates already handed out keep their letters
    Column("stat_group", "Nhóm đối tượng (biểu thống kê)", 30),
]
HEADERS = {c.key: c.header for c in COLUMNS}
HEAD_LABELS = dict(HEAD)
HEAD_ROWS = {key: row for row, (key, _label) in enumerate(HEAD, start=1)}
MEMBER_KEYS = {
    "members_total": "total",
    "members_completed": "completed_tasks",
    "members_ldtt": "lao_dong_tien_tien",
    "members_cstd": "chien_si_thi_dua_co_so",
}
# The service's field names (indices removed) and the column that holds each.
FIELD_COLUMNS = {
    **{
        f"nominee.{k}": k for k in ("kind", "name", "position", "unit", "address", "birth_date", "stat_group")
    },
    **{f"period.{k}": k for k in ("year", "phase", "campaign", "event_date")},
    **{k: k for k in ("award_form", "commendation_type", "movement", "achievement", "evidence")},
    "period": "year",
    "declared.titles": "titles",
    "declared.initiatives": "initiatives",
    "declared.members": "members_total",
    "declared.members.discipline": "discipline",
    "declared.outstanding": "outstanding",
}
DISCIPLINE_ITEM = re.compile(r"^(?P<level>.+?)[\s:,–-]*(?P<count>\d{1,6})$")
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
        cell = sheet.cell(row, 2, unit_id if key == "unit" else None)
        cell.number_format = DATE if key.endswith("_dated") else TEXT
    sheet["C1"] = (
        f"Điền từ dòng {FIRST_LIST_ROW}; cột có dấu * là bắt buộc; mã và tên xem trang '{CODES_SHEET}'."
    )
    header_row = FIRST_LIST_ROW - 1
    for col, column in enumerate(COLUMNS, start=1):
        sheet.cell(header_row, col, column.header + (" *" if column.required else ""))
        dimension = sheet.column_dimensions[get_column_letter(col)]
        dimension.width = column.width
        dimension.number_format = column.format
        dimension.alignment = Alignment(wrap_text=True, vertical="top")
    _style_header(sheet[header_row])
    sheet.freeze_panes = f"A{FIRST_LIST_ROW}"

    codes = book.create_sheet(CODES_SHEET)
    names: dict[str, str] = {}
    kinds: dict[str, list[str]] = {}
    for period in policy.periods:  # every award form of any period, with its latest name
        for code, form in period.award_forms.items():
            names[code] = form.name
            kinds.setdefault(code, [])
            kinds[code] += [k.label for k in form.nominee_kinds if k.label not in kinds[code]]
    catalogue = [  # (the list column it feeds, or "", header, values)
        ("award_form", "Mã hình thức khen", list(names)),
        ("", "Tên hình thức khen", list(names.values())),
        ("", "Áp dụng cho", [", ".join(k) for k in kinds.values()]),
    ]
    enums: tuple[tuple[str, type[LabelledEnum]], ...] = (
        ("kind", NomineeKind),
        ("commendation_type", CommendationType),
        ("phase", PeriodPhase),
        ("stat_group", StatGroup),
    )
    for key, enum in enums:
        catalogue += [(key, HEADERS[key], [m.label for m in enum]), ("", "Mã", [m.value for m in enum])]
    for col, (key, header, values) in enumerate(catalogue, start=1):
        letter = get_column_letter(col)
        codes.cell(1, col, header)
        for row, value in enumerate(values, start=2):
            codes.cell(row, col, value)
        codes.column_dimensions[letter].width = min(60, max([len(header), *map(len, values)]) + 2)
        if not key:
            continue
        target = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key))
        validation = DataValidation(
            type="list",
            formula1=f"'{CODES_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,  # the reader says what is required
            showErrorMessage=True,
            errorStyle="stop" if key == "award_form" else "warning",  # a typed code passes too
            errorTitle="Giá trị không có trong danh mục",
            error=f"Chọn một giá trị trong danh sách (xem trang '{CODES_SHEET}').",
        )
        validation.add(f"{target}{FIRST_LIST_ROW}:{target}{FIRST_LIST_ROW + MAX_ROWS}")
        sheet.add_data_validation(validation)
    _style_header(codes[1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value)).strip()
    return text or None


def _date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if (text := _text(value)) is None:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"'{text}' không phải ngày (dd/mm/yyyy)")


def _number(value: Any, what: str) -> int | None:
    text = _text(value)
    if text is not None and not re.fullmatch(r"[0-9]{1,9}", text):
        raise ValueError(f"'{text}' không phải {what}")
    return None if text is None else int(text)


def _choice(value: Any, enum: type[LabelledEnum]) -> str | None:
    """A code or its Vietnamese label (case, spacing and accents aside) to the code."""
    if (text := _text(value)) is None:
        return None
    key = search_key(text)
    for member in enum:
        if key in (search_key(member.value), search_key(member.label)):
            return member.value
    raise ValueError(f"'{text}' không có trong danh mục ({'; '.join(m.label for m in enum)})")


def _items(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", _text(value) or "") if part.strip()]


@dataclass(frozen=True)
class SheetSubmission:
    """A submission read from a workbook, and the sheet row of each of its nominations."""

    data: dict[str, Any]
    rows: list[int]  # rows[N - 1]: the sheet row of the N-th nomination (a Problem's entry)
    head_rows: dict[str, int] = field(default_factory=dict)  # a HEAD key: its sheet row

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The service's problems on their sheet rows, each field named by its column header."""
        return [self._locate(p) for p in problems]

    def _locate(self, p: Problem) -> Problem:
        path = re.sub(r"\[\d+\]|\.\d+", "", p.field or "")
        if p.entry is not None and 0 < p.entry <= len(self.rows):
            row = self.rows[p.entry - 1]
            where = f"dòng {row} ({p.nominee})" if p.nominee else f"dòng {row}"
            column = next(
                (FIELD_COLUMNS[k] for k in (path, path.rsplit(".", 1)[0]) if k in FIELD_COLUMNS), None
            )
            return replace(p, entry=None, nominee=where, field=HEADERS[column] if column else p.field)
        key = path
        documents = self.data.get("documents", [])
        if found := re.fullmatch(r"documents(?:\[(\d+)\]|\.(\d+))\.(\w+)", p.field or ""):
            index = int(found[1]) - 1 if found[1] else int(found[2])  # the service counts from 1
            key = f"{documents[index]['kind']}_{found[3]}" if 0 <= index < len(documents) else ""
        if p.entry is None and key in self.head_rows:
            return replace(p, nominee=f"dòng {self.head_rows[key]}", field=HEAD_LABELS[key])
        return p


def _open(data: bytes) -> WorkbookFile:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise InputRejected(
            "Tệp là bảng tính Excel 97–2003 (.xls) hoặc có đặt mật khẩu: hãy bỏ mật khẩu và lưu lại dạng .xlsx."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputRejected("Tệp không phải bảng tính Excel .xlsx (hãy dùng mẫu tải về, lưu dạng .xlsx).")
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile) as exc:
        raise InputRejected("Tệp nén này không phải bảng tính .xlsx đọc được.") from exc


def read_nomination_workbook(data: bytes) -> SheetSubmission:
    """The submission in a filled template: the dict a YAML nomination file holds, with its rows.

    Raises InputRejected for a file that is not a workbook of the template, ValidationFailed with every
    problem (entry = the sheet row, field = the column header) for a filled one with mistakes.
    """
    book = _open(data)
    try:
        if LIST_SHEET not in book.sheetnames:
            raise InputRejected(f"Bảng tính thiếu trang '{LIST_SHEET}' của mẫu danh sách đề nghị.")
        return _read_list(book[LIST_SHEET].iter_rows(values_only=True))
    except (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputRejected("Bảng tính bị hỏng, không đọc được; hãy mở bằng Excel và lưu lại.") from exc
    finally:
        book.close()


def _read_list(sheet_rows: Iterable[tuple[Any, ...]]) -> SheetSubmission:
    problems: list[Problem] = []
    labels = {search_key(label): key for key, label in HEAD}
    head: dict[str, tuple[int, Any]] = {}  # a HEAD key: its row and value
    columns: dict[str, int] = {}  # a column key: its index
    header_row = 0

    def problem(row: int, header: str, message: str) -> None:
        problems.append(
            Problem(f"dòng {row}, cột '{header}': {message}", field=header, entry=row, placed=True)
        )

    nominations: list[dict[str, Any]] = []
    rows: list[int] = []
    for number, values in enumerate(sheet_rows, start=1):
        if header_row:
            cells = {key: values[i] if i < len(values) else None for key, i in columns.items()}
            if all(_text(v) is None for v in cells.values()):
                continue
            if len(nominations) >= MAX_ROWS:
                problem(number, HEADERS["kind"], f"danh sách quá {MAX_ROWS} dòng; chia thành nhiều tờ trình")
                break
            nominations.append(_read_row(cells, partial(problem, number)))
            rows.append(number)
            continue
        at = next((i for i, v in enumerate(values) if _text(v) is not None), None)  # a label, its value
        if at is not None and (key := labels.get(search_key(_text(values[at]) or ""))):
            head.setdefault(key, (number, values[at + 1] if at + 1 < len(values) else None))
        titles = {search_key(t.replace("*", "")): i for i, v in enumerate(values) if (t := _text(v))}
        if search_key(HEADERS["kind"]) in titles and search_key(HEADERS["name"]) in titles:
            header_row = number
            columns = {c.key: titles[k] for c in COLUMNS if (k := search_key(c.header)) in titles}
            for column in COLUMNS:
                if column.required and column.key not in columns:
                    problem(number, column.header, "thiếu cột này của mẫu")
            if problems:
                break
        elif number >= HEADER_SCAN:
            break
    if not header_row:
        raise InputRejected(
            f"Trang '{LIST_SHEET}' không có dòng tiêu đề của danh sách ('{HEADERS['kind']}', '{HEADERS['name']}')."
        )

    def head_value(key: str, reader: Callable[[Any], str | None] = _text) -> str | None:
        row, value = head.get(key, (HEAD_ROWS[key], None))
        try:
            return reader(value)
        except ValueError as exc:
            problem(row, HEAD_LABELS[key], str(exc))
            return None

    if (unit := head_value("unit")) is None:
        problem(head.get("unit", (HEAD_ROWS["unit"], None))[0], HEAD_LABELS["unit"], "chưa nhập (bắt buộc)")
    documents: list[dict[str, Any]] = []
    for kind, attrs in (("to_trinh", ("number", "dated", "signed_by")), ("bien_ban", ("dated",))):
        found = {a: head_value(f"{kind}_{a}", _date if a == "dated" else _text) for a in attrs}
        if file_name := head_value(f"{kind}_file"):
            documents.append({"kind": kind, "file": file_name, **{k: v for k, v in found.items() if v}})
        elif any(found.values()):
            row = head.get(f"{kind}_file", (HEAD_ROWS[f"{kind}_file"], None))[0]
            problem(row, HEAD_LABELS[f"{kind}_file"], "chưa nhập tên tệp, dù đã nhập số, ngày hoặc người ký")
    if not nominations and not problems:
        message = f"danh sách trống: điền từ dòng {header_row + 1} của trang '{LIST_SHEET}'"
        problems.append(Problem(message, field="Danh sách", entry=header_row + 1, placed=True))
    if problems:
        raise ValidationFailed(problems, f"Bảng tính có {len(problems)} lỗi; chưa nộp gì:")
    data = {"unit": unit, "documents": documents, "nominations": nominations}
    return SheetSubmission(data, rows, {key: row for key, (row, _value) in head.items()})


def _read_row(cells: dict[str, Any], report: Callable[[str, str], None]) -> dict[str, Any]:
    """One nomination from one row's cells; ``report(header, message)`` records what is wrong."""

    def problem(key: str, message: str) -> None:
        report(HEADERS[key], message)

    def read(key: str, reader: Callable[..., Any], *args: Any, value: Any = None) -> Any:
        try:
            return reader(cells.get(key) if value is None else value, *args)
        except ValueError as exc:
            problem(key, str(exc))
            return None

    for column in COLUMNS:
        if column.required and _text(cells.get(column.key)) is None:
            problem(column.key, "chưa nhập (bắt buộc)")
    nominee = {"kind": read("kind", _choice, NomineeKind)}
    nominee |= {k: v for k in ("name", "position", "unit", "address") if (v := _text(cells.get(k)))}
    if born := read("birth_date", _date):
        nominee["birth_date"] = born
    if group := read("stat_group", _choice, StatGroup):
        nominee["stat_group"] = group
    period = {
        "year": read("year", _number, "một năm"),
        "phase": read("phase", _choice, PeriodPhase),
        "campaign": _text(cells.get("campaign")),
        "event_date": read("event_date", _date),
    }
    if period["phase"] is None:  # a campaign's name or an achievement's date says which phase
        period["phase"] = "campaign" if period["campaign"] else "event" if period["event_date"] else None
    entry: dict[str, Any] = {
        "nominee": nominee,
        "award_form": _text(cells.get("award_form")),
        "commendation_type": read("commendation_type", _choice, CommendationType) or "regular",
        "period": {k: v for k, v in period.items() if v is not None},
    }
    entry |= {k: v for k in ("movement", "achievement") if (v := _text(cells.get(k)))}
    declared: dict[str, Any] = {}
    for item in _items(cells.get("titles")):
        if (found := TITLE_ITEM.match(item)) is None:
            problem("titles", f"'{item}': cần 'tên danh hiệu năm', ví dụ 'Chiến sĩ thi đua cơ sở 2019'")
        elif title := read("titles", _choice, Title, value=found["title"].strip()):
            declared.setdefault("titles", []).append({"title": title, "year": int(found["year"])})
    for item in _items(cells.get("initiatives")):
        if (found := INITIATIVE_ITEM.match(item)) is None:
            problem("initiatives", f"'{item}': cần 'tên (năm, cấp)', ví dụ 'Giải pháp … (2019, Cấp tỉnh)'")
        elif scope := read("initiatives", _choice, Scope, value=found["scope"].strip()):
            initiative = {"name": found["name"].strip(), "year": int(found["year"]), "scope": scope}
            declared.setdefault("initiatives", []).append(initiative)
    members = {name: read(key, _number, "số người") for key, name in MEMBER_KEYS.items()}
    if members := {k: v for k, v in members.items() if v is not None}:
        declared["members"] = members
    discipline: dict[str, int] = {}
    for item in _items(cells.get("discipline")):
        if (found := DISCIPLINE_ITEM.match(item)) is None:
            problem("discipline", f"'{item}': cần 'hình thức số người', ví dụ 'Khiển trách 1'")
        elif level := read("discipline", _choice, DisciplineLevel, value=found["level"].strip()):
            discipline[level] = discipline.get(level, 0) + int(found["count"])
    if discipline:
        declared.setdefault("members", {}).update(discipline=discipline, disciplined=sum(discipline.values()))
    if outstanding := _text(cells.get("outstanding")):
        declared["outstanding"] = outstanding
    if declared:
        entry["declared"] = declared
    dated = read("evidence_date", _date)
    entry["evidence"] = [
        {"kind": "bao_cao_thanh_tich", "file": f, **({"dated": dated} if dated else {})}
        for f in _items(cells.get("evidence"))
    ]
    return entry


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]*?]", "", nfc(title).replace("/", "-").replace("\\", "-").replace(":", " "))
    return cleaned.strip(" '")[:31].strip(" '") or "Danh sách"


def _put(cell: Cell | MergedCell, value: object) -> int:
    """Write one value as Excel should show it; the width it needs."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # Excel has no time zones: the time as read in Vietnam
            value = value.astimezone(VIETNAM).replace(tzinfo=None)
        cell.value, cell.number_format = value, "dd/mm/yyyy hh:mm"
        return 16
    if isinstance(value, date):
        cell.value, cell.number_format = value, DATE
        return 10
    if value is None or isinstance(value, bool | int | float | Decimal):
        cell.value = value
        return 0 if value is None else len(str(value))
    text = ILLEGAL_CHARACTERS_RE.sub("", nfc(str(value)))[:32767]
    cell.value = text
    cell.data_type = "s"  # a string, even if it starts with "=": never a formula
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # as a typed apostrophe: stays text when edited too
    return max((len(line) for line in text.splitlines()), default=0)


def rows_to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Any list as a workbook: bold frozen header, filters, widths, dates as dd/mm/yyyy, text kept as text.

    Text is NFC, never transliterated; characters XML cannot hold are dropped; a text cell that starts
    like a formula (=, +, -, @) is stored as text with Excel's quote prefix, never evaluated.
    """
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = _sheet_title(title)
    widths = [_put(sheet.cell(1, col), header) + 2 for col, header in enumerate(headers, start=1)]
    for row, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            width = _put(sheet.cell(row, col), value) + 2
            if col > len(widths):
                widths.append(width)
            widths[col - 1] = max(widths[col - 1], min(60, width))
    if headers:
        _style_header(sheet[1])
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
