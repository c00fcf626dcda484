"""The Cờ thi đua's layout proof: what the embroiderer needs, the 850 × 650 mm red flag drawn to scale."""

from __future__ import annotations

import io
import math
import unicodedata

from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from thidua_workflow.certificates.documents import PDF_AUTHOR, PDF_LANGUAGE, FlagProof
from thidua_workflow.certificates.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, one_at_a_time, register_fonts
from thidua_workflow.domain.text import vietnamese_date

FLAG_W_MM, FLAG_H_MM = 850.0, 650.0
RED, GOLD = HexColor("#c8102e"), HexColor("#ffd200")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _centred_fit(
    canvas: Canvas, text: str, font: str, size: float, min_size: float, width: float, x: float, y: float
) -> float:
    """Draw one line centred, shrinking it to fit; returns the size used (lines wrap beforehand)."""
    while size > min_size and stringWidth(text, font, size) > width:
        size -= 0.5
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)
    return size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    path = canvas.beginPath()
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.382
        angle = math.pi / 2 + k * math.pi / 5
        point = (cx + r * math.cos(angle), cy + r * math.sin(angle))
        if k == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


@one_at_a_time
def render_flag_proof(flag: FlagProof, *, invariant: bool = False) -> bytes:
    register_fonts()
    page_w, page_h = landscape(A4)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(page_w, page_h),
        invariant=1 if invariant else 0,
        lang=PDF_LANGUAGE,
        initialFontName=SERIF,
    )
    unit = _nfc(flag.unit_name)
    canvas.setTitle(_nfc(f"Mẫu Cờ thi đua — {unit}"))
    canvas.setAuthor(PDF_AUTHOR)
    canvas.setSubject("Cờ thi đua của Ủy ban nhân dân tỉnh")
    canvas.setCreator(PDF_AUTHOR)

    scale = 5.0  # 1:5 fits 850 × 650 mm on A4 landscape with room for the notes
    w, h = FLAG_W_MM / scale * mm, FLAG_H_MM / scale * mm
    x0, y0 = (page_w - w) / 2, 30 * mm
    canvas.setFont(SERIF_BOLD, 14)
    canvas.setFillColor(black)
    canvas.drawCentredString(page_w / 2, page_h - 14 * mm, "MẪU CỜ THI ĐUA — BẢN DUYỆT THÊU")
    canvas.setFont(SERIF, 11)
    canvas.drawCentredString(
        page_w / 2,
        page_h - 20 * mm,
        f"Cờ hai lớp, nền đỏ, chữ và sao thêu vàng; kích thước 850 × 650 mm; tỉ lệ bản vẽ 1:{scale:g}",
    )

    canvas.setFillColor(RED)
    canvas.rect(x0, y0, w, h, stroke=0, fill=1)
    canvas.setFillColor(GOLD)
    province = f"ỦY BAN NHÂN DÂN TỈNH {_nfc(flag.province_name).upper()}"
    text_w = w - 16 * mm
    cx = x0 + w / 2
    _centred_fit(canvas, province, SERIF_BOLD, 17, 10, text_w, cx, y0 + h - 18 * mm)
    _centred_fit(canvas, "TẶNG", SERIF_BOLD, 15, 10, text_w, cx, y0 + h - 27 * mm)
    _star(canvas, cx, y0 + h - 45 * mm, 13 * mm)
    _centred_fit(
        canvas, "ĐƠN VỊ DẪN ĐẦU PHONG TRÀO THI ĐUA", SERIF_BOLD, 17, 10, text_w, cx, y0 + h - 70 * mm
    )
    size = 19.0
    lines = _wrap(unit.upper(), SERIF_BOLD, size, text_w)
    while len(lines) > 2 and size > 11:
        size -= 1
        lines = _wrap(unit.upper(), SERIF_BOLD, size, text_w)
    y = y0 + h * 0.34
    for line in lines:
        _centred_fit(canvas, line, SERIF_BOLD, size, 9, text_w, cx, y)
        y -= size * 1.25
    _centred_fit(canvas, f"NĂM {flag.year}", SERIF_BOLD, 16, 10, text_w, cx, y0 + h * 0.1)

    canvas.setFillColor(black)
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.5)
    canvas.line(x0, y0 - 6 * mm, x0 + w, y0 - 6 * mm)
    canvas.setFont(SERIF, 10)
    canvas.drawCentredString(cx, y0 - 11 * mm, "850 mm")
    canvas.line(x0 + w + 6 * mm, y0, x0 + w + 6 * mm, y0 + h)
    canvas.saveState()
    canvas.translate(x0 + w + 11 * mm, y0 + h / 2)
    canvas.rotate(90)
    canvas.drawCentredString(0, 0, "650 mm")
    canvas.restoreState()
    canvas.setFont(SERIF_ITALIC, 11)
    canvas.drawCentredString(
        page_w / 2,
        12 * mm,
        _nfc(
            f"Theo Quyết định số {flag.decision_number_text} {vietnamese_date(flag.decision_date)} của Chủ tịch Ủy ban nhân dân tỉnh {flag.province_name}"
        ),
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
