"""A province's policy: the law's parameters in dated periods, each value with its source.

The rules themselves are code (``rules.py``); this file holds only the numbers and lists they read, so a
province edits a YAML file, never Python, when its council's rules change.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from thidua_workflow.domain.enums import (
    ClearanceBody,
    CommendationType,
    DocumentKind,
    NomineeKind,
    Procedure,
    Title,
)
from thidua_workflow.errors import ConfigurationError, InputRejected, NotConfigured

Confirmation = Literal["confirmed", "policy_default", "historical_not_confirmed", "not_confirmed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Model):
    """Where a value comes from, and whether we could confirm it in the legal text."""

    source: str
    status: Confirmation


def _fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        return Fraction(value.replace(" ", ""))
    if isinstance(value, int | float):
        return Fraction(str(value))
    raise ValueError("cần một tỉ lệ như 0.8 hoặc 2/3")


RatioField = Annotated[Fraction, Field(ge=0, le=1)]


class Threshold(Sourced):
    """A share of a denominator that a count must reach (``>=``) or pass (``>``)."""

    share: RatioField
    strict: bool = False
    denominator: Literal["all_members", "participants", "votes_cast"] = "all_members"

    _coerce = field_validator("share", mode="before")(_fraction)

    def met(self, count: int, denominator: int) -> bool:
        if denominator <= 0:
            return False
        ratio = Fraction(count, denominator)
        return ratio > self.share if self.strict else ratio >= self.share

    def describe(self) -> str:
        op = ">" if self.strict else "≥"
        pct = float(self.share) * 100
        return f"{op} {pct:g}%"


# --- NĐ 152/2025 steps (issue 19) ---------------------------------------------------------------------


class NationalAward(Sourced):
    """How a proposal of a national award goes to the central body (NĐ 152/2025 Điều 33 k9–k12, Điều 35).

    ``deadline``: the last day (MM-DD) the Bộ Nội vụ receives it, in the year ``years_after`` the
    nomination's period year; ``max_age_months``: how old the achievement report may be on the day the
    proposal is sent (Điều 33 k9: 6 months).
    """

    central_body: str = "Bộ Nội vụ"
    deadline: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    years_after: int = 1
    deadline_article: str = ""
    max_age_months: int = 6


class PublicPosting(Sourced):
    """Điều 44 k2: the award forms whose list is posted before the council, and for how long."""

    award_forms: list[str] = Field(default_factory=list)
    working_days: int = 10
    article: str = "Điều 44 khoản 2 Nghị định 152/2025/NĐ-CP"
    comments_per_hour: int = Field(default=5, description="public form: comments per client address and hour")


class ClearanceRule(Sourced):
    """Điều 33 k2, Điều 34: whose opinion each award form needs, and what enterprises add."""

    bodies: dict[str, list[ClearanceBody]] = Field(default_factory=dict, description="per award form")
    enterprise_bodies: list[ClearanceBody] = Field(default_factory=list)
    reply_working_days: int = 10
    article: str = "Điều 33 khoản 2, Điều 34 Nghị định 152/2025/NĐ-CP"


class Annulment(Sourced):
    """Điều 56, 58: the annulment's article, and the working days the holder has to give back."""

    article: str = "Điều 56 Nghị định 152/2025/NĐ-CP; khoản 2 Điều 93 Luật Thi đua, khen thưởng"
    recover_working_days: int = 15
    recover_article: str = "Điểm a khoản 2 Điều 58 Nghị định 152/2025/NĐ-CP"


class Steps2025(_Model):
    """The steps NĐ 152/2025 adds; a period without them has none of these steps."""

    public_posting: PublicPosting
    clearances: ClearanceRule
    annulment: Annulment


class AwardForm(_Model):
    name: str
    title: Title = Field(description="what the awardee holds afterwards; later rules count it")
    article: str = Field(description="the legal basis of the award form in this period")
    nominee_kinds: list[NomineeKind]
    commendation_types: list[CommendationType]
    council_vote: Threshold | None = Field(
        default=None, description="None: the council does not vote; passes on the appraisal's proposal"
    )
    reward_multiple: dict[NomineeKind, Decimal]
    reward_source: Sourced
    rules: list[str] = Field(default_factory=list, description="eligibility rules (rules.py) to apply")
    leads_bloc: bool = Field(default=False, description="only for the collective that leads its bloc")
    # --- NĐ 152/2025 steps (issue 19) ---
    national: NationalAward | None = Field(
        default=None, description="a national award: the province's council proposes it, the centre decides"
    )


