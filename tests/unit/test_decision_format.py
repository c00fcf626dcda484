"""The decision as NĐ 30/2020/NĐ-CP and the law of its date want it: checked in the PDF, not against
earlier output. Bases by the decision's date and province; lines, page numbers and wording by the decree."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.pdf_tools import info, rules, text, words
from thidua_workflow.certificates.decision_pdf import render_decision
from thidua_workflow.certificates.documents import DecisionDocument, DecisionListItem
from thidua_workflow.domain.policy import bundled_policy
from thidua_workflow.domain.text import position_and_unit

MM = 72 / 25.4
QB = bundled_policy("quang-binh")
QT = bundled_policy("quang-tri")


def _joined(lines: list[str]) -> str:
    return " | ".join(lines)


def test_a_2020_quang_binh_decision_cites_the_texts_of_its_day_in_order() -> None:
    """January 2020: the 2015 local-government law (its 2019 amendment is in force only from 01/7/2020),
    the 2003 law with its amendments, NĐ 91/2017 with its real title, then Quảng Bình's QĐ 35/2019."""
    lines = QB.basis_lines(date(2020, 1, 21))
    assert len(lines) == 4
    assert lines[0] == "Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015"
    assert lines[1].startswith("Luật Thi đua, Khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003; ")
    assert "ngày 14 tháng 6 năm 2005" in lines[1] and "ngày 16 tháng 11 năm 2013" in lines[1]
    assert lines[2] == (
        "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành "
        "một số điều của Luật Thi đua, khen thưởng"
    )
    assert lines[3].startswith(
        "Quyết định số 35/2019/QĐ-UBND ngày 11 tháng 11 năm 2019 của Ủy ban nhân dân tỉnh"
    )
    assert "47/2019/QH14" not in _joined(lines)


def test_from_july_2020_the_amending_local_government_law_is_cited_too() -> None:
    lines = QB.basis_lines(date(2020, 7, 1))
    assert lines[0].startswith("Luật Tổ chức chính quyền địa phương số 77/2015/QH13")
    assert "47/2019/QH14 ngày 22 tháng 11 năm 2019" in lines[0]
    assert "47/2019/QH14" not in _joined(QB.basis_lines(date(2020, 6, 30)))


def test_2024_decisions_cite_the_2022_law_and_nd_98_and_not_the_old_texts() -> None:
    lines = _joined(QB.basis_lines(date(2024, 5, 10)))
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022" in lines
    assert "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023" in lines
    for old in ("15/2003/QH11", "91/2017/NĐ-CP", "35/2019/QĐ-UBND"):
        assert old not in lines


def test_after_the_2025_reform_the_new_laws_and_nd_152_are_cited() -> None:
    lines = _joined(QT.basis_lines(date(2025, 9, 15)))
    assert "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025" in lines
    assert "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp" in lines
    for old in ("77/2015/QH13", "98/2023/NĐ-CP", "65/2025/QH15"):
        assert old not in lines
    assert "65/2025/QH15" in _joined(QT.basis_lines(date(2025, 4, 1)))


def test_nd_152_is_cited_by_its_full_title() -> None:
    """The title as the decree's own text gives it (NĐ 152/2025/NĐ-CP, its heading)."""
    assert (
        "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, phân "
        "quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều của "
        "Luật Thi đua, khen thưởng"
    ) in QT.basis_lines(date(2025, 12, 18))


def test_a_dossier_in_transition_is_decided_under_nd_98_with_the_laws_of_the_decisions_date() -> None:
    """NĐ 152/2025 Điều 60 k3: a dossier received before 01/7/2025 is appraised, proposed and decided under
    NĐ 98/2023. Its December 2025 decision cites NĐ 98/2023 and its circular, not NĐ 152/2025, but the
    local-government law of December 2025."""
    period = QT.period_by_code("nd-98-2023")
    lines = _joined(QT.basis_lines(date(2025, 12, 18), period))
    assert "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023" in lines
    assert "Thông tư số 01/2024/TT-BNV" in lines
    assert "152/2025/NĐ-CP" not in lines
    assert "72/2025/QH15" in lines and "77/2015/QH13" not in lines
    current = QT.period_by_code("nd-152-2025")
    assert QT.basis_lines(date(2025, 12, 18), current) == QT.basis_lines(date(2025, 12, 18))


