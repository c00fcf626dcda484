"""Certificates drawn from layouts: the words come back exactly, fonts embedded, text fits or says so."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from tests.pdf_tools import fonts, info, is_nfc, qpdf_ok, qr_codes, text
from thidua_workflow.certificates.layout import load_layout
from thidua_workflow.certificates.render import (
    CertificateData,
    RenderOptions,
    TextDoesNotFit,
    render_batch,
    render_calibration,
    render_certificate,
)

LAYOUT = load_layout("bang-khen-a3")
DATA = CertificateData(
    awardee="Phạm Thị Minh Chứng",
    issuer="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH",
    name="Phạm Thị Minh Chứng",
    detail="Chánh Văn phòng Hội Người cao tuổi tỉnh, Hội Người cao tuổi tỉnh Quảng Bình",
    achievement="Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2019",
    decision="Quyết định số 162/QĐ-UBND, ngày 21 tháng 01 năm 2020",
    golden_book="Số sổ vàng: 4",
    place_date="Quảng Bình, ngày 21 tháng 01 năm 2020",
    signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    signer_name="Trần Thị Thử",
    code="ABCD-EFGH-JKLM-NPQR",
    verify_url="https://thiduakhenthuong.quangbinh.gov.vn/verify/ABCD-EFGH-JKLM-NPQR",
)


def _write(tmp_path: Path, data: bytes, name: str = "bang.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_every_line_comes_back_exactly_with_embedded_fonts(tmp_path: Path) -> None:
    pdf = _write(tmp_path, render_certificate(DATA, LAYOUT, RenderOptions()))
    words = text(pdf)
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH",
        "TẶNG",
        "BẰNG KHEN",
        "Phạm Thị Minh Chứng",
        "Quyết định số 162/QĐ-UBND, ngày 21 tháng 01 năm 2020",
        "Số sổ vàng: 4",
        "Quảng Bình, ngày 21 tháng 01 năm 2020",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Thị Thử",
    ):
        assert line in words, line
    assert is_nfc(words)
    used = fonts(pdf)
    assert used and all(embedded for _name, embedded in used), used
    assert not any("Helvetica" in name or "Times" in name for name, _e in used)
    assert qpdf_ok(pdf)
    meta = info(pdf)
    assert meta["Title"] == "Bằng khen — Phạm Thị Minh Chứng"
    assert meta["Author"] == "thidua-workflow"
    assert meta["Page size"].startswith("1190.55 x 841.89")  # A3 landscape in points
    assert b"/Lang (vi-VN)" in pdf.read_bytes()


def test_nfd_input_prints_nfc(tmp_path: Path) -> None:
    nfd = replace(DATA, name=unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết"))
    words = text(_write(tmp_path, render_certificate(nfd, LAYOUT, RenderOptions())))
    assert "Nguyễn Thị Ánh Tuyết" in words
    assert unicodedata.normalize("NFD", "Nguyễn") not in words


def test_the_qr_code_holds_the_verify_url(tmp_path: Path) -> None:
    pdf = _write(tmp_path, render_certificate(DATA, LAYOUT, RenderOptions()))
    assert qr_codes(pdf, tmp_path) == [DATA.verify_url]


def test_every_verification_code_fits_even_the_widest(tmp_path: Path) -> None:
    """Codes are random base32: one of thousands is all W and M (a 9,050-certificate run met one)."""
    for code in ("WWWW-WWWW-WWWW-WWWW", "MMMM-MMMM-MMMM-MMMM", "IIII-IIII-IIII-IIII"):
        pdf = _write(tmp_path, render_certificate(replace(DATA, code=code), LAYOUT, RenderOptions()))
        assert f"Mã xác thực: {code}" in text(pdf)


def test_long_names_wrap_and_shrink_but_not_below_the_minimum(tmp_path: Path) -> None:
    long_name = "Hội Nạn nhân chất độc da cam/dioxin và Bảo trợ người khuyết tật, trẻ mồ côi tỉnh Quảng Bình"
    pdf = _write(tmp_path, render_certificate(replace(DATA, name=long_name), LAYOUT, RenderOptions()))
    assert " ".join(text(pdf).split()).count("Bảo trợ người khuyết tật") == 1
    too_long = replace(DATA, awardee="Đơn vị thử", achievement="Đã có thành tích xuất sắc " * 40)
    with pytest.raises(TextDoesNotFit, match=r"Đơn vị thử.*'achievement'"):
        render_certificate(too_long, LAYOUT, RenderOptions())


def test_invariant_output_is_byte_identical() -> None:
    first = render_certificate(DATA, LAYOUT, RenderOptions(invariant=True))
    assert first == render_certificate(DATA, LAYOUT, RenderOptions(invariant=True))


def test_preprinted_blanks_get_only_the_variable_fields(tmp_path: Path) -> None:
    pdf = _write(
        tmp_path, render_certificate(DATA, LAYOUT, RenderOptions(mode="preprinted", offset_mm=(1.5, -0.5)))
    )
    words = text(pdf)
    assert "Phạm Thị Minh Chứng" in words
    assert "Số sổ vàng: 4" in words
    for preprinted in ("BẰNG KHEN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TẶNG"):
        assert preprinted not in words


def test_calibration_sheet_marks_every_variable_field(tmp_path: Path) -> None:
    pdf = _write(tmp_path, render_calibration(LAYOUT, (1.5, -0.5)))
    words = text(pdf)
    for key in (
        "name",
        "detail",
        "achievement",
        "decision",
        "golden_book",
        "place_date",
        "signer_name",
        "qr",
    ):
        assert f"{key} (" in words
    assert "x +1.5 mm, y -0.5 mm" in words
    assert qpdf_ok(pdf)


def test_batch_has_one_page_per_certificate(tmp_path: Path) -> None:
    items = [replace(DATA, name=f"Người thứ {i}") for i in range(5)]
    pdf = _write(tmp_path, render_batch(items, LAYOUT, RenderOptions(), "In hàng loạt"))
    assert info(pdf)["Pages"] == "5"
    assert "Người thứ 4" in text(pdf, page=5)


def test_threads_drawing_at_once_get_what_one_thread_gets() -> None:
    """Two registrars at once in the web app's threads: ReportLab keeps each document's font subset on the
    shared font objects, and unguarded threads raise IndexError/KeyError or mix their glyphs."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    letters = "ẮẰẲẴẶẤẦẨẪẬỨỪỬỮỰỐỒỔỖỘỚỜỞỠỢ"
    items = [
        replace(DATA, name=f"Nguyễn Văn {letters[i % 25]}{letters[(i * 7) % 25].lower()} Số {i}")
        for i in range(120)
    ]
    options = RenderOptions(invariant=True)
    alone = [render_certificate(d, LAYOUT, options) for d in items]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            together = list(pool.map(lambda d: render_certificate(d, LAYOUT, options), items))
    finally:
        sys.setswitchinterval(interval)
    assert together == alone


