"""People's pending actions: what is waiting for whom, and acting on it.

Every kind of task maps to one service call; ``act`` checks the task is the person's, then makes that call,
so acting from the inbox and acting with a dedicated command are the same recorded event. A task is done
by exactly one person: rows are updated with their read version, and the loser of a race gets a Conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import JUDGING_ROLES, Actor, authorize, conflict_of_interest
from thidua_workflow.domain.authz import Subject as NominationSubject
from thidua_workflow.domain.enums import Choice, NominationStatus, Role, TaskKind, TaskStatus
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted, Problem, ValidationFailed
from thidua_workflow.services import audit, council, decisions, late_dossiers, rounds
from thidua_workflow.services.actors import holder_names, holders, load_actor, unit_name
from thidua_workflow.services.context import Context
from thidua_workflow.services.eligibility import recheck
from thidua_workflow.services.evidence import EvidenceSource
from thidua_workflow.services.nominations import resubmit
from thidua_workflow.services.signers import SigningSecret
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.uow import UnitOfWork
from thidua_workflow.services.visibility import (
    may_see_nomination,
    may_see_round,
    province_wide,
    require_nomination,
)
from thidua_workflow.services.workflow import (
    ask_unit_to_complete,
    close_open_tasks,
    finish_task,
    move,
    subject_label,
    subject_of,
)

# What a person may decide on each kind of task.
DECISIONS: dict[TaskKind, tuple[str, ...]] = {
    TaskKind.ROUND_OPEN: ("open",),
    TaskKind.ROUND_VOTE: ("vote",),
    TaskKind.ROUND_CLOSE: ("close",),
    TaskKind.APPRAISE: ("pass", "return", "reject"),
    TaskKind.COMPLETE_DOSSIER: ("resubmit",),
    TaskKind.LATE_DOSSIER: ("add", "defer"),
    TaskKind.SESSION_OPEN: ("open",),
    TaskKind.COUNCIL_VOTE: ("vote",),
    TaskKind.SESSION_CLOSE: ("close",),
    TaskKind.DECISION_SIGN: ("sign", "send_back"),
    TaskKind.DECISION_REGISTER: ("register",),
    # --- NĐ 152/2025 steps (issue 19): acted on from their own pages and commands ---
    TaskKind.CLEARANCE: ("favourable", "adverse"),
    TaskKind.POSTING_ANSWER: ("answer",),
    TaskKind.RECOVER: ("recovered",),
}
APPRAISAL_ACTIONS = {"pass": "appraisal_pass", "return": "appraisal_return", "reject": "appraisal_reject"}
UNIT_SCOPED = (Role.BLOC_REPRESENTATIVE, Role.UNIT_CLERK)
# Decided inside ``act``'s own transaction; the other kinds go to their service (``_HANDLERS``).
NOMINATION_KINDS = frozenset({TaskKind.APPRAISE, TaskKind.COMPLETE_DOSSIER})


@dataclass(frozen=True)
class TaskView:
    id: int
    kind: str
    kind_label: str
    subject: str
    nomination_id: int | None
    round_id: int | None
    session_id: int | None
    decision_id: int | None
    status: str
    due_on: date
    overdue: bool
    decisions: list[str]
    version: int
    for_whom: str | None = None  # issue 22: a delegated task — the full name of the person it is done for

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "due_on": self.due_on.isoformat()}


@dataclass
class Payload:
    """What a decision may carry besides its name; each kind of task reads its own fields."""

    comment: str | None = None
    dossier: Any = None
    source: EvidenceSource | None = None
    approve: set[int] = field(default_factory=set)
    reject: set[int] = field(default_factory=set)
    abstain: set[int] = field(default_factory=set)
    scores: dict[str, dict[str, int]] | None = None
    next_chair: str | None = None
    next_deputy: str | None = None
    order: list[int] | None = None
    leader: str | None = None
    tie_reason: str | None = None
    reasons: dict[int, str] | None = None
    number: int | None = None
    dated: date | None = None
    proposal_ref: str | None = None
    # A recovery's receipt number (số chứng từ, phiếu thu), dated ``dated``: needed when the fund paid the award
    voucher: str | None = None
    expected_version: int | None = None
    secret: SigningSecret | None = field(default=None, repr=False)  # a signer's PIN or approval, never kept


@dataclass(frozen=True)
class ActResult:
    task_id: int
    kind: str
    decision: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _mine(actor: Actor, status: TaskStatus | None = None) -> Any:
    """SQL condition: tasks addressed to one of the actor's roles (and unit or person, where scoped),
    of ``status`` when given — inside each alternative, so that each can be found by an index that
    starts with the status (the database then reads a unit's few tasks, not the province's)."""
    clauses = []
    for grant in actor.grants:
        clause = m.Task.assignee_role == grant.role.value
        if status is not None:
            clause = (m.Task.status == status.value) & clause
        if grant.role in UNIT_SCOPED:
            clause = clause & (m.Task.assignee_unit_id == grant.unit_id)
        person = grant.for_person.person_id if grant.for_person is not None else actor.person_id
        clause = clause & ((m.Task.assignee_person_id.is_(None)) | (m.Task.assignee_person_id == person))
        clauses.append(clause)
    return or_(*clauses) if clauses else None


def _conflicted(actor: Actor) -> Any:
    """SQL over ``m.Nomination``: a dossier the actor may not judge (``conflict_of_interest``), their
    delegators' exclusions included (issue 22)."""
    n = m.Nomination
    units = {actor.unit_id, *(g.unit_id for g in actor.grants if g.role in JUDGING_ROLES)}
    units |= {p.unit_id for p in actor.principals}  # a delegate inherits the delegator's exclusions
    own_units = sorted(u for u in units if u)
    people = sorted({actor.person_id, *(p.person_id for p in actor.principals)})
    conflict = n.submitted_by_id.in_(people) | (
        n.nominee_person_id.is_not(None) & n.nominee_person_id.in_(people)
    )
    if own_units:
        conflict = (
            conflict
            | n.submitting_unit_id.in_(own_units)
            | (n.nominee_unit_id.is_not(None) & n.nominee_unit_id.in_(own_units))
        )
    return conflict


