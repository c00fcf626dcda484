"""The Ban's dashboard (issue 22), also the Chairman's office's: where every dossier is, what waits on whom
and for how long in working days, overdue work, throughput per week, this year against last year.

Counting 100,000 dossiers and a million events on every view costs more than a page may (p95 ≤ 50 ms), so
the counts are a snapshot (``refresh``: taken by the daily sweep, or by a person on demand, and the page
says when); overdue work is read live, from an index. Filters (year, unit, award form) apply to the
snapshot's rows, which keep those keys.
"""

from __future__ import annotations

import time as clock_time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import NominationStatus, Role, TaskKind, TaskStatus
from thidua_workflow.errors import NotPermitted
from thidua_workflow.services import audit
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import grant_holds, today_of
from thidua_workflow.services.visibility import province_wide

# Throughput series: the events that count as a dossier moving on.
SERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "submitted": ("Hồ sơ nộp", ("submit",)),
    "appraised": ("Thẩm định xong", ("appraisal_pass", "appraisal_return", "appraisal_reject")),
    "decided": ("Có quyết định", ("decide",)),
}
# The stages in the order a dossier goes through them (the dashboard's columns).
STAGES = [s for s in NominationStatus if s is not NominationStatus.DRAFT]
DONE = {NominationStatus.DECIDED.value, NominationStatus.CERTIFIED.value}
UNIT_SCOPED = (Role.BLOC_REPRESENTATIVE, Role.UNIT_CLERK)
HISTORY_WEEKS = 60  # what a snapshot keeps: this year's weeks and last year's same weeks


@dataclass(frozen=True)
class Filters:
    year: int
    unit: str | None = None
    award: str | None = None
    weeks: int = 12


@dataclass
class WaitRow:
    kind: str
    kind_label: str
    role_label: str
    who: str
    count: int
    overdue: int
    oldest_days: int
    average_days: float


@dataclass
class OverdueRow:
    task_id: int
    kind_label: str
    subject: str
    due_on: date
    days_late: int
    nomination_id: int | None


