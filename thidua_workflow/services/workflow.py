"""Moving a nomination along the lifecycle table and opening the tasks that say who acts next.

Used inside a service's unit of work only; every move writes its audit event in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor, Subject, conflict_of_interest
from thidua_workflow.domain.enums import NominationStatus, Role, TaskKind, TaskStatus
from thidua_workflow.errors import Problem
from thidua_workflow.services import audit
from thidua_workflow.services.context import Context

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
    return arrow


def subject_of(nomination: m.Nomination) -> Subject:
    return Subject(
        submitting_unit_id=nomination.submitting_unit_id,
        nominee_unit_id=nomination.nominee_unit_id,
        submitted_by_id=nomination.submitted_by_id,
        nominee_person_id=nomination.nominee_person_id,
    )


def open_task(
    session: Session,
    ctx: Context,
    nomination: m.Nomination,
    kind: TaskKind,
    role: Role,
    *,
    at: datetime,
    unit_id: str | None = None,
    bloc_id: str | None = None,
) -> m.Task:
    period = ctx.policy.period_by_code(nomination.policy_period)
    days = period.deadlines.task_working_days.get(kind.value, period.deadlines.return_ineligible_working_days)
    task = m.Task(
        kind=kind.value,
        nomination_id=nomination.id,
        status=TaskStatus.OPEN.value,
        assignee_role=role.value,
        assignee_unit_id=unit_id,
        bloc_id=bloc_id,
        due_on=ctx.calendar.add_working_days(at.astimezone(ctx.clock.tz).date(), days),
        created_at=at,
    )
    session.add(task)
    return task


def close_open_tasks(
    session: Session, nomination_id: int, *, at: datetime, except_id: int | None = None
) -> int:
    """Cancel the nomination's other open tasks: once it has moved on, nobody needs to act on them."""
    count = 0
    for task in session.scalars(
        select(m.Task).where(m.Task.nomination_id == nomination_id, m.Task.status == TaskStatus.OPEN.value)
    ):
        if task.id != except_id:
            task.status = TaskStatus.CANCELLED.value
            task.completed_at = at
            count += 1
    return count


def bloc_of(session: Session, unit_id: str, year: int) -> str | None:
    """The bloc the unit belongs to in ``year``, if any."""
    return session.scalar(
        select(m.BlocMember.bloc_id)
        .where(
            m.BlocMember.unit_id == unit_id,
            m.BlocMember.from_year <= year,
            (m.BlocMember.to_year.is_(None)) | (m.BlocMember.to_year >= year),
        )
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
    if officers is None:
        return None, f"khối '{bloc_id}' chưa có trưởng khối năm {year} (nạp lại tệp tổ chức)"
    if officers.chair_unit_id not in concerned_units:
        return officers.chair_unit_id, None
    if officers.deputy_unit_id and officers.deputy_unit_id not in concerned_units:
        return officers.deputy_unit_id, None
    return None, f"trưởng khối và phó khối '{bloc_id}' năm {year} đều là đơn vị có hồ sơ này"


def route(
    session: Session,
    ctx: Context,
    nomination: m.Nomination,
    *,
    at: datetime,
    to_appraisal: bool,
) -> None:
    """Send a submitted (or completed) nomination to the bloc's review or straight to appraisal."""
    if to_appraisal:
        action = "route_to_appraisal" if nomination.status == NominationStatus.SUBMITTED else None
        if action:
            move(session, nomination, action, actor=None, at=at)
        open_task(session, ctx, nomination, TaskKind.APPRAISE, Role.APPRAISER, at=at)
        return
    if nomination.status == NominationStatus.SUBMITTED:
        move(session, nomination, "route_to_bloc", actor=None, at=at, data={"bloc": nomination.bloc_id})
    assert nomination.bloc_id is not None
    concerned = {u for u in (nomination.submitting_unit_id, nomination.nominee_unit_id) if u}
    reviewer, problem = bloc_reviewer(session, nomination.bloc_id, nomination.period_year, concerned)
    if reviewer is None:
        raise AssertionError(problem)  # checked before routing: see reviewer_problem()
    open_task(
        session,
        ctx,
        nomination,
        TaskKind.BLOC_REVIEW,
        Role.BLOC_REPRESENTATIVE,
        at=at,
        unit_id=reviewer,
        bloc_id=nomination.bloc_id,
    )


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