def _not_conflicted(actor: Actor) -> Any:
    """SQL condition: not an appraisal of a dossier the actor may not judge (``conflict_of_interest``).

    Kept in SQL so that an inbox's pages and totals count only the tasks the person is shown.
    """
    return ~(
        and_(m.Task.kind == TaskKind.APPRAISE.value, m.Task.nomination_id.is_not(None), _conflicted(actor))
    )


# Roles whose tasks are addressed to one unit (or that get none): a person holding only these has a few
# dozen open tasks at most, however large the province.
NARROW_ROLES = (*UNIT_SCOPED, Role.UNIT_HEAD)


def _due_order(actor: Actor) -> Any:
    """The inbox's order. A province-wide role's inbox (thousands of tasks) is read in the due-date
    index's order and stops at the page's end; a unit's inbox is found by its own index and its few
    tasks sorted — reading the province's open tasks in due order to find them took 20–30 ms (SQLite
    prefers the ordered scan when it may; an expression is not in the index, so it may not)."""
    if all(g.role in NARROW_ROLES for g in actor.grants):
        return func.coalesce(m.Task.due_on, m.Task.due_on)
    return m.Task.due_on


def list_tasks(
    ctx: Context,
    username: str,
    *,
    include_closed: bool = False,
    kind: TaskKind | None = None,
    overdue_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
    nomination_id: int | None = None,
    round_id: int | None = None,
    session_id: int | None = None,
    decision_id: int | None = None,
) -> list[TaskView]:
    """The person's inbox: overdue first, then by due date; never a task they may not judge.

    Ordering by due date puts the overdue ones first by itself, so ``limit`` takes the most urgent.
    The subject filters find the person's task on one nomination, round, session or decision. One
    query reads the tasks with their nominations (an inbox of thousands stays fast).
    """
    today = ctx.clock.today()
    with ctx.reader() as uow:
        session = uow.session
        actor = load_actor(session, username)
        open_only = overdue_only or not include_closed
        condition = _mine(actor, TaskStatus.OPEN if open_only else None)
        if condition is None:
            return []
        n = m.Nomination
        query = (
            select(
                m.Task,
                n.nominee_name,
                n.award_form,
                n.period_label,
                n.submitting_unit_id,
                n.nominee_unit_id,
                n.submitted_by_id,
                n.nominee_person_id,
            )
            .outerjoin(n, n.id == m.Task.nomination_id)
            .where(condition, _not_conflicted(actor))
            .order_by(_due_order(actor), m.Task.id)
        )
        if overdue_only:
            query = query.where(m.Task.due_on < today)
        if kind is not None:
            query = query.where(m.Task.kind == kind.value)
        for column, value in (
            (m.Task.nomination_id, nomination_id),
            (m.Task.round_id, round_id),
            (m.Task.session_id, session_id),
            (m.Task.decision_id, decision_id),
        ):
            if value is not None:
                query = query.where(column == value)
        query = query.offset(offset).limit(limit)
        awards = {code: f.name for p in ctx.policy.periods for code, f in p.award_forms.items()}
        views = []
        rows = session.execute(query)
        for task, name, award, period, unit, nominee_unit, submitter, nominee_person in rows:
            task_kind = TaskKind(task.kind)
            if task.nomination_id is not None:
                subject = NominationSubject(unit, nominee_unit, submitter, nominee_person)
                if task_kind is TaskKind.APPRAISE and conflict_of_interest(actor, subject) is not None:
                    continue
                label = f"Hồ sơ số {task.nomination_id}: {name} — {awards.get(award, award)}, {period}"
            else:
                label = subject_label(session, task)
            grant = actor.task_grant(Role(task.assignee_role), _scope(task), task.assignee_person_id)
            views.append(
                TaskView(
                    id=task.id,
                    kind=task_kind.value,
                    kind_label=task_kind.label,
                    subject=label,
                    nomination_id=task.nomination_id,
                    round_id=task.round_id,
                    session_id=task.session_id,
                    decision_id=task.decision_id,
                    status=task.status,
                    due_on=task.due_on,
                    overdue=task.status == TaskStatus.OPEN.value and task.due_on < today,
                    decisions=list(DECISIONS[task_kind]),
                    version=task.version,
                    for_whom=grant.for_person.full_name if grant and grant.for_person else None,
                )
            )
        views.sort(key=lambda v: (not v.overdue, v.due_on, v.id))
        return views