def _emblem_colours(pdf: Path, tmp_path: Path) -> set[tuple[int, int, int]]:
    """The distinct colours inside the emblem's box, from the rendered page."""
    import subprocess

    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", str(pdf), str(tmp_path / "e")], check=True)
    image = Image.open(tmp_path / "e.png").convert("RGB")
    box, (page_w, page_h) = LAYOUT.emblem, image.size
    scale = page_w / LAYOUT.paper.width_mm
    left, right = int(box.x_mm * scale), int((box.x_mm + box.w_mm) * scale)
    top, bottom = int(page_h - (box.y_mm + box.h_mm) * scale), int(page_h - box.y_mm * scale)
    return {image.getpixel((x, y)) for x in range(left, right) for y in range(top, bottom)}  # type: ignore[misc]


def test_an_issued_full_design_certificate_without_an_emblem_file_prints_no_stand_in(tmp_path: Path) -> None:
    """No drawn stand-in for the national emblem on an issued certificate; a preview may show one, marked."""
    issued = _write(tmp_path, render_certificate(DATA, LAYOUT, RenderOptions(mode="full")), "issued.pdf")
    assert _emblem_colours(issued, tmp_path) == {(255, 255, 255)}
    assert "BẢN XEM TRƯỚC" not in text(issued)
    preview = _write(
        tmp_path, render_certificate(DATA, LAYOUT, RenderOptions(mode="full", preview=True)), "preview.pdf"
    )
    assert len(_emblem_colours(preview, tmp_path)) > 1
    assert "BẢN XEM TRƯỚC — không dùng để cấp" in text(preview)


def test_preprinted_blanks_are_the_default_for_issuing() -> None:
    from thidua_workflow.domain.policy import CertificateRules, bundled_policy

    assert CertificateRules().mode == "preprinted"
    assert bundled_policy("quang-binh").certificates.mode == "preprinted"
