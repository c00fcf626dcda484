"""Read models: lists and the full story of one nomination, for the CLI and the web alike."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, case, func, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import NominationStatus, NomineeKind, Procedure, Role, TaskKind, TaskStatus
from thidua_workflow.domain.text import collation_key, search_key
from thidua_workflow.errors import InputRejected, NotConfigured, NotFound
from thidua_workflow.services.context import Context
from thidua_workflow.services.directory import unit_names
from thidua_workflow.services.eligibility import recheck
from thidua_workflow.services.visibility import nomination_filter, require_nomination


@dataclass(frozen=True)
class NominationRow:
    id: int
    nominee: str
    nominee_kind: str
    award_form: str
    period: str
    unit: str
    status: str
    status_label: str
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["updated_at"] = self.updated_at.isoformat()
        return data


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    comment: str | None
    data: dict[str, Any]
    on_behalf: str | None = None  # issue 22: the person a delegate acted for


@dataclass(frozen=True)
class DocumentView:
    kind: str
    title: str | None
    file_name: str
    sha256: str
    size: int
    media_type: str
    dated: date | None


@dataclass(frozen=True)
class DossierView:
    number: int
    achievement: str
    declared: dict[str, Any]
    checks: list[dict[str, Any]]
    note: str | None
    created_at: datetime
    documents: list[DocumentView]


@dataclass(frozen=True)
class OpenTaskView:
    id: int
    kind: str
    assignee_role: str
    assignee_unit: str | None
    due_on: date
    kind_label: str = ""
    role_label: str = ""
    unit_name: str | None = None


@dataclass
class NominationDetail:
    id: int
    status: str
    status_label: str
    version: int
    award_form: str
    award_form_name: str
    commendation_type: str
    procedure: str
    period: str
    policy_period: str
    movement: str | None
    nominee: dict[str, Any]
    submitting_unit: str
    bloc: str | None
    round_id: int | None
    # Where the dossier is, in one sentence: the state's label and, where it matters, what happens next.
    where: str = ""
    deferred_from_round: int | None = None
    current_checks: list[dict[str, Any]] | None = None  # re-run today, while under appraisal
    # The names people read for the codes above.
    submitting_unit_name: str = ""
    bloc_name: str | None = None
    policy_title: str = ""
    dossiers: list[DossierView] = field(default_factory=list)
    timeline: list[EventView] = field(default_factory=list)
    open_tasks: list[OpenTaskView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# The columns people sort a nomination list by (the API's and the web's ``sort``; "-" before one reverses).
NOMINATION_SORTS = {
    "id": "Số hồ sơ",
    "nominee": "Đối tượng",
    "award_form": "Hình thức khen",
    "year": "Năm",
    "unit": "Đơn vị trình",
    "status": "Trạng thái",
    "updated_at": "Cập nhật",
}
EXPORT_CHUNK = 500  # rows read at a time when a whole list is exported
MAX_OFFSET = 2**31 - 1  # what every database's OFFSET takes


@dataclass(frozen=True)
class NominationFilter:
    """What narrows a nomination list; ``viewer`` keeps it to the dossiers that person may see."""

    status: NominationStatus | None = None
    unit: str | None = None
    year: int | None = None
    award_form: str | None = None
    kind: NomineeKind | None = None
    search: str | None = None
    viewer: Actor | None = None


@dataclass(frozen=True)
class NominationPage:
    """One page of a list and how many rows the whole filtered list holds."""

    rows: list[NominationRow]
    total: int
    offset: int
    limit: int | None

    @property
    def first(self) -> int:
        """The 1-based number of the first row shown (0 when none is)."""
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.rows)

    @property
    def complete(self) -> bool:
        return self.first <= 1 and self.last >= self.total


def _where(filters: NominationFilter) -> list[ColumnElement[bool]]:
    n = m.Nomination
    clauses: list[ColumnElement[bool]] = []
    if filters.status is not None:
        clauses.append(n.status == filters.status.value)
    if filters.unit is not None:
        clauses.append(n.submitting_unit_id == filters.unit)
    if filters.year is not None:
        clauses.append(n.period_year == filters.year)
    if filters.award_form is not None:
        clauses.append(n.award_form == filters.award_form)
    if filters.kind is not None:
        clauses.append(n.nominee_kind == filters.kind.value)
    for word in search_key(filters.search or "").split():
        clauses.append(n.nominee_name_key.contains(word, autoescape=True))
    if filters.viewer is not None and (seen := nomination_filter(filters.viewer)) is not None:
        clauses.append(seen)
    return clauses


def _order(ctx: Context, session: Session, sort: str | None) -> list[ColumnExpressionArgument[Any]]:
    """ORDER BY for ``sort``; the id last, so that equal rows keep one order from page to page.

    Award forms sort by their names and statuses by their place in the lifecycle, names the Vietnamese
    way (the stored order key), units by their names.
    """
    n = m.Nomination
    default: list[ColumnExpressionArgument[Any]] = [
        n.period_year.desc(),
        n.award_form,
        n.nominee_order_key,
        n.id,
    ]
    if not sort:
        return default
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name not in NOMINATION_SORTS:
        choices = ", ".join(NOMINATION_SORTS)
        raise InputRejected(
            f"Không sắp xếp được theo '{name}': chọn một trong {choices} (thêm '-' để đảo chiều)."
        )
    column: ColumnExpressionArgument[Any]
    if name == "id":
        column = n.id
    elif name == "nominee":
        column = n.nominee_order_key
    elif name == "year":
        column = n.period_year
    elif name == "updated_at":
        column = n.updated_at
    elif name == "award_form":
        names = {c: collation_key(f.name) for p in ctx.policy.periods for c, f in p.award_forms.items()}
        column = case(names, value=n.award_form, else_=n.award_form) if names else n.award_form
    elif name == "status":
        column = case({s.value: i for i, s in enumerate(NominationStatus)}, value=n.status, else_=99)
    else:
        current = select(m.UnitName.unit_id, m.UnitName.name).where(m.UnitName.valid_until.is_(None))
        units = {unit: collation_key(unit_name) for unit, unit_name in session.execute(current)}
        column = (
            case(units, value=n.submitting_unit_id, else_=n.submitting_unit_id)
            if units
            else n.submitting_unit_id
        )
    first = column.desc() if descending else column.asc()
    return [first, n.id.desc() if descending else n.id]


def _row(n: m.Nomination) -> NominationRow:
    return NominationRow(
        id=n.id,
        nominee=n.nominee_name,
        nominee_kind=n.nominee_kind,
        award_form=n.award_form,
        period=n.period_label,
        unit=n.submitting_unit_id,
        status=n.status,
        status_label=NominationStatus(n.status).label,
        updated_at=n.updated_at,
    )


def page_nominations(
    ctx: Context,
    filters: NominationFilter,
    *,
    sort: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> NominationPage:
    """One page of the filtered list, sorted and cut in SQL, with the filtered list's total."""
    if not 0 <= offset <= MAX_OFFSET or (limit is not None and limit < 1):
        raise InputRejected("Trang danh sách không hợp lệ: vị trí bắt đầu từ 0, số dòng mỗi trang từ 1.")
    clauses = _where(filters)
    with ctx.reader() as uow:
        order = _order(ctx, uow.session, sort)
        query = select(m.Nomination).where(*clauses).order_by(*order).offset(offset).limit(limit)
        total = uow.session.scalar(select(func.count()).select_from(m.Nomination).where(*clauses)) or 0
        rows = [_row(n) for n in uow.session.scalars(query)]
    return NominationPage(rows=rows, total=total, offset=offset, limit=limit)


