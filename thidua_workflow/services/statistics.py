"""The Ministry's statistical report forms on emulation and commendation (TT 02/2023/TT-BNV 0601–0605
and its predecessor's 0701–0703), built for one reporting year (01/12 of the year before to 30/11).

Where each form's figures come from is decided by its kind (``report_forms.yaml``):

- ``provincial_awards`` (0603/0703): counted from the issued decisions of the province's body in the
  year, one record per awarded recipient (decision item), classified by what the nomination recorded;
  an award annulled by a decision dated on or before the year's last day is not counted (the annulment's
  date governs, so a year's form reads the same whenever it is rebuilt: docs/statistics.md);
- ``movements`` (0601/0701): counted from the movements launched in the year
  (``services.movements.movement_form_rows``), with the attributes recorded when each was launched;
- ``national_awards`` (0602/0702): the outcomes of the province's stored proposals to national awards
  (``services.national``) whose central decision is dated in the year, one record per awarded recipient
  with the fields the form's ``where`` reads (award_class, submitter, nominee_kind, stat_group,
  commendation_type), plus the figures the Ban enters for awards no stored proposal holds (proposed by a
  ministry, proposed before the system was used, or of a class the system has no award form for);
- ``organisations`` (0604) and ``staff`` (0605): always entered (no record holds them).

Nothing is invented: a cell nobody entered and no record gives is 0, and the form says where each
figure came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from thidua_workflow.certificates.report_forms import FormPage, form_pdf, form_xlsx
from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import STATISTICS_ROLES, require_any_role
from thidua_workflow.domain.enums import DecisionStatus, NationalOutcome, NomineeKind, Title
from thidua_workflow.domain.report_forms import Figures, FormKind, FormPeriod, FormSpec, catalogue
from thidua_workflow.errors import InputRejected, StaleVersion
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.movements import movement_form_rows

ENTERED = "entered"
DERIVED = "derived"
MIXED = "mixed"  # counted from stored records, plus what the Ban entered for what no record holds


@dataclass(frozen=True)
class FormReport:
    """One form of one year, every cell filled, ready to render."""

    year: int
    start: date
    end: date
    period: FormPeriod
    key: str  # the form's key in its period: "0603"
    spec: FormSpec
    figures: Figures
    reporting_unit: str
    origin: str  # derived | entered | mixed
    notes: list[str] = field(default_factory=list)
    entered_version: int | None = None
    # What the Ban typed (every cell; formulas applied): the entry form shows these, not the totals.
    entered: Figures | None = None

    def cell(self, row: str, column: str) -> int:
        return self.figures[row][column]


class Built(NamedTuple):
    """What a source gives: the form's figures, their origin, the notes printed with the form, the
    version of the entered figures and those figures (None where the Ban enters nothing)."""

    figures: Figures
    origin: str
    notes: list[str]
    version: int | None = None
    entered: Figures | None = None


Source = Callable[[Session, Context, FormSpec, date, date], Built]


def _entered(session: Session, ctx: Context, key: str, year: int) -> m.ReportFigures | None:
    return session.scalar(
        select(m.ReportFigures).where(
            m.ReportFigures.province_id == ctx.policy.province,
            m.ReportFigures.form == key,
            m.ReportFigures.year == year,
        )
    )


def _annulled_by(end: date) -> Any:
    """The decision item's award was annulled (Điều 56 NĐ 152/2025) by a decision dated on or before
    ``end``: from that day it is no award, whatever the date of the decision that granted it."""
    return exists().where(
        m.Annulment.nomination_id == m.DecisionItem.nomination_id,
        m.Annulment.decision_id == m.DecisionItem.decision_id,
        m.Annulment.act_date <= end,
    )


def annulled_in(session: Session, ctx: Context, start: date, end: date) -> tuple[int, int, int]:
    """Annulments the form of [start, end] speaks of: (awards of the year annulled by the year's end,
    not counted; awards of earlier years annulled in the year, counted in those years' forms and not
    taken off this one; awards of the year annulled after its end, still counted here)."""
    rows = session.execute(
        select(m.Decision.decision_date, m.Annulment.act_date)
        .join(m.Annulment, m.Annulment.decision_id == m.Decision.id)
        .where(
            m.Decision.status == DecisionStatus.ISSUED.value,
            m.Decision.province_id == ctx.policy.province,
            or_(
                and_(m.Decision.decision_date >= start, m.Decision.decision_date <= end),
                and_(m.Annulment.act_date >= start, m.Annulment.act_date <= end),
            ),
        )
    )
    this_year = earlier = later = 0
    for granted, annulled in rows:
        if granted is None:
            continue
        if start <= granted <= end:
            if annulled <= end:
                this_year += 1
            else:
                later += 1
        elif granted < start and start <= annulled <= end:
            earlier += 1
    return this_year, earlier, later


def award_records(
    session: Session, ctx: Context, start: date, end: date
) -> list[tuple[dict[str, str | None], int]]:
    """The recipients of every issued decision of the province's body dated in [start, end], grouped
    in SQL by what the forms count them by, with how many of each; a recipient whose award was annulled
    by a decision dated on or before ``end`` is not among them (see ``annulled_in``).

    The title each award form leads to comes from the decision's own policy period; the recipient's
    kind, class and commendation type from the nomination as entered.
    """
    rows = session.execute(
        select(
            m.Decision.policy_period,
            m.Decision.award_form,
            m.Nomination.nominee_kind,
            m.Nomination.nominee_stat_group,
            m.Nomination.commendation_type,
            func.count(),
        )
        .join(m.DecisionItem, m.DecisionItem.decision_id == m.Decision.id)
        .join(m.Nomination, m.Nomination.id == m.DecisionItem.nomination_id)
        .where(
            m.Decision.status == DecisionStatus.ISSUED.value,
            m.Decision.province_id == ctx.policy.province,
            m.Decision.decision_date >= start,
            m.Decision.decision_date <= end,
            ~_annulled_by(end),
        )
        .group_by(
            m.Decision.policy_period,
            m.Decision.award_form,
            m.Nomination.nominee_kind,
            m.Nomination.nominee_stat_group,
            m.Nomination.commendation_type,
        )
    )
    out = []
    for period_code, award_form, kind, group, commendation, count in rows:
        title = ctx.policy.period_by_code(period_code).award_form(award_form).title.value
        record = {
            "title": title,
            "nominee_kind": kind,
            "stat_group": group,
            "commendation_type": commendation,
        }
        out.append((record, int(count)))
    return out


def _provincial(session: Session, ctx: Context, spec: FormSpec, start: date, end: date) -> Built:
    records = award_records(session, ctx, start, end)
    counted_titles = {v for c in spec.columns for v in c.where.get("title", [])}
    counted = [(r, n) for r, n in records if r["title"] in counted_titles]
    figures = spec.count(counted)
    notes = []
    left_out = sum(n for _, n in records) - sum(n for _, n in counted)
    if left_out:
        notes.append(
            f"{left_out} lượt khen thưởng khác của tỉnh trong kỳ (danh hiệu không thuộc cột nào của biểu) không tính."
        )
    unclassified = sum(
        n for r, n in counted if r["nominee_kind"] == NomineeKind.PERSON.value and r["stat_group"] is None
    )
    if unclassified:
        notes.append(
            f'{unclassified} cá nhân chưa được phân loại theo đối tượng (các dòng "+ …" chỉ tính người đã phân loại).'
        )
    this_year, earlier, later = annulled_in(session, ctx, start, end)
    if this_year:
        notes.append(
            f"{this_year} lượt khen thưởng trong kỳ đã bị hủy bỏ bằng quyết định ký đến ngày {end:%d/%m/%Y}: "
            "không tính (Điều 56 Nghị định 152/2025/NĐ-CP)."
        )
    if later:
        notes.append(
            f"{later} lượt khen thưởng trong kỳ bị hủy bỏ bằng quyết định ký sau ngày {end:%d/%m/%Y}: vẫn tính, "
            "biểu ghi số liệu đến ngày cuối kỳ."
        )
    if earlier:
        notes.append(
            f"{earlier} lượt khen thưởng của các kỳ trước bị hủy bỏ trong kỳ này: đã tính ở biểu của kỳ được "
            "khen thưởng, không trừ vào biểu này."
        )
    return Built(figures, DERIVED, notes)


def _by_hand(session: Session, ctx: Context, spec: FormSpec, start: date, end: date) -> Built:
    found = _entered(session, ctx, _key_of(spec), end.year)
    if found is None:
        empty = spec.complete({})
        return Built(empty, ENTERED, ["Chưa nhập số liệu cho biểu này: các ô để 0."], None, empty)
    figures = spec.complete(found.figures)
    return Built(figures, ENTERED, [], found.version, figures)


def _from_movements(session: Session, ctx: Context, spec: FormSpec, start: date, end: date) -> Built:
    """0601's rows "01"–"12" and columns "1"–"4" counted from the movements launched in the year, laid on
    the year's form: 0601 as they are (column 1 recomputed by its formula), 0701 (TT 03/2018, years ≤ 2021)
    with its rows summed as report_forms.yaml's ``from_rows`` says and column 4 dropped (0701 has none)."""
    rows = movement_form_rows(session, ctx.policy.province, start, end)
    return Built(spec.from_current(rows), DERIVED, [])


