"""The real tools the PDF tests check with: pdftotext, pdffonts, qpdf, pdfinfo, pdftoppm, zbarimg."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path


def _run(*args: str) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr}"
    return done.stdout


def text(pdf: Path, *, layout: bool = False, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return _run(*args, str(pdf), "-")


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font the PDF uses."""
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    found = []
    for row in rows:
        parts = row.split()
        # name type [type2] encoding emb sub uni object ID: "emb" is the fifth column from the end.
        found.append((parts[0], parts[-5] == "yes"))
    return found


def qpdf_ok(pdf: Path) -> bool:
    done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True, check=False)
    return done.returncode == 0


def info(pdf: Path) -> dict[str, str]:
    lines = _run("pdfinfo", str(pdf)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines) if v}


def qr_codes(pdf: Path, tmp: Path, *, page: int = 1, dpi: int = 150) -> list[str]:
    prefix = tmp / f"qr-{page}"
    _run(
        "pdftoppm",
        "-png",
        "-r",
        str(dpi),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(prefix),
    )
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", f"{prefix}.png"], capture_output=True, text=True, check=False
    )
    return [line for line in done.stdout.splitlines() if line]


def is_nfc(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value)


def words(pdf: Path, *, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """Each word of a page with its box in PDF points from the top left: (word, x0, y0, x1, y1)."""
    import html
    import re

    out = _run("pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    )
    return [
        (html.unescape(w), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, w in pattern.findall(out)
    ]


def rules(
    pdf: Path, tmp: Path, *, page: int = 1, dpi: int = 144, min_pt: float = 20, until_pt: float = 300
) -> list[tuple[float, float, float]]:
    """Horizontal lines drawn on a page, found in its raster: (y, x0, x1) in points from the top left.

    A rule is a run of dark pixels at least ``min_pt`` long in one pixel row (text never makes such runs).
    """
    from PIL import Image

    prefix = tmp / f"rules-{page}"
    _run(
        "pdftoppm",
        "-gray",
        "-r",
        str(dpi),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(prefix),
    )
    image = Image.open(f"{prefix}.pgm")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    scale = 72 / dpi
    found: list[tuple[float, float, float]] = []
    for y in range(min(height, int(until_pt / scale))):
        x = 0
        while x < width:
            if pixels[x, y] < 128:
                start = x
                while x < width and pixels[x, y] < 128:
                    x += 1
                if (x - start) * scale >= min_pt:
                    found.append((y * scale, start * scale, x * scale))
            x += 1
    merged: list[tuple[float, float, float]] = []
    for rule in found:  # a rule several pixels thick is one rule
        if merged and abs(merged[-1][0] - rule[0]) <= 2 * scale and abs(merged[-1][1] - rule[1]) <= 2 * scale:
            continue
        merged.append(rule)
    return merged
