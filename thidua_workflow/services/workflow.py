"""Moving a nomination along the lifecycle table and opening the tasks that say who acts next.

Used inside a service's unit of work only; every move writes its audit event in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor, Subject, conflict_of_interest
from thidua_workflow.domain.enums import NominationStatus, Role, RoundStatus, TaskKind, TaskStatus
from thidua_workflow.errors import Problem, TransitionNotAllowed
from thidua_workflow.services import audit, notifications
from thidua_workflow.services.context import Context, award_name
from thidua_workflow.services.dated import membership_holds, today_of
from thidua_workflow.services.uow import read_columns

CLOSED = frozenset({NominationStatus.WITHDRAWN, NominationStatus.REJECTED})


def move(
    session: Session,
    nomination: m.Nomination,
    action: str,
    *,
    actor: Actor | None,
    at: datetime,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
) -> lifecycle.Transition:
    """Take the arrow ``action`` from the nomination's current state and record it."""
    current = NominationStatus(nomination.status)
    arrow = lifecycle.transition(action, current)
    nomination.status = arrow.target.value
    nomination.updated_at = at
    if arrow.target in CLOSED:
        nomination.dedupe_key = None  # the nominee may be nominated again for this period
    audit.record(
        session,
        at=at,
        actor=actor,
        action=action,
        entity_type="nomination",
        entity_id=nomination.id,
        from_state=current.value,
        to_state=arrow.target.value,
        comment=comment,
        data=data,
    )
    notifications.nomination_changed(session, nomination, arrow.target, comment, at)
    return arrow


def subject_of(nomination: m.Nomination) -> Subject:
    return Subject(
        submitting_unit_id=nomination.submitting_unit_id,
        nominee_unit_id=nomination.nominee_unit_id,
        submitted_by_id=nomination.submitted_by_id,
        nominee_person_id=nomination.nominee_person_id,
    )


def new_task(
    session: Session,
    ctx: Context,
    kind: TaskKind,
    role: Role,
    *,
    at: datetime,
    policy_period: str,
    nomination_id: int | None = None,
    round_id: int | None = None,
    session_id: int | None = None,
    decision_id: int | None = None,
    unit_id: str | None = None,
    person_id: int | None = None,
    bloc_id: str | None = None,
) -> m.Task:
    """A pending action, due in the policy's working days for its kind (Vietnam's holidays skipped)."""
    period = ctx.policy.period_by_code(policy_period)
    days = period.deadlines.task_working_days.get(kind.value, period.deadlines.return_ineligible_working_days)
    task = m.Task(
        kind=kind.value,
        nomination_id=nomination_id,
        round_id=round_id,
        session_id=session_id,
        decision_id=decision_id,
        status=TaskStatus.OPEN.value,
        assignee_role=role.value,
        assignee_unit_id=unit_id,
        assignee_person_id=person_id,
        bloc_id=bloc_id,
        due_on=ctx.calendar.add_working_days(at.astimezone(ctx.clock.tz).date(), days),
        created_at=at,
    )
    session.add(task)
    session.flush()
    notifications.task_arrived(session, task, subject_label(session, task), at)
    return task


def bloc_name(session: Session, bloc_id: str) -> str:
    """A bloc as people call it ("Khối các Hội đặc thù"); its id if it is gone."""
    bloc = session.get(m.Bloc, bloc_id)
    return bloc.name if bloc else bloc_id


def subject_label(session: Session, task: m.Task) -> str:
    """What a task is about, in one line a person recognises."""
    if task.nomination_id is not None:
        n = session.get(m.Nomination, task.nomination_id)
        assert n is not None
        return f"Hồ sơ số {n.id}: {n.nominee_name} — {award_name(session, n.award_form)}, {n.period_label}"
    if task.round_id is not None:
        r = session.get(m.BlocRound, task.round_id)
        assert r is not None
        bloc = session.get(m.Bloc, r.bloc_id)
        return f"Vòng bình xét số {r.id}: {bloc.name if bloc else r.bloc_id}, {r.period_label}"
    if task.session_id is not None:
        council = session.get(m.CouncilSession, task.session_id)
        assert council is not None
        return f"Phiên họp số {council.id}: {council.title}"
    if task.decision_id is not None:
        d = session.get(m.Decision, task.decision_id)
        assert d is not None
        return f"Quyết định số {d.id} (dự thảo): {d.award_name}, {len(d.items)} người/tập thể"
    return "Triệu tập phiên họp Hội đồng Thi đua – Khen thưởng"