class Documents(_Model):
    """Which documents a dossier must hold, for the whole submission and for each nominee."""

    submission: list[DocumentKind]
    nomination: list[DocumentKind]


class CouncilRules(Sourced):
    quorum: RatioField
    participation_award_sessions: RatioField

    _coerce = field_validator("quorum", "participation_award_sessions", mode="before")(_fraction)


class BlocRules(Sourced):
    flags_per_bloc: Annotated[int, Field(ge=0)]
    quota_share: dict[str, RatioField] = Field(
        default_factory=dict, description="per award form: at most this share of the member units"
    )
    endorsement: Threshold

    @field_validator("quota_share", mode="before")
    @classmethod
    def _fractions(cls, value: Any) -> Any:
        return {k: _fraction(v) for k, v in value.items()} if isinstance(value, dict) else value


class Deadlines(Sourced):
    year_end_submission: str = Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD in the period's year")
    thematic_days_before_ceremony: int
    return_ineligible_working_days: int
    report_max_age_months: int
    publish_before_council_working_days: int
    task_working_days: dict[str, int]


class BaseSalary(_Model):
    effective_from: date
    amount: int
    source: str


class RuleSetting(Sourced):
    """A rule's legal citation in this period and the figures it reads.

    ``judgement``: the criterion needs a person's judgement (tiêu chuẩn cần thẩm định). Intake does not
    reject on it; the dossier goes to appraisal with the criterion marked "cần thẩm định", and the
    appraiser's finding (met / not met, with a reason) decides it. Any rule can be made one.
    """

    article: str
    params: dict[str, Any] = Field(default_factory=dict)
    judgement: bool = False
    criterion: str | None = Field(
        default=None, description="what the appraiser judges, in the law's words (shown with the check)"
    )


class Limits(_Model):
    max_nominations_per_file: int = 2000


class DecisionRules(_Model):
    """How the province numbers and words its decisions."""

    numbering: Literal["register", "system"] = Field(
        default="register",
        description="register: the registrar enters the number from the issuing body's register; "
        "system: allocated gap-free per year at signing",
    )
    number_format: str = "{n}/QĐ-UBND"
    reason: str = "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước {period}"


BasisGroup = Literal["local_government", "emulation_law", "decree", "circular", "province_rule"]
# The order real decisions cite them in: the local-government law, the emulation law(s), the decree,
# the Ministry's circular, the province's own rule (the proposal comes last, from the decision itself).
BASIS_ORDER: tuple[BasisGroup, ...] = (
    "local_government",
    "emulation_law",
    "decree",
    "circular",
    "province_rule",
)
# The groups that follow a decision's policy period rather than its date (NĐ 152/2025 Điều 60 k3).
TRANSITIONAL_GROUPS: frozenset[BasisGroup] = frozenset({"decree", "circular"})


class LegalBasis(Sourced):
    """A text a decision cites ("Căn cứ …"), in force on the decision's date.

    ``citation`` is the full first citation (NĐ 30/2020): type, number, date, issuer and summary title.
    Texts of one group go on one "Căn cứ" line, in the order given (a law, then its amending laws).
    """

    group: BasisGroup
    citation: str
    applies_from: date | None = None
    applies_until: date | None = None

    def covers(self, day: date) -> bool:
        return (self.applies_from is None or self.applies_from <= day) and (
            self.applies_until is None or day <= self.applies_until
        )


class Lapse(Sourced):
    """A decree set to lapse on a date unless extended (NĐ 152/2025 Điều 60 khoản 1: 01/3/2027)."""

    lapses_from: date = Field(description="the first day the text no longer applies")
    text: str = Field(description="the text that lapses, e.g. 'Nghị định 152/2025/NĐ-CP'")
    article: str = Field(description="the article that sets the lapse")
    extended_until: date | None = Field(
        default=None, description="a later lapse once the National Assembly extends the text"
    )
    warn_days: Annotated[int, Field(ge=0)] = 60


