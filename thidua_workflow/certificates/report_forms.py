"""The Ministry's statistical report forms as .xlsx and PDF, drawn from the form's data (title, rows,
columns, header formulas) and its figures: one renderer for every form of every period.

The layout follows the printed forms: the form code, the circular and the receiving deadline top left;
the reporting and receiving units top right; the title, the year and the reporting period; the table
(label A, code B, unit C where the form has one, the data columns numbered with their formulas); the
place and date line and the two signatures (the preparer, and the head of the unit with the seal).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from thidua_workflow.certificates.documents import PDF_AUTHOR, PDF_LANGUAGE
from thidua_workflow.certificates.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, one_at_a_time, register_fonts
from thidua_workflow.domain.report_forms import Figures, FormColumn, FormPeriod, FormSpec

XLSX_FONT = "Times New Roman"


@dataclass(frozen=True)
class FormPage:
    """What a rendered form shows besides its spec: whose it is, which year, which figures."""

    period: FormPeriod
    spec: FormSpec
    figures: Figures
    year: int
    start: date
    end: date
    reporting_unit: str
    place: str
    notes: list[str] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return len(self.spec.columns) > 2

    @property
    def left_heading(self) -> list[tuple[str, str]]:
        """(text, style) lines of the top-left block: bold code, italic circular, deadline."""
        lines = [(f"Biểu số: {self.spec.code}", "bold"), (f"Ban hành theo {self.period.circular}", "italic")]
        if self.spec.deadline:
            lines.append((f"Ngày nhận báo cáo: {self.spec.deadline}", "italic"))
        return lines

    @property
    def right_heading(self) -> list[tuple[str, str]]:
        return [
            (f"Đơn vị báo cáo: {self.reporting_unit}", "bold"),
            (f"Đơn vị nhận báo cáo: {self.period.receiver}", "bold"),
        ]

    @property
    def subtitle(self) -> list[str]:
        lines = [f"Năm {self.year}"] if self.spec.subtitle_year else []
        lines.append(f"(Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y})")
        return lines

    def fixed_headers(self) -> list[tuple[str, str]]:
        """(label, letter) of the columns before the data: A, B and, where the form has it, C."""
        heads = [("", "A"), ("Mã số", "B")]
        if self.spec.unit_column:
            heads.append(("Đơn vị tính", "C"))
        return heads


def _number_cell(column: FormColumn) -> str:
    return column.header_formula() or column.printed


def _groups(columns: list[FormColumn]) -> list[tuple[str | None, int, int]]:
    """(group label, first index, last index) runs of adjacent columns under one spanning header."""
    runs: list[tuple[str | None, int, int]] = []
    for i, c in enumerate(columns):
        if runs and c.group is not None and runs[-1][0] == c.group:
            runs[-1] = (c.group, runs[-1][1], i)
        else:
            runs.append((c.group, i, i))
    return runs


# --- xlsx ------------------------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def form_xlsx(page: FormPage) -> bytes:
    """The form as one sheet laid out like the printed form (notes, if any, on a second sheet)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = page.spec.code.split(".", 1)[0]
    fixed = page.fixed_headers()
    data_cols = page.spec.columns
    width = len(fixed) + len(data_cols)
    half = max(2, width // 2)

    def font(style: str = "", size: int = 12) -> Font:
        return Font(name=XLSX_FONT, size=size, bold=style == "bold", italic=style == "italic")

    row = 1
    # Column A holds the left block; the right one spans from column C (B on a narrow form) to the end.
    # Both wrap, and each row is as tall as its longer side (openpyxl rows do not grow by themselves).
    label_width = 52 if page.landscape else 46
    data_width = 12 if page.landscape else 16
    right_from = 3 if len(data_cols) > 2 else 2
    right_width = (
        8 + (11 if page.spec.unit_column else 0) + data_width * len(data_cols) - (8 if right_from == 3 else 0)
    )
    for i in range(max(len(page.left_heading), len(page.right_heading))):
        lines = 1
        if i < len(page.left_heading):
            text, style = page.left_heading[i]
            opening = sheet.cell(row, 1, text)
            opening.font = font(style, 11)
            opening.alignment = Alignment(wrap_text=True, vertical="top")
            lines = _lines(len(text), label_width)
        if i < len(page.right_heading):
            text, style = page.right_heading[i]
            cell = sheet.cell(row, right_from, text)
            cell.font = font(style, 11)
            cell.alignment = Alignment(horizontal="right", wrap_text=True, vertical="top")
            sheet.merge_cells(start_row=row, start_column=right_from, end_row=row, end_column=width)
            lines = max(lines, _lines(len(text), right_width))
        sheet.row_dimensions[row].height = 15 * lines + 2
        row += 1
    row += 1
    for text, style, size in [(page.spec.title, "bold", 14)] + [(s, "italic", 12) for s in page.subtitle]:
        cell = sheet.cell(row, 1, text)
        cell.font = font(style, size)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        if style == "bold":
            sheet.row_dimensions[row].height = 36
        row += 1
    if page.spec.unit:
        cell = sheet.cell(row, 1, f"Đơn vị tính: {page.spec.unit}")
        cell.font = font("italic", 11)
        cell.alignment = Alignment(horizontal="right")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    row += 1

    top = row
    header = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, (label, _) in enumerate(fixed, start=1):
        sheet.cell(top, i, label)
        sheet.merge_cells(start_row=top, start_column=i, end_row=top + 1, end_column=i)
    base = len(fixed)
    for group, first, last in _groups(data_cols):
        if group is None:
            col = base + first + 1
            sheet.cell(top, col, data_cols[first].label)
            sheet.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
            continue
        sheet.cell(top, base + first + 1, group)
        if last > first:
            sheet.merge_cells(
                start_row=top, start_column=base + first + 1, end_row=top, end_column=base + last + 1
            )
        for i in range(first, last + 1):
            sheet.cell(top + 1, base + i + 1, data_cols[i].label)
    for i, (_, letter) in enumerate(fixed, start=1):
        sheet.cell(top + 2, i, letter)
    for i, c in enumerate(data_cols, start=base + 1):
        sheet.cell(top + 2, i, _number_cell(c))
    for r in range(top, top + 3):
        for col in range(1, width + 1):
            head = sheet.cell(r, col)
            head.font = font("bold" if r < top + 2 else "italic", 11)
            head.alignment = header
            head.border = BOX
    longest = max(len(c.label) for c in data_cols)
    sheet.row_dimensions[top + 1].height = 15 * _lines(longest, data_width) + 4
    group_lines = [
        _lines(len(group), data_width * (last - first + 1))
        for group, first, last in _groups(data_cols)
        if group
    ]
    sheet.row_dimensions[top].height = 15 * max([1, *group_lines]) + 4

    row = top + 3
    for form_row in page.spec.rows:
        style = "bold" if form_row.heading or form_row.bold else ""
        if form_row.label.startswith("Trong đó"):
            style = "italic"
        sheet.cell(row, 1, form_row.label).font = font(style, 11)
        # LibreOffice and Excel do not grow a row for wrapped text written by openpyxl: set it
        sheet.row_dimensions[row].height = 15 * _lines(len(form_row.label), 52 if page.landscape else 46) + 3
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
        if form_row.code is not None:
            code = sheet.cell(row, 2, form_row.code)
            code.alignment = Alignment(horizontal="center", vertical="center")
            if page.spec.unit_column and form_row.unit:
                sheet.cell(row, 3, form_row.unit).alignment = Alignment(
                    horizontal="center", vertical="center", wrap_text=True
                )
            for i, c in enumerate(data_cols, start=base + 1):
                value = sheet.cell(row, i, page.figures[form_row.code][c.key])
                value.number_format = "#,##0"
                value.alignment = Alignment(horizontal="right", vertical="center")
                value.font = font("bold" if form_row.bold else "", 11)
        for col in range(1, width + 1):
            sheet.cell(row, col).border = BOX
            if col > 1 and sheet.cell(row, col).font.name != XLSX_FONT:
                sheet.cell(row, col).font = font("", 11)
        row += 1

    row += 1
    place = sheet.cell(row, half + 1, f"{page.place}, ngày …… tháng …… năm ……")
    place.font = font("italic", 12)
    place.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=row, start_column=half + 1, end_row=row, end_column=width)
    for offset, (left, right, style) in enumerate(
        [
            ("Người lập biểu", "Thủ trưởng đơn vị", "bold"),
            ("(Ký, họ tên)", "(Ký, họ tên, đóng dấu)", "italic"),
        ],
        start=1,
    ):
        a = sheet.cell(row + offset, 1, left)
        a.font = font(style)
        a.alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=half)
        b = sheet.cell(row + offset, half + 1, right)
        b.font = font(style)
        b.alignment = Alignment(horizontal="center")
        sheet.merge_cells(
            start_row=row + offset, start_column=half + 1, end_row=row + offset, end_column=width
        )

    sheet.column_dimensions["A"].width = 52 if page.landscape else 46
    sheet.column_dimensions["B"].width = 8
    if page.spec.unit_column:
        sheet.column_dimensions["C"].width = 11
    for i in range(base + 1, width + 1):
        sheet.column_dimensions[get_column_letter(i)].width = data_width
    sheet.page_setup.orientation = "landscape" if page.landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{top}:{top + 2}"
    sheet.page_margins.left = sheet.page_margins.right = 0.5

    if page.notes:
        notes = book.create_sheet("Ghi chú")
        notes.column_dimensions["A"].width = 120
        for i, note in enumerate(page.notes, start=1):
            notes.cell(i, 1, note)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lines(length: int, width: int) -> int:
    """How many lines a text of ``length`` characters takes in a column ``width`` characters wide."""
    return max(1, -(-length // max(1, int(width * 1.2))))


# --- PDF ---------------------------------------------------------------------------------------------------


def _style(
    name: str, font: str, size: float, align: int = TA_LEFT, leading: float | None = None
) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, alignment=align)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@one_at_a_time
def form_pdf(page: FormPage) -> bytes:
    """The form on A4 (landscape when it has more than two data columns), in the bundled serif."""
    register_fonts()
    size = landscape(A4) if page.landscape else A4
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Biểu số {page.spec.code} năm {page.year}",
        author=PDF_AUTHOR,
        lang=PDF_LANGUAGE,
    )
    body = size[0] - 30 * mm
    styles = {
        "bold": _style("b", SERIF_BOLD, 10.5),
        "italic": _style("i", SERIF_ITALIC, 10.5),
        "": _style("n", SERIF, 10.5),
    }
    right = {k: ParagraphStyle(f"r{k}", parent=v, alignment=2) for k, v in styles.items()}
    heading = Table(
        [
            [
                [Paragraph(_escape(t), styles[s]) for t, s in page.left_heading],
                [Paragraph(_escape(t), right[s]) for t, s in page.right_heading],
            ]
        ],
        colWidths=[body * 0.45, body * 0.55],
    )
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), SERIF)]))
    story: list[object] = [heading, Spacer(1, 5 * mm)]
    story.append(Paragraph(_escape(page.spec.title), _style("t", SERIF_BOLD, 13, TA_CENTER)))
    for line in page.subtitle:
        story.append(Paragraph(_escape(line), _style("s", SERIF_ITALIC, 11, TA_CENTER)))
    if page.spec.unit:
        story.append(
            Paragraph(
                _escape(f"Đơn vị tính: {page.spec.unit}"),
                ParagraphStyle("u", parent=styles["italic"], alignment=2),
            )
        )
    story.append(Spacer(1, 3 * mm))
    story.append(_pdf_table(page, body))
    if page.notes:  # where the figures come from and what is left out, under the table as in the .xlsx
        story.append(Spacer(1, 3 * mm))
        note_style = _style("g", SERIF_ITALIC, 9.5)
        story.append(Paragraph("Ghi chú:", note_style))
        story.extend(Paragraph(_escape(f"- {note}"), note_style) for note in page.notes)
    story.append(Spacer(1, 6 * mm))
    sign = Table(
        [
            [
                "",
                Paragraph(
                    _escape(f"{page.place}, ngày …… tháng …… năm ……"),
                    _style("p", SERIF_ITALIC, 11, TA_CENTER),
                ),
            ],
            [
                Paragraph("Người lập biểu", _style("l", SERIF_BOLD, 11, TA_CENTER)),
                Paragraph("Thủ trưởng đơn vị", _style("h", SERIF_BOLD, 11, TA_CENTER)),
            ],
            [
                Paragraph("(Ký, họ tên)", _style("li", SERIF_ITALIC, 10.5, TA_CENTER)),
                Paragraph("(Ký, họ tên, đóng dấu)", _style("hi", SERIF_ITALIC, 10.5, TA_CENTER)),
            ],
        ],
        colWidths=[body / 2, body / 2],
    )
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF)]))
    story.append(KeepTogether([sign]))  # the space to sign in is the page's bottom, not a spacer
    doc.build(story)
    return out.getvalue()


