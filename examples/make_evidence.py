"""Write the example evidence PDFs that the nomination files name (run once; the PDFs are committed).

Each is a one-page stand-in for the real document (Tờ trình, biên bản, báo cáo thành tích): its kind,
number, date and the submitting unit, in Vietnamese, so that `pdftotext` on a stored file shows what it
is. Needs a TrueType font that covers Vietnamese: DejaVu Serif from the system (Debian's fonts-dejavu).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from thidua_workflow.domain.enums import DocumentKind
from thidua_workflow.domain.text import nfc, vietnamese_date

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
HERE = Path(__file__).parent


def documents(data: dict[str, Any]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = list(data.get("documents") or [])
    docs += list(data.get("evidence") or [])
    for entry in data.get("nominations") or []:
        docs += list(entry.get("evidence") or [])
    return docs


def write_pdf(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setTitle(nfc(lines[0]))
    canvas.setFont("DejaVuSerif", 14)
    y = A4[1] - 90
    for line in lines:
        canvas.drawString(72, y, nfc(line))
        y -= 24
        canvas.setFont("DejaVuSerif", 11)
    canvas.drawString(72, 72, "Tài liệu minh họa cho ví dụ của thidua-workflow (nội dung hư cấu).")
    canvas.save()


def main() -> int:
    if not FONT.is_file():
        print(f"missing font {FONT} (apt install fonts-dejavu-core)", file=sys.stderr)
        return 1
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT)))
    written = 0
    for source in sorted(HERE.glob("*/nominations/*.yaml")):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        unit = data.get("unit", "")
        for doc in documents(data):
            target = source.parent / str(doc["file"])
            kind = DocumentKind(str(doc["kind"]))
            lines = [kind.label.upper(), str(doc.get("title") or "")]
            if doc.get("number"):
                lines.append(f"Số: {doc['number']}")
            if doc.get("dated"):
                lines.append(vietnamese_date(doc["dated"]))
            lines.append(f"Đơn vị: {unit or source.stem}")
            write_pdf(target, [line for line in lines if line])
            written += 1
    print(f"{written} PDF files written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