class PolicyPeriod(_Model):
    code: str
    title: str
    applies_from: date | None
    applies_until: date | None
    status: Confirmation
    simplified_types: list[CommendationType]
    award_forms: dict[str, AwardForm]
    documents: dict[Procedure, Documents]
    council: CouncilRules
    bloc: BlocRules
    deadlines: Deadlines
    rules: dict[str, RuleSetting]
    # --- the period's end as data (issue 18) -----------------------------------------------------
    lapse: Lapse | None = Field(
        default=None, description="the day the period's decree ceases to have effect unless extended"
    )
    successor: str | None = Field(
        default=None, description="the code of the period that takes over once this one lapses"
    )

    def lapses_on(self) -> date | None:
        """The first day without this period's decree: its extension if one is entered, else its lapse."""
        if self.lapse is None:
            return None
        return self.lapse.extended_until or self.lapse.lapses_from

    def lapsed(self, today: date) -> bool:
        end = self.lapses_on()
        return end is not None and today >= end and self.successor is None

    def lapse_warning(self, today: date) -> str | None:
        """A warning for operators from ``warn_days`` before the lapse while no successor is configured."""
        end = self.lapses_on()
        if end is None or self.lapse is None or self.successor is not None:
            return None
        days = (end - today).days
        if days > self.lapse.warn_days:
            return None
        what = (
            f"khai báo giai đoạn kế tiếp (khóa 'successor' của giai đoạn '{self.code}') hoặc ngày gia hạn "
            f"(khóa 'lapse.extended_until') trong tệp chính sách"
        )
        if days <= 0:
            return (
                f"Giai đoạn '{self.code}' ({self.lapse.text}) đã hết hiệu lực từ ngày {end:%d/%m/%Y} "
                f"({self.lapse.article}); không xét được hồ sơ nào theo giai đoạn này: {what}."
            )
        return (
            f"Giai đoạn '{self.code}' ({self.lapse.text}) hết hiệu lực từ ngày {end:%d/%m/%Y} "
            f"({self.lapse.article}), còn {days} ngày; chưa có giai đoạn kế tiếp: {what}."
        )

    def require_in_force(self, today: date) -> None:
        """Refuse to judge under a lapsed period that has no successor: name what to configure."""
        if self.lapsed(today):
            raise NotConfigured(self.lapse_warning(today) or f"Giai đoạn '{self.code}' đã hết hiệu lực.")

    # --- NĐ 152/2025 steps (issue 19) ---
    steps_2025: Steps2025 | None = None

    def covers(self, day: date) -> bool:
        return (self.applies_from is None or self.applies_from <= day) and (
            self.applies_until is None or day <= self.applies_until
        )

    def procedure_for(self, commendation_type: CommendationType) -> Procedure:
        return Procedure.SIMPLIFIED if commendation_type in self.simplified_types else Procedure.STANDARD

    def award_form(self, code: str) -> AwardForm:
        try:
            return self.award_forms[code]
        except KeyError:
            known = ", ".join(sorted(self.award_forms))
            raise InputRejected(
                f"Hình thức khen thưởng '{code}' không có trong quy định giai đoạn {self.title} "
                f"(có: {known})."
            ) from None

    def rule(self, name: str) -> RuleSetting:
        try:
            return self.rules[name]
        except KeyError:
            raise ConfigurationError(
                f"Giai đoạn {self.code} của chính sách thiếu tham số cho quy tắc '{name}'."
            ) from None


class CertificateRules(_Model):
    """How the province prints: which layout (bundled name or a YAML path), on white paper or on
    pre-printed blanks, and how the golden-book number reads."""

    layout: str = "bang-khen-a3"
    # Issuing prints on pre-printed blanks (phôi), which carry the real national emblem, unless the
    # province prints the full design (then with THIDUA_EMBLEM_PATH for the emblem).
    mode: Literal["full", "preprinted"] = "preprinted"
    golden_book: str = Field(
        default="{ordinal}",
        description="NĐ 98/2023's templates: the awardee's ordinal in the decision; may use {number}, {year}",
    )


