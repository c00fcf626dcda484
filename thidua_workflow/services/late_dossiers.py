"""A dossier completed after its bloc round opened voting: onto the open ballot, or on to the next round.

The unit may always complete a returned dossier. If its round still collects, the dossier simply rejoins
it. If the round is voting, the chair (or the deputy, when the chair's unit is concerned) decides, with a
reason on the record: add it to the ballot — every member unit that may vote on it and has no open
ballot gets one again, since a bloc endorses with the votes of more than half of *all* its members — or
defer it to the bloc's next round. If the round closes before the chair decides, or had already closed,
the dossier is deferred by the system, recorded as such: no task is left that nobody can act on.

A deferred dossier stays "Khối thi đua đang xét" without a round; the bloc's next round takes it in
when that round is created (or at once, if one is already collecting).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor, authorize
from thidua_workflow.domain.enums import NominationStatus, Role, RoundStatus, TaskKind, TaskStatus
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted
from thidua_workflow.services.actors import holder_names, load_actor, unit_name
from thidua_workflow.services.context import Context
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import (
    attach_to_round,
    bloc_reviewer,
    finish_task,
    move,
    new_task,
    open_round_task,
    subject_of,
)

DECISIONS = {"add": "bloc_add_to_ballot", "defer": "bloc_defer"}


def concerned_units(nomination: m.Nomination) -> set[str]:
    return {u for u in (nomination.submitting_unit_id, nomination.nominee_unit_id) if u}


def place_in_bloc(session: Session, ctx: Context, nomination: m.Nomination, *, at: datetime) -> None:
    """A completed dossier, back under the bloc's review: where it goes depends on its round's state."""
    bloc_round = session.get(m.BlocRound, nomination.round_id) if nomination.round_id else None
    if bloc_round is None:
        attach_to_round(session, ctx, nomination, at=at)
        return
    if bloc_round.status != RoundStatus.CLOSED.value:
        claim(bloc_round)
    if bloc_round.status == RoundStatus.VOTING.value:
        _ask_chair(session, ctx, nomination, bloc_round, at=at)
    elif bloc_round.status == RoundStatus.CLOSED.value:
        defer(
            session,
            nomination,
            bloc_round,
            actor=None,
            action="bloc_defer_auto",
            reason=f"Hồ sơ hoàn thiện sau khi vòng bình xét số {bloc_round.id} đã kết thúc.",
            at=at,
        )
    # still collecting: the dossier is in its round already


def claim(bloc_round: m.BlocRound) -> None:
    """Write the round's row (its version goes up) in this transaction: a concurrent opening or closing
    of the round then conflicts at commit instead of missing this dossier or leaving its task dangling."""
    flag_modified(bloc_round, "members")


def _ask_chair(
    session: Session, ctx: Context, nomination: m.Nomination, bloc_round: m.BlocRound, *, at: datetime
) -> None:
    """Off the ballot until the chair decides; a task for the unit that reviews it for the bloc."""
    reviewer, problem = bloc_reviewer(
        session, bloc_round.bloc_id, bloc_round.period_year, concerned_units(nomination)
    )
    if reviewer is None:  # nobody could decide: the dossier goes on, the reason recorded
        defer(
            session,
            nomination,
            bloc_round,
            actor=None,
            action="bloc_defer_auto",
            reason=f"Không có trưởng khối hay phó khối xét được hồ sơ này ({problem}).",
            at=at,
        )
        return
    nomination.round_id = None
    new_task(
        session,
        ctx,
        TaskKind.LATE_DOSSIER,
        Role.BLOC_REPRESENTATIVE,
        at=at,
        policy_period=bloc_round.policy_period,
        nomination_id=nomination.id,
        round_id=bloc_round.id,
        unit_id=reviewer,
        bloc_id=bloc_round.bloc_id,
    )


def _next_round(session: Session, bloc_id: str, after: int) -> m.BlocRound | None:
    """The bloc's round that still collects dossiers, other than the one the dossier leaves."""
    return session.scalar(
        select(m.BlocRound)
        .where(
            m.BlocRound.bloc_id == bloc_id,
            m.BlocRound.status == RoundStatus.COLLECTING.value,
            m.BlocRound.id != after,
        )
        .order_by(m.BlocRound.id)
        .limit(1)
    )


def defer(
    session: Session,
    nomination: m.Nomination,
    from_round: m.BlocRound,
    *,
    actor: Actor | None,
    action: str,
    reason: str,
    at: datetime,
) -> m.BlocRound | None:
    """Send the dossier on to the bloc's next round: the one collecting now, or the next one created."""
    target = _next_round(session, from_round.bloc_id, from_round.id)
    move(
        session,
        nomination,
        action,
        actor=actor,
        at=at,
        comment=reason,
        data={"round": from_round.id, "next_round": target.id if target else None},
    )
    nomination.deferred_from_round_id = from_round.id
    nomination.round_id = target.id if target else None
    return target


