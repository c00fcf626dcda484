"""The Quyết định as a PDF in the state's document format (Nghị định 30/2020/NĐ-CP), with its list.

A4 portrait, Times-like serif (the bundled Liberation Serif), the two-column header, the preamble of the
policy period in force, three articles, recipients and the signature block; then the attached list as a
table that breaks across pages with its header row repeated.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from thidua_workflow.certificates.documents import PDF_AUTHOR, PDF_LANGUAGE, DecisionDocument
from thidua_workflow.certificates.fonts import SERIF, SERIF_BOLD, one_at_a_time, register_fonts
from thidua_workflow.domain.text import money_vnd, vietnamese_date

KIND_GROUPS = (
    ("collective", "TẬP THỂ", "tập thể"),
    ("person", "CÁ NHÂN", "cá nhân"),
    ("household", "HỘ GIA ĐÌNH", "hộ gia đình"),
)
ROMAN = ("I", "II", "III")
# Tables used only to place columns; the font keeps ReportLab from naming an unembedded Helvetica.
LAYOUT_TABLE: list[tuple[object, ...]] = [
    ("FONTNAME", (0, 0), (-1, -1), SERIF),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _style(
    name: str,
    size: float = 13.5,
    *,
    align: int = TA_LEFT,
    bold: bool = False,
    italic: bool = False,
    **kw: Any,
) -> ParagraphStyle:
    font = SERIF_BOLD if bold else SERIF
    if italic:
        font = "TdSerif-BoldItalic" if bold else "TdSerif-Italic"
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.3, alignment=align, **kw)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    escaped = _nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def _count(n: int, noun: str) -> str:
    return f"{n:02d} {noun}"


def _counts(doc: DecisionDocument) -> str:
    parts = [
        _count(sum(1 for i in doc.items if i.kind == kind), noun)
        for kind, _h, noun in KIND_GROUPS
        if any(i.kind == kind for i in doc.items)
    ]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _header(doc: DecisionDocument, width: float) -> Table:
    province = _nfc(doc.province_name).upper()
    center = _style("hc", 13, align=TA_CENTER, bold=True)
    left = [
        _p("ỦY BAN NHÂN DÂN", center),
        _p(f"TỈNH {province}", center),
        HRFlowable(width="30%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
        _p(f"Số: {doc.number_text or '…/QĐ-UBND'}", _style("num", 13, align=TA_CENTER)),
    ]
    day = vietnamese_date(doc.decision_date) if doc.decision_date else "ngày … tháng … năm …"
    right = [
        _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _style("rc", 12.5, align=TA_CENTER, bold=True)),
        _p("Độc lập - Tự do - Hạnh phúc", _style("motto", 13.5, align=TA_CENTER, bold=True)),
        HRFlowable(width="52%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
        _p(f"{_nfc(doc.province_name)}, {day}", _style("date", 13.5, align=TA_CENTER, italic=True)),
    ]
    table = Table([[left, right]], colWidths=[width * 0.4, width * 0.6])
    table.setStyle(TableStyle(LAYOUT_TABLE))
    return table


class _SignatureSpace(Spacer):  # type: ignore[misc]
    """The blank left for signature and seal; notes where it fell (page, box in points) when drawn, for
    the visible stamp of a digital signature."""

    def __init__(self, height: float, spots: list[tuple[int, tuple[int, int, int, int]]] | None) -> None:
        super().__init__(1, height)
        self.spots = spots

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return self.width, self.height

    def draw(self) -> None:
        if self.spots is not None:
            x, y = self.canv.absolutePosition(0, 0)
            box = (round(x), round(y), round(x + self.width), round(y + self.height))
            self.spots.append((self.canv.getPageNumber() - 1, box))


def _signature(
    doc: DecisionDocument, width: float, spots: list[tuple[int, tuple[int, int, int, int]]] | None = None
) -> Table:
    small = _style("nn", 11)
    recipients: list[Flowable] = [_p("Nơi nhận:", _style("nnh", 12, bold=True, italic=True))]
    recipients += [
        _p(f"- {r};" if i < len(doc.recipients) - 1 else f"- {r}.", small)
        for i, r in enumerate(doc.recipients)
    ]
    center_bold = _style("sig", 13.5, align=TA_CENTER, bold=True)
    if doc.signer_title == "PHÓ CHỦ TỊCH":
        title: list[Flowable] = [_p("KT. CHỦ TỊCH", center_bold), _p("PHÓ CHỦ TỊCH", center_bold)]
    else:
        title = [_p(doc.signer_title or "CHỦ TỊCH", center_bold)]
    sign = [*title, _SignatureSpace(30 * mm, spots), _p(doc.signer_name or "", center_bold)]
    table = Table([[recipients, sign]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle(LAYOUT_TABLE))
    return table


def _list_table(doc: DecisionDocument, width: float) -> Table:
    head = _style("th", 12, align=TA_CENTER, bold=True)
    cell = _style("td", 12)
    number = _style("tdn", 12, align=TA_RIGHT)
    center = _style("tdc", 12, align=TA_CENTER)
    group = _style("tg", 12, bold=True)
    rows: list[list[Any]] = [
        [
            _p("STT", head),
            _p("Tên tập thể, cá nhân", head),
            _p("Chức vụ, đơn vị / Địa chỉ", head),
            _p("Tiền thưởng (đồng)", head),
        ]
    ]
    style: list[tuple[Any, ...]] = []
    groups = [(kind, heading) for kind, heading, _n in KIND_GROUPS if any(i.kind == kind for i in doc.items)]
    for g, (kind, heading) in enumerate(groups):
        style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        rows.append([_p(f"{ROMAN[g]}. {heading}", group), "", "", ""])
        for item in (i for i in doc.items if i.kind == kind):
            rows.append(
                [
                    _p(str(item.ordinal), center),
                    _p(item.name, cell),
                    _p(item.detail or "", cell),
                    _p(money_vnd(item.reward).removesuffix(" đ"), number),
                ]
            )
    rows.append(
        [
            "",
            _p("Tổng cộng", group),
            "",
            _p(money_vnd(doc.total_reward).removesuffix(" đ"), _style("tot", 12, align=TA_RIGHT, bold=True)),
        ]
    )
    table = Table(rows, colWidths=[width * 0.09, width * 0.36, width * 0.35, width * 0.20], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SERIF),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *style,
            ]
        )
    )
    return table


class _Document(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, buffer: io.BytesIO, doc: DecisionDocument, invariant: bool) -> None:
        title = (
            f"Quyết định số {doc.number_text} — {doc.award_name}"
            if doc.number_text
            else f"Dự thảo quyết định — {doc.award_name}"
        )
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=30 * mm,
            rightMargin=18 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=_nfc(title),
            author=PDF_AUTHOR,
            subject=_nfc(doc.award_name),
            creator=PDF_AUTHOR,
            lang=PDF_LANGUAGE,
            invariant=1 if invariant else 0,
            initialFontName=SERIF,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._page_number)])

    @staticmethod
    def _page_number(canvas: Any, document: Any) -> None:
        if document.page > 1:
            canvas.setFont(SERIF, 12)
            canvas.drawCentredString(A4[0] / 2 + 6 * mm, A4[1] - 12 * mm, str(document.page))


@one_at_a_time
def render_decision(
    doc: DecisionDocument,
    *,
    invariant: bool = False,
    signature_spots: list[tuple[int, tuple[int, int, int, int]]] | None = None,
) -> bytes:
    """The decision and its list. With ``signature_spots`` (a list the page and box of the signature's
    blank are appended to) it is the copy the signer signs: an unnumbered one is not marked a draft."""
    register_fonts()
    buffer = io.BytesIO()
    document = _Document(buffer, doc, invariant)
    width = document.width
    body = _style("body", 13.5, align=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4)
    preamble = _style("pre", 13.5, align=TA_JUSTIFY, italic=True, firstLineIndent=10 * mm, spaceAfter=2)
    center_bold = _style("cb", 14, align=TA_CENTER, bold=True)
    province = _nfc(doc.province_name).upper()
    story: list[Flowable] = []
    if doc.number_text is None and signature_spots is None:
        story.append(_p("(Dự thảo)", _style("draft", 12, align=TA_RIGHT, italic=True)))
    story += [
        _header(doc, width),
        Spacer(1, 8 * mm),
        _p("QUYẾT ĐỊNH", _style("qd", 14, align=TA_CENTER, bold=True)),
        _p(f"Về việc tặng {doc.award_name}", center_bold),
        HRFlowable(width="25%", thickness=0.6, color=colors.black, spaceBefore=2, spaceAfter=6),
        _p(f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {province}", center_bold),
        Spacer(1, 4 * mm),
    ]
    story += [_p(f"Căn cứ {line};", preamble) for line in doc.legal_basis]
    if doc.proposal_ref:
        story.append(_p(f"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số {doc.proposal_ref}.", preamble))
    story += [Spacer(1, 3 * mm), _p("QUYẾT ĐỊNH:", center_bold), Spacer(1, 3 * mm)]
    nouns = [noun for kind, _h, noun in KIND_GROUPS if any(i.kind == kind for i in doc.items)]
    each = ", ".join(nouns)
    story.append(
        Paragraph(
            f"<b>Điều 1.</b> Tặng {_esc(doc.award_name)} cho {_counts(doc)} (có danh sách kèm theo), "
            f"{_esc(_first_lower(doc.reason_line))}.",
            body,
        )
    )
    story.append(
        Paragraph(
            f"<b>Điều 2.</b> Mỗi {each} được tặng {_esc(doc.award_name)} kèm theo mức tiền thưởng theo quy định; "
            f"tổng số tiền thưởng là {money_vnd(doc.total_reward)}, trích từ Quỹ thi đua, khen thưởng của tỉnh.",
            body,
        )
    )
    story.append(
        Paragraph(
            "<b>Điều 3.</b> Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính, "
            "Thủ trưởng các cơ quan, đơn vị liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách "
            "nhiệm thi hành Quyết định này./.",
            body,
        )
    )
    story += [Spacer(1, 6 * mm), KeepTogether([_signature(doc, width, signature_spots)]), PageBreak()]
    day = vietnamese_date(doc.decision_date) if doc.decision_date else "ngày … tháng … năm …"
    number = doc.number_text or "…/QĐ-UBND"
    story += [
        _p("DANH SÁCH", _style("ds", 14, align=TA_CENTER, bold=True)),
        _p(f"Các tập thể, cá nhân được tặng {doc.award_name}", center_bold),
        _p(
            f"(Kèm theo Quyết định số {number} {day} của Chủ tịch Ủy ban nhân dân tỉnh {_nfc(doc.province_name)})",
            _style("ktqd", 13, align=TA_CENTER, italic=True),
        ),
        HRFlowable(width="25%", thickness=0.6, color=colors.black, spaceBefore=2, spaceAfter=6),
        _list_table(doc, width),
    ]
    document.build(story)
    return buffer.getvalue()


def _esc(text: str) -> str:
    return _nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