def count_tasks(ctx: Context, username: str, *, kind: TaskKind | None = None) -> tuple[int, int]:
    """How many open tasks (of ``kind``) the person is shown, and how many of them are overdue.

    Counted as all the person's open tasks (read from the ``ix_tasks_mine`` index alone, which holds the nomination too) less the
    appraisals they may not judge (found from the few conflicted dossiers, by their indexes): joining every
    task to its nomination to test the conflict made an appraiser's inbox miss its 50 ms (issue 22).
    """
    today = ctx.clock.today()
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        condition = _mine(actor, TaskStatus.OPEN)
        if condition is None:
            return 0, 0
        counted = select(func.count(), func.count().filter(m.Task.due_on < today)).select_from(m.Task)
        mine = [condition, m.Task.status == TaskStatus.OPEN.value]
        if kind is not None:
            mine.append(m.Task.kind == kind.value)
        row = uow.session.execute(counted.where(*mine)).one()
        total, late = int(row[0]), int(row[1])
        if kind in (None, TaskKind.APPRAISE):
            barred = select(m.Nomination.id).where(_conflicted(actor))
            excluded = uow.session.execute(
                counted.where(*mine, m.Task.kind == TaskKind.APPRAISE.value, m.Task.nomination_id.in_(barred))
            ).one()
            total, late = total - int(excluded[0]), late - int(excluded[1])
        return total, late


