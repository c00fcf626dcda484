"""Hold and release: a nomination of a person or unit under discipline, investigation, inspection or
complaint is put on hold, not decided (the Law's principle), and resumes where it was when released."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import HoldGround, NominationStatus, Role, RoundStatus, TaskKind
from thidua_workflow.errors import NotFound, NotPermitted, TransitionNotAllowed
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.council import ensure_session_open_task
from thidua_workflow.services.late_dossiers import defer, place_in_bloc
from thidua_workflow.services.outbox import Stage, wake
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import ask_unit_to_complete, close_open_tasks, move, open_task


def _authorised(actor: Actor) -> None:
    if not any(actor.has(r) for r in lifecycle.RELEASE_ROLES):
        raise NotPermitted(
            f"Tạm dừng / tiếp tục xét do chuyên viên thẩm định hoặc thường trực Hội đồng thực hiện; {actor.label} không có vai trò này."
        )


def _nomination(session: Session, nomination_id: int) -> m.Nomination:
    found = session.get(m.Nomination, nomination_id)
    if found is None:
        raise NotFound("hồ sơ đề nghị", nomination_id)
    return found


def hold(ctx: Context, username: str, nomination_id: int, ground: HoldGround, reason: str) -> str:
    cleaned = reason_text(reason, required=True, field="reason")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _authorised(actor)
        nomination = _nomination(session, nomination_id)
        held_from = nomination.status
        if held_from == NominationStatus.IN_DECISION.value:
            _require_unsigned(session, nomination.id)
        move(session, nomination, "hold", actor=actor, at=now, comment=cleaned, data={"ground": ground.value})
        nomination.held_from = held_from
        close_open_tasks(session, nomination.id, at=now)
        if held_from == NominationStatus.IN_DECISION.value:
            _leave_draft(session, nomination.id)
        uow.commit()
        return nomination.status


def _require_unsigned(session: Session, nomination_id: int) -> None:
    """A signed decision is not changed: a nomination it lists is no longer held (only a draft's is)."""
    signed = session.scalar(
        select(m.Decision.id)
        .join(m.DecisionItem, m.DecisionItem.decision_id == m.Decision.id)
        .where(m.DecisionItem.nomination_id == nomination_id, m.Decision.status == "signed")
    )
    if signed is not None:
        raise TransitionNotAllowed(
            f"Hồ sơ số {nomination_id} có tên trong quyết định số {signed} đã ký, chờ vào sổ: quyết định đã "
            "ký không sửa được, nên không tạm dừng xét hồ sơ này. Không có gì thay đổi."
        )


def _leave_draft(session: Session, nomination_id: int) -> None:
    """Take the nomination off its draft decision's list and close the gap in the numbering."""
    item = session.scalar(
        select(m.DecisionItem)
        .join(m.Decision, m.Decision.id == m.DecisionItem.decision_id)
        .where(m.DecisionItem.nomination_id == nomination_id, m.Decision.status == "draft")
    )
    if item is None:
        return
    decision = item.decision
    decision.items.remove(item)
    session.flush()
    for ordinal, other in enumerate(sorted(decision.items, key=lambda i: i.ordinal), start=1):
        if other.ordinal != ordinal:
            other.ordinal = ordinal
            session.flush()


def _back_to_round(session: Session, nomination: m.Nomination, now: datetime) -> None:
    """Released into a bloc round that closed while it was on hold: the round's result still decides it
    (the round stage runs again), or, if the round closed without it, it goes on to the bloc's next round:
    a hold that was lifted is no ground to lose the bloc's vote."""
    bloc_round = session.get(m.BlocRound, nomination.round_id) if nomination.round_id else None
    if bloc_round is None or bloc_round.status != RoundStatus.CLOSED.value:
        return  # collecting or voting: the round takes it as any other item
    decided = {o["nomination"] for o in bloc_round.result.get("outcomes", [])}
    if nomination.id in decided:
        wake(session, Stage.ROUND_CLOSED, bloc_round.id, now)
        return
    defer(
        session,
        nomination,
        bloc_round,
        actor=None,
        action="bloc_defer_auto",
        reason=(
            f"Vòng bình xét số {bloc_round.id} của khối đã kết thúc khi hồ sơ đang tạm dừng xét: "
            "hồ sơ được chuyển sang vòng bình xét sau của khối."
        ),
        at=now,
    )


def release(ctx: Context, username: str, nomination_id: int, reason: str) -> str:
    cleaned = reason_text(reason, required=True, field="reason")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _authorised(actor)
        nomination = _nomination(session, nomination_id)
        current = NominationStatus(nomination.status)
        held_from = NominationStatus(nomination.held_from) if nomination.held_from else None
        target = lifecycle.release(current, held_from)
        nomination.status = target.value
        nomination.held_from = None
        nomination.updated_at = now
        audit.record(
            session,
            at=now,
            actor=actor,
            action="release",
            entity_type="nomination",
            entity_id=nomination.id,
            from_state=current.value,
            to_state=target.value,
            comment=cleaned,
        )
        if target is NominationStatus.BLOC_REVIEW and nomination.round_id is not None:
            _back_to_round(session, nomination, now)
        elif target is NominationStatus.SUBMITTED:
            # The intake stage skipped it while held: it must run again to route it.
            wake(session, Stage.INTAKE, nomination.submission_id, now)
        elif target is NominationStatus.APPRAISAL:
            open_task(session, ctx, nomination, TaskKind.APPRAISE, Role.APPRAISER, at=now)
        elif target is NominationStatus.BLOC_REVIEW and nomination.round_id is None:
            if nomination.deferred_from_round_id is None:  # held while its chair had to decide
                back = session.scalar(
                    select(m.Task.round_id)
                    .where(m.Task.nomination_id == nomination.id, m.Task.kind == TaskKind.LATE_DOSSIER.value)
                    .order_by(m.Task.id.desc())
                    .limit(1)
                )
                nomination.round_id = back
                place_in_bloc(session, ctx, nomination, at=now)
        elif target is NominationStatus.RETURNED:
            ask_unit_to_complete(session, ctx, nomination, at=now)
        elif target in (NominationStatus.COUNCIL_VOTE, NominationStatus.COUNCIL_APPROVED):
            ensure_session_open_task(session, ctx, now)
        uow.commit()
        return nomination.status
