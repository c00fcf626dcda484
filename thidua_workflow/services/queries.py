"""Read models: lists and the full story of one nomination, for the CLI and the web alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import NominationStatus, NomineeKind, Procedure, TaskKind, TaskStatus
from thidua_workflow.domain.identity import list_order
from thidua_workflow.domain.text import search_key
from thidua_workflow.errors import NotFound
from thidua_workflow.services.context import Context
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
    bloc_name: str | None = None
    # Where the dossier is, in one sentence: the state's label and, where it matters, what happens next.
    where: str = ""
    deferred_from_round: int | None = None
    current_checks: list[dict[str, Any]] | None = None  # re-run today, while under appraisal
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


def list_nominations(
    ctx: Context,
    *,
    status: NominationStatus | None = None,
    unit: str | None = None,
    year: int | None = None,
    award_form: str | None = None,
    kind: NomineeKind | None = None,
    search: str | None = None,
    limit: int = 1000,
    viewer: Actor | None = None,
) -> list[NominationRow]:
    """Nominations matching the filters, in Vietnamese order of the nominee's name within each year.

    ``search`` ignores accents and case: "Nguyen Van A" finds "Nguyễn Văn A".
    """
    query = select(m.Nomination)
    if status is not None:
        query = query.where(m.Nomination.status == status.value)
    if unit is not None:
        query = query.where(m.Nomination.submitting_unit_id == unit)
    if year is not None:
        query = query.where(m.Nomination.period_year == year)
    if award_form is not None:
        query = query.where(m.Nomination.award_form == award_form)
    if kind is not None:
        query = query.where(m.Nomination.nominee_kind == kind.value)
    for word in search_key(search or "").split():
        query = query.where(m.Nomination.nominee_name_key.contains(word, autoescape=True))
    if viewer is not None and (seen := nomination_filter(viewer)) is not None:
        query = query.where(seen)
    with ctx.reader() as uow:
        rows = uow.session.scalars(query.order_by(m.Nomination.id).limit(limit)).all()
        ordered = sorted(
            rows,
            key=lambda n: (
                -n.period_year,
                n.award_form,
                list_order(NomineeKind(n.nominee_kind), n.nominee_name),
            ),
        )
        return [
            NominationRow(
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
            for n in ordered
        ]


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
        try:
            award_name = ctx.policy.period_by_code(n.policy_period).award_forms[n.award_form].name
        except KeyError:
            award_name = n.award_form
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
        )
        bloc = session.get(m.Bloc, n.bloc_id) if n.bloc_id else None
        detail.bloc_name = bloc.name if bloc else n.bloc_id
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
            detail.current_checks = [c.to_dict() for c in recheck(ctx, session, n, today)]
        events = session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.entity_id == str(n.id))
            .order_by(m.AuditEvent.id)
        )
        detail.timeline = [
            EventView(e.at, e.actor_label, e.action, e.from_state, e.to_state, e.comment, e.data)
            for e in events
        ]
        tasks = session.scalars(
            select(m.Task).where(m.Task.nomination_id == n.id, m.Task.status == TaskStatus.OPEN.value)
        )
        detail.open_tasks = [
            OpenTaskView(t.id, TaskKind(t.kind).value, t.assignee_role, t.assignee_unit_id, t.due_on)
            for t in tasks
        ]
        detail.where = _where(session, n, detail)
        return detail


def _where(session: Session, n: m.Nomination, detail: NominationDetail) -> str:
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


def audit_events(ctx: Context, *, limit: int = 200) -> list[EventView]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(select(m.AuditEvent).order_by(m.AuditEvent.id.desc()).limit(limit)).all()
        return [
            EventView(e.at, e.actor_label, e.action, e.from_state, e.to_state, e.comment, e.data)
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