# The class of national award each title counts under in forms 0602/0702 (the columns' ``award_class``).
# A national title not listed here is counted under "Các hình thức khen thưởng khác" (``khac``).
AWARD_CLASS: dict[str, str] = {
    Title.CHIEN_SI_THI_DUA_TOAN_QUOC.value: "cstd_toan_quoc",
    Title.BANG_KHEN_THU_TUONG.value: "bang_khen_ttg",
    Title.CO_THI_DUA_CHINH_PHU.value: "co_chinh_phu",
    Title.HUAN_CHUONG_LAO_DONG_HANG_BA.value: "huan_huy_chuong",
}
OTHER_CLASS = "khac"


@dataclass(frozen=True)
class NationalTally:
    """The province's stored proposals to national awards, as the form of [start, end] sees them."""

    records: list[tuple[dict[str, str | None], int]]  # awarded by a central decision dated in the year
    declined: int  # refused by an answer dated in the year
    waiting: int  # sent by the year's end, no answer dated by then


def national_records(session: Session, ctx: Context, start: date, end: date) -> NationalTally:
    """One record per recipient a central decision dated in [start, end] awarded, from the province's
    proposals (the proposal's policy period is one of the province's): the award class of the title the
    award form leads to, the province as submitter (it signed the proposal), the recipient as the
    nomination recorded it. The central decision's date governs: that is when the award is obtained."""
    codes = [p.code for p in ctx.policy.periods if any(f.national for f in p.award_forms.values())]
    if not codes:
        return NationalTally([], 0, 0)
    rows = session.execute(
        select(
            m.Nomination.policy_period,
            m.Nomination.award_form,
            m.Nomination.nominee_kind,
            m.Nomination.nominee_stat_group,
            m.Nomination.commendation_type,
            m.NationalProposalItem.outcome,
            m.NationalProposalItem.outcome_date,
            m.NationalProposalItem.recorded_at,
        )
        .join(m.NationalProposal, m.NationalProposal.id == m.NationalProposalItem.proposal_id)
        .join(m.Nomination, m.Nomination.id == m.NationalProposalItem.nomination_id)
        .where(
            m.NationalProposal.policy_period.in_(codes),
            m.NationalProposal.sent_on.is_not(None),
            m.NationalProposal.sent_on <= end,
        )
    )
    awarded: Counter[tuple[str, str, str | None, str]] = Counter()
    declined = waiting = 0
    for period_code, award_form, kind, group, commendation, outcome, decided_on, recorded_at in rows:
        if outcome is not None and decided_on is None and recorded_at is not None:
            decided_on = recorded_at.astimezone(ctx.clock.tz).date()  # a refusal may carry no date
        if outcome is None or decided_on is None or decided_on > end:
            waiting += 1
        elif decided_on < start:
            continue  # answered in an earlier year: that year's form
        elif outcome == NationalOutcome.AWARDED.value:
            title = ctx.policy.period_by_code(period_code).award_form(award_form).title.value
            awarded[(AWARD_CLASS.get(title, OTHER_CLASS), kind, group, commendation)] += 1
        else:
            declined += 1
    records: list[tuple[dict[str, str | None], int]] = [
        (
            {
                "award_class": award_class,
                "submitter": "province",
                "nominee_kind": kind,
                "stat_group": group,
                "commendation_type": commendation,
            },
            count,
        )
        for (award_class, kind, group, commendation), count in sorted(
            awarded.items(), key=lambda kv: tuple(str(x) for x in kv[0])
        )
    ]
    return NationalTally(records, declined, waiting)


