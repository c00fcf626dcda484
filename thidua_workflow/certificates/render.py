"""Drawing a Bằng khen on a page: the full design on white paper, or only the variable fields on a
pre-printed blank (phôi), plus the calibration sheet that lines a printer up with the blanks.

Text is NFC before it is measured or drawn. A field that does not fit its box even at its minimum size
raises ``TextDoesNotFit`` naming the awardee and the field: nothing is half-printed.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import segno
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from thidua_workflow.certificates.documents import PDF_AUTHOR, PDF_LANGUAGE
from thidua_workflow.certificates.fonts import (
    SERIF,
    SERIF_BOLD,
    SERIF_BOLD_ITALIC,
    SERIF_ITALIC,
    one_at_a_time,
    register_fonts,
)
from thidua_workflow.certificates.layout import VARIABLE_FIELDS, Box, Layout, TextField
from thidua_workflow.errors import InputRejected

FONTS = {"regular": SERIF, "bold": SERIF_BOLD, "italic": SERIF_ITALIC, "bold_italic": SERIF_BOLD_ITALIC}
Mode = Literal["full", "preprinted"]


class TextDoesNotFit(InputRejected):
    """A name or achievement too long for its box even at the smallest readable size."""


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate, already worded."""

    awardee: str  # for error messages: who this certificate is for
    issuer: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH"
    name: str
    detail: str  # person: position and unit; household: address; collective: ""
    achievement: str
    decision: str  # "Quyết định số 162/QĐ-UBND, ngày 21 tháng 01 năm 2020"
    golden_book: str  # "Số sổ vàng: 1"
    place_date: str  # "Quảng Bình, ngày 21 tháng 01 năm 2020"
    signer_title: str  # "CHỦ TỊCH" or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    signer_name: str
    code: str  # the verification code, printed under the QR
    verify_url: str  # what the QR code holds
    title: str = "BẰNG KHEN"
    give: str = "TẶNG"
    national_title: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str = "Độc lập - Tự do - Hạnh phúc"

    def text(self, key: str) -> str:
        value = {"code": f"Mã xác thực: {self.code}"}.get(key) or str(getattr(self, key))
        return unicodedata.normalize("NFC", value)


@dataclass(frozen=True)
class RenderOptions:
    mode: Mode = "full"
    emblem: Path | None = None  # the national emblem image; without it none on an issued certificate
    offset_mm: tuple[float, float] = (0.0, 0.0)  # the printer's shift, for pre-printed blanks
    invariant: bool = False
    metadata: dict[str, str] = field(default_factory=dict)
    preview: bool = False  # a preview may show a stand-in for a missing emblem, marked as a preview