def open_task(
    session: Session,
    ctx: Context,
    nomination: m.Nomination,
    kind: TaskKind,
    role: Role,
    *,
    at: datetime,
    unit_id: str | None = None,
) -> m.Task:
    return new_task(
        session,
        ctx,
        kind,
        role,
        at=at,
        policy_period=nomination.policy_period,
        nomination_id=nomination.id,
        unit_id=unit_id,
    )


def ask_unit_to_complete(session: Session, ctx: Context, nomination: m.Nomination, *, at: datetime) -> m.Task:
    """A returned dossier waits for the submitting unit's clerk to complete it."""
    return open_task(
        session,
        ctx,
        nomination,
        TaskKind.COMPLETE_DOSSIER,
        Role.UNIT_CLERK,
        at=at,
        unit_id=nomination.submitting_unit_id,
    )


@cache
def _open_task_ids(columns: tuple[str, ...]) -> Select[int]:
    """The ids of a subject's open tasks: one statement per kind of subject, built once (a statement
    object that is reused keeps its SQLAlchemy cache key; every decision asks this)."""
    query = select(m.Task.id).where(m.Task.status == TaskStatus.OPEN.value)
    for name in columns:
        query = query.where(getattr(m.Task, name) == bindparam(name))
    return query


def close_open_tasks(
    session: Session,
    nomination_id: int | None = None,
    *,
    at: datetime,
    except_id: int | None = None,
    round_id: int | None = None,
    session_id: int | None = None,
    decision_id: int | None = None,
) -> int:
    """Cancel a subject's other open tasks: once it has moved on, nobody needs to act on them.

    Usually there are none besides the one being decided: their ids are read first, as values, and
    only tasks to cancel are loaded (still open) to be changed with their version check.
    """
    subjects = (
        (m.Task.nomination_id, nomination_id),
        (m.Task.round_id, round_id),
        (m.Task.session_id, session_id),
        (m.Task.decision_id, decision_id),
    )
    given = {column.key: value for column, value in subjects if value is not None}
    if not given:
        raise ValueError("close_open_tasks needs a subject")
    found = read_columns(session, _open_task_ids(tuple(given)), given).scalars()
    others = [task_id for task_id in found if task_id != except_id]
    if not others:
        return 0
    count = 0
    open_ones = select(m.Task).where(m.Task.id.in_(others), m.Task.status == TaskStatus.OPEN.value)
    for task in session.scalars(open_ones):
        task.status = TaskStatus.CANCELLED.value
        task.completed_at = at
        count += 1
    return count


def bloc_of(session: Session, unit_id: str, year: int) -> str | None:
    """The bloc the unit belongs to in ``year``, if any, among the blocs that exist today (a bloc ends
    with its province: after a merger the unit's new bloc takes its nominations)."""
    return session.scalar(
        select(m.BlocMember.bloc_id)
        .where(m.BlocMember.unit_id == unit_id, membership_holds(year, today_of(session)))
        .order_by(m.BlocMember.from_year.desc())
        .limit(1)
    )


def bloc_reviewer(
    session: Session, bloc_id: str, year: int, concerned_units: set[str]
) -> tuple[str | None, str | None]:
    """The unit whose representative reviews for the bloc: the chair, or the deputy when the chair's own
    unit is concerned. Returns (unit id, problem message)."""
    officers = session.scalar(
        select(m.BlocOfficers).where(m.BlocOfficers.bloc_id == bloc_id, m.BlocOfficers.year == year)
    )
    bloc = session.get(m.Bloc, bloc_id)
    bloc_label = bloc.name if bloc else bloc_id
    if officers is None:
        return None, f"{bloc_label} chưa có trưởng khối năm {year} (nạp lại tệp tổ chức)"
    if officers.chair_unit_id not in concerned_units:
        return officers.chair_unit_id, None
    if officers.deputy_unit_id and officers.deputy_unit_id not in concerned_units:
        return officers.deputy_unit_id, None
    return None, f"trưởng khối và phó khối của {bloc_label} năm {year} đều là đơn vị có hồ sơ này"


