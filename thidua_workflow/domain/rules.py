"""Eligibility rules: small named functions, each citing its article, reading its figures from the policy.

A rule returns ``None`` when it does not apply to the nomination, else a :class:`Check` saying passed,
failed or pending (decided later, e.g. by the bloc round), and on what it relied: what the dossier
declares, what the database holds, or both. Intake rejects on a failed check; the appraiser sees all.

A criterion that needs a person's judgement (the policy marks the rule ``judgement: true``, or the rule
is one by nature) comes out as "judgement" ("cần thẩm định"): intake lets it through, and the
appraiser's finding (:func:`apply_findings`) turns it into passed or failed, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from thidua_workflow.domain.enums import (
    CommendationType,
    DisciplineLevel,
    DocumentKind,
    Finding,
    NomineeKind,
    Scope,
    Title,
)
from thidua_workflow.domain.policy import AwardForm, Policy, PolicyPeriod, RuleSetting
from thidua_workflow.errors import ConfigurationError

if TYPE_CHECKING:  # annotations only: `policy show` checks a policy without building the input models
    from thidua_workflow.domain.schemas import Initiative, NominationIn

Basis = Literal["declared", "database", "both"]
Outcome = Literal["passed", "failed", "pending", "judgement"]
JUDGEMENT_LABEL = "cần thẩm định"

_BASIS_LABEL = {"declared": "hồ sơ kê khai", "database": "CSDL", "both": "hồ sơ kê khai và CSDL"}


@dataclass(frozen=True)
class HeldRecord:
    """A title or award the nominee holds, from the dossier, the database, or both."""

    title: Title
    year: int
    commendation_type: CommendationType
    basis: Basis
    decision: str | None = None


@dataclass(frozen=True)
class Check:
    rule: str
    article: str
    outcome: Outcome
    message: str
    basis: tuple[str, ...] = ()
    finding: FindingRecord | None = None

    @property
    def passed(self) -> bool:
        return self.outcome != "failed"

    @property
    def needs_judgement(self) -> bool:
        """A criterion the appraiser must still judge: appraisal cannot conclude eligible before."""
        return self.outcome == "judgement"

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "rule": self.rule,
            "article": self.article,
            "outcome": self.outcome,
            "message": self.message,
            "basis": list(self.basis),
        }
        if self.finding is not None:
            data["finding"] = self.finding.to_dict()
        return data


@dataclass(frozen=True)
class FindingRecord:
    """The appraiser's finding on a criterion: met or not, why, by whom, when (a date as text)."""

    finding: Finding
    reason: str
    by: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"finding": self.finding.value, "reason": self.reason, "by": self.by, "at": self.at}


def apply_findings(checks: Iterable[Check], findings: dict[str, FindingRecord]) -> list[Check]:
    """Each criterion that needs judgement, decided by the appraiser's finding where one is recorded."""
    out: list[Check] = []
    for check in checks:
        found = findings.get(check.rule)
        if check.needs_judgement and found is not None:
            outcome: Outcome = "passed" if found.finding is Finding.MET else "failed"
            message = f"{check.message} — thẩm định: {found.finding.label.lower()} ({found.reason})"
            check = Check(check.rule, check.article, outcome, message, (*check.basis, "appraisal"), found)
        out.append(check)
    return out


@dataclass(frozen=True)
class RuleInput:
    nomination: NominationIn
    period: PolicyPeriod
    award: AwardForm
    held: tuple[HeldRecord, ...]
    as_of: date
    bloc_member_of: str | None = None  # the bloc the collective nominee belongs to in the period's year
    bloc_name: str | None = None  # that bloc's name, for the message a person reads
    dissolved_units: dict[str, date] = field(default_factory=dict)  # unit id -> dissolution date
    # Issue 20a: the movements of the year that ask the submitting unit to register, and whether it
    # registered this nominee for this award form in one of them; None: no such movement.
    registration: Registration | None = None

    @property
    def year(self) -> int:
        return self.nomination.period.year

    @property
    def kind(self) -> NomineeKind:
        return self.nomination.nominee.kind


