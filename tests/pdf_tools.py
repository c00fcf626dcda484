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
