"""Write the files of the Quảng Bình 2020 cycle (run once; the outputs are committed): each movement's
documents, every member unit's signed copy of the 2020 pledge, and Hội Người cao tuổi's registration as a
filled workbook (the other units register with YAML files).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import yaml
from make_evidence import FONT, write_pdf
from openpyxl import load_workbook
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from thidua_workflow.domain.movements import MovementDocumentKind
from thidua_workflow.domain.policy import bundled_policy
from thidua_workflow.domain.text import vietnamese_date
from thidua_workflow.registration_sheet import FIRST_ROW, registration_template

HERE = Path(__file__).parent / "quang-binh" / "year-2020"


def main() -> int:
    if not FONT.is_file():
        print(f"missing font {FONT} (apt install fonts-dejavu-core)", file=sys.stderr)
        return 1
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT)))
    for source in sorted(HERE.glob("movement-*.yaml")):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        for doc in data.get("documents", []):
            lines = [
                MovementDocumentKind(doc["kind"]).label.upper(),
                doc.get("title", ""),
                f"Số: {doc['number']}",
            ]
            lines.append(vietnamese_date(doc["dated"]))
            write_pdf(HERE / doc["file"], [line for line in lines if line])
    org = yaml.safe_load((HERE.parent / "org.yaml").read_text(encoding="utf-8"))
    names = {u["id"]: u["name"] for u in org["units"]}
    bloc = next(b for b in org["blocs"] if b["id"] == "qb-khoi-hoi-dac-thu")
    for member in bloc["members"]:
        unit = member["unit"]
        write_pdf(
            HERE / "evidence" / f"giao-uoc-2020-{unit}.pdf",
            [
                "GIAO ƯỚC THI ĐUA NĂM 2020",
                "Khối thi đua các hội đặc thù",
                f"Đơn vị ký: {names[unit]}",
                vietnamese_date(date(2020, 2, 20)),
            ],
        )
    period = bundled_policy("quang-binh").period_for(date(2020, 12, 31))
    target = HERE / "registrations" / "hoi-nguoi-cao-tuoi.xlsx"
    target.write_bytes(registration_template(period, "thi-dua-yeu-nuoc-2020", "qb-hoi-nct"))
    book = load_workbook(target)
    sheet = book["Đăng ký thi đua"]
    rows = [
        ("Tập thể", "Hội Người cao tuổi tỉnh Quảng Bình", None, "co_thi_dua_tinh"),
        ("Cá nhân", "Nguyễn Thị Gương Sáng", "Phó Chủ tịch Hội Người cao tuổi tỉnh", "chien_si_thi_dua_tinh"),
    ]
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            sheet.cell(FIRST_ROW + offset, col, value)
    book.save(target)
    print("files of the 2020 cycle written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