RuleFn = Callable[[RuleInput, RuleSetting], Check | None]
RULES: dict[str, RuleFn] = {}


def rule(name: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES[name] = fn
        return fn

    return register


def merge_held(declared: Iterable[HeldRecord], recorded: Iterable[HeldRecord]) -> tuple[HeldRecord, ...]:
    """One record per (title, year), saying whether the dossier, the database or both show it."""
    merged: dict[tuple[Title, int], HeldRecord] = {}
    for record in recorded:
        merged[(record.title, record.year)] = record
    for record in declared:
        key = (record.title, record.year)
        if key in merged and merged[key].basis == "database":
            old = merged[key]
            merged[key] = HeldRecord(old.title, old.year, old.commendation_type, "both", old.decision)
        elif key not in merged:
            merged[key] = record
    return tuple(sorted(merged.values(), key=lambda r: (r.year, r.title.value)))


def _grounds(held: Iterable[HeldRecord], titles: set[Title]) -> dict[int, HeldRecord]:
    """Records that count as grounds for a higher award: ad-hoc and campaign awards do not (the Law)."""
    return {
        r.year: r
        for r in held
        if r.title in titles
        and r.commendation_type in (CommendationType.REGULAR, CommendationType.LONG_SERVICE)
    }


def _run_ending(years: dict[int, HeldRecord], end: int, length: int) -> list[HeldRecord] | None:
    needed = [years.get(y) for y in range(end - length + 1, end + 1)]
    if all(needed):
        return [r for r in needed if r is not None]
    return None


def _years_text(records: Iterable[HeldRecord]) -> str:
    return ", ".join(f"{r.year} ({_BASIS_LABEL[r.basis]})" for r in records)


def _bases(records: Iterable[HeldRecord], *extra: str) -> tuple[str, ...]:
    return tuple(sorted({r.basis for r in records} | set(extra)))


def _missing_years(years: dict[int, HeldRecord], end: int, length: int) -> str:
    return ", ".join(str(y) for y in range(end - length + 1, end + 1) if y not in years)


def _initiatives_in(initiatives: Iterable[Initiative], years: range, min_scope: Scope) -> list[Initiative]:
    order = [Scope.UNIT, Scope.PROVINCE, Scope.NATIONAL]
    return [i for i in initiatives if i.year in years and order.index(i.scope) >= order.index(min_scope)]


@rule("bang_khen_ca_nhan")
def bang_khen_ca_nhan(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """A person: N consecutive years Chiến sĩ thi đua cơ sở, or N years HTXSNV with K initiatives."""
    if ctx.kind is not NomineeKind.PERSON or ctx.nomination.commendation_type is not CommendationType.REGULAR:
        return None
    if ctx.nomination.declared.outstanding:
        return None  # the dossier rests on the other ground: bang_khen_thanh_tich_xuat_sac
    n = int(setting.params.get("consecutive_years", 2))
    k = int(setting.params.get("initiatives", 2))
    cstd = _grounds(ctx.held, {Title.CHIEN_SI_THI_DUA_CO_SO})
    run = _run_ending(cstd, ctx.year, n)
    name = "bang_khen_ca_nhan"
    if run:
        return Check(
            name,
            setting.article,
            "passed",
            f"{n} năm liên tục Chiến sĩ thi đua cơ sở: {_years_text(run)}",
            _bases(run),
        )
    htxs = _grounds(ctx.held, {Title.HOAN_THANH_XUAT_SAC, Title.CHIEN_SI_THI_DUA_CO_SO})
    run = _run_ending(htxs, ctx.year, n)
    window = range(ctx.year - n + 1, ctx.year + 1)
    found = _initiatives_in(ctx.nomination.declared.initiatives, window, Scope.UNIT)
    if run and len(found) >= k:
        return Check(
            name,
            setting.article,
            "passed",
            f"{n} năm liên tục hoàn thành xuất sắc nhiệm vụ ({_years_text(run)}) và {len(found)} sáng kiến "
            f"được công nhận (hồ sơ kê khai)",
            _bases(run, "declared"),
        )
    return Check(
        name,
        setting.article,
        "failed",
        f"Cần {n} năm liên tục ({window.start}–{window.stop - 1}) là Chiến sĩ thi đua cơ sở "
        f"(thiếu năm {_missing_years(cstd, ctx.year, n)}), hoặc {n} năm liên tục hoàn thành xuất sắc "
        f"nhiệm vụ và {k} sáng kiến trong thời gian đó (có {len(found)} sáng kiến"
        + (f", thiếu năm {_missing_years(htxs, ctx.year, n)}" if not run else "")
        + ")",
        ("declared", "database"),
    )


@rule("bang_khen_tap_the")
def bang_khen_tap_the(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """A collective: N consecutive years of excellent task completion (or Tập thể lao động xuất sắc)."""
    if (
        ctx.kind is not NomineeKind.COLLECTIVE
        or ctx.nomination.commendation_type is not CommendationType.REGULAR
        or ctx.nomination.declared.outstanding
    ):
        return None
    n = int(setting.params.get("consecutive_years", 2))
    years = _grounds(ctx.held, {Title.HOAN_THANH_XUAT_SAC, Title.TAP_THE_LAO_DONG_XUAT_SAC})
    run = _run_ending(years, ctx.year, n)
    if run:
        return Check(
            "bang_khen_tap_the",
            setting.article,
            "passed",
            f"{n} năm liên tục hoàn thành xuất sắc nhiệm vụ: {_years_text(run)}",
            _bases(run),
        )
    return Check(
        "bang_khen_tap_the",
        setting.article,
        "failed",
        f"Tập thể cần {n} năm liên tục hoàn thành xuất sắc nhiệm vụ đến năm {ctx.year} "
        f"(thiếu năm {_missing_years(years, ctx.year, n)})",
        ("declared", "database"),
    )


@rule("chien_si_thi_dua_tinh")
def chien_si_thi_dua_tinh(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """Three consecutive Chiến sĩ thi đua cơ sở titles and an initiative with province-wide effect."""
    if ctx.kind is not NomineeKind.PERSON:
        return None
    n = int(setting.params.get("consecutive_titles", 3))
    scope = Scope(setting.params.get("initiative_scope", Scope.PROVINCE.value))
    cstd = _grounds(ctx.held, {Title.CHIEN_SI_THI_DUA_CO_SO})
    run = _run_ending(cstd, ctx.year, n)
    window = range(ctx.year - n + 1, ctx.year + 1)
    found = _initiatives_in(ctx.nomination.declared.initiatives, window, scope)
    problems = []
    if not run:
        problems.append(
            f"cần {n} lần liên tục Chiến sĩ thi đua cơ sở {window.start}–{window.stop - 1} "
            f"(thiếu năm {_missing_years(cstd, ctx.year, n)})"
        )
    if not found:
        problems.append(f"cần sáng kiến hoặc đề tài khoa học có phạm vi ảnh hưởng {scope.label.lower()}")
    if problems:
        return Check(
            "chien_si_thi_dua_tinh", setting.article, "failed", "; ".join(problems), ("declared", "database")
        )
    assert run is not None
    return Check(
        "chien_si_thi_dua_tinh",
        setting.article,
        "passed",
        f"{n} lần liên tục Chiến sĩ thi đua cơ sở: {_years_text(run)}; sáng kiến: {found[0].name}",
        _bases(run, "declared"),
    )


@rule("tap_the_lao_dong_xuat_sac")
def tap_the_lao_dong_xuat_sac(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """All members complete their tasks, ≥ 70% Lao động tiên tiến, at least one Chiến sĩ thi đua cơ sở."""
    if ctx.kind is not NomineeKind.COLLECTIVE:
        return None
    members = ctx.nomination.declared.members
    name = "tap_the_lao_dong_xuat_sac"
    if members is None:
        return Check(name, setting.article, "failed", "cần kê khai số liệu thành viên (declared.members)")
    completed = Fraction(str(setting.params.get("completed_share", "1")))
    advanced = Fraction(str(setting.params.get("advanced_share", "0.7")))
    min_cstd = int(setting.params.get("min_chien_si_co_so", 1))
    max_disc = int(setting.params.get("max_disciplined", 0))
    floor = setting.params.get("disqualifying_from")
    problems = []
    if Fraction(members.completed_tasks, members.total) < completed:
        problems.append(
            f"{members.completed_tasks}/{members.total} thành viên hoàn thành nhiệm vụ, cần {float(completed):.0%}"
        )
    if Fraction(members.lao_dong_tien_tien, members.total) < advanced:
        problems.append(
            f"{members.lao_dong_tien_tien}/{members.total} Lao động tiên tiến, cần từ {float(advanced):.0%}"
        )
    if members.chien_si_thi_dua_co_so < min_cstd:
        problems.append(f"cần ít nhất {min_cstd} Chiến sĩ thi đua cơ sở")
    if floor is None:
        if members.disciplined > max_disc:
            problems.append(f"{members.disciplined} thành viên bị kỷ luật")
    else:
        problems += _discipline_problems(members.disciplined, members.discipline, DisciplineLevel(floor))
    if problems:
        return Check(name, setting.article, "failed", "; ".join(problems), ("declared",))
    return Check(
        name,
        setting.article,
        "passed",
        f"{members.completed_tasks}/{members.total} hoàn thành nhiệm vụ, "
        f"{members.lao_dong_tien_tien} Lao động tiên tiến, {members.chien_si_thi_dua_co_so} Chiến sĩ thi đua cơ sở",
        ("declared",),
    )


def _discipline_problems(
    disciplined: int, levels: dict[DisciplineLevel, int], floor: DisciplineLevel
) -> list[str]:
    """Members disciplined at ``floor`` or above disqualify; lighter measures do not. A count without
    its levels cannot be judged: the dossier must say which measure (declared.members.discipline)."""
    if disciplined and sum(levels.values()) != disciplined:
        return [
            f"{disciplined} thành viên bị kỷ luật: cần ghi rõ hình thức kỷ luật (declared.members.discipline), "
            f"vì chỉ kỷ luật từ {floor.label.lower()} trở lên mới không đủ điều kiện"
        ]
    heavy = {level: n for level, n in levels.items() if level.at_least(floor)}
    if heavy:
        listed = ", ".join(f"{n} {level.label.lower()}" for level, n in sorted(heavy.items()))
        return [f"có thành viên bị kỷ luật từ {floor.label.lower()} trở lên ({listed})"]
    return []


@rule("bang_khen_thanh_tich_xuat_sac")
def bang_khen_thanh_tich_xuat_sac(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """An outstanding achievement in a movement or of province-wide effect: the appraiser judges it.

    For a person or a collective whose dossier claims it (``declared.outstanding``), instead of the
    consecutive years of ``bang_khen_ca_nhan`` / ``bang_khen_tap_the``; marked "cần thẩm định".
    """
    claimed = ctx.nomination.declared.outstanding
    if not claimed or ctx.kind is NomineeKind.HOUSEHOLD:
        return None
    criterion = (
        setting.criterion
        or "thành tích xuất sắc trong phong trào thi đua hoặc có phạm vi ảnh hưởng trong tỉnh"
    )
    movement = f" (phong trào: {ctx.nomination.movement})" if ctx.nomination.movement else ""
    return Check(
        "bang_khen_thanh_tich_xuat_sac",
        setting.article,
        "judgement",
        f"{JUDGEMENT_LABEL}: {criterion}{movement}; hồ sơ kê khai: {claimed}",
        ("declared",),
    )


@rule("bang_khen_ho_gia_dinh")
def bang_khen_ho_gia_dinh(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """A household, exemplary and with a large contribution to its locality: the appraiser judges it."""
    if ctx.kind is not NomineeKind.HOUSEHOLD:
        return None
    criterion = setting.criterion or "gia đình gương mẫu, có đóng góp lớn cho địa phương, xã hội"
    claimed = ctx.nomination.declared.outstanding
    told = f"; hồ sơ kê khai: {claimed}" if claimed else ""
    return Check(
        "bang_khen_ho_gia_dinh",
        setting.article,
        "judgement",
        f"{JUDGEMENT_LABEL}: {criterion}{told}",
        ("declared",),
    )


@rule("co_thi_dua_tieu_chuan")
def co_thi_dua_tieu_chuan(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """Cờ thi đua's substantive criteria, beyond leading the bloc (the policy lists them).

    Judged by the appraiser where the policy marks the rule ``judgement``; else left to the bloc's
    evaluation (bình xét, suy tôn) and shown as pending.
    """
    if not ctx.award.leads_bloc:
        return None
    criteria = [str(c) for c in setting.params.get("criteria", [])]
    listed = "; ".join(f"{chr(ord('a') + i)}) {c}" for i, c in enumerate(criteria)) or setting.criterion or ""
    return Check(
        "co_thi_dua_tieu_chuan",
        setting.article,
        "judgement" if setting.judgement else "pending",
        (f"{JUDGEMENT_LABEL}: " if setting.judgement else "khối bình xét, suy tôn: ") + listed,
        ("declared",),
    )


@rule("co_thi_dua_khoi")
def co_thi_dua_khoi(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """Cờ thi đua goes to the collective that leads its bloc: it must be a bloc member that year."""
    if not ctx.award.leads_bloc:
        return None
    if ctx.bloc_member_of is None:
        return Check(
            "co_thi_dua_khoi",
            setting.article,
            "failed",
            f"Cờ thi đua chỉ tặng tập thể dẫn đầu khối thi đua; đơn vị không thuộc khối nào năm {ctx.year}",
            ("database",),
        )
    return Check(
        "co_thi_dua_khoi",
        setting.article,
        "pending",
        f"Thành viên {ctx.bloc_name or ctx.bloc_member_of} năm {ctx.year}; dẫn đầu khối do khối bình xét, suy tôn",
        ("database",),
    )


@rule("bao_cao_thanh_tich_moi")
def bao_cao_thanh_tich_moi(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """The achievement report must be recent: dated at most N months before submission."""
    reports = [d for d in ctx.nomination.evidence if d.kind is DocumentKind.BAO_CAO_THANH_TICH]
    if not reports:
        return None
    months = int(setting.params.get("max_age_months", 6))
    oldest_allowed = _months_before(ctx.as_of, months)
    for report in reports:
        if report.dated is None:
            return Check(
                "bao_cao_thanh_tich_moi", setting.article, "failed", "báo cáo thành tích cần ngày lập (dated)"
            )
        if report.dated < oldest_allowed:
            return Check(
                "bao_cao_thanh_tich_moi",
                setting.article,
                "failed",
                f"báo cáo thành tích lập ngày {report.dated:%d/%m/%Y}, quá {months} tháng trước ngày nộp",
                ("declared",),
            )
        if report.dated > ctx.as_of:
            return Check(
                "bao_cao_thanh_tich_moi",
                setting.article,
                "failed",
                f"báo cáo thành tích đề ngày {report.dated:%d/%m/%Y}, sau ngày nộp",
                ("declared",),
            )
    return Check(
        "bao_cao_thanh_tich_moi",
        setting.article,
        "passed",
        f"báo cáo lập trong {months} tháng",
        ("declared",),
    )


@rule("khong_khen_don_vi_giai_the")
def khong_khen_don_vi_giai_the(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """Bodies dissolved in the 2025 reform receive no commendation."""
    unit = ctx.nomination.nominee.unit
    if unit is None or unit not in ctx.dissolved_units:
        return None
    when = ctx.dissolved_units[unit]
    return Check(
        "khong_khen_don_vi_giai_the",
        setting.article,
        "failed",
        f"đơn vị '{unit}' đã giải thể/hợp nhất từ ngày {when:%d/%m/%Y}, không xét khen thưởng",
        ("database",),
    )


# --- registration (đăng ký thi đua), issue 20a ------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What the records say of the nominee's registration in the year: the movements of the year that
    cover the submitting unit and take registrations, and the one it registered the nominee in, if any."""

    movements: tuple[str, ...]
    registered_in: str | None


@rule("dang_ky_thi_dua")
def dang_ky_thi_dua(ctx: RuleInput, setting: RuleSetting) -> Check | None:
    """A title needs the unit's registration (đăng ký thi đua) for it in that year's movement.

    Applies to yearly (thường xuyên) nominations from ``params.from_year`` on, and only where a movement
    of the year covers the unit and took registrations: without one nobody could have registered.
    """
    if ctx.registration is None or not ctx.registration.movements:
        return None
    if ctx.nomination.commendation_type is not CommendationType.REGULAR:
        return None
    if ctx.year < int(setting.params.get("from_year", 0)):
        return None
    movements = ", ".join(f"'{name}'" for name in ctx.registration.movements)
    if ctx.registration.registered_in is None:
        return Check(
            "dang_ky_thi_dua",
            setting.article,
            "failed",
            f"đơn vị chưa đăng ký thi đua '{ctx.award.name}' năm {ctx.year} cho "
            f"'{ctx.nomination.nominee.name}' (phong trào {movements}); không xét danh hiệu khi chưa đăng ký",
            ("database",),
        )
    return Check(
        "dang_ky_thi_dua",
        setting.article,
        "passed",
        f"đã đăng ký thi đua năm {ctx.year} trong phong trào '{ctx.registration.registered_in}'",
        ("database",),
    )


# Rules every nomination meets, whatever its award form.
GENERAL_RULES = ("khong_khen_don_vi_giai_the", "bao_cao_thanh_tich_moi")


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    # Clamp to the month's length (31 August minus 6 months is 28/29 February).
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def evaluate(ctx: RuleInput) -> list[Check]:
    """Every applicable check for one nomination, in the order the policy lists them."""
    checks: list[Check] = []
    for name in (*ctx.award.rules, *GENERAL_RULES):
        fn = RULES.get(name)
        if fn is None:
            raise ConfigurationError(f"Chính sách dùng quy tắc '{name}' không có trong mã nguồn.")
        setting = ctx.period.rule(name)
        result = fn(ctx, setting)
        if result is not None:
            checks.append(_as_judgement(result, setting) if setting.judgement else result)
    return checks


def _as_judgement(check: Check, setting: RuleSetting) -> Check:
    """A rule the policy marks ``judgement``: what the code found is shown, the appraiser decides."""
    if check.outcome in ("judgement", "pending"):
        return check
    criterion = f"{setting.criterion}; " if setting.criterion else ""
    return Check(
        check.rule, check.article, "judgement", f"{JUDGEMENT_LABEL}: {criterion}{check.message}", check.basis
    )


def check_policy(policy: Policy) -> None:
    """Refuse a policy that names a rule the code does not have, or lacks a rule's figures."""
    for period in policy.periods:
        for code, award in period.award_forms.items():
            for name in (*award.rules, *GENERAL_RULES):
                if name not in RULES:
                    raise ConfigurationError(f"{period.code}/{code}: quy tắc '{name}' không tồn tại.")
                period.rule(name)