def route(
    session: Session,
    ctx: Context,
    nomination: m.Nomination,
    *,
    at: datetime,
    to_appraisal: bool,
) -> None:
    """Send a submitted (or completed) nomination to its bloc's round or straight to appraisal."""
    if to_appraisal:
        if nomination.status == NominationStatus.SUBMITTED:
            move(session, nomination, "route_to_appraisal", actor=None, at=at)
        open_task(session, ctx, nomination, TaskKind.APPRAISE, Role.APPRAISER, at=at)
        return
    if nomination.status == NominationStatus.SUBMITTED:
        move(session, nomination, "route_to_bloc", actor=None, at=at, data={"bloc": nomination.bloc_id})
    attach_to_round(session, ctx, nomination, at=at)


def chair_unit(session: Session, bloc_id: str, year: int) -> str | None:
    return session.scalar(
        select(m.BlocOfficers.chair_unit_id).where(
            m.BlocOfficers.bloc_id == bloc_id, m.BlocOfficers.year == year
        )
    )


def attach_to_round(session: Session, ctx: Context, nomination: m.Nomination, *, at: datetime) -> m.BlocRound:
    """The bloc's round for the nomination's period, created (with the chair's task) on first need."""
    assert nomination.bloc_id is not None
    found = session.scalar(
        select(m.BlocRound).where(
            m.BlocRound.bloc_id == nomination.bloc_id, m.BlocRound.period_code == nomination.period_code
        )
    )
    if found is None:
        found = _create_round(session, ctx, nomination, at)
    elif found.status != RoundStatus.COLLECTING.value:
        raise TransitionNotAllowed(
            f"Vòng bình xét của {bloc_name(session, found.bloc_id)} kỳ {found.period_label} "
            f"{RoundStatus(found.status).label.lower()}; không nhận thêm hồ sơ."
        )
    nomination.round_id = found.id
    return found


def _create_round(session: Session, ctx: Context, nomination: m.Nomination, at: datetime) -> m.BlocRound:
    """Create the round; if a concurrent submission created it first, join theirs."""
    bloc = session.get(m.Bloc, nomination.bloc_id)
    assert bloc is not None
    try:
        with session.begin_nested():
            created = m.BlocRound(
                bloc_id=bloc.id,
                period_code=nomination.period_code,
                period_year=nomination.period_year,
                period_label=nomination.period_label,
                policy_period=nomination.policy_period,
                status=RoundStatus.COLLECTING.value,
                criteria=_score_sheet(session, bloc, nomination.period_year),
                members=[],
                created_at=at,
                result={},
            )
            session.add(created)
    except IntegrityError:
        theirs = session.scalar(
            select(m.BlocRound).where(
                m.BlocRound.bloc_id == bloc.id, m.BlocRound.period_code == nomination.period_code
            )
        )
        if theirs is None:
            raise
        return theirs
    audit.record(
        session,
        at=at,
        actor=None,
        action="round_create",
        entity_type="round",
        entity_id=created.id,
        to_state=RoundStatus.COLLECTING.value,
        data={"bloc": bloc.id, "period": nomination.period_code},
    )
    open_round_task(
        session,
        ctx,
        created,
        TaskKind.ROUND_OPEN,
        at=at,
        unit_id=chair_unit(session, bloc.id, nomination.period_year),
    )
    carry_over(session, created, at=at)
    return created


