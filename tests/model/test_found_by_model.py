"""Defects the model test (test_services_model) found, each pinned by the shortest path that shows it."""

from __future__ import annotations

from sqlalchemy import select

from flows.inline import run_inline
from tests.integration.helpers import submit_example
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
