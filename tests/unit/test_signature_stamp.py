"""The visible stamp of a signature reads as written: letters at their own width, the whole time inside
the box. It once stood twice as wide, because pyHanko writes a glyph's width in the font's own units
(2,048 per em in Liberation Serif) where PDF reads thousandths of an em."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from tests.integration.test_signing import _self_signed
from tests.pdf_tools import words
from thidua_workflow.certificates.fonts import SERIF, register_fonts
from thidua_workflow.certificates.signing import SigningKey, Stamp, sign_pdf

SIGNER = "Trần Thị Thử"
BOX = (300, 600, 552, 677)


def _key(tmp_path: Path) -> SigningKey:
    path, _cert = _self_signed(tmp_path, SIGNER)
    return SigningKey(path.read_bytes(), b"mat-khau")


def test_the_stamp_reads_at_the_width_of_its_text_and_fits_its_box(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawString(72, 760, "Quyết định")
    canvas.save()
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(
        sign_pdf(buffer.getvalue(), _key(tmp_path), Stamp(BOX), reason="Ký quyết định", location="Quảng Bình")
    )
    # pdftotext reads each line of the stamp as one piece (pyHanko marks it with its actual text).
    found = {w[0].split(":")[0]: w for w in words(signed)}
    name_line, time_line = found["Ký số bởi"], found["Thời gian"]
    assert name_line[0] == f"Ký số bởi: {SIGNER}"
    register_fonts()
    expected = stringWidth(name_line[0], SERIF, 8)
    drawn = name_line[3] - name_line[1]
    assert abs(drawn - expected) < 0.1 * expected, (drawn, expected)
    assert time_line[0].endswith(f"/{datetime.date.today().year}"), time_line
    assert BOX[0] <= time_line[1] and time_line[3] <= BOX[2], (time_line, BOX)
