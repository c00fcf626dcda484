"""The number and the date of a decision its signer signs before the registrar enters them (NĐ 30/2020:
the number and date come from the paper register, after signing).

The copy the signer signs carries them as empty text fields, in the blanks of "Số: …/QĐ-UBND" and of the
place-date line; at issue they are filled in an incremental update (value and appearance, drawn in the
document's own font): filling form fields after an approval signature is a permitted change, so the
signer's signature stays valid, and the office's seal signs after it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from thidua_workflow.domain.text import document_number, vietnamese_date

NUMBER = "SoQuyetDinh"
DAY = "NgayQuyetDinh"
MONTH = "ThangQuyetDinh"
YEAR = "NamQuyetDinh"
ANNEX = "PhuLuc"  # the same four again in the annex's heading: "SoQuyetDinhPhuLuc", …
BELOW = 0.25  # of the font size: how far a field's box reaches below the baseline of its line
HEIGHT = 1.2  # of the font size: the box's height


@dataclass(frozen=True)
class Blank:
    """A field in a line of text: its name, the font its value is drawn in, and how it sits in its box."""

    name: str
    font: str
    size: float
    sample: str  # as wide as the widest value it takes (the digits of Liberation Serif are all one width)
    align: str = "center"  # or "right": the number ends against "/QĐ-UBND"


def values(number: int, day: date) -> dict[str, str]:
    """The fields' values, the date as NĐ 30/2020 writes it ("ngày 05 tháng 01 năm 2020")."""
    _ngay, dd, _thang, mm, _nam, yyyy = vietnamese_date(day).split()
    filled = {NUMBER: document_number(number), DAY: dd, MONTH: mm, YEAR: yyyy}
    return filled | {name + ANNEX: value for name, value in filled.items()}


def _appearance(text: str, font: str, size: float, align: str, width: float, height: float) -> bytes:
    """A one-page PDF of the field's box with its value, the font embedded (subset) by ReportLab."""
    from reportlab.pdfgen.canvas import Canvas

    from thidua_workflow.certificates.fonts import register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    canvas.setFont(font, size)
    baseline = height * BELOW / HEIGHT
    if align == "right":
        canvas.drawRightString(width, baseline, text)
    else:
        canvas.drawCentredString(width / 2, baseline, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def has_blanks(pdf: bytes) -> bool:
    """Whether the PDF is a copy signed before its number: it has the number's field."""
    return _fields(_reader(pdf)).get(NUMBER) is not None


def _reader(pdf: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf), strict=False)


def _fields(handler: Any) -> dict[str, Any]:
    root = handler.root
    if "/AcroForm" not in root or "/Fields" not in root["/AcroForm"]:
        return {}
    found: dict[str, Any] = {}
    for ref in root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        found[str(field.get("/T"))] = ref
    return found


def fill(pdf: bytes, filled: dict[str, str], blanks: list[Blank]) -> bytes:
    """``pdf`` with its blanks filled, in an incremental update that leaves earlier signatures valid."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields = _fields(writer)
    for blank in blanks:
        ref = fields.get(blank.name)
        if ref is None or blank.name not in filled:
            continue
        field = ref.get_object()
        left, bottom, right, top = (float(v) for v in field["/Rect"])
        text = filled[blank.name]
        drawn = _appearance(text, blank.font, blank.size, blank.align, right - left, top - bottom)
        normal = writer.import_page_as_xobject(_reader(drawn), 0)
        field["/V"] = generic.TextStringObject(text)
        field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): normal})  # type: ignore[no-untyped-call]
        writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()
