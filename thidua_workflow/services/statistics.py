"""The Ministry's statistical report forms on emulation and commendation (TT 02/2023/TT-BNV 0601–0605
and its predecessor's 0701–0703), built for one reporting year (01/12 of the year before to 30/11).

Where each form's figures come from is decided by its kind (``report_forms.yaml``):

- ``provincial_awards`` (0603/0703): counted from the issued decisions of the province's body in the
  year, one record per awarded recipient (decision item), classified by what the nomination recorded;
- ``movements`` (0601/0701): counted from the movements launched in the year
  (``services.movements.movement_form_rows``), with the attributes recorded when each was launched;
- ``national_awards`` (0602/0702): entered figures until the outcomes of proposals to national awards
  are stored; then a source that yields one record per awarded recipient with the fields the form's
  ``where`` reads (award_class, submitter, nominee_kind, stat_group, commendation_type) feeds ``count``;
- ``organisations`` (0604) and ``staff`` (0605): always entered (no record holds them).

Nothing is invented: a cell nobody entered and no record gives is 0, and the form says where each
figure came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from thidua_workflow.certificates.report_forms import FormPage, form_pdf, form_xlsx
from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import STATISTICS_ROLES, require_any_role
from thidua_workflow.domain.enums import DecisionStatus, NomineeKind
from thidua_workflow.domain.report_forms import Figures, FormKind, FormPeriod, FormSpec, catalogue
from thidua_workflow.errors import InputRejected, StaleVersion
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.movements import movement_form_rows

ENTERED = "entered"
DERIVED = "derived"


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
    origin: str  # derived | entered
    notes: list[str] = field(default_factory=list)
    entered_version: int | None = None

    def cell(self, row: str, column: str) -> int:
        return self.figures[row][column]


Source = Callable[[Session, Context, FormSpec, date, date], tuple[Figures, str, list[str], int | None]]


def _entered(session: Session, ctx: Context, key: str, year: int) -> m.ReportFigures | None:
    return session.scalar(
        select(m.ReportFigures).where(
            m.ReportFigures.province_id == ctx.policy.province,
            m.ReportFigures.form == key,
            m.ReportFigures.year == year,
        )
    )


def award_records(
    session: Session, ctx: Context, start: date, end: date
) -> list[tuple[dict[str, str | None], int]]:
    """The recipients of every issued decision of the province's body dated in [start, end], grouped
    in SQL by what the forms count them by, with how many of each.

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


def _provincial(
    session: Session, ctx: Context, spec: FormSpec, start: date, end: date
) -> tuple[Figures, str, list[str], int | None]:
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
    return figures, DERIVED, notes, None


def _by_hand(
    session: Session, ctx: Context, spec: FormSpec, start: date, end: date
) -> tuple[Figures, str, list[str], int | None]:
    found = _entered(session, ctx, _key_of(spec), end.year)
    if found is None:
        return spec.complete({}), ENTERED, ["Chưa nhập số liệu cho biểu này: các ô để 0."], None
    return spec.complete(found.figures), ENTERED, [], found.version


def _from_movements(
    session: Session, ctx: Context, spec: FormSpec, start: date, end: date
) -> tuple[Figures, str, list[str], int | None]:
    """0601's rows "01"–"12" and columns "1"–"4" counted from the movements launched in the year, laid on
    the year's form: 0601 as they are (column 1 recomputed by its formula), 0701 (TT 03/2018, years ≤ 2021)
    with its rows summed as report_forms.yaml's ``from_rows`` says and column 4 dropped (0701 has none)."""
    rows = movement_form_rows(session, ctx.policy.province, start, end)
    return spec.from_current(rows), DERIVED, [], None


# For 0602, the outcomes of proposals to national awards feed ``spec.count`` (see docs/statistics.md).
SOURCES: dict[FormKind, Source] = {
    "movements": _from_movements,
    "national_awards": _by_hand,
    "provincial_awards": _provincial,
    "organisations": _by_hand,
    "staff": _by_hand,
}
ENTERED_KINDS = frozenset({"national_awards", "organisations", "staff"})
# Where the figures of a form no one enters come from, as the pages and the demo say it.
DERIVED_FROM: dict[FormKind, str] = {
    "provincial_awards": "từ các quyết định khen thưởng đã ban hành trong kỳ",
    "movements": "từ các phong trào thi đua được phát động trong kỳ",
}


def origin_text(kind: FormKind) -> str:
    return "số liệu do Ban nhập" if kind in ENTERED_KINDS else DERIVED_FROM.get(kind, "từ dữ liệu đã lưu")


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
        figures, origin, notes, version = SOURCES[spec.kind](uow.session, ctx, spec, start, end)
    return FormReport(
        year=year,
        start=start,
        end=end,
        period=period,
        key=key,
        spec=spec,
        figures=figures,
        reporting_unit=ctx.policy.issuing_body,
        origin=origin,
        notes=notes,
        entered_version=version,
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
