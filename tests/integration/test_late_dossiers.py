"""A dossier returned by the bloc chair and completed after voting opened (issue 13 item 5).

It used to be a dead end: the clerk's resubmission answered 409 and the clerk's task stayed open with no
way forward. Now the chair decides — onto the open ballot, or on to the bloc's next round — and a round
that closes first sends it on by itself. After every step no open task is left that nobody can act on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.helpers import (
    QB_NOMINATIONS,
    REPRESENTATIVES,
    assert_every_open_task_has_someone,
    close_round,
    example,
    submit_example,
    vote_round,
)
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import InputRejected, NotPermitted, ValidationFailed
from thidua_workflow.services import queries, rounds, tasks
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource

BLOC = "qb-khoi-hoi-dac-thu"
JOURNALISTS = "qb-hoi-nha-bao"


@pytest.fixture
def voting_with_a_returned_dossier(qb: Context, clock: FixedClock) -> tuple[int, int]:
    """The 2019 round voting, with Hội Nhà báo's dossier returned by the chair before it opened; ten
    days later (the completed report is dated 14/12/2019)."""
    for name in ("hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019", "hoi-nha-bao-2019"):
        submit_example(qb, name)
    returned = next(n.id for n in queries.list_nominations(qb, unit=JOURNALISTS))
    rounds.return_dossier(qb, "nct.chutich", returned, "Thành tích chưa cụ thể; bổ sung số liệu.")
    round_id = rounds.find_round(qb, BLOC, "2019")
    rounds.open_voting(qb, "nct.chutich", round_id)
    assert_every_open_task_has_someone(qb)
    clock.advance(timedelta(days=10))
    return round_id, returned


def complete(ctx: Context, nomination_id: int) -> tasks.ActResult:
    """The journalists' clerk completes the returned dossier from their inbox."""
    return tasks.act_on_nomination(
        ctx,
        "nhabao.canbo",
        nomination_id,
        "resubmit",
        tasks.Payload(dossier=example("hoi-nha-bao-2019-hoan-thien"), source=DirectorySource(QB_NOMINATIONS)),
    )


def late_task(ctx: Context, user: str, nomination_id: int) -> tasks.TaskView:
    found = [t for t in tasks.list_tasks(ctx, user, nomination_id=nomination_id) if t.kind == "late_dossier"]
    assert len(found) == 1, found
    return found[0]


def events(ctx: Context, nomination_id: int) -> list[tuple[str, str | None]]:
    return [(e.action, e.comment) for e in queries.show_nomination(ctx, nomination_id).timeline]


def first_half_round(ctx: Context) -> int:
    """The bloc's next round: Hội Người mù's collective, nominated for the first half of 2019."""
    data = example("hoi-nguoi-mu-2019")
    data["nominations"] = data["nominations"][:1]
    data["nominations"][0]["period"] = {"year": 2019, "phase": "first_half"}
    submit_example(ctx, "hoi-nguoi-mu-2019", data)
    found = [r for r in rounds.list_rounds(ctx) if r["bloc"] == BLOC and r["status"] == "collecting"]
    assert len(found) == 1
    return int(found[0]["id"])


