"""Defects the model test (test_services_model) found, each pinned by the shortest path that shows it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flows.inline import run_inline
from tests.integration.helpers import (
    COUNCIL,
    assert_every_open_task_has_someone,
    close_round,
    open_round,
    submit_example,
    vote_round,
)
from tests.model import digests
from tests.model.preludes import PRELUDES
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice, HoldGround, NominationStatus
from thidua_workflow.errors import TransitionNotAllowed
from thidua_workflow.services import council, decisions, holds, stages, tasks
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
    review' of a round nobody could vote in any more, with no task and no stage: stuck for good. Now it
    goes on to the bloc's next round, saying why, and that round takes it."""
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    held = ids[0]
    _hold(qb, held)
    round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019")
    vote_round(qb, round_id)
    close_round(qb, round_id)
    _release(qb, held)
    assert _status(qb, held) == NominationStatus.BLOC_REVIEW.value
    with qb.reader() as uow:
        nomination = uow.session.get(m.Nomination, held)
        assert nomination is not None
        assert nomination.deferred_from_round_id == round_id and nomination.round_id != round_id
        last = uow.session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.entity_id == str(held))
            .order_by(m.AuditEvent.id.desc())
        ).first()
        assert last is not None and last.action == "bloc_defer_auto"
        assert last.comment and "tạm dừng" in last.comment
    assert_every_open_task_has_someone(qb)


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


def test_work_that_reaches_the_council_during_a_session_asks_for_the_next_one(qb: Context) -> None:
    """A nomination that passed appraisal while a session was open is not on that session's list; when the
    session closed, nobody was asked to convene the next one: it waited with no task for anyone."""
    round_id = open_round(qb, "hoi-nguoi-mu-2019", "hoi-nguoi-cao-tuoi-2019")
    vote_round(qb, round_id)
    close_round(qb, round_id)
    appraisals = [v for v in tasks.list_tasks(qb, "cv.tdkt1") if v.kind == "appraise"]
    assert len(appraisals) >= 2
    first, later = appraisals[0], appraisals[1:]
    tasks.act(qb, "cv.tdkt1", first.id, "pass")
    session_id = council.open_session(qb, "tb.tdkt").id
    for view in later:
        tasks.act(qb, "cv.tdkt1", view.id, "pass")
    council.record_attendance(qb, "tb.tdkt", session_id, COUNCIL)
    items = [i["nomination"] for i in council.show_session(qb, session_id).items if i["needs_vote"]]
    for member in COUNCIL:
        council.cast_ballot(qb, member, session_id, dict.fromkeys(items, Choice.YES))
    council.close_session(qb, "tb.tdkt", session_id, proposal_ref="12/TTr-SNV")
    kinds = [v.kind for v in tasks.list_tasks(qb, "tb.tdkt")]
    assert "session_open" in kinds


def test_a_nomination_on_a_signed_decision_cannot_be_held(qb: Context, clock: FixedClock) -> None:
    """Held after its decision was signed (before the registrar numbered it), the nomination stayed on the
    signed decision; registering issued a decision naming someone on hold, whom the decision stage then
    skipped, and a release left them 'approved by the council' on an issued decision. A signed decision
    is not changed: the hold is refused, saying why (it is for the signer to act before signing)."""
    PRELUDES["drafts"](qb, clock)
    decision = decisions.list_decisions(qb)[0]
    decisions.sign(qb, "pct.ubnd", decision.id)
    with qb.reader() as uow:
        listed = uow.session.scalar(
            select(m.DecisionItem.nomination_id).where(m.DecisionItem.decision_id == decision.id)
        )
    assert listed is not None
    before = digests.table_digests(qb)
    with pytest.raises(TransitionNotAllowed, match="đã ký"):
        _hold(qb, listed)
    assert digests.table_digests(qb) == before
    assert _status(qb, listed) == NominationStatus.IN_DECISION.value