def fit(text: str, font: str, spec: TextField) -> tuple[float, list[str]] | None:
    """The largest size from ``spec.size`` down to ``spec.min_size`` at which the text fits its box."""
    width = spec.w_mm * mm
    height = spec.h_mm * mm
    paragraphs = text.split("\n")
    size = spec.size
    while size >= spec.min_size - 1e-9:
        lines: list[str] = []
        for paragraph in paragraphs:
            lines.extend(_wrap(paragraph, font, size, width))
        if (
            len(lines) <= spec.max_lines
            and len(lines) * size * spec.leading <= height + 0.5
            and all(stringWidth(line, font, size) <= width + 0.01 for line in lines)
        ):
            return size, lines
        size -= 0.5
    return None


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words = text.split()
    if not words:
        return [""]
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if stringWidth(candidate, font, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _draw_text(
    canvas: Canvas, key: str, text: str, spec: TextField, awardee: str, offset: tuple[float, float]
) -> None:
    if not text.strip():
        return
    font = FONTS[spec.style]
    fitted = fit(text, font, spec)
    if fitted is None:
        raise TextDoesNotFit(
            f"Bằng khen của '{awardee}': nội dung ô '{key}' quá dài, không vừa khung {spec.w_mm:g} × {spec.h_mm:g} mm "
            f"dù đã thu nhỏ tới cỡ chữ {spec.min_size:g} pt; hãy rút gọn nội dung hoặc sửa mẫu bằng."
        )
    size, lines = fitted
    canvas.setFillColor(HexColor(spec.color))
    canvas.setFont(font, size)
    line_height = size * spec.leading
    block = line_height * len(lines)
    x0 = (spec.x_mm + offset[0]) * mm
    top = (spec.y_mm + offset[1]) * mm + (spec.h_mm * mm + block) / 2
    for i, line in enumerate(lines):
        baseline = top - line_height * i - size * 0.95
        if spec.align == "left":
            canvas.drawString(x0, baseline, line)
        elif spec.align == "right":
            canvas.drawRightString(x0 + spec.w_mm * mm, baseline, line)
        else:
            canvas.drawCentredString(x0 + spec.w_mm * mm / 2, baseline, line)


def draw_qr(canvas: Canvas, content: str, box: Box, offset: tuple[float, float]) -> None:
    """The QR matrix as one path of horizontal runs: a fraction of the cost of ReportLab's widget."""
    # A fixed mask and no error-level boosting: searching for either costs more than the rest of the page.
    qr = segno.make(content, error="m", micro=False, mask=4, boost_error=False)
    rows = list(qr.matrix)
    size = len(rows) + 8  # four modules of quiet zone on each side
    module = min(box.w_mm, box.h_mm) * mm / size
    x0 = (box.x_mm + offset[0]) * mm + 4 * module
    y_top = (box.y_mm + offset[1]) * mm + min(box.w_mm, box.h_mm) * mm - 4 * module
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x0 + start * module, y_top - (r + 1) * module, (c - start) * module, module)
            else:
                c += 1
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_frame(canvas: Canvas, layout: Layout) -> None:
    """Double rules around the inner frame, a band of small lozenges, and corner rosettes."""
    frame = layout.frame
    page_w, page_h = layout.paper.width_mm, layout.paper.height_mm
    ix = (page_w - frame.inner_width_mm) / 2
    iy = (page_h - frame.inner_height_mm) / 2
    band = frame.band_mm
    gold, red = HexColor(frame.color), HexColor(frame.accent)
    canvas.setStrokeColor(gold)
    canvas.setLineWidth(2.2)
    canvas.rect(
        (ix - band) * mm,
        (iy - band) * mm,
        (frame.inner_width_mm + 2 * band) * mm,
        (frame.inner_height_mm + 2 * band) * mm,
    )
    canvas.setLineWidth(0.8)
    canvas.rect(
        (ix - band + 1.6) * mm,
        (iy - band + 1.6) * mm,
        (frame.inner_width_mm + 2 * band - 3.2) * mm,
        (frame.inner_height_mm + 2 * band - 3.2) * mm,
    )
    canvas.setLineWidth(1.4)
    canvas.rect(ix * mm, iy * mm, frame.inner_width_mm * mm, frame.inner_height_mm * mm)
    # The band: lozenges every 8 mm along the middle line of the band.
    path = canvas.beginPath()
    mid = band / 2
    step = 8.0
    for x, y in _band_points(
        ix - mid, iy - mid, frame.inner_width_mm + band, frame.inner_height_mm + band, step
    ):
        r = 2.0
        path.moveTo((x - r) * mm, y * mm)
        path.lineTo(x * mm, (y + r) * mm)
        path.lineTo((x + r) * mm, y * mm)
        path.lineTo(x * mm, (y - r) * mm)
        path.close()
    canvas.setFillColor(gold)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColor(red)
    for cx, cy in (
        (ix - mid, iy - mid),
        (ix + frame.inner_width_mm + mid, iy - mid),
        (ix - mid, iy + frame.inner_height_mm + mid),
        (ix + frame.inner_width_mm + mid, iy + frame.inner_height_mm + mid),
    ):
        canvas.circle(cx * mm, cy * mm, 4.2 * mm, stroke=0, fill=1)
        canvas.setFillColor(gold)
        _star(canvas, cx, cy, 3.2)
        canvas.setFillColor(red)