def test_completing_after_voting_opened_is_no_longer_a_dead_end(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    # Before: 409 "vòng bình xét … không nhận thêm hồ sơ", and the clerk's task stayed open.
    result = complete(qb, returned)
    assert "Khối thi đua đang xét" in result.summary
    assert tasks.list_tasks(qb, "nhabao.canbo", nomination_id=returned) == []
    detail = queries.show_nomination(qb, returned)
    assert (detail.status, detail.round_id, [d.number for d in detail.dossiers]) == (
        "bloc_review",
        None,
        [1, 2],
    )
    assert "chờ trưởng khối quyết định" in detail.where
    # The chair (Hội Người cao tuổi's representative) decides; the members do not vote on it yet.
    task = late_task(qb, "nct.chutich", returned)
    assert (task.decisions, task.round_id) == (["add", "defer"], round_id)
    view = rounds.show_round(qb, round_id)
    assert returned not in [n["id"] for n in view.nominations]
    assert [(x["id"], x["state"], x["decides"]) for x in view.late] == [(returned, "waiting", "qb-hoi-nct")]
    with pytest.raises(InputRejected, match="không nằm trong vòng"):
        rounds.cast_votes(qb, "mu.chutich", round_id, approve={returned}, reject=set())
    assert_every_open_task_has_someone(qb)


def test_the_chair_adds_it_and_members_who_had_voted_vote_again_on_it(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    vote_round(qb, round_id)  # every member has voted on the ballot it had: no ballot is open
    with qb.reader() as uow:
        assert not uow.session.scalars(
            select(m.Task).where(m.Task.kind == "round_vote", m.Task.status == "open")
        ).all()
    complete(qb, returned)
    task = late_task(qb, "nct.chutich", returned)
    with pytest.raises(NotPermitted):
        tasks.act(qb, "mu.chutich", task.id, "add", tasks.Payload(comment="Không phải trưởng khối."))
    with pytest.raises(ValidationFailed, match="lý do"):
        tasks.act(qb, "nct.chutich", task.id, "add", tasks.Payload(comment=" "))
    summary = tasks.act(
        qb, "nct.chutich", task.id, "add", tasks.Payload(comment="Hồ sơ đã bổ sung kịp trước họp khối.")
    ).summary
    assert "9 đơn vị được mời bỏ phiếu" in summary
    assert_every_open_task_has_someone(qb)
    assert ("bloc_add_to_ballot", "Hồ sơ đã bổ sung kịp trước họp khối.") in events(qb, returned)
    # Every member but the journalists' own unit has a ballot again, for this dossier alone.
    electorate = [u for u in REPRESENTATIVES if u != JOURNALISTS]
    for unit in electorate:
        user = REPRESENTATIVES[unit][0]
        ballots = [t for t in tasks.list_tasks(qb, user, round_id=round_id) if t.kind == "round_vote"]
        assert len(ballots) == 1, unit
    assert not [t for t in tasks.list_tasks(qb, "nhabao.chutich") if t.kind == "round_vote"]
    # Six vote yes, one no, two never vote again: those two count as not approving (no ballot, no yes).
    for unit in electorate[:6]:
        left = rounds.cast_votes(qb, REPRESENTATIVES[unit][0], round_id, approve={returned}, reject=set())
        assert left["remaining"] == []
    rounds.cast_votes(qb, REPRESENTATIVES[electorate[6]][0], round_id, approve=set(), reject={returned})
    result = close_round(qb, round_id)
    assert_every_open_task_has_someone(qb)
    outcome = next(o for o in result["outcomes"] if o["nomination"] == returned)
    with qb.reader() as uow:
        yes = uow.session.scalars(
            select(m.RoundVote).where(m.RoundVote.nomination_id == returned, m.RoundVote.approve.is_(True))
        ).all()
    assert (outcome["yes"], outcome["electorate"], len(yes)) == (6, 9, 6)
    assert outcome["endorsed"]  # 6 of 9 members: more than half of all of them
    assert queries.show_nomination(qb, returned).status == "appraisal"


def test_the_chair_defers_it_and_the_next_round_takes_it_in(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    complete(qb, returned)
    task = late_task(qb, "nct.chutich", returned)
    summary = tasks.act(
        qb, "nct.chutich", task.id, "defer", tasks.Payload(comment="Khối đã chấm điểm xong; xét ở vòng sau.")
    ).summary
    assert "vòng bình xét sau của khối" in summary
    assert_every_open_task_has_someone(qb)
    detail = queries.show_nomination(qb, returned)
    assert (detail.status, detail.round_id, detail.deferred_from_round) == ("bloc_review", None, round_id)
    assert "chuyển sang vòng bình xét sau" in detail.where
    assert ("bloc_defer", "Khối đã chấm điểm xong; xét ở vòng sau.") in events(qb, returned)
    vote_round(qb, round_id)
    result = close_round(qb, round_id)
    assert returned not in [o["nomination"] for o in result["outcomes"]]
    assert queries.show_nomination(qb, returned).status == "bloc_review"  # waits, visible
    assert [x["state"] for x in rounds.show_round(qb, round_id).late] == ["deferred"]
    # The bloc's next round takes it in when it is created, and its chair can open voting on it.
    later = first_half_round(qb)
    detail = queries.show_nomination(qb, returned)
    assert (detail.round_id, detail.deferred_from_round) == (later, round_id)
    assert events(qb, returned)[-1][0] == "bloc_carry_over"
    assert returned in [n["id"] for n in rounds.show_round(qb, later).nominations]
    assert_every_open_task_has_someone(qb)
    rounds.open_voting(qb, "nct.chutich", later)
    assert_every_open_task_has_someone(qb)


def test_deferring_joins_a_round_of_the_bloc_that_already_collects(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    later = first_half_round(qb)
    complete(qb, returned)
    task = late_task(qb, "nct.chutich", returned)
    tasks.act(qb, "nct.chutich", task.id, "defer", tasks.Payload(comment="Xét cùng đợt sơ kết."))
    assert queries.show_nomination(qb, returned).round_id == later
    assert [(x["state"], x["next_round"]) for x in rounds.show_round(qb, round_id).late] == [
        ("deferred", later)
    ]
    assert_every_open_task_has_someone(qb)


def test_a_round_that_closes_before_the_chair_decides_defers_it(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    complete(qb, returned)
    task = late_task(qb, "nct.chutich", returned)
    vote_round(qb, round_id)
    result = close_round(qb, round_id)
    assert result["deferred"] == [returned]
    assert_every_open_task_has_someone(qb)
    assert tasks.list_tasks(qb, "nct.chutich", nomination_id=returned) == []
    with qb.reader() as uow:
        closed = uow.session.get(m.Task, task.id)
        assert closed is not None
        assert (closed.status, closed.decision) == ("cancelled", "defer")
    action, comment = events(qb, returned)[-1]
    assert action == "bloc_defer_auto" and comment and "kết thúc trước khi trưởng khối quyết định" in comment
    assert queries.show_nomination(qb, returned).deferred_from_round == round_id


def test_completing_after_the_round_closed_goes_to_the_next_round(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    vote_round(qb, round_id)
    close_round(qb, round_id)
    # The clerk's task outlived the round; completing it now is still possible.
    assert [t.kind for t in tasks.list_tasks(qb, "nhabao.canbo", nomination_id=returned)] == [
        "complete_dossier"
    ]
    assert_every_open_task_has_someone(qb)
    complete(qb, returned)
    detail = queries.show_nomination(qb, returned)
    assert (detail.status, detail.round_id, detail.deferred_from_round) == ("bloc_review", None, round_id)
    assert events(qb, returned)[-1][0] == "bloc_defer_auto"
    assert_every_open_task_has_someone(qb)


def test_withdrawing_a_waiting_dossier_cancels_the_chairs_task(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    from thidua_workflow.services.nominations import withdraw

    _round_id, returned = voting_with_a_returned_dossier
    complete(qb, returned)
    withdraw(qb, "nhabao.canbo", returned, "Đơn vị rút để đề nghị năm sau.")
    assert tasks.list_tasks(qb, "nct.chutich", nomination_id=returned) == []
    assert_every_open_task_has_someone(qb)


def test_the_invariant_helper_finds_a_task_nobody_can_act_on(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    """The helper itself can fail: a chair's task whose unit has no representative any more."""
    _round_id, returned = voting_with_a_returned_dossier
    complete(qb, returned)
    with qb.uow() as uow:
        for grant in uow.session.scalars(
            select(m.RoleGrant).where(
                m.RoleGrant.role == "bloc_representative", m.RoleGrant.unit_id == "qb-hoi-nct"
            )
        ):
            uow.session.delete(grant)
        uow.commit()
    from tests.integration.helpers import tasks_nobody_can_act_on

    stuck: list[Any] = tasks_nobody_can_act_on(qb)
    assert any("late_dossier" in line for line in stuck), stuck


def test_a_hold_cancels_the_chairs_task_and_the_release_gives_it_back(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    from thidua_workflow.domain.enums import HoldGround
    from thidua_workflow.services import holds

    round_id, returned = voting_with_a_returned_dossier
    complete(qb, returned)
    holds.hold(qb, "cv.tdkt1", returned, HoldGround.COMPLAINT, "Có đơn khiếu nại.")
    assert tasks.list_tasks(qb, "nct.chutich", nomination_id=returned) == []
    assert_every_open_task_has_someone(qb)
    holds.release(qb, "cv.tdkt1", returned, "Đơn khiếu nại đã giải quyết.")
    assert late_task(qb, "nct.chutich", returned).round_id == round_id
    assert queries.show_nomination(qb, returned).round_id is None
    assert_every_open_task_has_someone(qb)


def test_the_chairs_choice_and_a_close_of_the_round_cannot_both_win(
    qb: Context, voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    """Deciding writes the round's row: a close that read the round before cannot commit after it."""
    from thidua_workflow.errors import Conflict

    round_id, returned = voting_with_a_returned_dossier
    complete(qb, returned)
    task = late_task(qb, "nct.chutich", returned)
    with qb.uow() as uow:  # the close, as it was read before the chair's decision committed
        stale = uow.session.get(m.BlocRound, round_id)
        assert stale is not None
        uow.session.expunge(stale)
    tasks.act(qb, "nct.chutich", task.id, "add", tasks.Payload(comment="Đưa vào phiếu."))
    with qb.uow() as uow:
        stale = uow.session.merge(stale, load=False)
        stale.status = "closed"
        with pytest.raises(Conflict):
            uow.commit()
    assert rounds.show_round(qb, round_id).status == "voting"