def overdue_tasks(
    ctx: Context, *, overdue_only: bool = True, limit: int | None = None
) -> list[dict[str, Any]]:
    """Every open task past its due date (or every open task), oldest first: for operators and the Ban's
    follow-up, and for reassigning (issue 22)."""
    today = ctx.clock.today()
    with ctx.reader() as uow:
        session = uow.session
        query = select(m.Task).where(m.Task.status == TaskStatus.OPEN.value)
        if overdue_only:
            query = query.where(m.Task.due_on < today)
        rows = session.scalars(query.order_by(m.Task.due_on, m.Task.id).limit(limit)).all()
        result = []
        for t in rows:
            role = Role(t.assignee_role)
            scope = t.assignee_unit_id if role in UNIT_SCOPED else None
            who, names = holders(session, role, scope), holder_names(session, role, scope)
            if t.assignee_person_id is not None:
                person = session.get(m.Person, t.assignee_person_id)
                who, names = ([person.username], [person.full_name]) if person else ([], [])
            result.append(
                {
                    "id": t.id,
                    "kind": t.kind,
                    "subject": subject_label(session, t),
                    "due_on": t.due_on.isoformat(),
                    "days_late": (today - t.due_on).days,
                    "assignees": who,
                    "kind_label": TaskKind(t.kind).label,
                    "assignee_names": names,
                    "version": t.version,
                }
            )
        return result


# Built once (see ``actors._ACTOR``): read on every decision.
_TASK_WITH_NOMINATION = (
    select(m.Task, m.Nomination)
    .outerjoin(m.Nomination, m.Nomination.id == m.Task.nomination_id)
    .where(m.Task.id == bindparam("task_id"))
)


def _subject_visible(session: Session, actor: Actor, task: m.Task, nomination: m.Nomination | None) -> bool:
    if nomination is not None:
        return may_see_nomination(session, actor, nomination)
    if task.round_id is not None:
        bloc_round = session.get(m.BlocRound, task.round_id)
        return bloc_round is not None and may_see_round(session, actor, bloc_round)
    return province_wide(actor)


def _load_task(session: Session, actor: Actor, task_id: int) -> tuple[m.Task, m.Nomination | None]:
    """The task, if it is the actor's and still open, with its nomination (if any) read in the same
    statement: one round trip instead of two for a decision on a nomination."""
    row = session.execute(_TASK_WITH_NOMINATION, {"task_id": task_id}).first()
    if row is None:
        raise NotFound("việc", task_id)
    task, nomination = row  # a Row unpacks as the tuple it is (SQLAlchemy 2.1 deprecates `_tuple()`)
    role = Role(task.assignee_role)
    unit = task.assignee_unit_id if role in UNIT_SCOPED else None
    mine = actor.task_grant(role, unit, task.assignee_person_id) is not None
    if not mine and not _subject_visible(session, actor, task, nomination):
        raise NotFound("việc", task_id)  # a task on what the person may not see answers as a missing one
    if not mine:
        if task.assignee_person_id is not None:
            person = session.get(m.Person, task.assignee_person_id)
            names = [person.full_name] if person else []
        else:
            names = holder_names(session, role, unit)
        where = f" của {unit_name(session, unit)}" if unit else ""
        raise NotPermitted(
            f"Việc số {task.id} dành cho {role.label.lower()}{where}; {actor.label} không được xử lý. "
            f"Người được xử lý: {', '.join(names) or 'chưa có ai được giao'}."
        )
    if task.status != TaskStatus.OPEN.value:
        who = session.get(m.Person, task.completed_by_id) if task.completed_by_id else None
        by = f" bởi {who.full_name}" if who else ""
        raise Conflict(
            f"Việc số {task.id} đã {TaskStatus(task.status).label.lower()}{by}; không còn gì để xử lý."
        )
    return task, nomination


