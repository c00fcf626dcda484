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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from thidua_workflow.certificates.documents import PDF_AUTHOR, PDF_LANGUAGE, DecisionDocument
from thidua_workflow.certificates.fonts import (
    SERIF,
    SERIF_BOLD,
    SERIF_ITALIC,
    one_at_a_time,
    register_fonts,
)
from thidua_workflow.certificates.register_fields import ANNEX, BELOW, DAY, HEIGHT, MONTH, NUMBER, YEAR, Blank
from thidua_workflow.domain.delegation import award_signer_lines
from thidua_workflow.domain.text import group_digits, money_vnd, vietnamese_date

KIND_GROUPS = (
    ("collective", "TẬP THỂ", "tập thể"),
    ("person", "CÁ NHÂN", "cá nhân"),
    ("household", "HỘ GIA ĐÌNH", "hộ gia đình"),
)
ROMAN = ("I", "II", "III")
PAGE_NUMBER_SIZE = 13.5  # NĐ 30/2020: 13–14 pt, centred in the top margin, none on the first page
TOP_MARGIN = 20 * mm
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


class Rule(Flowable):  # type: ignore[misc]
    """A horizontal line of a given length, centred in the space it is given (a cell, the frame)."""

    def __init__(self, length: float, *, before: float = 1, after: float = 4) -> None:
        super().__init__()
        self.length = length
        self.before = before
        self.after = after
        self.avail = length

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.before + self.after

    def draw(self) -> None:
        left = (self.avail - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(left, self.after, left + self.length, self.after)


def _width(text: str, font: str, size: float) -> float:
    return float(stringWidth(_nfc(text), font, size))


NUMBER_SIZE = 13
DATE_SIZE = 13.5
ANNEX_SIZE = 13
# The blanks the registrar's number and date fill, in the copy signed before them.
BLANKS = [
    Blank(NUMBER, SERIF, NUMBER_SIZE, "0000", align="right"),
    Blank(DAY, SERIF_ITALIC, DATE_SIZE, "00"),
    Blank(MONTH, SERIF_ITALIC, DATE_SIZE, "00"),
    Blank(YEAR, SERIF_ITALIC, DATE_SIZE, "0000"),
    Blank(NUMBER + ANNEX, SERIF_ITALIC, ANNEX_SIZE, "0000", align="right"),
    *(
        Blank(name + ANNEX, SERIF_ITALIC, ANNEX_SIZE, sample)
        for name, sample in ((DAY, "00"), (MONTH, "00"), (YEAR, "0000"))
    ),
]
_BLANK = {b.name: b for b in BLANKS}


class _BlankLine(Flowable):  # type: ignore[misc]
    """A centred line of text with empty form fields in its blanks (the names of ``BLANKS``)."""

    def __init__(self, parts: list[str], font: str, size: float) -> None:
        super().__init__()
        self.parts = [_nfc(p) for p in parts]
        self.font = font
        self.size = size
        self.avail = 0.0

    def _width(self, part: str) -> float:
        blank = _BLANK.get(part)
        return _width(blank.sample, blank.font, blank.size) if blank else _width(part, self.font, self.size)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.size * 1.3

    def draw(self) -> None:
        canvas = self.canv
        x = (self.avail - sum(self._width(p) for p in self.parts)) / 2
        baseline = self.size * 0.3
        for part in self.parts:
            width = self._width(part)
            if part in _BLANK:
                canvas.acroForm.textfield(
                    name=part,
                    value="",
                    x=x,
                    y=baseline - self.size * BELOW,
                    width=width,
                    height=self.size * HEIGHT,
                    relative=True,
                    borderWidth=0,
                    fillColor=None,
                    borderColor=None,
                    fontSize=self.size,
                    maxlen=len(_BLANK[part].sample),
                )
            else:
                canvas.setFont(self.font, self.size)
                canvas.drawString(x, baseline, part)
            x += width


def _header(doc: DecisionDocument, width: float, blanks: bool = False) -> Table:
    province = _nfc(doc.province_name).upper()
    center = _style("hc", 13, align=TA_CENTER, bold=True)
    body_lines = ["ỦY BAN NHÂN DÂN", f"TỈNH {province}"]
    body_width = max(_width(line, SERIF_BOLD, 13) for line in body_lines)
    motto = "Độc lập - Tự do - Hạnh phúc"
    left: list[Flowable] = [
        *(_p(line, center) for line in body_lines),
        # NĐ 30/2020: under the issuing body, a line of 1/3 to 1/2 of its text, centred under it.
        Rule(body_width * 0.4),
        _BlankLine(["Số: ", NUMBER, "/QĐ-UBND"], SERIF, NUMBER_SIZE)
        if blanks
        else _p(f"Số: {doc.number_text or '…/QĐ-UBND'}", _style("num", NUMBER_SIZE, align=TA_CENTER)),
    ]
    day = vietnamese_date(doc.decision_date) if doc.decision_date else "ngày … tháng … năm …"
    right: list[Flowable] = [
        _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _style("rc", 12.5, align=TA_CENTER, bold=True)),
        _p(motto, _style("motto", 13.5, align=TA_CENTER, bold=True)),
        # NĐ 30/2020: under the motto, a line as long as the motto.
        Rule(_width(motto, SERIF_BOLD, 13.5)),
        _BlankLine(
            [f"{doc.province_name}, ngày ", DAY, " tháng ", MONTH, " năm ", YEAR], SERIF_ITALIC, DATE_SIZE
        )
        if blanks
        else _p(f"{_nfc(doc.province_name)}, {day}", _style("date", DATE_SIZE, align=TA_CENTER, italic=True)),
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
    recipients += [_p(line, small) for line in recipient_lines(doc)]
    center_bold = _style("sig", 13.5, align=TA_CENTER, bold=True)
    title: list[Flowable] = [_p(line, center_bold) for line in signer_lines(doc)]
    sign = [*title, _SignatureSpace(30 * mm, spots), _p(doc.signer_name or "", center_bold)]
    table = Table([[recipients, sign]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle(LAYOUT_TABLE))
    return table


def _listed(doc: DecisionDocument) -> list[str]:
    """The kinds the list holds, as nouns in the order of the list: ["tập thể", "cá nhân"]."""
    return [noun for kind, _h, noun in KIND_GROUPS if any(i.kind == kind for i in doc.items)]


def _joined(nouns: list[str]) -> str:
    return ", ".join(nouns)


def list_rows(doc: DecisionDocument) -> tuple[list[str], list[tuple[str, str, str, str, str]]]:
    """The attached list's header and rows (row kind, STT, name, detail, reward): the PDF and the .docx
    print the same."""
    kinds = {i.kind for i in doc.items}
    name_head = "Tên " + _joined(_listed(doc))
    detail_head = " / ".join(
        label
        for kind, label in (("person", "Chức vụ, đơn vị"), ("household", "Địa chỉ"), ("collective", "Đơn vị"))
        if kind in kinds and (kind != "collective" or kinds == {"collective"})
    )
    headers = ["STT", name_head[:1].upper() + name_head[1:], detail_head, "Tiền thưởng (đồng)"]
    rows: list[tuple[str, str, str, str, str]] = []
    groups = [(kind, heading) for kind, heading, _n in KIND_GROUPS if kind in kinds]
    for g, (kind, heading) in enumerate(groups):
        if len(groups) > 1:
            rows.append(("group", "", f"{ROMAN[g]}. {heading}", "", ""))
        for item in (i for i in doc.items if i.kind == kind):
            serial = f"{item.ordinal:02d}" if item.ordinal < 10 else str(item.ordinal)
            rows.append(
                ("item", serial, item.name, item.detail or "", money_vnd(item.reward).removesuffix(" đ"))
            )
    rows.append(("total", "", "Tổng cộng", "", money_vnd(doc.total_reward).removesuffix(" đ")))
    return headers, rows


def _list_table(doc: DecisionDocument, width: float) -> Table:
    head = _style("th", 12, align=TA_CENTER, bold=True)
    cell = _style("td", 12)
    number = _style("tdn", 12, align=TA_RIGHT)
    center = _style("tdc", 12, align=TA_CENTER)
    group = _style("tg", 12, bold=True)
    total = _style("tot", 12, align=TA_RIGHT, bold=True)
    headers, data = list_rows(doc)
    rows: list[list[Any]] = [[_p(h, head) for h in headers]]
    style: list[tuple[Any, ...]] = []
    for kind, serial, name, detail, reward in data:
        if kind == "group":
            style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            rows.append([_p(name, group), "", "", ""])
        elif kind == "total":
            rows.append(["", _p(name, group), "", _p(reward, total)])
        else:
            rows.append([_p(serial, center), _p(name, cell), _p(detail, cell), _p(reward, number)])
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


def recipient_lines(doc: DecisionDocument) -> list[str]:
    return [f"- {r};" if i < len(doc.recipients) - 1 else f"- {r}." for i, r in enumerate(doc.recipients)]


def signer_lines(doc: DecisionDocument) -> list[str]:
    return award_signer_lines(doc.signer_title)


def word_context(doc: DecisionDocument) -> dict[str, Any]:
    """The decision's words for its Word template: the same text the PDF prints (a test compares them)."""
    day = vietnamese_date(doc.decision_date) if doc.decision_date else "ngày … tháng … năm …"
    headers, rows = list_rows(doc)
    bases = [f"Căn cứ {line};" for line in doc.legal_basis]
    if doc.proposal_ref:
        bases.append(f"Theo đề nghị của Giám đốc Sở Nội vụ tại {proposal_text(doc)}.")
    return {
        "draft_mark": "(Dự thảo)" if doc.number_text is None else "",
        "body_parent": "ỦY BAN NHÂN DÂN",
        "body_name": f"TỈNH {_nfc(doc.province_name).upper()}",
        "number_line": f"Số: {doc.number_text or '…/QĐ-UBND'}",
        "place_date": f"{_nfc(doc.province_name)}, {day}",
        "subject": f"Về việc tặng {doc.award_phrase}",
        "authority": f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {_nfc(doc.province_name).upper()}",
        "bases": bases,
        "articles": articles(doc),
        "recipients_title": "Nơi nhận:",
        "recipients": recipient_lines(doc),
        "signer_lines": signer_lines(doc),
        "signer_name": doc.signer_name or "",
        "annex_heading": annex_heading(doc),
        "list_headers": headers,
        "list_rows": [
            {"kind": kind, "stt": serial, "name": name, "detail": detail, "reward": reward}
            for kind, serial, name, detail, reward in rows
        ],
    }


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
            topMargin=TOP_MARGIN,
            bottomMargin=20 * mm,
            title=_nfc(title),
            author=PDF_AUTHOR,
            subject=_nfc(doc.award_name),
            creator=PDF_AUTHOR,
            lang=PDF_LANGUAGE,
            invariant=1 if invariant else 0,
            initialFontName=SERIF,
        )
        self.annex_first_page: int | None = None
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(id="page", frames=[frame], onPage=self._page_number),
                PageTemplate(id="annex", frames=[frame], onPage=self._page_number),
            ]
        )

    def _page_number(self, canvas: Any, document: Any) -> None:
        """The decision's pages from 2, the annex's from its own 2: centred over the text, in the top margin."""
        page = canvas.getPageNumber()
        first = 1
        if document.pageTemplate.id == "annex":
            first = self.annex_first_page or page
            self.annex_first_page = first
        number = page - first + 1
        if number > 1:
            canvas.setFont(SERIF, PAGE_NUMBER_SIZE)
            centre = self.leftMargin + self.width / 2
            canvas.drawCentredString(centre, A4[1] - TOP_MARGIN / 2 - PAGE_NUMBER_SIZE / 3, str(number))


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
    subject = f"Về việc tặng {doc.award_phrase}"
    story: list[Flowable] = []
    # The copy signed before its number: the registrar's number and date fill its blanks at issue.
    blanks = doc.number_text is None and signature_spots is not None
    if doc.number_text is None and signature_spots is None:
        story.append(_p("(Dự thảo)", _style("draft", 12, align=TA_RIGHT, italic=True)))
    story += [
        _header(doc, width, blanks),
        Spacer(1, 8 * mm),
        _p("QUYẾT ĐỊNH", _style("qd", 14, align=TA_CENTER, bold=True)),
        _p(subject, center_bold),
        # NĐ 30/2020: under the summary, a line of 1/3 to 1/2 of its length, centred.
        Rule(min(_width(subject, SERIF_BOLD, 14), width) * 0.4, before=2, after=6),
        _p(f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {province}", center_bold),
        Spacer(1, 4 * mm),
    ]
    story += [_p(f"Căn cứ {line};", preamble) for line in doc.legal_basis]
    if doc.proposal_ref:
        story.append(_p(f"Theo đề nghị của Giám đốc Sở Nội vụ tại {proposal_text(doc)}.", preamble))
    story += [Spacer(1, 3 * mm), _p("QUYẾT ĐỊNH:", center_bold), Spacer(1, 3 * mm)]
    paragraphs = [
        Paragraph(f"<b>{number}</b> {_esc(text)}", body)
        for number, _, text in (article.partition(" ") for article in articles(doc))
    ]
    # A page holding only the signature block is sent back (nothing on it shows what was signed): when
    # the block does not fit under the text, the last article goes over with it.
    story += paragraphs[:-1]
    story += [
        KeepTogether([*paragraphs[-1:], Spacer(1, 6 * mm), _signature(doc, width, signature_spots)]),
        NextPageTemplate("annex"),
        PageBreak(),
    ]
    heading: list[Flowable] = [
        _p(line, style) for line, style in zip(annex_heading(doc), _annex_styles(), strict=True)
    ]
    if blanks:
        heading[-1:] = [
            _BlankLine(
                [
                    "(Kèm theo Quyết định số ",
                    NUMBER + ANNEX,
                    "/QĐ-UBND ngày ",
                    DAY + ANNEX,
                    " tháng ",
                    MONTH + ANNEX,
                    " năm ",
                    YEAR + ANNEX,
                ],
                SERIF_ITALIC,
                ANNEX_SIZE,
            ),
            _p(f"của Chủ tịch Ủy ban nhân dân tỉnh {doc.province_name})", _annex_styles()[-1]),
        ]
    story += heading
    story += [Rule(width * 0.25, before=2, after=6), _list_table(doc, width)]
    document.build(story)
    return buffer.getvalue()


def proposal_text(doc: DecisionDocument) -> str:
    """ "Tờ trình số 12/TTr-SNV ngày 15 tháng 01 năm 2020" — the number, and the date when known."""
    day = f" {vietnamese_date(doc.proposal_date)}" if doc.proposal_date else ""
    return f"Tờ trình số {doc.proposal_ref}{day}"


def articles(doc: DecisionDocument) -> list[str]:
    """The three articles, as plain text (the .docx prints the same words)."""
    nouns = _listed(doc)
    return [
        f"Điều 1. Tặng {doc.award_phrase} cho {_counts(doc)} (có danh sách kèm theo), "
        f"{_first_lower(doc.reason_line)}.",
        f"Điều 2. Mỗi {_joined(nouns)} được tặng {doc.award_phrase} kèm theo mức tiền thưởng theo quy định; "
        f"tổng số tiền thưởng là {group_digits(doc.total_reward)} đồng, trích từ Quỹ thi đua, khen thưởng của tỉnh.",
        "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính, "
        f"Thủ trưởng các cơ quan, đơn vị liên quan và các {_joined(nouns)} có tên tại Điều 1 chịu trách "
        "nhiệm thi hành Quyết định này./.",
    ]


def annex_heading(doc: DecisionDocument) -> list[str]:
    """The annex's title lines: what the list holds, and the decision it is attached to."""
    day = vietnamese_date(doc.decision_date) if doc.decision_date else "ngày … tháng … năm …"
    number = doc.number_text or "…/QĐ-UBND"
    return [
        "DANH SÁCH",
        f"Các {_joined(_listed(doc))} được tặng {doc.award_phrase}",
        f"(Kèm theo Quyết định số {number} {day} của Chủ tịch Ủy ban nhân dân tỉnh {_nfc(doc.province_name)})",
    ]


def _annex_styles() -> list[ParagraphStyle]:
    return [
        _style("ds", 14, align=TA_CENTER, bold=True),
        _style("dsc", 14, align=TA_CENTER, bold=True),
        _style("ktqd", 13, align=TA_CENTER, italic=True),
    ]


def _esc(text: str) -> str:
    return _nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
