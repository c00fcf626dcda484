"""The model's checks can fail: each catches the defect it is for, on a database doctored to have it."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.integration.helpers import submit_example
from tests.model import digests
from tests.model import invariants as inv
from tests.model.machine import PEOPLE
from thidua_workflow.db import models as m
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
