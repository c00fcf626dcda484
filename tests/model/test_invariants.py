"""The model's checks can fail: each catches the defect it is for, on a database doctored to have it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from tests.integration.helpers import COUNCIL, submit_example, to_council
from tests.model import digests
from tests.model import invariants as inv
from tests.model.machine import PEOPLE
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice
from thidua_workflow.services import council
from thidua_workflow.services.context import Context


def _doctor(ctx: Context, statement: object) -> None:
    with ctx.uow() as uow:
        uow.session.execute(statement)  # type: ignore[call-overload]
        uow.commit()


def test_a_changed_row_changes_its_tables_digest(qb: Context) -> None:
    nomination_id = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    before = digests.table_digests(qb)
    assert digests.table_digests(qb) == before
    _doctor(qb, update(m.Nomination).where(m.Nomination.id == nomination_id).values(nominee_name="Khác"))
    assert digests.changed_tables(before, digests.table_digests(qb)) == ["nominations"]


def test_a_state_its_history_cannot_reach_is_caught(qb: Context) -> None:
    nomination_id = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    inv.states_agree(qb)
    _doctor(qb, update(m.Nomination).where(m.Nomination.id == nomination_id).values(status="decided"))
    with pytest.raises(AssertionError, match="history ends in"):
        inv.states_agree(qb)


def test_a_task_nobody_may_act_on_is_caught(qb: Context) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    inv.everyone_can_act(qb, PEOPLE)
    _doctor(qb, update(m.Task).values(assignee_unit_id="qb-so-tai-chinh"))
    with pytest.raises(AssertionError, match="nobody may act on"):
        inv.everyone_can_act(qb, PEOPLE)


def test_tallies_that_differ_from_the_ballots_are_caught(qb: Context) -> None:
    inv.tallies_match(qb, inv.Ballots())
    ballots = inv.Ballots()
    ballots.round_votes[(1, 1)][0] += 1
    with pytest.raises(AssertionError, match="bloc votes stored"):
        inv.tallies_match(qb, ballots)


def test_a_tally_while_the_session_is_open_is_caught(qb: Context) -> None:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    assert isinstance(qb.clock, FixedClock)
    qb.clock.set(date(2020, 1, 15))
    ballots = inv.ballots_in(qb)  # the bloc's votes
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL[:9])
    council.cast_ballot(qb, COUNCIL[0], view.id, {1: Choice.YES, 4: Choice.NO})
    ballots.council_votes[(view.id, 1)]["yes"] += 1
    ballots.council_votes[(view.id, 4)]["no"] += 1
    inv.tallies_match(qb, ballots)  # the sealed ballot, opened with the tests' secret, is the one cast
    _doctor(qb, update(m.SessionItem).where(m.SessionItem.nomination_id == 1).values(yes=1))
    with pytest.raises(AssertionError, match="is open but has a tally"):
        inv.tallies_match(qb, ballots)
