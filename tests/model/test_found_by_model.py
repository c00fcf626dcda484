"""Defects the model test (test_services_model) found, each pinned by the shortest path that shows it."""

from __future__ import annotations

from sqlalchemy import select

from flows.inline import run_inline
from tests.integration.helpers import close_round, open_round, submit_example, vote_round
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import HoldGround, NominationStatus
from thidua_workflow.services import holds, stages
from thidua_workflow.services.context import Context


def _status(ctx: Context, nomination_id: int) -> str:
    with ctx.reader() as uow:
        nomination = uow.session.get(m.Nomination, nomination_id)
        assert nomination is not None
        return nomination.status


def _run_pending(ctx: Context) -> None:
    ids = [w.id for w in stages.pending(ctx)]
    if ids:
        run_inline(ctx, ids)


def test_a_nomination_held_before_intake_is_routed_once_released(qb: Context) -> None:
    """Held while its submission waited for the intake stage, the nomination was skipped by it; released,
    it was 'submitted' again with no intake left to route it: nobody would ever see it."""
    qb.dispatcher = None  # the intake stage waits (as on a busy Prefect) while the appraiser holds it
    nomination_id = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    holds.hold(qb, "cv.tdkt1", nomination_id, HoldGround.COMPLAINT, "Có đơn khiếu nại đang giải quyết.")
    _run_pending(qb)
    holds.release(qb, "cv.tdkt1", nomination_id, "Khiếu nại đã giải quyết xong.")
    _run_pending(qb)
    assert _status(qb, nomination_id) == NominationStatus.BLOC_REVIEW.value
    with qb.reader() as uow:
        nomination = uow.session.get(m.Nomination, nomination_id)
        assert nomination is not None and nomination.round_id is not None
        assert uow.session.scalar(select(m.BlocRound.status).where(m.BlocRound.id == nomination.round_id))


def _hold(ctx: Context, nomination_id: int) -> None:
    holds.hold(ctx, "cv.tdkt1", nomination_id, HoldGround.DISCIPLINE, "Đang xem xét kỷ luật.")


def _release(ctx: Context, nomination_id: int) -> None:
    holds.release(ctx, "cv.tdkt1", nomination_id, "Đã có kết luận, không kỷ luật.")


def test_a_nomination_held_through_its_round_is_not_left_in_a_closed_round(qb: Context) -> None:
    """Held while its bloc's round collected, released after the round closed: it went back to 'bloc
    review' of a round nobody could vote in any more, with no task and no stage: stuck for good. Now the
    bloc's closed round does not endorse it, saying why."""
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    held = ids[0]
    _hold(qb, held)
    round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019")
    vote_round(qb, round_id)
    close_round(qb, round_id)
    _release(qb, held)
    assert _status(qb, held) == NominationStatus.REJECTED.value
    with qb.reader() as uow:
        last = uow.session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.entity_id == str(held))
            .order_by(m.AuditEvent.id.desc())
        ).first()
        assert last is not None and last.action == "bloc_reject"
        assert last.comment and "tạm dừng" in last.comment


def test_a_nomination_held_after_its_round_closed_gets_the_rounds_result_once_released(qb: Context) -> None:
    """Held between the round's close and its stage, the stage skipped it; released, it stayed in 'bloc
    review' of the closed round. Now the round's result (already counted with its votes) is applied."""
    round_id = open_round(qb, "hoi-nguoi-mu-2019", "hoi-nguoi-cao-tuoi-2019")
    vote_round(qb, round_id)
    qb.dispatcher = None  # the round stage waits
    result = close_round(qb, round_id)
    outcome = result["outcomes"][0]
    held = outcome["nomination"]
    _hold(qb, held)
    _run_pending(qb)
    _release(qb, held)
    _run_pending(qb)
    expected = NominationStatus.APPRAISAL if outcome["endorsed"] else NominationStatus.REJECTED
    assert _status(qb, held) == expected.value
