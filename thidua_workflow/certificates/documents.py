"""What the documents say: plain values the services fill in and the renderers draw.

Every string here is already NFC; the renderers draw it as given (and normalise again, to be safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

PDF_LANGUAGE = "vi-VN"
PDF_AUTHOR = "thidua-workflow"


@dataclass(frozen=True)
class DecisionListItem:
    ordinal: int
    name: str
    kind: str  # person | collective | household
    detail: str | None  # person: position and unit; household: address
    reward: int  # đồng


@dataclass(frozen=True)
class DecisionDocument:
    """A Quyết định of the Chairman with its attached list (danh sách kèm theo)."""

    issuing_body: str  # "Ủy ban nhân dân tỉnh Quảng Bình"
    province_name: str  # "Quảng Bình"
    number_text: str | None  # "162/QĐ-UBND"; None while a draft
    decision_date: date | None  # None while a draft
    award_name: str  # "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    legal_basis: list[str]  # the "Căn cứ …" lines of the period's policy, in order
    proposal_ref: str | None  # the Sở Nội vụ's Tờ trình, e.g. "12/TTr-SNV"
    reason_line: str  # "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2019"
    items: list[DecisionListItem]
    signer_title: str | None  # "CHỦ TỊCH" | "PHÓ CHỦ TỊCH" (printed "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    signer_name: str | None
    recipients: list[str] = field(default_factory=lambda: ["Như Điều 3", "Lưu: VT, SNV"])
    is_title: bool = False  # a danh hiệu (Chiến sĩ thi đua, Tập thể lao động xuất sắc): "tặng danh hiệu …"
    proposal_date: date | None = None  # the Tờ trình's date

    @property
    def total_reward(self) -> int:
        return sum(i.reward for i in self.items)

    @property
    def award_phrase(self) -> str:
        """What "tặng" is followed by: "danh hiệu Chiến sĩ thi đua cấp tỉnh", "Bằng khen của …"."""
        return f"danh hiệu {self.award_name}" if self.is_title else self.award_name


@dataclass(frozen=True)
class FlagProof:
    """The embroiderer's layout proof of a Cờ thi đua (a red two-layer flag of 850 × 650 mm)."""

    province_name: str  # "Quảng Bình"
    unit_name: str  # "Hội Người cao tuổi tỉnh Quảng Bình"
    year: int  # the year the flag is for
    decision_number_text: str  # "164/QĐ-UBND"
    decision_date: date