def _national(session: Session, ctx: Context, spec: FormSpec, start: date, end: date) -> Built:
    """0602/0702: the stored proposals' outcomes, plus what the Ban entered for awards no stored
    proposal holds; each part's total is printed with the form."""
    tally = national_records(session, ctx, start, end)
    derived = spec.count(tally.records)
    found = _entered(session, ctx, _key_of(spec), end.year)
    entered = spec.complete(found.figures if found is not None else {})
    figures = {
        row: {col: value + entered[row][col] for col, value in cells.items()}
        for row, cells in derived.items()
    }
    total_row = spec.data_rows[0].code or ""
    total_col = spec.columns[0].key
    from_records = derived[total_row][total_col]
    notes = [
        f"{from_records} lượt tính từ kết quả các hồ sơ trình cấp Nhà nước đã lưu trong hệ thống (quyết định "
        f"của cấp Trung ương ký từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}; tỉnh trình: dòng 3)."
    ]
    if found is None:
        notes.append(
            "Ban chưa nhập số liệu bổ sung (khen thưởng không có trong hồ sơ trình đã lưu: do bộ, ngành trình, "
            "trình trước khi dùng hệ thống, hoặc hình thức hệ thống chưa có)."
        )
    else:
        notes.append(
            f"{entered[total_row][total_col]} lượt do Ban nhập bổ sung (khen thưởng không có trong hồ sơ trình "
            "đã lưu: do bộ, ngành trình, trình trước khi dùng hệ thống, hoặc hình thức hệ thống chưa có)."
        )
    if tally.waiting:
        notes.append(
            f"{tally.waiting} trường hợp đã trình, đến ngày {end:%d/%m/%Y} chưa có quyết định của cấp Trung ương: "
            "không tính."
        )
    if tally.declined:
        notes.append(f"{tally.declined} trường hợp cấp Trung ương không khen thưởng trong kỳ: không tính.")
    return Built(figures, MIXED, notes, found.version if found is not None else None, entered)