def _score_sheet(session: Session, bloc: m.Bloc, year: int) -> list[Any]:
    """The round's criteria: the year's pledge once every member signed it (issue 20a), else the bloc's."""
    pledged = session.scalar(
        select(m.Pledge.criteria).where(
            m.Pledge.bloc_id == bloc.id, m.Pledge.year == year, m.Pledge.status == "signed"
        )
    )
    return list(pledged) if pledged else list(bloc.criteria or [])


def carry_over(session: Session, bloc_round: m.BlocRound, *, at: datetime) -> int:
    """A new round of the bloc takes in the dossiers deferred from its earlier rounds."""
    waiting = session.scalars(
        select(m.Nomination)
        .where(
            m.Nomination.bloc_id == bloc_round.bloc_id,
            m.Nomination.status == NominationStatus.BLOC_REVIEW.value,
            m.Nomination.round_id.is_(None),
            m.Nomination.deferred_from_round_id.is_not(None),
        )
        .order_by(m.Nomination.id)
    ).all()
    for nomination in waiting:
        move(
            session,
            nomination,
            "bloc_carry_over",
            actor=None,
            at=at,
            data={"round": bloc_round.id, "from_round": nomination.deferred_from_round_id},
        )
        nomination.round_id = bloc_round.id
    return len(waiting)


def open_round_task(
    session: Session,
    ctx: Context,
    bloc_round: m.BlocRound,
    kind: TaskKind,
    *,
    at: datetime,
    unit_id: str | None,
) -> m.Task:
    return new_task(
        session,
        ctx,
        kind,
        Role.BLOC_REPRESENTATIVE,
        at=at,
        policy_period=bloc_round.policy_period,
        round_id=bloc_round.id,
        unit_id=unit_id,
        bloc_id=bloc_round.bloc_id,
    )


def round_closed_problem(session: Session, bloc_id: str, period_code: str) -> str | None:
    """Why a new nomination cannot join the bloc's round for this period, if it cannot."""
    status = session.scalar(
        select(m.BlocRound.status).where(
            m.BlocRound.bloc_id == bloc_id, m.BlocRound.period_code == period_code
        )
    )
    if status is None or status == RoundStatus.COLLECTING.value:
        return None
    return f"vòng bình xét của khối kỳ này {RoundStatus(status).label.lower()}, không nhận thêm hồ sơ"


def reviewer_problem(
    session: Session, bloc_id: str | None, year: int, concerned: set[str], entry: int | None, nominee: str
) -> Problem | None:
    if bloc_id is None:
        return None
    _unit, message = bloc_reviewer(session, bloc_id, year, concerned)
    return (
        Problem(message, field="unit", entry=entry, nominee=nominee, rule="khoi_thi_dua") if message else None
    )


def may_judge(actor: Actor, nomination: m.Nomination) -> bool:
    return conflict_of_interest(actor, subject_of(nomination)) is None


def finish_task(task: m.Task, actor: Actor, decision: str, comment: str | None, at: datetime) -> None:
    task.status = TaskStatus.DONE.value
    task.completed_at = at
    task.completed_by_id = actor.person_id
    task.decision = decision
    task.comment = comment
    principal = audit.principal_of(actor)  # issue 22: done by a delegate for this person
    task.on_behalf_of_id = principal.person_id if principal else None


def finish_open_task(
    session: Session,
    actor: Actor,
    kind: TaskKind,
    decision: str,
    *,
    at: datetime,
    comment: str | None = None,
    unit_id: str | None = None,
    person_id: int | None = None,
    **subject: int,
) -> m.Task | None:
    """Mark done the open task of this kind and subject (and unit or person) that the action fulfils."""
    query = select(m.Task).where(m.Task.kind == kind.value, m.Task.status == TaskStatus.OPEN.value)
    for name, value in subject.items():
        query = query.where(getattr(m.Task, name) == value)
    if unit_id is not None:
        query = query.where(m.Task.assignee_unit_id == unit_id)
    if person_id is not None:
        query = query.where(m.Task.assignee_person_id == person_id)
    task = session.scalar(query.order_by(m.Task.id).limit(1))
    if task is not None:
        finish_task(task, actor, decision, comment, at)
    return task