def defer_undecided(session: Session, bloc_round: m.BlocRound, *, at: datetime) -> list[int]:
    """At a round's close: dossiers the chair has not decided on go to the next round, recorded so."""
    deferred = []
    waiting = session.scalars(
        select(m.Task).where(
            m.Task.kind == TaskKind.LATE_DOSSIER.value,
            m.Task.round_id == bloc_round.id,
            m.Task.status == TaskStatus.OPEN.value,
        )
    ).all()
    for task in waiting:
        nomination = session.get(m.Nomination, task.nomination_id)
        assert nomination is not None
        reason = (
            f"Vòng bình xét số {bloc_round.id} kết thúc trước khi trưởng khối quyết định; "
            "hồ sơ chuyển sang vòng bình xét sau của khối."
        )
        defer(session, nomination, bloc_round, actor=None, action="bloc_defer_auto", reason=reason, at=at)
        task.status = TaskStatus.CANCELLED.value
        task.completed_at = at
        task.decision = "defer"
        task.comment = reason
        deferred.append(nomination.id)
    return deferred


def decide(ctx: Context, username: str, task_id: int, decision: str, comment: str | None) -> str:
    """The chair's choice on a dossier completed while the round votes: ``add`` or ``defer``."""
    action = DECISIONS.get(decision)
    if action is None:
        raise InputRejected(f"Quyết định '{decision}' không áp dụng; chọn: {', '.join(DECISIONS)}.")
    arrow = lifecycle.get(action)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        task = session.get(m.Task, task_id)
        if task is None or task.kind != TaskKind.LATE_DOSSIER.value:
            raise NotFound("việc", task_id)
        if task.status != TaskStatus.OPEN.value:
            raise Conflict(
                f"Việc số {task_id} đã {TaskStatus(task.status).label.lower()}; không còn gì để xử lý."
            )
        unit = task.assignee_unit_id
        if not actor.has(Role.BLOC_REPRESENTATIVE, unit):
            names = ", ".join(holder_names(session, Role.BLOC_REPRESENTATIVE, unit)) or "chưa có ai được giao"
            raise NotPermitted(f"Việc số {task_id} dành cho đại diện {unit_name(session, unit)}: {names}.")
        nomination = session.get(m.Nomination, task.nomination_id)
        bloc_round = session.get(m.BlocRound, task.round_id)
        assert nomination is not None and bloc_round is not None
        authorize(actor, arrow, subject_of(nomination), acting_unit_id=unit)
        reason = reason_text(comment, required=arrow.needs_reason)
        assert reason is not None
        if (
            nomination.status != NominationStatus.BLOC_REVIEW.value
            or bloc_round.status != RoundStatus.VOTING.value
        ):
            raise Conflict(
                f"Hồ sơ số {nomination.id} hoặc vòng bình xét số {bloc_round.id} đã thay đổi; hãy tải lại."
            )
        claim(bloc_round)
        if decision == "add":
            asked = _add(session, ctx, nomination, bloc_round, actor, reason, now)
            summary = (
                f"hồ sơ số {nomination.id} được đưa vào phiếu của vòng bình xét số {bloc_round.id}; "
                f"{len(asked)} đơn vị được mời bỏ phiếu cho hồ sơ này"
            )
        else:
            target = defer(session, nomination, bloc_round, actor=actor, action=action, reason=reason, at=now)
            where = f"vòng bình xét số {target.id}" if target else "vòng bình xét sau của khối (khi mở)"
            summary = f"hồ sơ số {nomination.id} chuyển sang {where}"
        finish_task(task, actor, decision, reason, now)
        uow.commit()
        return summary


def _add(
    session: Session,
    ctx: Context,
    nomination: m.Nomination,
    bloc_round: m.BlocRound,
    actor: Actor,
    reason: str,
    now: datetime,
) -> list[str]:
    """Onto the ballot: every member unit that may vote on it and holds no open ballot gets one again."""
    voting = set(
        session.scalars(
            select(m.Task.assignee_unit_id).where(
                m.Task.kind == TaskKind.ROUND_VOTE.value,
                m.Task.round_id == bloc_round.id,
                m.Task.status == TaskStatus.OPEN.value,
            )
        )
    )
    concerned = concerned_units(nomination)
    asked = [u for u in bloc_round.members if u not in concerned and u not in voting]
    move(
        session,
        nomination,
        "bloc_add_to_ballot",
        actor=actor,
        at=now,
        comment=reason,
        data={"round": bloc_round.id, "ballots_reopened": asked},
    )
    nomination.round_id = bloc_round.id
    for unit in asked:
        open_round_task(session, ctx, bloc_round, TaskKind.ROUND_VOTE, at=now, unit_id=unit)
    return asked