SOURCES: dict[FormKind, Source] = {
    "movements": _from_movements,
    "national_awards": _national,
    "provincial_awards": _provincial,
    "organisations": _by_hand,
    "staff": _by_hand,
}
# Forms the Ban enters figures for: wholly (organisations, staff) or for what no record holds (national).
ENTERED_KINDS = frozenset({"national_awards", "organisations", "staff"})
# Where the figures of each form come from, as the pages, the CLI and the demo say it.
DERIVED_FROM: dict[FormKind, str] = {
    "provincial_awards": "từ các quyết định khen thưởng đã ban hành trong kỳ",
    "movements": "từ các phong trào thi đua được phát động trong kỳ",
    "national_awards": "từ kết quả các hồ sơ trình cấp Nhà nước đã lưu, cộng số liệu Ban nhập bổ sung",
    "organisations": "số liệu do Ban nhập",
    "staff": "số liệu do Ban nhập",
}


def origin_text(kind: FormKind) -> str:
    return DERIVED_FROM.get(kind, "từ dữ liệu đã lưu")


def _key_of(spec: FormSpec) -> str:
    return spec.code.split(".", 1)[0]


def list_forms(year: int) -> tuple[FormPeriod, list[tuple[str, FormSpec]]]:
    period = catalogue().period_for(year)
    return period, list(period.forms.items())


