"""A flow run carries several subjects of its stage: each is done once, a failing one stops no other."""

from __future__ import annotations

import pytest

from tests.integration.helpers import submit_example
from thidua_workflow.errors import StaleVersion
from thidua_workflow.services import nominations
from thidua_workflow.services.context import Context
from thidua_workflow.services.outbox import Stage
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.stages import STAGES, pending, run_batch


def test_a_batch_does_each_waiting_subject_once_and_a_failure_stops_no_other(
    qb: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    qb.dispatcher = None  # the wake-ups wait, as they do until their flow run starts
    first, second, third = (
        submit_example(qb, name)
        for name in ("hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019", "lien-minh-htx-2019")
    )

    def route(ctx: Context, submission_id: int) -> dict[str, int]:
        if submission_id == second.submission_id:
            raise RuntimeError("ổ đĩa đầy")
        return nominations.route_submission(ctx, submission_id)

    monkeypatch.setitem(STAGES, Stage.INTAKE, route)
    batch = run_batch(qb, Stage.INTAKE, first.submission_id, [second.submission_id, third.submission_id])
    assert sorted(batch.done) == sorted([first.submission_id, third.submission_id])
    assert batch.failed == {second.submission_id: "RuntimeError: ổ đĩa đầy"}
    assert [(w.ref_id, w.last_error) for w in pending(qb)] == [
        (second.submission_id, "RuntimeError: ổ đĩa đầy")  # left for the sweep, with why
    ]
    for done in (first, third):
        assert {show_nomination(qb, i).status for i in done.nomination_ids} == {"bloc_review"}

    # Run again with the same subjects: what is done is skipped; the run's own subject always runs (and
    # changes nothing: its nominations have moved on).
    monkeypatch.setitem(STAGES, Stage.INTAKE, nominations.route_submission)
    again = run_batch(qb, Stage.INTAKE, first.submission_id, [third.submission_id, second.submission_id])
    assert again.done == {
        first.submission_id: {"routed": 0, "refused": 0},
        second.submission_id: {"routed": len(second.nomination_ids), "refused": 0},
    }
    assert again.failed == {} and pending(qb) == []


def test_a_conflict_with_another_writer_is_tried_again(qb: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    qb.dispatcher = None
    submitted = submit_example(qb, "hoi-nguoi-cao-tuoi-2019")
    calls: list[int] = []

    def route(ctx: Context, submission_id: int) -> dict[str, int]:
        calls.append(submission_id)
        if len(calls) == 1:
            raise StaleVersion("Hồ sơ vừa được người khác cập nhật")
        return nominations.route_submission(ctx, submission_id)

    monkeypatch.setitem(STAGES, Stage.INTAKE, route)
    batch = run_batch(qb, Stage.INTAKE, submitted.submission_id, [])
    assert calls == [submitted.submission_id] * 2
    assert batch.failed == {} and pending(qb) == []