@dataclass
class DashboardView:
    taken_at: datetime | None
    filters: Filters
    statuses: list[tuple[str, str]] = field(default_factory=list)
    by_unit: list[tuple[str, dict[str, int], int]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    total: int = 0
    waiting: list[WaitRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    overdue_total: int = 0
    weeks: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    series: list[tuple[str, str]] = field(default_factory=list)
    this_year: dict[str, int] = field(default_factory=dict)
    last_year: dict[str, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    awards: list[str] = field(default_factory=list)


def require_viewer(actor: Actor) -> None:
    if not province_wide(actor):
        raise NotPermitted(
            f"Bảng theo dõi dành cho Ban Thi đua – Khen thưởng và Văn phòng UBND tỉnh; {actor.label} không có vai trò đó."
        )


def refresh(ctx: Context, actor: Actor | None = None) -> datetime:
    """Take a snapshot of the counts: every dossier by year, stage, unit and award form; every open task by
    kind, assignee and age; the throughput per day over the last ``HISTORY_WEEKS`` weeks."""
    if actor is not None:
        require_viewer(actor)
    started = clock_time.perf_counter()
    now = ctx.clock.now()
    today = ctx.clock.today()
    calendar = ctx.calendar
    with ctx.reader() as uow:
        session = uow.session
        n = m.Nomination
        stages = [
            [r.period_year, r.status, r.submitting_unit_id, r.award_form, int(r.total)]
            for r in session.execute(
                select(
                    n.period_year, n.status, n.submitting_unit_id, n.award_form, func.count().label("total")
                ).group_by(n.period_year, n.status, n.submitting_unit_id, n.award_form)
            )
        ]
        waits: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        ages: dict[date, int] = {}
        rows = session.execute(
            select(
                m.Task.kind,
                m.Task.assignee_role,
                m.Task.assignee_unit_id,
                m.Task.assignee_person_id,
                m.Task.created_at,
                m.Task.due_on,
                n.submitting_unit_id,
            )
            .outerjoin(n, n.id == m.Task.nomination_id)
            .where(m.Task.status == TaskStatus.OPEN.value)
        )
        for kind, role, unit, person, created, due, nomination_unit in rows:
            day = created.astimezone(ctx.clock.tz).date() if created.tzinfo else created.date()
            age = ages.get(day)
            if age is None:
                age = ages[day] = calendar.working_days_between(day, today) if day < today else 0
            scope = unit if Role(role) in UNIT_SCOPED else None
            entry = waits[(kind, role, scope, person, nomination_unit)]
            entry[0] += 1
            entry[1] += 1 if due < today else 0
            entry[2] = max(entry[2], age)
            entry[3] += age
        start = now - timedelta(weeks=HISTORY_WEEKS)
        actions = {a: key for key, (_, acts) in SERIES.items() for a in acts}
        day_column = func.date(m.AuditEvent.at)
        throughput = [
            [actions[r.action], str(r.day)[:10], int(r.total)]
            for r in session.execute(
                select(m.AuditEvent.action, day_column.label("day"), func.count().label("total"))
                .where(m.AuditEvent.action.in_(list(actions)), m.AuditEvent.at >= start)
                .group_by(m.AuditEvent.action, day_column)
            )
        ]
    # Kept twice: by the dossier's unit (for the unit filter), and merged (the page without it).
    merged: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (kind, role, scope, person, _unit), (count, overdue, oldest, total_days) in waits.items():
        entry = merged[(kind, role, scope, person, None)]
        entry[0] += count
        entry[1] += overdue
        entry[2] = max(entry[2], oldest)
        entry[3] += total_days
    by_year: dict[str, list[list[Any]]] = defaultdict(list)
    for row in stages:
        by_year[str(row[0])].append(row)
    data = {
        "stages": by_year,
        "years": sorted({row[0] for row in stages}, reverse=True),
        "units": sorted({row[2] for row in stages}),
        "awards": sorted({row[3] for row in stages}),
        "waiting": [[*key, *values] for key, values in waits.items()],
        "waiting_all": [[*key, *values] for key, values in merged.items()],
        "throughput": throughput,
    }
    seconds = clock_time.perf_counter() - started
    with ctx.uow() as uow:
        uow.session.add(m.DashboardSnapshot(taken_at=now, taken_on=today, seconds=seconds, data=data))
        uow.session.flush()
        if actor is not None:
            audit.record(
                uow.session,
                at=now,
                actor=actor,
                action="dashboard_refreshed",
                entity_type="dashboard",
                entity_id="snapshot",
                data={"seconds": round(seconds, 3)},
            )
        uow.commit()
    return now


_NEWEST = select(m.DashboardSnapshot).order_by(m.DashboardSnapshot.id.desc()).limit(1)


def show(ctx: Context, actor: Actor, filters: Filters) -> DashboardView:
    """The dashboard for ``filters`` from the newest snapshot, with the overdue work read live."""
    require_viewer(actor)
    today = ctx.clock.today()
    view = DashboardView(taken_at=None, filters=filters)
    view.statuses = [(s.value, s.label) for s in STAGES]
    view.series = [(key, label) for key, (label, _) in SERIES.items()]
    with ctx.reader() as uow:
        session = uow.session
        snap = session.scalars(_NEWEST).first()
        overdue_query = (
            select(m.Task.id, m.Task.kind, m.Task.due_on, m.Task.nomination_id, m.Nomination.nominee_name)
            .outerjoin(m.Nomination, m.Nomination.id == m.Task.nomination_id)
            .where(m.Task.status == TaskStatus.OPEN.value, m.Task.due_on < today)
        )
        count_query = (
            select(func.count())
            .select_from(m.Task)
            .where(m.Task.status == TaskStatus.OPEN.value, m.Task.due_on < today)
        )
        if filters.unit:
            overdue_query = overdue_query.where(m.Nomination.submitting_unit_id == filters.unit)
            count_query = count_query.join(m.Nomination, m.Nomination.id == m.Task.nomination_id).where(
                m.Nomination.submitting_unit_id == filters.unit
            )
        view.overdue_total = int(session.scalar(count_query) or 0)
        view.overdue = [
            OverdueRow(
                r.id,
                TaskKind(r.kind).label,
                f"Hồ sơ số {r.nomination_id}: {r.nominee_name}"
                if r.nomination_id
                else TaskKind(r.kind).label,
                r.due_on,
                (today - r.due_on).days,
                r.nomination_id,
            )
            for r in session.execute(overdue_query.order_by(m.Task.due_on, m.Task.id).limit(20))
        ]
        if snap is None:
            return view
        view.taken_at, taken_on, data = snap.taken_at, snap.taken_on, snap.data
        view.years, view.units, view.awards = data["years"], data["units"], data["awards"]
        _stages(
            view,
            data["stages"].get(str(filters.year), []) + data["stages"].get(str(filters.year - 1), []),
            filters,
        )
        waiting = data["waiting"] if filters.unit else data["waiting_all"]
        names = _assignee_names(session, waiting)
    _waiting(view, waiting, names, filters)
    _throughput(view, data["throughput"], taken_on, filters)
    return view


def _assignee_names(session: Session, rows: list[list[Any]]) -> dict[tuple[str, str | None, int | None], str]:
    """Who each waiting task is for, by name: the holders of its role (and unit) today, or its person —
    read in two statements whatever the number of units."""
    people = {person for _, _, _, person, *_ in rows if person is not None}
    roles = {role for _, role, _, person, *_ in rows if person is None}
    by_person = (
        dict(
            session.execute(select(m.Person.id, m.Person.full_name).where(m.Person.id.in_(people)))
            .tuples()
            .all()
        )
        if people
        else {}
    )
    holding: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    if roles:
        found = session.execute(
            select(m.RoleGrant.role, m.RoleGrant.unit_id, m.Person.full_name)
            .join(m.Person, m.Person.id == m.RoleGrant.person_id)
            .where(m.RoleGrant.role.in_(roles), m.Person.active.is_(True), grant_holds(today_of(session)))
            .order_by(m.Person.full_name)
        )
        for role, unit, name in found:
            for key in ((role, unit), (role, None)):
                if name not in holding[key]:
                    holding[key].append(name)
    names: dict[tuple[str, str | None, int | None], str] = {}
    for _, role, scope, person, *_ in rows:
        if person is not None:
            names[(role, scope, person)] = by_person.get(person, "—")
        else:
            names[(role, scope, None)] = ", ".join(holding.get((role, scope), [])) or "chưa có ai được giao"
    return names


def _stages(view: DashboardView, rows: list[list[Any]], f: Filters) -> None:
    per_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for year, status, unit, award, count in rows:
        if (f.unit and unit != f.unit) or (f.award and award != f.award):
            continue
        bucket = view.this_year if year == f.year else view.last_year if year == f.year - 1 else None
        if bucket is not None:
            bucket[status] = bucket.get(status, 0) + count
        if year == f.year:
            per_unit[unit][status] += count
    for unit, counts in per_unit.items():
        view.by_unit.append((unit, dict(counts), sum(counts.values())))
        for status, count in counts.items():
            view.totals[status] = view.totals.get(status, 0) + count
    view.by_unit.sort(key=lambda r: (-r[2], r[0]))
    view.total = sum(view.totals.values())


def _waiting(
    view: DashboardView,
    rows: list[list[Any]],
    names: dict[tuple[str, str | None, int | None], str],
    f: Filters,
) -> None:
    merged: dict[tuple[str, str, str | None, int | None], list[int]] = {}
    for kind, role, scope, person, unit, count, overdue, oldest, total_days in rows:
        if f.unit and unit != f.unit:
            continue
        entry = merged.setdefault((kind, role, scope, person), [0, 0, 0, 0])
        entry[0] += count
        entry[1] += overdue
        entry[2] = max(entry[2], oldest)
        entry[3] += total_days
    for (kind, role, scope, person), (count, overdue, oldest, total_days) in merged.items():
        view.waiting.append(
            WaitRow(
                kind,
                TaskKind(kind).label,
                Role(role).label,
                names.get((role, scope, person), "—"),
                count,
                overdue,
                oldest,
                round(total_days / count, 1) if count else 0.0,
            )
        )
    view.waiting.sort(key=lambda w: (-w.oldest_days, -w.count, w.kind))


def _throughput(view: DashboardView, rows: list[list[Any]], taken_on: date, f: Filters) -> None:
    monday = taken_on - timedelta(days=taken_on.weekday())
    starts = [monday - timedelta(weeks=k) for k in range(max(1, min(f.weeks, HISTORY_WEEKS)) - 1, -1, -1)]
    counts: dict[date, dict[str, int]] = {s: dict.fromkeys(SERIES, 0) for s in starts}
    for series, day_text, count in rows:
        day = date.fromisoformat(day_text)
        week = day - timedelta(days=day.weekday())
        if week in counts:
            counts[week][series] += count
    view.weeks = [(s, counts[s]) for s in starts]


def done_share(counts: dict[str, int]) -> int:
    """How many of ``counts``' dossiers have their award (decided or certified)."""
    return sum(v for k, v in counts.items() if k in DONE)


def sheet_rows(view: DashboardView, unit_name: Any) -> list[tuple[object, ...]]:
    """The dashboard as one sheet's rows (sections one under another), for the .xlsx export."""
    rows: list[tuple[object, ...]] = []
    for unit, counts, total in view.by_unit:
        rows.append((unit_name(unit), *(counts.get(s, 0) for s, _ in view.statuses), total))
    rows.append(("Tổng cộng", *(view.totals.get(s, 0) for s, _ in view.statuses), view.total))
    rows.append(())
    rows.append(("Việc đang chờ", "Ai xử lý", "Số việc", "Quá hạn", "Lâu nhất (ngày làm việc)", "Bình quân"))
    for w in view.waiting:
        rows.append((w.kind_label, w.who, w.count, w.overdue, w.oldest_days, w.average_days))
    rows.append(())
    rows.append(("Tuần bắt đầu", *(label for _, label in view.series)))
    for start, counts in view.weeks:
        rows.append((start, *(counts[k] for k, _ in view.series)))
    rows.append(())
    rows.append(("Giai đoạn", f"Năm {view.filters.year}", f"Năm {view.filters.year - 1}"))
    for status, label in view.statuses:
        rows.append((label, view.this_year.get(status, 0), view.last_year.get(status, 0)))
    return rows
