"""1,000 Bằng khen: PDFs per second in one process, with the process pool, and against bare ReportLab.

The baseline, measured in the same run, draws the same strings in the same fonts on a blank page of the
same size with bare ReportLab (no layout, no fitting, no border, no QR). Targets (issue 5): the pool
≥ 1.7× one process on 2 cores; one process ≥ 0.6× the baseline; 1,000 certificates well under 15 s.
Usage: ``python bench/certificates.py [COUNT]``.
"""

from __future__ import annotations

import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from thidua_workflow.certificates.fonts import SERIF, register_fonts
from thidua_workflow.certificates.layout import Layout, load_layout
from thidua_workflow.certificates.render import FONTS, CertificateData, RenderOptions, render_certificate

SAMPLE = CertificateData(
    awardee="",
    issuer="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH",
    name="",
    detail="Chánh Văn phòng Hội Người cao tuổi tỉnh, Hội Người cao tuổi tỉnh Quảng Bình",
    achievement="Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2019",
    decision="Quyết định số 162/QĐ-UBND, ngày 21 tháng 01 năm 2020",
    golden_book="",
    place_date="Quảng Bình, ngày 21 tháng 01 năm 2020",
    signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    signer_name="Trần Thị Thử",
    code="",
    verify_url="",
)


def item(i: int) -> CertificateData:
    code = f"ABCD-EFGH-{i:04d}"[:14].replace("0", "A") + "-QRST"
    return replace(
        SAMPLE,
        awardee=f"Nguyễn Văn Mẫu Số {i}",
        name=f"Nguyễn Văn Mẫu Số {i}",
        golden_book=f"Số sổ vàng: {i}",
        code=code,
        verify_url=f"https://thiduakhenthuong.quangbinh.gov.vn/verify/{code}",
    )


def ours(items: list[CertificateData], layout: Layout) -> int:
    options = RenderOptions()
    return sum(len(render_certificate(d, layout, options)) for d in items)


def bare(items: list[CertificateData], layout: Layout) -> int:
    """Bare ReportLab: every string of the certificate, each in its field's font and size, at a fixed
    place on a blank page of the same paper — no border, emblem, fitting or QR code."""
    register_fonts()
    total = 0
    for d in items:
        buffer = io.BytesIO()
        canvas = Canvas(
            buffer, pagesize=(layout.paper.width_mm * mm, layout.paper.height_mm * mm), initialFontName=SERIF
        )
        for key, spec in layout.fields.items():
            canvas.setFont(FONTS[spec.style], spec.size)
            for n, line in enumerate(d.text(key).split("\n")):
                canvas.drawCentredString(
                    (spec.x_mm + spec.w_mm / 2) * mm, (spec.y_mm + 2) * mm - n * spec.size, line
                )
        canvas.showPage()
        canvas.save()
        total += len(buffer.getvalue())
    return total


def _chunk(args: tuple[int, int]) -> int:
    start, stop = args
    return ours([item(i) for i in range(start, stop)], load_layout("bang-khen-a3"))


def pooled(count: int, workers: int) -> int:
    step = max(1, count // (workers * 8))
    chunks = [(i, min(i + step, count)) for i in range(0, count, step)]
    with ProcessPoolExecutor(max_workers=workers, initializer=register_fonts) as pool:
        return sum(pool.map(_chunk, chunks))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    layout = load_layout("bang-khen-a3")
    register_fonts()
    items = [item(i) for i in range(count)]
    ours(items[:5], layout)  # warm up: font subsetting caches, imports
    started = time.perf_counter()
    bare(items, layout)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    size = ours(items, layout)
    single = time.perf_counter() - started
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    pooled(count, workers)
    pool = time.perf_counter() - started
    print(f"{count} Bằng khen, A3, full design with QR (average {size // count:,} bytes)")
    print(f"  bare ReportLab baseline:  {count / baseline:7.1f} PDFs/s")
    print(
        f"  one process:              {count / single:7.1f} PDFs/s   ratio to baseline {baseline / single:.2f} (target ≥ 0.6)"
    )
    print(
        f"  pool of {workers} processes:      {count / pool:7.1f} PDFs/s   ratio to one process {single / pool:.2f} (target ≥ 1.7)"
    )
    print(f"  {count} with the pool in {pool:.1f} s (target well under 15 s for 1,000)")


if __name__ == "__main__":
    main()