def submitting_units(ctx: Context, viewer: Actor | None) -> list[str]:
    """The units whose dossiers ``viewer`` may see: what a list's unit filter can offer them."""
    clauses = _where(NominationFilter(viewer=viewer))
    with ctx.reader() as uow:
        query = select(m.Nomination.submitting_unit_id).where(*clauses).distinct()
        return sorted(uow.session.scalars(query))


def iter_nominations(
    ctx: Context, filters: NominationFilter, *, sort: str | None = None
) -> Iterator[NominationRow]:
    """Every row of the filtered list, read ``EXPORT_CHUNK`` at a time: exports have no cap."""
    with ctx.reader() as uow:
        query = select(m.Nomination).where(*_where(filters)).order_by(*_order(ctx, uow.session, sort))
        for n in uow.session.scalars(query.execution_options(yield_per=EXPORT_CHUNK)):
            yield _row(n)


def list_nominations(
    ctx: Context,
    *,
    status: NominationStatus | None = None,
    unit: str | None = None,
    year: int | None = None,
    award_form: str | None = None,
    kind: NomineeKind | None = None,
    search: str | None = None,
    viewer: Actor | None = None,
    sort: str | None = None,
) -> list[NominationRow]:
    """Every nomination matching the filters, by default newest year first, then by award form, then in
    Vietnamese order of the nominee's name (collectives, persons by given name, households).

    ``search`` ignores accents and case: "Nguyen Van A" finds "Nguyễn Văn A".
    """
    filters = NominationFilter(status, unit, year, award_form, kind, search, viewer)
    return page_nominations(ctx, filters, sort=sort, limit=None).rows


