"""People's pending actions: what is waiting for whom, and acting on it.

A task is done by exactly one person: the task row and the nomination are both updated with their read
version, so when two people act at once the second finds the row changed and gets a Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor, authorize
from thidua_workflow.domain.enums import NominationStatus, Role, TaskKind, TaskStatus
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted
from thidua_workflow.services.actors import holders, load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import EvidenceSource
from thidua_workflow.services.nominations import resubmit
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import close_open_tasks, may_judge, move, open_task, route, subject_of

# What a person may decide on each kind of task, and the lifecycle arrow each decision takes.
DECISIONS: dict[TaskKind, dict[str, str]] = {
    TaskKind.BLOC_REVIEW: {"endorse": "bloc_endorse", "return": "bloc_return", "reject": "bloc_reject"},
    TaskKind.APPRAISE: {"pass": "appraisal_pass", "return": "appraisal_return", "reject": "appraisal_reject"},
    TaskKind.COMPLETE_DOSSIER: {"resubmit": "resubmit"},
}
DECISION_LABELS = {
    "endorse": "Đề nghị khen",
    "pass": "Thẩm định đạt",
    "return": "Trả lại để hoàn thiện",
    "reject": "Không đề nghị",
    "resubmit": "Nộp lại hồ sơ đã hoàn thiện",
}


@dataclass(frozen=True)
class TaskView:
    id: int
    kind: str
    kind_label: str
    nomination_id: int
    nominee: str
    award_form: str
    period: str
    unit: str
    status: str
    due_on: date
    overdue: bool
    decisions: list[str]
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "due_on": self.due_on.isoformat()}


@dataclass(frozen=True)
class ActResult:
    task_id: int
    nomination_id: int
    decision: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _mine(actor: Actor) -> Any:
    """SQL condition: open tasks addressed to one of the actor's roles (and unit, where scoped)."""
    clauses = []
    for grant in actor.grants:
        clause = m.Task.assignee_role == grant.role.value
        if grant.role is Role.BLOC_REPRESENTATIVE or grant.role is Role.UNIT_CLERK:
            clause = clause & (m.Task.assignee_unit_id == grant.unit_id)
        clauses.append(clause)
    return or_(*clauses) if clauses else None


def list_tasks(ctx: Context, username: str, *, include_closed: bool = False) -> list[TaskView]:
    """The person's inbox: overdue first, then by due date; never a task they may not judge."""
    today = ctx.clock.today()
    with ctx.reader() as uow:
        session = uow.session
        actor = load_actor(session, username)
        condition = _mine(actor)
        if condition is None:
            return []
        query = (
            select(m.Task, m.Nomination)
            .join(m.Nomination, m.Nomination.id == m.Task.nomination_id)
            .where(condition)
            .order_by(m.Task.due_on, m.Task.id)
        )
        if not include_closed:
            query = query.where(m.Task.status == TaskStatus.OPEN.value)
        views = []
        for task, nomination in session.execute(query):
            if TaskKind(task.kind) is not TaskKind.COMPLETE_DOSSIER and not may_judge(actor, nomination):
                continue
            views.append(_view(task, nomination, today))
        return views


def _view(task: m.Task, nomination: m.Nomination, today: date) -> TaskView:
    kind = TaskKind(task.kind)
    return TaskView(
        id=task.id,
        kind=kind.value,
        kind_label=kind.label,
        nomination_id=nomination.id,
        nominee=nomination.nominee_name,
        award_form=nomination.award_form,
        period=nomination.period_label,
        unit=nomination.submitting_unit_id,
        status=task.status,
        due_on=task.due_on,
        overdue=task.status == TaskStatus.OPEN.value and task.due_on < today,
        decisions=list(DECISIONS[kind]),
        version=task.version,
    )