def _check_year(year: int) -> None:
    if not 1945 <= year <= 2200:
        raise InputRejected(f"Năm báo cáo '{year}' không hợp lệ.")


def build_form(ctx: Context, username: str, year: int, key: str) -> FormReport:
    """One form of the reporting year, from its source."""
    _check_year(year)
    period = catalogue().period_for(year)
    spec = period.form(key)
    start, end = period.bounds(year)
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        require_any_role(actor, STATISTICS_ROLES, "Lập biểu báo cáo thống kê")
        built = SOURCES[spec.kind](uow.session, ctx, spec, start, end)
    return FormReport(
        year=year,
        start=start,
        end=end,
        period=period,
        key=key,
        spec=spec,
        figures=built.figures,
        reporting_unit=ctx.policy.issuing_body,
        origin=built.origin,
        notes=built.notes,
        entered_version=built.version,
        entered=built.entered,
    )


def enter_figures(
    ctx: Context,
    username: str,
    year: int,
    key: str,
    figures: Mapping[str, Mapping[str, Any]],
    *,
    expected_version: int | None,
) -> int:
    """Store the figures of a form no record gives; returns the new version.

    ``expected_version`` is the version the person saw (None: there were none yet); if somebody saved
    in between, nothing is written and StaleVersion says so.
    """
    _check_year(year)
    period = catalogue().period_for(year)
    spec = period.form(key)
    if spec.kind not in ENTERED_KINDS:
        raise InputRejected(f"Biểu {spec.code} được lập {origin_text(spec.kind)}; không nhập tay.")
    clean = spec.check_entered(figures)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, STATISTICS_ROLES, "Nhập số liệu biểu báo cáo thống kê")
        found = _entered(session, ctx, key, year)
        current = found.version if found is not None else None
        if current != expected_version:
            raise StaleVersion(
                f"Số liệu biểu {spec.code} năm {year} vừa được người khác lưu (phiên bản {current}); "
                "hãy mở lại và nhập lại. Không có gì thay đổi."
            )
        before = found.figures if found is not None else None
        if found is None:
            found = m.ReportFigures(
                province_id=ctx.policy.province,
                form=key,
                year=year,
                figures=clean,
                entered_by_id=actor.person_id,
                entered_at=now,
            )
            session.add(found)
        else:
            found.figures = clean
            found.entered_by_id = actor.person_id
            found.entered_at = now
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="report_figures_enter",
            entity_type="report_figures",
            entity_id=f"{ctx.policy.province}:{key}:{year}",
            data={"form": spec.code, "year": year, "before": before, "after": clean},
        )
        version = found.version
        uow.commit()
    return version


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_of(ctx: Context, report: FormReport) -> FormPage:
    return FormPage(
        period=report.period,
        spec=report.spec,
        figures=report.figures,
        year=report.year,
        start=report.start,
        end=report.end,
        reporting_unit=report.reporting_unit,
        place=ctx.policy.province_name,
        notes=report.notes,
    )


def export_form(ctx: Context, username: str, year: int, key: str, fmt: str) -> tuple[str, bytes, str]:
    """(file name, bytes, media type) of one form of the year as .xlsx or .pdf."""
    if fmt not in ("xlsx", "pdf"):
        raise InputRejected(f"Định dạng '{fmt}' không có: chọn xlsx hoặc pdf.")
    report = build_form(ctx, username, year, key)
    page = page_of(ctx, report)
    name = f"bieu-{key}-{year}.{fmt}"
    if fmt == "xlsx":
        return name, form_xlsx(page), XLSX_TYPE
    return name, form_pdf(page), "application/pdf"