def show_nomination(ctx: Context, nomination_id: int, *, viewer: Actor | None = None) -> NominationDetail:
    """Status, every dossier version with its checks and files, the open tasks, and the full timeline.

    With a ``viewer``, only a person who may see the dossier gets it (the CLI is the operator's).
    """
    with ctx.reader() as uow:
        session = uow.session
        n = session.get(m.Nomination, nomination_id)
        if n is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        if viewer is not None:
            require_nomination(session, viewer, n)
        policy_period = ctx.policy.period_by_code(n.policy_period)
        award = policy_period.award_forms.get(n.award_form)
        award_name = award.name if award else n.award_form
        tasks = session.scalars(
            select(m.Task).where(m.Task.nomination_id == n.id, m.Task.status == TaskStatus.OPEN.value)
        ).all()
        names = unit_names(
            ctx,
            ctx.clock.today(),
            {n.submitting_unit_id, *(t.assignee_unit_id for t in tasks if t.assignee_unit_id)},
        )
        bloc = session.get(m.Bloc, n.bloc_id) if n.bloc_id else None
        detail = NominationDetail(
            id=n.id,
            status=n.status,
            status_label=NominationStatus(n.status).label,
            version=n.version,
            award_form=n.award_form,
            award_form_name=award_name,
            commendation_type=n.commendation_type,
            procedure=n.procedure,
            period=n.period_label,
            policy_period=n.policy_period,
            movement=n.movement,
            nominee={
                "kind": n.nominee_kind,
                "name": n.nominee_name,
                "position": n.nominee_position,
                "unit": n.nominee_unit_id,
                "unit_name": n.nominee_unit_name,
                "address": n.nominee_address,
            },
            submitting_unit=n.submitting_unit_id,
            bloc=n.bloc_id,
            round_id=n.round_id,
            deferred_from_round=n.deferred_from_round_id,
            submitting_unit_name=names.get(n.submitting_unit_id, n.submitting_unit_id),
            bloc_name=bloc.name if bloc else None,
            policy_title=policy_period.title,
        )
        for d in n.dossiers:
            detail.dossiers.append(
                DossierView(
                    number=d.number,
                    achievement=d.achievement,
                    declared=d.declared,
                    checks=d.checks,
                    note=d.note,
                    created_at=d.created_at,
                    documents=[
                        DocumentView(x.kind, x.title, x.file_name, x.sha256, x.size, x.media_type, x.dated)
                        for x in d.documents
                    ],
                )
            )
        if n.status == NominationStatus.APPRAISAL.value and n.dossiers:
            today = ctx.clock.today()
            # A lapsed period re-checks nothing (issue 18): the stored checks show, and the banner says why.
            with contextlib.suppress(NotConfigured):
                detail.current_checks = [c.to_dict() for c in recheck(ctx, session, n, today)]
        events = session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.entity_id == str(n.id))
            .order_by(m.AuditEvent.id)
        )
        recorded = list(events)
        people = {e.actor_id for e in recorded if e.actor_id is not None}
        people |= {e.on_behalf_of_id for e in recorded if e.on_behalf_of_id is not None}
        found = session.execute(select(m.Person.id, m.Person.full_name).where(m.Person.id.in_(people)))
        actor_names: dict[int | None, str] = {row.id: row.full_name for row in found}
        detail.timeline = [  # people by their names; the record's label (with the username) is the operator's
            EventView(
                e.at,
                actor_names.get(e.actor_id, e.actor_label),
                e.action,
                e.from_state,
                e.to_state,
                e.comment,
                e.data,
                actor_names.get(e.on_behalf_of_id, e.on_behalf_of_label) if e.on_behalf_of_id else None,
            )
            for e in recorded
        ]
        detail.open_tasks = [
            OpenTaskView(
                t.id,
                TaskKind(t.kind).value,
                t.assignee_role,
                t.assignee_unit_id,
                t.due_on,
                kind_label=TaskKind(t.kind).label,
                role_label=Role(t.assignee_role).label,
                unit_name=names.get(t.assignee_unit_id, t.assignee_unit_id) if t.assignee_unit_id else None,
            )
            for t in tasks
        ]
        detail.where = _status_line(session, n, detail)
        return detail