def _pdf_table(page: FormPage, body: float) -> Table:
    fixed = page.fixed_headers()
    cols = page.spec.columns
    many = len(cols) > 6
    head_style = _style("th", SERIF_BOLD, 8 if many else 9, TA_CENTER, 9.5 if many else 10.5)
    number_style = _style("tn", SERIF_ITALIC, 8 if many else 10, TA_CENTER, 9.5 if many else 12)
    label_width = body * (0.25 if many else 0.34 if page.landscape else 0.42)
    code_width = 11 * mm
    unit_width = 17 * mm if page.spec.unit_column else 0
    # A formula column (the total) is wider: its header carries the formula.
    weights = [1.6 if c.formula else 1.0 for c in cols]
    unit = (body - label_width - code_width - unit_width) / sum(weights)
    widths = (
        [label_width, code_width]
        + ([unit_width] if page.spec.unit_column else [])
        + [unit * w for w in weights]
    )
    base = len(fixed)
    top: list[object] = [Paragraph(_escape(t), head_style) for t, _ in fixed] + [""] * len(cols)
    second: list[object] = [""] * (base + len(cols))
    spans: list[tuple[object, ...]] = [("SPAN", (i, 0), (i, 1)) for i in range(base)]
    for group, first, last in _groups(cols):
        if group is None:
            top[base + first] = Paragraph(_escape(cols[first].label), head_style)
            spans.append(("SPAN", (base + first, 0), (base + first, 1)))
            continue
        top[base + first] = Paragraph(_escape(group), head_style)
        spans.append(("SPAN", (base + first, 0), (base + last, 0)))
        for i in range(first, last + 1):
            second[base + i] = Paragraph(_escape(cols[i].label), head_style)
    numbers: list[object] = [letter for _, letter in fixed] + [
        Paragraph(_number_cell(c), number_style) for c in cols
    ]
    data: list[list[object]] = [top, second, numbers]
    styles: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("FONTNAME", (0, 2), (-1, 2), SERIF_ITALIC),
        ("ALIGN", (0, 0), (-1, 2), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 3), (-1, -1), "CENTER"),
        ("ALIGN", (base, 3), (-1, -1), "RIGHT"),
        *spans,
    ]
    label = {
        "": _style("td", SERIF, 10, leading=12),
        "bold": _style("tb", SERIF_BOLD, 10, leading=12),
        "italic": _style("ti", SERIF_ITALIC, 10, leading=12),
    }
    unit_style = _style("tu", SERIF, 9, TA_CENTER, 10.5)
    for form_row in page.spec.rows:
        r = len(data)
        style = "bold" if form_row.heading or form_row.bold else ""
        if form_row.label.startswith("Trong đó"):
            style = "italic"
        line: list[object] = [Paragraph(_escape(form_row.label), label[style])]
        if form_row.code is None:
            line += [""] * (len(widths) - 1)
        else:
            line.append(form_row.code)
            if page.spec.unit_column:
                line.append(Paragraph(_escape(form_row.unit or ""), unit_style))
            line += [f"{page.figures[form_row.code][c.key]:,}".replace(",", ".") for c in cols]
            if form_row.bold:
                styles.append(("FONTNAME", (1, r), (-1, r), SERIF_BOLD))
        data.append(line)
    table = Table(data, colWidths=widths, repeatRows=3)
    table.setStyle(TableStyle(styles))
    return table