def _band_points(x: float, y: float, w: float, h: float, step: float) -> Iterable[tuple[float, float]]:
    count_w = max(1, int(w // step))
    count_h = max(1, int(h // step))
    for i in range(1, count_w):
        px = x + w * i / count_w
        yield px, y
        yield px, y + h
    for j in range(1, count_h):
        py = y + h * j / count_h
        yield x, py
        yield x + w, py


def _star(canvas: Canvas, cx_mm: float, cy_mm: float, radius_mm: float) -> None:
    path = canvas.beginPath()
    for k in range(10):
        r = radius_mm if k % 2 == 0 else radius_mm * 0.382
        angle = math.pi / 2 + k * math.pi / 5
        x, y = (cx_mm + r * math.cos(angle)) * mm, (cy_mm + r * math.sin(angle)) * mm
        if k == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


PREVIEW_MARK = "BẢN XEM TRƯỚC — không dùng để cấp"


def _draw_emblem(canvas: Canvas, box: Box, image: Path | None, *, preview: bool) -> None:
    """The configured emblem image; without one, nothing on an issued certificate (no stand-in for the
    national emblem), and a marked stand-in on a preview."""
    if image is None and not preview:
        return
    if image is not None:
        canvas.drawImage(
            str(image),
            box.x_mm * mm,
            box.y_mm * mm,
            box.w_mm * mm,
            box.h_mm * mm,
            mask="auto",
            preserveAspectRatio=True,
        )
        return
    # A placeholder of the emblem's size and place: gold ring, red disc, gold star.
    cx, cy = box.x_mm + box.w_mm / 2, box.y_mm + box.h_mm / 2
    radius = min(box.w_mm, box.h_mm) / 2
    canvas.setFillColor(HexColor("#d4a017"))
    canvas.circle(cx * mm, cy * mm, radius * mm, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#c00000"))
    canvas.circle(cx * mm, cy * mm, radius * 0.78 * mm, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffd700"))
    _star(canvas, cx, cy, radius * 0.6)
    canvas.setFillColor(HexColor("#c00000"))
    canvas.setFont(SERIF_BOLD, 9)
    canvas.drawCentredString(cx * mm, (box.y_mm - 4) * mm, PREVIEW_MARK)


def draw_certificate(canvas: Canvas, data: CertificateData, layout: Layout, options: RenderOptions) -> None:
    """One page. Full design draws everything; a pre-printed blank gets only the variable fields."""
    full = options.mode == "full"
    offset = (0.0, 0.0) if full else options.offset_mm
    if full:
        canvas.setFillColor(white)
        _draw_frame(canvas, layout)
        _draw_emblem(canvas, layout.emblem, options.emblem, preview=options.preview)
        motto = layout.fields["motto"]
        font = FONTS[motto.style]
        fitted = fit(data.motto, font, motto)
        if fitted:
            size, _lines = fitted
            width = stringWidth(data.motto, font, size)
            cx = (motto.x_mm + motto.w_mm / 2) * mm
            canvas.setStrokeColor(black)
            canvas.setLineWidth(0.6)
            canvas.line(cx - width / 2, motto.y_mm * mm, cx + width / 2, motto.y_mm * mm)
    for key, spec in layout.fields.items():
        if full or key in VARIABLE_FIELDS:
            _draw_text(canvas, key, data.text(key), spec, data.awardee, offset)
    draw_qr(canvas, data.verify_url, layout.qr, offset)


def _canvas(buffer: io.BytesIO, layout: Layout, title: str, options: RenderOptions) -> Canvas:
    register_fonts()
    canvas = Canvas(
        buffer,
        pagesize=(layout.paper.width_mm * mm, layout.paper.height_mm * mm),
        invariant=1 if options.invariant else 0,
        lang=PDF_LANGUAGE,
        pageCompression=1,
        initialFontName=SERIF,  # else every page names an unembedded Helvetica
        initialFontSize=12,
    )
    canvas.setTitle(unicodedata.normalize("NFC", title))
    canvas.setAuthor(PDF_AUTHOR)
    canvas.setSubject(options.metadata.get("subject", "Bằng khen"))
    canvas.setCreator(PDF_AUTHOR)
    if "keywords" in options.metadata:
        canvas.setKeywords(options.metadata["keywords"])
    return canvas


@one_at_a_time
def render_certificate(data: CertificateData, layout: Layout, options: RenderOptions) -> bytes:
    """One certificate as its own PDF; its verification code is also in the PDF's keywords."""
    buffer = io.BytesIO()
    meta = {"subject": data.title.capitalize(), "keywords": f"thidua-verify:{data.code}", **options.metadata}
    opts = RenderOptions(
        options.mode, options.emblem, options.offset_mm, options.invariant, meta, options.preview
    )
    canvas = _canvas(buffer, layout, f"{data.title.capitalize()} — {data.name}", opts)
    draw_certificate(canvas, data, layout, opts)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@one_at_a_time
def render_batch(
    items: Sequence[CertificateData], layout: Layout, options: RenderOptions, title: str
) -> bytes:
    """Every certificate of a decision in one print file, one page each."""
    buffer = io.BytesIO()
    canvas = _canvas(buffer, layout, title, options)
    for data in items:
        draw_certificate(canvas, data, layout, options)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@one_at_a_time
def render_calibration(
    layout: Layout, offset_mm: tuple[float, float] = (0.0, 0.0), *, invariant: bool = False
) -> bytes:
    """Each variable field's box and a crosshair at its corner, shifted like the printer: print it on a
    blank, hold it to the light, and adjust the offset until the boxes sit where the blank expects text."""
    buffer = io.BytesIO()
    options = RenderOptions(
        mode="preprinted", offset_mm=offset_mm, invariant=invariant, metadata={"subject": "Căn chỉnh máy in"}
    )
    canvas = _canvas(buffer, layout, f"Tờ căn chỉnh máy in — {layout.name}", options)
    dx, dy = offset_mm
    canvas.setFont(SERIF, 9)
    boxes: dict[str, Any] = {**{k: layout.fields[k] for k in VARIABLE_FIELDS if k != "code"}, "qr": layout.qr}
    for key, box in boxes.items():
        x, y = (box.x_mm + dx) * mm, (box.y_mm + dy) * mm
        canvas.setStrokeColor(HexColor("#0050c8"))
        canvas.setDash(3, 2)
        canvas.rect(x, y, box.w_mm * mm, box.h_mm * mm)
        canvas.setDash()
        canvas.line(x - 4 * mm, y, x + 4 * mm, y)
        canvas.line(x, y - 4 * mm, x, y + 4 * mm)
        canvas.setFillColor(HexColor("#0050c8"))
        canvas.drawString(x + 1 * mm, y + 1 * mm, f"{key} ({box.x_mm + dx:g}; {box.y_mm + dy:g}) mm")
    canvas.setFillColor(black)
    canvas.setFont(SERIF, 11)
    canvas.drawString(
        15 * mm,
        10 * mm,
        f"Mẫu {layout.name}, {layout.paper.label}; độ lệch máy in: x {dx:+g} mm, y {dy:+g} mm",
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