def _status_line(session: Session, n: m.Nomination, detail: NominationDetail) -> str:
    """The truth about where the dossier is: a submitted one is still being routed (the intake stage
    runs after the clerk's request has been answered), a bloc's one says which bloc and round."""
    status = NominationStatus(n.status)
    bloc = detail.bloc_name
    if status is NominationStatus.SUBMITTED:
        if n.procedure == Procedure.SIMPLIFIED.value or not bloc:
            return f"{status.label} — đang chuyển Ban Thi đua – Khen thưởng thẩm định"
        return f"{status.label} — đang chuyển đến {bloc}"
    if status is not NominationStatus.BLOC_REVIEW:
        return status.label
    if n.round_id is not None:
        came = f", chuyển từ vòng số {n.deferred_from_round_id}" if n.deferred_from_round_id else ""
        return f"{status.label} — {bloc}, vòng bình xét số {n.round_id}{came}"
    late = next((t for t in detail.open_tasks if t.kind == TaskKind.LATE_DOSSIER.value), None)
    if late is not None:
        task = session.get(m.Task, late.id)
        assert task is not None
        return (
            f"{status.label} — {bloc}: hồ sơ hoàn thiện khi vòng bình xét số {task.round_id} đang bỏ phiếu, "
            "chờ trưởng khối quyết định đưa vào phiếu hay chuyển sang vòng sau"
        )
    return (
        f"{status.label} — {bloc}: chuyển sang vòng bình xét sau của khối "
        f"(từ vòng số {n.deferred_from_round_id}), chờ vòng mới"
    )


def count_events(ctx: Context) -> int:
    """How many events the audit log holds (the CLI says when it shows only the latest)."""
    with ctx.reader() as uow:
        return uow.session.scalar(select(func.count()).select_from(m.AuditEvent)) or 0


def audit_events(ctx: Context, *, limit: int = 200) -> list[EventView]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(select(m.AuditEvent).order_by(m.AuditEvent.id.desc()).limit(limit)).all()
        return [
            EventView(
                e.at,
                e.actor_label,
                e.action,
                e.from_state,
                e.to_state,
                e.comment,
                e.data,
                e.on_behalf_of_label,
            )
            for e in rows
        ]


def dossier_file(
    ctx: Context, nomination_id: int, sha256: str, *, viewer: Actor
) -> tuple[bytes, DocumentView]:
    """One file of a nomination's dossier, for a person who may see the dossier."""
    with ctx.reader() as uow:
        session = uow.session
        n = session.get(m.Nomination, nomination_id)
        if n is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        require_nomination(session, viewer, n)
        found = session.scalar(
            select(m.Document)
            .join(m.DossierVersion, m.DossierVersion.id == m.Document.dossier_version_id)
            .where(m.DossierVersion.nomination_id == n.id, m.Document.sha256 == sha256)
            .limit(1)
        )
        if found is None:
            raise NotFound("tệp của hồ sơ", sha256[:12])
        view = DocumentView(
            found.kind, found.title, found.file_name, found.sha256, found.size, found.media_type, found.dated
        )
    return ctx.store.read(sha256), view