def test_every_basis_has_a_source_and_a_status() -> None:
    for policy in (QB, QT):
        assert policy.legal_bases
        for basis in policy.legal_bases:
            assert basis.source.strip() and basis.status
            assert " ngày " in basis.citation and " số " in f" {basis.citation}"


def test_the_position_line_never_repeats_the_unit() -> None:
    unit = "Hội Người mù tỉnh Quảng Bình"
    assert (
        position_and_unit("Phó Chủ tịch Hội Người mù tỉnh", unit)
        == "Phó Chủ tịch Hội Người mù tỉnh Quảng Bình"
    )
    assert (
        position_and_unit("Chủ tịch Hội Người mù tỉnh Quảng Bình", unit)
        == "Chủ tịch Hội Người mù tỉnh Quảng Bình"
    )
    assert position_and_unit("Kế toán", unit) == "Kế toán, Hội Người mù tỉnh Quảng Bình"
    assert position_and_unit(None, unit) == unit
    assert position_and_unit("Kế toán", None) == "Kế toán"


def _doc(kinds: tuple[str, ...] = ("person",), count: int = 40, **changes: object) -> DecisionDocument:
    items = [
        DecisionListItem(
            i + 1, f"Nguyễn Văn Thử {i + 1}", kinds[i % len(kinds)], "Kế toán, Hội Người mù tỉnh", 4_470_000
        )
        for i in range(count)
    ]
    doc = DecisionDocument(
        issuing_body="Ủy ban nhân dân tỉnh Quảng Bình",
        province_name="Quảng Bình",
        number_text="163/QĐ-UBND",
        decision_date=date(2020, 1, 21),
        award_name="Chiến sĩ thi đua cấp tỉnh",
        legal_basis=QB.basis_lines(date(2020, 1, 21)),
        proposal_ref="12/TTr-SNV",
        reason_line="Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2019",
        items=items,
        signer_title="CHỦ TỊCH",
        signer_name="Trần Văn Ký",
        is_title=True,
        proposal_date=date(2020, 1, 15),
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def long_decision(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("qd") / "qd.pdf"
    # Many recipients push the signature to a second page: the decision has two pages, then the annex.
    recipients = ["Như Điều 3"] + [f"Sở, ban, ngành số {i:02d}" for i in range(1, 25)] + ["Lưu: VT, SNV"]
    path.write_bytes(render_decision(_doc(count=60, recipients=recipients)))
    return path


def test_titles_are_awarded_as_danh_hieu_and_the_proposal_has_its_number_and_date(
    long_decision: Path,
) -> None:
    body = " ".join(text(long_decision).split())
    assert "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in body
    assert "Điều 1. Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh cho 60 cá nhân" in body
    assert "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 15 tháng 01 năm 2020." in body
    assert "Quảng Bình, ngày 21 tháng 01 năm 2020" in body
    # Điều 2 states the total in words of prose ("đồng"), not the table's abbreviation "đ".
    assert re.search(r"tổng số tiền thưởng là [\d.]+ đồng, trích từ Quỹ", body), body
    bang_khen = _doc(award_name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", is_title=False, count=3)
    assert "Về việc tặng Bằng khen của Chủ tịch" in " ".join(text_of(bang_khen).split())
    assert "danh hiệu Bằng khen" not in text_of(bang_khen)


def text_of(doc: DecisionDocument, tmp: Path | None = None) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qd.pdf"
        path.write_bytes(render_decision(doc))
        return text(path)


def test_the_annex_heading_says_what_the_list_holds() -> None:
    persons = " ".join(text_of(_doc(("person",), 3)).split())
    assert "Các cá nhân được tặng danh hiệu" in persons and "Tên cá nhân" in persons
    assert "tập thể" not in persons.split("DANH SÁCH")[1]
    mixed = _doc(
        ("collective", "household"),
        4,
        award_name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        is_title=False,
    )
    words_ = " ".join(text_of(mixed).split())
    assert "Các tập thể, hộ gia đình được tặng Bằng khen" in words_
    assert "I. TẬP THỂ" in words_ and "II. HỘ GIA ĐÌNH" in words_
    assert "cá nhân" not in words_.split("DANH SÁCH")[1]


def _line_of(
    page: list[tuple[str, float, float, float, float]], first: str, last: str
) -> tuple[float, float, float]:
    """(x0, x1, bottom) of the line that starts with the word ``first`` and ends with ``last``."""
    start = next(w for w in page if w[0] == first)
    end = next(w for w in page if w[0] == last and abs(w[2] - start[2]) < 2)
    return start[1], end[3], start[4]


def test_the_lines_under_the_motto_and_the_issuing_body(long_decision: Path, tmp_path: Path) -> None:
    """NĐ 30/2020: under the motto a line as long as the motto; under the issuing body a line of 1/3–1/2
    of its text, centred under it (each within 1 mm)."""
    page = words(long_decision)
    found = rules(long_decision, tmp_path, until_pt=200)
    motto_x0, motto_x1, motto_bottom = _line_of(page, "Độc", "phúc")
    motto_rule = next(r for r in found if r[0] > motto_bottom and r[1] > motto_x0 - 10 * MM)
    assert abs((motto_rule[2] - motto_rule[1]) - (motto_x1 - motto_x0)) < 1 * MM
    assert abs((motto_rule[1] + motto_rule[2]) / 2 - (motto_x0 + motto_x1) / 2) < 1 * MM
    body_x0, body_x1, _body_bottom = _line_of(page, "ỦY", "DÂN")
    tinh_x0, tinh_x1, tinh_bottom = _line_of(page, "TỈNH", "BÌNH")
    text_x0, text_x1 = min(body_x0, tinh_x0), max(body_x1, tinh_x1)
    body_rule = next(r for r in found if r[0] > tinh_bottom and r[2] < motto_x0)
    length = body_rule[2] - body_rule[1]
    assert (text_x1 - text_x0) / 3 <= length <= (text_x1 - text_x0) / 2
    assert abs((body_rule[1] + body_rule[2]) / 2 - (text_x0 + text_x1) / 2) < 1 * MM


def test_page_numbers_in_the_top_margin_none_on_the_first_page_and_the_annex_numbered_alone(
    long_decision: Path,
) -> None:
    pages = int(info(long_decision)["Pages"])
    assert pages >= 4  # the decision, then an annex of several pages
    top_margin = 20 * MM
    numbers = {}
    for page in range(1, pages + 1):
        top = [w for w in words(long_decision, page=page) if w[4] <= top_margin]
        numbers[page] = top
    assert numbers[1] == []
    so = next(w for w in words(long_decision) if w[0] == "Số:")
    annex_first = next(
        p for p in range(2, pages + 1) if "DANH" in [w[0] for w in words(long_decision, page=p)]
    )
    assert annex_first == 3
    assert numbers[annex_first] == []  # the annex's first page is its page 1
    expected = {2: "2", **{page: str(page - annex_first + 1) for page in range(annex_first + 1, pages + 1)}}
    for page, label in expected.items():
        [(number, x0, y0, x1, y1)] = numbers[page]
        assert number == label
        # 13–14 pt: measured against the 13 pt "Số:" of the header, in the same font.
        assert 13 <= 13 * (y1 - y0) / (so[4] - so[2]) <= 14
        text_centre = 30 * MM + (210 * MM - 48 * MM) / 2
        assert abs((x0 + x1) / 2 - text_centre) < 1 * MM


@pytest.mark.parametrize("extra_bases", [0, 1, 2, 3, 4])
def test_the_signature_never_stands_alone_on_its_page(tmp_path: Path, extra_bases: int) -> None:
    """Whatever the length of the text above it, the signer's page also holds text of the decision: the
    demo's 162 (four recipients, a two-line title) once put the signature block alone on page 2."""
    bases = QB.basis_lines(date(2020, 1, 21)) + [f"Văn bản bổ sung số {i}" for i in range(extra_bases)]
    doc = _doc(
        kinds=("collective", "collective", "collective", "person"),
        count=4,
        legal_basis=bases,
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        signer_name="Trần Thị Thử",
    )
    path = tmp_path / "qd.pdf"
    path.write_bytes(render_decision(doc))
    pages = int(info(path)["Pages"])
    signer_page = next(p for p in range(1, pages + 1) if "Thử" in text(path, page=p).split("DANH SÁCH")[0])
    before_signature = text(path, page=signer_page).split("Nơi nhận")[0]
    assert "Điều" in before_signature, f"page {signer_page} holds only the signature block"