def act(
    ctx: Context, username: str, task_id: int, decision: str, payload: Payload | None = None
) -> ActResult:
    """Decide a task: check it is the person's and still open, then make the service call it stands for.

    A task on a nomination (appraising it, completing a returned dossier) is decided in the transaction
    that checked it: the person and the task are read once, and the version checks at commit refuse a
    concurrent decision. Other kinds hand over to their service, which checks again in its own transaction.
    """
    payload = payload or Payload()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        task, nomination = _load_task(uow.session, actor, task_id)
        grant = actor.task_grant(Role(task.assignee_role), _scope(task), task.assignee_person_id)
        # A delegated task (issue 22): every event the action writes names the person it is done for.
        principal = grant.for_person if grant else None
        kind = TaskKind(task.kind)
        if decision not in DECISIONS[kind]:
            raise InputRejected(
                f"Quyết định '{decision}' không áp dụng cho việc '{kind.label}'; chọn: {', '.join(DECISIONS[kind])}."
            )
        if payload.expected_version is not None and task.version != payload.expected_version:
            raise Conflict(f"Việc số {task.id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        if kind in NOMINATION_KINDS:
            assert nomination is not None
            with audit.acting_for(actor.person_id, principal):
                summary = _nomination_task(ctx, uow, actor, task, nomination, decision, payload)
            return ActResult(task_id, kind.value, decision, summary)
        subject = (task.nomination_id, task.round_id, task.session_id, task.decision_id)
    with audit.acting_for(actor.person_id, principal):
        summary = _HANDLERS[kind](ctx, username, task_id, subject, decision, payload)
    return ActResult(task_id, kind.value, decision, summary)


def _scope(task: m.Task) -> str | None:
    return task.assignee_unit_id if Role(task.assignee_role) in UNIT_SCOPED else None


Subject = tuple[int | None, int | None, int | None, int | None]
Handler = Callable[[Context, str, int, Subject, str, Payload], str]


def _nomination_task(
    ctx: Context,
    uow: UnitOfWork,
    actor: Actor,
    task: m.Task,
    nomination: m.Nomination,
    decision: str,
    p: Payload,
) -> str:
    """Appraisal and completing a returned dossier: one transaction with the nomination's move."""
    now = ctx.clock.now()
    session = uow.session
    if task.kind == TaskKind.COMPLETE_DOSSIER.value:
        if p.dossier is None or p.source is None:
            raise InputRejected("Nộp lại cần tệp hồ sơ đã hoàn thiện.")
        finish_task(task, actor, decision, p.comment, now)
        resubmit(ctx, session, uow, actor, nomination, p.dossier, p.source, now)
    else:
        _appraise(ctx, session, actor, task, nomination, decision, p.comment, now)
    uow.commit()
    return f"hồ sơ số {nomination.id}: {NominationStatus(nomination.status).label}"


def _appraise(
    ctx: Context,
    session: Session,
    actor: Actor,
    task: m.Task,
    nomination: m.Nomination,
    decision: str,
    comment: str | None,
    now: datetime,
) -> None:
    """Everything the decision needs is read before anything is changed, so that (on the usual paths)
    the whole decision is written by the one flush at commit rather than by flushes between reads."""
    action = APPRAISAL_ACTIONS[decision]
    arrow = lifecycle.get(action)
    authorize(actor, arrow, subject_of(nomination))
    reason = reason_text(comment, required=arrow.needs_reason)
    checks = recheck(ctx, session, nomination, now.astimezone(ctx.clock.tz).date())
    unjudged = [c for c in checks if c.needs_judgement]
    if decision == "pass" and unjudged:
        # Appraisal cannot conclude "eligible" while a criterion marked "cần thẩm định" has no finding.
        raise ValidationFailed(
            [Problem(c.message, field="finding", rule=c.rule, article=c.article) for c in unjudged],
            f"Hồ sơ số {nomination.id} còn tiêu chuẩn cần thẩm định chưa có kết quả; ghi kết quả từng tiêu "
            f"chuẩn (đạt / không đạt, có lý do) trước khi đề nghị khen thưởng:",
        )
    failed = [c for c in checks if c.outcome == "failed"]
    if decision == "pass" and failed and not reason:
        raise ValidationFailed(
            [Problem(c.message, field="eligibility", rule=c.rule, article=c.article) for c in failed],
            "Hồ sơ còn điều kiện chưa đạt; ghi lý do (ý kiến thẩm định) nếu vẫn đề nghị khen thưởng:",
        )
    close_open_tasks(session, nomination.id, at=now, except_id=task.id)
    # Asked before the writes, which cannot change the answer: they touch no session and no convening task.
    convene = arrow.target is NominationStatus.COUNCIL_VOTE and council.session_open_task_needed(session)
    finish_task(task, actor, decision, reason, now)
    from_state = NominationStatus(nomination.status)
    data = {"task": task.id, "checks": [c.to_dict() for c in checks]}
    target = move(session, nomination, action, actor=actor, at=now, comment=reason, data=data).target
    if target is NominationStatus.RETURNED:
        nomination.returned_from = from_state.value
        ask_unit_to_complete(session, ctx, nomination, at=now)
    elif target is NominationStatus.COUNCIL_VOTE:
        award = ctx.policy.period_by_code(nomination.policy_period).award_form(nomination.award_form)
        if award.council_vote is None:
            move(
                session,
                nomination,
                "council_approve",
                actor=None,
                at=now,
                comment="Không cần Hội đồng bỏ phiếu; theo đề xuất thẩm định.",
            )
        if convene:
            council.open_session_task(session, ctx, now)


def _round_task(
    ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload
) -> str:
    round_id = subject[1]
    assert round_id is not None
    if decision == "open":
        view = rounds.open_voting(ctx, username, round_id)
        return f"vòng bình xét số {round_id}: mở bỏ phiếu, {len(view.nominations)} hồ sơ"
    if decision == "vote":
        result = rounds.cast_ballot(
            ctx, username, round_id, scores=p.scores, approve=p.approve, reject=p.reject
        )
        left = result["remaining_names"]
        if left:
            return f"đã bỏ phiếu; còn {len(left)} hồ sơ chưa bỏ phiếu: {', '.join(left)}"
        return "đã bỏ phiếu đủ"
    if not p.next_chair or not p.next_deputy:
        raise InputRejected("Kết thúc vòng bình xét cần chọn đơn vị trưởng khối và đơn vị phó khối năm sau.")
    data = rounds.close_round(
        ctx,
        username,
        round_id,
        next_chair=p.next_chair,
        next_deputy=p.next_deputy,
        order=p.order,
        leader=p.leader,
        tie_reason=p.tie_reason,
        reasons=p.reasons,
    )
    endorsed = sum(1 for o in data["outcomes"] if o["endorsed"])
    return f"vòng bình xét số {round_id} kết thúc: {endorsed} hồ sơ được khối đề nghị"


def _session_task(
    ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload
) -> str:
    session_id = subject[2]
    if decision == "open":
        view = council.open_session(ctx, username)
        return f"phiên họp số {view.id}: {len(view.items)} hồ sơ, {view.members_total} thành viên"
    assert session_id is not None
    if decision == "vote":
        choices = dict.fromkeys(p.approve, Choice.YES) | dict.fromkeys(p.reject, Choice.NO)
        choices |= dict.fromkeys(p.abstain, Choice.ABSTAIN)
        council.cast_ballot(ctx, username, session_id, choices)
        return f"đã bỏ phiếu kín tại phiên họp số {session_id}"
    result = council.close_session(ctx, username, session_id, proposal_ref=p.proposal_ref)
    return council.close_summary(session_id, result)


def _decision_task(
    ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload
) -> str:
    decision_id = subject[3]
    assert decision_id is not None
    if decision == "sign":
        view = decisions.sign(ctx, username, decision_id, p.secret)
    elif decision == "send_back":
        view = decisions.send_back(ctx, username, decision_id, p.comment or "")
    else:
        if p.number is None:
            raise InputRejected("Vào sổ cần số quyết định theo sổ đăng ký văn bản.")
        view = decisions.register(ctx, username, decision_id, p.number, dated=p.dated)
    number = f" số {view.number_text}" if view.number_text else ""
    return f"quyết định{number}: {view.status_label}"


def _late_task(ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload) -> str:
    return late_dossiers.decide(ctx, username, task_id, decision, p.comment)


# --- NĐ 152/2025 steps (issue 19) ---


def _clearance_task(
    ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload
) -> str:
    """The reply to one request (the task's own): favourable, or adverse with the body's ground."""
    from thidua_workflow.services import clearances

    with ctx.reader() as uow:
        request_id = uow.session.scalar(
            select(m.ClearanceRequest.id).where(m.ClearanceRequest.task_id == task_id)
        )
    if request_id is None:
        raise NotFound("yêu cầu xin ý kiến của việc", task_id)
    view = clearances.reply(
        ctx,
        username,
        request_id,
        favourable=decision == "favourable",
        reply_on=p.dated or ctx.clock.today(),
        text=p.comment,
        reply_ref=p.proposal_ref,
    )
    return f"hồ sơ số {view.nomination_id}: {view.body_label} — {view.status_label.lower()}"


def _posting_task(
    ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload
) -> str:
    """Answer the oldest unanswered comment on the task's nomination (or on the whole list)."""
    from thidua_workflow.services import posting

    nomination_id = subject[0]
    with ctx.reader() as uow:
        about = (
            m.PublicComment.nomination_id == nomination_id
            if nomination_id is not None
            else m.PublicComment.nomination_id.is_(None)
        )
        comment_id = uow.session.scalar(
            select(m.PublicComment.id)
            .where(about, m.PublicComment.answer.is_(None))
            .order_by(m.PublicComment.id)
            .limit(1)
        )
    if comment_id is None:
        raise NotFound("ý kiến chưa trả lời của việc", task_id)
    view = posting.answer(ctx, username, comment_id, p.comment or "")
    return f"đã trả lời ý kiến số {view.id} của {view.author_name}"


def _recover_task(
    ctx: Context, username: str, task_id: int, subject: Subject, decision: str, p: Payload
) -> str:
    from thidua_workflow.services import annulments

    nomination_id = subject[0]
    assert nomination_id is not None
    view = annulments.record_recovery(
        ctx,
        username,
        nomination_id,
        recovered_on=p.dated or ctx.clock.today(),
        note=p.comment,
        voucher=p.voucher,
    )
    return f"hồ sơ số {nomination_id}: đã thu hồi {view.recover_amount:,} đồng".replace(",", ".")


_HANDLERS: dict[TaskKind, Handler] = {
    TaskKind.LATE_DOSSIER: _late_task,
    TaskKind.ROUND_OPEN: _round_task,
    TaskKind.ROUND_VOTE: _round_task,
    TaskKind.ROUND_CLOSE: _round_task,
    TaskKind.SESSION_OPEN: _session_task,
    TaskKind.COUNCIL_VOTE: _session_task,
    TaskKind.SESSION_CLOSE: _session_task,
    TaskKind.DECISION_SIGN: _decision_task,
    TaskKind.DECISION_REGISTER: _decision_task,
    TaskKind.CLEARANCE: _clearance_task,
    TaskKind.POSTING_ANSWER: _posting_task,
    TaskKind.RECOVER: _recover_task,
}


def act_on_nomination(
    ctx: Context, username: str, nomination_id: int, decision: str, payload: Payload | None = None
) -> ActResult:
    """Act on the person's open task for one nomination (appraising it, completing it) by its number."""
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        nomination = uow.session.get(m.Nomination, nomination_id)
        if nomination is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        require_nomination(uow.session, actor, nomination)  # another unit's dossier: as a missing one
        condition = _mine(actor)
        task_id = None
        if condition is not None:
            task_id = uow.session.scalar(
                select(m.Task.id)
                .where(
                    condition, m.Task.nomination_id == nomination_id, m.Task.status == TaskStatus.OPEN.value
                )
                .order_by(m.Task.id)
                .limit(1)
            )
        if task_id is None:
            raise Conflict(f"{actor.label} không có việc nào đang chờ với hồ sơ số {nomination_id}.")
    return act(ctx, username, task_id, decision, payload)
