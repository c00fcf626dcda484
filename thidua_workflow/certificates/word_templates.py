"""Builds the bundled default Word templates (``certificates/templates/*.docx``) with python-docx.

The .docx files are committed; this script is how they were made, and how to remake them after a change:

    .venv/bin/python -m thidua_workflow.certificates.word_templates

An office edits a copy in Word instead (its tags are docxtpl's Jinja: ``{{ name }}``, ``{%p for … %}``
for repeated paragraphs, ``{%tr for … %}`` for repeated table rows) and puts it in the ``templates/``
folder beside its policy file. The placeholders of each kind are listed in docs/file-formats.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

FONT = "Times New Roman"
FOLDER = Path(__file__).resolve().parent / "templates"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _document() -> DocxDocument:
    """A4, the margins of NĐ 30/2020 (top/bottom 20 mm, left 30 mm, right 15 mm), Times New Roman 14."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)
    return doc


def _para(
    container: Any,
    text: str,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    indent: bool = False,
) -> None:
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell(table: Table, row: int, col: int, lines: list[tuple[str, dict[str, object]]]) -> None:
    cell = table.cell(row, col)
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    for text, style in lines:
        _para(cell, text, align=CENTER, **style)  # type: ignore[arg-type]


def _header(doc: DocxDocument, *, italic_date: bool = True) -> None:
    """The two-column head: the body (its parent, its name, the number) and the motto with the date."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.columns[0].width, table.columns[1].width = Mm(65), Mm(100)
    _cell(
        table,
        0,
        0,
        [
            ("{{ body_parent }}", {"size": 13}),
            ("{{ body_name }}", {"bold": True, "size": 13}),
            ("{{ number_line }}", {"size": 13}),
        ],
    )
    _cell(
        table,
        0,
        1,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "size": 12.5}),
            ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "size": 13.5}),
            ("{{ place_date }}", {"italic": italic_date, "size": 13.5}),
        ],
    )


def _loop(doc: DocxDocument, items: str, body: Callable[[], None]) -> None:
    _para(doc, "{%p for " + items + " %}")
    body()
    _para(doc, "{%p endfor %}")


def _grid(doc: DocxDocument, headers: list[str], cells: list[str], rows: str, widths: list[float]) -> None:
    """A ruled table: a header row, then one row per item of ``rows`` (docxtpl's ``{%tr for %}``)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for i, width in enumerate(widths):
        table.columns[i].width = Mm(width)
    for i, header in enumerate(headers):
        table.cell(0, i).paragraphs[0].add_run(header).bold = True
        table.cell(0, i).paragraphs[0].alignment = CENTER
    table.cell(1, 0).paragraphs[0].add_run("{%tr for r in " + rows + " %}")
    for i, cell in enumerate(cells):
        table.cell(2, i).paragraphs[0].add_run(cell)
    table.cell(3, 0).paragraphs[0].add_run("{%tr endfor %}")
    for row in table.rows:
        for i, width in enumerate(widths):
            row.cells[i].width = Mm(width)
            for paragraph in row.cells[i].paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(12)


def _signature(doc: DocxDocument) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.paragraphs[0].add_run("{{ recipients_title }}").bold = True
    left.paragraphs[0].runs[0].italic = True
    left.add_paragraph("{%p for r in recipients %}")
    left.add_paragraph("{{ r }}").runs[0].font.size = Pt(11)
    left.add_paragraph("{%p endfor %}")
    right.paragraphs[0].alignment = CENTER
    right.paragraphs[0].add_run("{{ signer_lines[0] }}").bold = True
    right.add_paragraph("{%p for line in signer_lines[1:] %}")
    extra = right.add_paragraph()
    extra.alignment = CENTER
    extra.add_run("{{ line }}").bold = True
    right.add_paragraph("{%p endfor %}")
    for _ in range(4):
        right.add_paragraph("")
    name = right.add_paragraph()
    name.alignment = CENTER
    name.add_run("{{ signer_name }}").bold = True


def decision() -> DocxDocument:
    doc = _document()
    _para(doc, "{{ draft_mark }}", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True, size=12)
    _header(doc)
    _para(doc, "QUYẾT ĐỊNH", align=CENTER, bold=True)
    _para(doc, "{{ subject }}", align=CENTER, bold=True)
    _para(doc, "{{ authority }}", align=CENTER, bold=True)
    _loop(doc, "b in bases", lambda: _para(doc, "{{ b }}", align=JUSTIFY, italic=True, indent=True))
    _para(doc, "QUYẾT ĐỊNH:", align=CENTER, bold=True)
    _loop(doc, "a in articles", lambda: _para(doc, "{{ a }}", align=JUSTIFY, indent=True))
    _signature(doc)
    doc.add_page_break()  # type: ignore[no-untyped-call]
    _loop(doc, "line in annex_heading", lambda: _para(doc, "{{ line }}", align=CENTER, bold=True))
    _grid(
        doc,
        ["{{ list_headers[0] }}", "{{ list_headers[1] }}", "{{ list_headers[2] }}", "{{ list_headers[3] }}"],
        ["{{ r.stt }}", "{{ r.name }}", "{{ r.detail }}", "{{ r.reward }}"],
        "list_rows",
        [14, 60, 60, 31],
    )
    return doc


def bloc_minutes() -> DocxDocument:
    doc = _document()
    _header(doc)
    _para(doc, "BIÊN BẢN", align=CENTER, bold=True)
    _para(doc, "{{ title }}", align=CENTER, bold=True)
    _loop(doc, "p in opening", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _para(doc, "I. ĐƠN VỊ THAM DỰ", bold=True)
    _loop(doc, "u in present", lambda: _para(doc, "- {{ u }}", indent=True))
    _para(doc, "II. KẾT QUẢ CHẤM ĐIỂM", bold=True)
    _grid(
        doc,
        ["Hạng", "Đơn vị", "Điểm", "Số phiếu chấm"],
        ["{{ r.rank }}", "{{ r.unit }}", "{{ r.score }}", "{{ r.sheets }}"],
        "scores",
        [15, 95, 25, 30],
    )
    _para(doc, "III. KẾT QUẢ BỎ PHIẾU BÌNH XÉT", bold=True)
    _grid(
        doc,
        ["STT", "Đề nghị", "Phiếu đồng ý", "Kết quả"],
        ["{{ r.stt }}", "{{ r.nominee }}", "{{ r.votes }}", "{{ r.outcome }}"],
        "votes",
        [14, 80, 30, 41],
    )
    _para(doc, "IV. Ý KIẾN CỦA TRƯỞNG KHỐI VÀ ĐỀ NGHỊ KHEN THƯỞNG", bold=True)
    _loop(doc, "p in conclusions", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _loop(doc, "u in proposed", lambda: _para(doc, "- {{ u }}", indent=True))
    _para(doc, "{{ closing }}", align=JUSTIFY, indent=True)
    _signature(doc)
    return doc


def proposal() -> DocxDocument:
    doc = _document()
    _header(doc)
    _para(doc, "TỜ TRÌNH", align=CENTER, bold=True)
    _para(doc, "{{ subject }}", align=CENTER, bold=True)
    _para(doc, "{{ addressee }}", align=CENTER)
    _loop(doc, "b in bases", lambda: _para(doc, "{{ b }}", align=JUSTIFY, italic=True, indent=True))
    _para(doc, "I. ĐỀ NGHỊ KHEN THƯỞNG THEO HÌNH THỨC", bold=True)
    _loop(doc, "f in forms", lambda: _para(doc, "- {{ f }}", indent=True))
    _para(doc, "II. KẾT QUẢ THẨM ĐỊNH", bold=True)
    _loop(doc, "p in appraisal", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _para(doc, "III. KẾT QUẢ XÉT CỦA HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG TỈNH", bold=True)
    _loop(doc, "p in council", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _grid(
        doc,
        ["STT", "Tên tập thể, cá nhân", "Hình thức", "Kết quả bỏ phiếu"],
        ["{{ r.stt }}", "{{ r.nominee }}", "{{ r.award }}", "{{ r.result }}"],
        "rows",
        [14, 65, 50, 36],
    )
    _para(doc, "{{ closing }}", align=JUSTIFY, indent=True)
    _signature(doc)
    return doc


def council_minutes() -> DocxDocument:
    doc = _document()
    _header(doc)
    _para(doc, "BIÊN BẢN", align=CENTER, bold=True)
    _para(doc, "{{ title }}", align=CENTER, bold=True)
    _loop(doc, "p in opening", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _para(doc, "I. THÀNH VIÊN DỰ HỌP VÀ PHIẾU BẰNG VĂN BẢN", bold=True)
    _loop(doc, "p in attendance", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _para(doc, "II. KẾT QUẢ BỎ PHIẾU KÍN", bold=True)
    _para(doc, "{{ ballot_note }}", align=JUSTIFY, italic=True, indent=True)
    _grid(
        doc,
        [
            "STT",
            "Tên tập thể, cá nhân",
            "Hình thức",
            "Đồng ý / tổng số thành viên",
            "Tỉ lệ",
            "Ngưỡng",
            "Kết quả",
        ],
        [
            "{{ r.stt }}",
            "{{ r.nominee }}",
            "{{ r.award }}",
            "{{ r.votes }}",
            "{{ r.percent }}",
            "{{ r.threshold }}",
            "{{ r.outcome }}",
        ],
        "rows",
        [13, 40, 30, 24, 17, 22, 19],
    )
    # NĐ 152/2025 Điều 44 k2: the posting, the comments and their answers are stated in the minutes.
    _para(doc, "III. CÔNG KHAI DANH SÁCH VÀ Ý KIẾN CỦA NHÂN DÂN", bold=True)
    _loop(doc, "p in public_posting", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _para(doc, "IV. KẾT LUẬN", bold=True)
    _loop(doc, "p in conclusions", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _signature(doc)
    return doc


# --- NĐ 152/2025 steps (issue 19) ---


def national_letter() -> DocxDocument:
    """The công văn that covers a proposal of national awards to the Bộ Nội vụ (Điều 33 k11–k12)."""
    doc = _document()
    _header(doc)
    _para(doc, "{{ subject_line }}", size=12)
    _para(doc, "{{ addressee }}", align=CENTER)
    _loop(doc, "p in paragraphs", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _grid(
        doc,
        ["STT", "Họ tên / tên tập thể", "Chức vụ, đơn vị"],
        ["{{ r.stt }}", "{{ r.name }}", "{{ r.detail }}"],
        "rows",
        [14, 70, 81],
    )
    _para(doc, "{{ deadline_note }}", italic=True, size=12)
    _para(doc, "{{ closing }}", align=JUSTIFY, indent=True)
    _signature(doc)
    return doc


def annulment() -> DocxDocument:
    """The decision that annuls an award (Điều 56): its grounds, the awardees, what is to be recovered."""
    doc = _document()
    _header(doc)
    _para(doc, "QUYẾT ĐỊNH", align=CENTER, bold=True)
    _para(doc, "{{ subject }}", align=CENTER, bold=True)
    _para(doc, "{{ authority }}", align=CENTER, bold=True)
    _loop(doc, "b in bases", lambda: _para(doc, "{{ b }}", align=JUSTIFY, italic=True, indent=True))
    _para(doc, "QUYẾT ĐỊNH:", align=CENTER, bold=True)
    _loop(doc, "a in articles", lambda: _para(doc, "{{ a }}", align=JUSTIFY, indent=True))
    _grid(
        doc,
        ["STT", "Họ tên / tên tập thể", "Lý do", "Tiền thưởng thu hồi"],
        ["{{ r.stt }}", "{{ r.name }}", "{{ r.ground }}", "{{ r.amount }}"],
        "rows",
        [14, 55, 66, 30],
    )
    _signature(doc)
    return doc


def notice() -> DocxDocument:
    doc = _document()
    _header(doc)
    _para(doc, "THÔNG BÁO", align=CENTER, bold=True)
    _para(doc, "{{ subject }}", align=CENTER, bold=True)
    _loop(doc, "p in opening", lambda: _para(doc, "{{ p }}", align=JUSTIFY, indent=True))
    _grid(
        doc,
        ["Đơn vị", "Tên tập thể, cá nhân", "Hình thức", "Kết quả"],
        ["{{ r.unit }}", "{{ r.nominee }}", "{{ r.award }}", "{{ r.outcome }}"],
        "rows",
        [45, 50, 35, 35],
    )
    _para(doc, "{{ closing }}", align=JUSTIFY, indent=True)
    _signature(doc)
    return doc


BUILDERS: dict[str, Callable[[], DocxDocument]] = {
    "quyet-dinh": decision,
    "bien-ban-khoi": bloc_minutes,
    "to-trinh": proposal,
    "bien-ban-hoi-dong": council_minutes,
    "thong-bao": notice,
    "cong-van-trinh": national_letter,
    "quyet-dinh-huy-bo": annulment,
}


def build_all(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, build in BUILDERS.items():
        doc = build()
        doc.core_properties.author = "thidua-workflow"
        doc.core_properties.title = kind
        target = folder / f"{kind}.docx"
        doc.save(str(target))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(path)