def act(
    ctx: Context,
    username: str,
    task_id: int,
    decision: str,
    *,
    comment: str | None = None,
    dossier: Any = None,
    source: EvidenceSource | None = None,
    expected_version: int | None = None,
) -> ActResult:
    """Decide a task. One transaction: the task, the nomination's move, the next task, the audit."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        task = session.get(m.Task, task_id)
        if task is None:
            raise NotFound("việc", task_id)
        kind = TaskKind(task.kind)
        allowed = DECISIONS[kind]
        if decision not in allowed:
            raise InputRejected(
                f"Quyết định '{decision}' không áp dụng cho việc '{kind.label}'; chọn: {', '.join(allowed)}."
            )
        nomination = session.get(m.Nomination, task.nomination_id)
        assert nomination is not None
        _check_assignee(session, actor, task)
        if task.status != TaskStatus.OPEN.value:
            raise _already_done(session, task)
        if expected_version is not None and task.version != expected_version:
            raise Conflict(f"Việc số {task.id} đã thay đổi từ khi bạn xem; hãy tải lại.")

        if kind is TaskKind.COMPLETE_DOSSIER:
            if dossier is None or source is None:
                raise InputRejected("Nộp lại cần tệp hồ sơ đã hoàn thiện (--file).")
            _finish(task, actor, decision, comment, now)
            resubmit(ctx, session, uow, actor, nomination, dossier, source, now)
        else:
            action = allowed[decision]
            arrow = lifecycle.get(action)
            authorize(actor, arrow, subject_of(nomination), acting_unit_id=task.assignee_unit_id)
            reason = reason_text(comment, required=arrow.needs_reason)
            _finish(task, actor, decision, reason, now)
            _decide(ctx, session, nomination, action, actor, reason, task, now)
        uow.commit()
        return ActResult(task.id, nomination.id, decision, nomination.status)


def _finish(task: m.Task, actor: Actor, decision: str, comment: str | None, now: datetime) -> None:
    task.status = TaskStatus.DONE.value
    task.completed_at = now
    task.completed_by_id = actor.person_id
    task.decision = decision
    task.comment = comment


def _decide(
    ctx: Context,
    session: Session,
    nomination: m.Nomination,
    action: str,
    actor: Actor,
    reason: str | None,
    task: m.Task,
    now: datetime,
) -> None:
    from_state = NominationStatus(nomination.status)
    arrow = move(session, nomination, action, actor=actor, at=now, comment=reason, data={"task": task.id})
    close_open_tasks(session, nomination.id, at=now, except_id=task.id)
    if arrow.target is NominationStatus.RETURNED:
        nomination.returned_from = from_state.value
        open_task(
            session,
            ctx,
            nomination,
            TaskKind.COMPLETE_DOSSIER,
            Role.UNIT_CLERK,
            at=now,
            unit_id=nomination.submitting_unit_id,
        )
    elif arrow.target is NominationStatus.BLOC_ENDORSED:
        move(session, nomination, "forward_to_appraisal", actor=None, at=now)
        route(session, ctx, nomination, at=now, to_appraisal=True)


def _check_assignee(session: Session, actor: Actor, task: m.Task) -> None:
    """The task's role (and unit) must be the actor's; the error names who may act instead."""
    role = Role(task.assignee_role)
    scoped = role in (Role.BLOC_REPRESENTATIVE, Role.UNIT_CLERK)
    if actor.has(role, task.assignee_unit_id if scoped else None):
        return
    names = holders(session, role, task.assignee_unit_id if scoped else None)
    who = ", ".join(names) if names else "chưa có ai được giao"
    where = f" của đơn vị '{task.assignee_unit_id}'" if scoped else ""
    raise NotPermitted(
        f"Việc số {task.id} dành cho {role.label.lower()}{where}; {actor.label} không được xử lý. "
        f"Người được xử lý: {who}."
    )


def _already_done(session: Session, task: m.Task) -> Conflict:
    who = session.get(m.Person, task.completed_by_id) if task.completed_by_id else None
    by = f" bởi {who.full_name} ({who.username})" if who else ""
    status = TaskStatus(task.status).label.lower()
    return Conflict(f"Việc số {task.id} đã {status}{by}; không còn gì để xử lý.")