class Policy(_Model):
    province: str
    province_name: str
    issuing_body: str
    periods: list[PolicyPeriod]
    base_salary: list[BaseSalary]
    working_calendar: dict[str, list[date]] = Field(default_factory=dict)
    limits: Limits = Field(default_factory=Limits)
    decisions: DecisionRules = Field(default_factory=DecisionRules)
    certificates: CertificateRules = Field(default_factory=CertificateRules)
    legal_bases: list[LegalBasis] = Field(default_factory=list)
    digest: str = ""

    @model_validator(mode="after")
    def _successors_exist(self) -> Self:
        codes = {p.code for p in self.periods}
        for period in self.periods:
            if period.successor is not None and period.successor not in codes:
                raise ValueError(
                    f"giai đoạn {period.code}: successor '{period.successor}' không có trong periods"
                )
        return self

    def lapse_warnings(self, today: date) -> list[str]:
        """What operators must be told about periods that lapse soon or have lapsed (CLI, web, mail)."""
        return [w for p in self.periods if (w := p.lapse_warning(today))]

    @model_validator(mode="after")
    def _periods_do_not_overlap(self) -> Self:
        ordered = sorted(self.periods, key=lambda p: p.applies_from or date.min)
        for before, after in itertools.pairwise(ordered):
            if before.applies_until is None or (
                after.applies_from is not None and before.applies_until >= after.applies_from
            ):
                raise ValueError(f"giai đoạn {before.code} và {after.code} chồng lấn nhau")
        return self

    def period_for(self, day: date) -> PolicyPeriod:
        for period in self.periods:
            if period.covers(day):
                return period
        raise InputRejected(f"Không có quy định nào của tỉnh áp dụng cho ngày {day.isoformat()}.")

    def period_by_code(self, code: str) -> PolicyPeriod:
        for period in self.periods:
            if period.code == code:
                return period
        raise ConfigurationError(f"Chính sách không có giai đoạn '{code}'.")

    def bases_on(self, day: date) -> list[LegalBasis]:
        """The texts in force on the decision's date, in citation order."""
        found = [b for b in self.legal_bases if b.covers(day)]
        return sorted(found, key=lambda b: BASIS_ORDER.index(b.group))

    def basis_lines(self, day: date, period: PolicyPeriod | None = None) -> list[str]:
        """One "Căn cứ" line per group: its texts joined as real decisions join them.

        The laws are those in force on ``day``. A decision under a ``period`` that ended before ``day``
        (a dossier received before the new decree took effect, decided after: NĐ 152/2025 Điều 60 k3
        has it appraised, proposed and decided under NĐ 98/2023) cites the decree and circulars of its
        period, those in force on the period's last day.
        """
        rules_day = day
        if period is not None and period.applies_until is not None and period.applies_until < day:
            rules_day = period.applies_until
        lines: list[str] = []
        for group in BASIS_ORDER:
            on = rules_day if group in TRANSITIONAL_GROUPS else day
            texts = [b.citation for b in self.bases_on(on) if b.group == group]
            if texts:
                lines.append("; ".join(texts))
        return lines

    def base_salary_on(self, day: date) -> BaseSalary:
        applicable = [b for b in self.base_salary if b.effective_from <= day]
        if not applicable:
            raise ConfigurationError(f"Chưa có mức lương cơ sở áp dụng cho ngày {day.isoformat()}.")
        return max(applicable, key=lambda b: b.effective_from)

    def reward_amount(self, award: AwardForm, kind: NomineeKind, day: date) -> int:
        """The multiple of the base salary in force, rounded up to the next 10,000 đ."""
        multiple = award.reward_multiple.get(kind)
        if multiple is None:
            raise ConfigurationError(f"'{award.name}' không có mức thưởng cho {kind.label}.")
        raw = multiple * self.base_salary_on(day).amount
        steps = (raw / 10_000).to_integral_value(rounding=ROUND_CEILING)
        return int(steps * 10_000)


def _read_yaml(text: str, origin: str) -> Policy:
    # PyYAML's libyaml parser, where it was built with it, reads a policy about 8× faster than the pure
    # Python one (the same safe constructor, the same data): every `thidua policy show` pays this read.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"Tệp chính sách {origin} không đọc được: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"Tệp chính sách {origin} phải là một bảng YAML.")
    data["digest"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(f"Tệp chính sách {origin} sai cấu trúc:\n{exc}") from exc


def load_policy(path: Path) -> Policy:
    if not path.is_file():
        raise ConfigurationError(f"Không tìm thấy tệp chính sách {path}.")
    return _read_yaml(path.read_text(encoding="utf-8"), str(path))


def bundled_policy(province: str) -> Policy:
    """The policy shipped in the package for a province code, e.g. ``quang-binh``."""
    resource = resources.files("thidua_workflow.policies").joinpath(f"{province}.yaml")
    if not resource.is_file():
        raise ConfigurationError(
            f"Không có chính sách kèm theo cho tỉnh '{province}': đặt THIDUA_POLICY_PATH."
        )
    return _read_yaml(resource.read_text(encoding="utf-8"), f"{province}.yaml")
