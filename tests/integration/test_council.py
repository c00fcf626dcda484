"""Council sessions on both databases: quorum, participation, secret ballots, thresholds at the boundary."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import COUNCIL, row_counts, to_council
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import Conflict, InputRejected, NotPermitted
from thidua_workflow.services import council
from thidua_workflow.services.ballots import session_key, unseal
from thidua_workflow.services.context import Context
from thidua_workflow.services.council import QuorumNotMet
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.queries import show_nomination

FLAG, BK_PERSON, BK_COLLECTIVE, CSTD = 1, 2, 3, 4  # ids of the two example files, in submission order


@pytest.fixture
def ready(qb: Context, clock: FixedClock) -> Context:
    """Cờ thi đua (≥ 80%) and Chiến sĩ thi đua (≥ 90%) await the council; two Bằng khen need no vote."""
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    return qb


def _ten_members(ctx: Context) -> None:
    """A council of ten, so that 80% and 90% fall on whole votes."""
    data = copy.deepcopy(read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    for person in data["people"]:
        if person["username"] == "ct.hoinongdan":
            person["active"] = False
    load_organisation(ctx, data)


def _vote(ctx: Context, session_id: int, members: list[str], choices: dict[int, Choice]) -> None:
    for member in members:
        council.cast_ballot(ctx, member, session_id, choices)


def test_happy_path_approves_drafts_and_hides_the_tally_until_closed(ready: Context) -> None:
    view = council.open_session(ready, "tb.tdkt")
    assert view.members_total == 11
    assert {(i["nomination"], i["needs_vote"]) for i in view.items} == {
        (FLAG, True),
        (BK_PERSON, False),
        (BK_COLLECTIVE, False),
        (CSTD, True),
    }
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:9])
    _vote(ready, view.id, COUNCIL[:9], {FLAG: Choice.YES, CSTD: Choice.YES})
    for absent in COUNCIL[9:]:
        council.enter_written_ballot(ready, "tb.tdkt", view.id, absent, {FLAG: Choice.YES, CSTD: Choice.YES})
    shown = council.show_session(ready, view.id)
    assert shown.voted == 11
    assert all("yes" not in item for item in shown.items)  # no running tally while open
    result = council.close_session(ready, "tb.tdkt", view.id, proposal_ref="12/TTr-SNV")
    assert {i["nomination"]: (i["yes"], i["outcome"]) for i in result["items"] if i["needs_vote"]} == {
        FLAG: (11, "approved"),
        CSTD: (11, "approved"),
    }
    assert len(result["decisions"]) == 3  # Bằng khen, Cờ thi đua, Chiến sĩ thi đua
    for nomination_id in (FLAG, BK_PERSON, BK_COLLECTIVE, CSTD):
        assert show_nomination(ready, nomination_id).status == "in_decision"
    closed = council.show_session(ready, view.id)
    assert {i["nomination"]: i["yes"] for i in closed.items if i["needs_vote"]} == {FLAG: 11, CSTD: 11}


@pytest.mark.parametrize(
    ("yes_flag", "yes_cstd", "flag_outcome", "cstd_outcome"),
    [(8, 9, "approved", "approved"), (7, 8, "rejected", "rejected")],
    ids=["exactly-80-and-90-percent", "one-vote-short"],
)
def test_thresholds_at_the_boundary(
    ready: Context, yes_flag: int, yes_cstd: int, flag_outcome: str, cstd_outcome: str
) -> None:
    _ten_members(ready)
    members = [u for u in COUNCIL if u != "ct.hoinongdan"]
    view = council.open_session(ready, "tb.tdkt")
    assert view.members_total == 10
    council.record_attendance(ready, "tb.tdkt", view.id, members)
    for i, member in enumerate(members):
        council.cast_ballot(
            ready,
            member,
            view.id,
            {
                FLAG: Choice.YES if i < yes_flag else Choice.NO,
                CSTD: Choice.YES if i < yes_cstd else Choice.ABSTAIN,
            },
        )
    result = council.close_session(ready, "tb.tdkt", view.id)
    outcomes = {i["nomination"]: i["outcome"] for i in result["items"]}
    assert (outcomes[FLAG], outcomes[CSTD]) == (flag_outcome, cstd_outcome)
    if cstd_outcome == "rejected":
        reason = show_nomination(ready, CSTD).timeline[-1].comment or ""
        assert "8/10 phiếu đồng ý, cần ≥ 90%" in reason


@pytest.mark.parametrize(("voters", "met"), [(8, True), (7, False)], ids=["exactly-80-percent", "one-short"])
def test_participation_at_the_boundary(ready: Context, voters: int, met: bool) -> None:
    _ten_members(ready)
    members = [u for u in COUNCIL if u != "ct.hoinongdan"]
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, members)
    _vote(ready, view.id, members[:voters], {FLAG: Choice.YES, CSTD: Choice.YES})
    if met:
        council.close_session(ready, "tb.tdkt", view.id)
        return
    before = row_counts(ready)
    with pytest.raises(QuorumNotMet, match="7/10"):
        council.close_session(ready, "tb.tdkt", view.id)
    assert row_counts(ready) == before


def test_session_without_quorum_decides_nothing(ready: Context) -> None:
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:7])  # 7/11 < 2/3
    _vote(ready, view.id, COUNCIL[:7], {FLAG: Choice.YES, CSTD: Choice.YES})
    for absent in COUNCIL[7:]:
        council.enter_written_ballot(ready, "tb.tdkt", view.id, absent, {FLAG: Choice.YES, CSTD: Choice.YES})
    before = row_counts(ready)
    with pytest.raises(QuorumNotMet, match="túc số: 7/11"):
        council.close_session(ready, "tb.tdkt", view.id)
    assert row_counts(ready) == before
    assert show_nomination(ready, FLAG).status == "council_vote"


def test_ballot_rules(ready: Context) -> None:
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:9])
    with pytest.raises(NotPermitted, match="chưa được ghi nhận có mặt"):
        council.cast_ballot(ready, COUNCIL[10], view.id, {FLAG: Choice.YES, CSTD: Choice.YES})
    with pytest.raises(InputRejected, match="chưa đủ"):
        council.cast_ballot(ready, COUNCIL[0], view.id, {FLAG: Choice.YES})
    with pytest.raises(InputRejected, match="không có trong phiên họp"):
        council.cast_ballot(
            ready, COUNCIL[0], view.id, {FLAG: Choice.YES, CSTD: Choice.YES, BK_PERSON: Choice.YES}
        )
    with pytest.raises(NotPermitted):
        council.cast_ballot(ready, "nct.chutich", view.id, {FLAG: Choice.YES, CSTD: Choice.YES})
    council.cast_ballot(ready, COUNCIL[0], view.id, {FLAG: Choice.YES, CSTD: Choice.YES})
    with pytest.raises(Conflict, match="đã bỏ phiếu"):
        council.cast_ballot(ready, COUNCIL[0], view.id, {FLAG: Choice.NO, CSTD: Choice.NO})
    with pytest.raises(InputRejected, match="có mặt"):
        council.enter_written_ballot(
            ready, "tb.tdkt", view.id, COUNCIL[1], {FLAG: Choice.YES, CSTD: Choice.YES}
        )
    with pytest.raises(Conflict, match="trực tiếp"):
        council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[1:9])


def test_a_member_does_not_vote_on_their_own_units_nomination(ready: Context) -> None:
    """Give Hội Người mù's head a council seat: their ballot leaves out the unit's Chiến sĩ thi đua."""
    with ready.uow() as uow:
        person = uow.session.scalar(select(m.Person).where(m.Person.username == "mu.chutich"))
        assert person is not None
        person.grants.append(m.RoleGrant(role="council_member"))
        uow.commit()
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, ["mu.chutich"])
    with pytest.raises(NotPermitted, match="tách bạch"):
        council.cast_ballot(ready, "mu.chutich", view.id, {FLAG: Choice.YES, CSTD: Choice.YES})
    council.cast_ballot(ready, "mu.chutich", view.id, {FLAG: Choice.YES})


def test_acting_after_the_session_closed_is_a_conflict(ready: Context) -> None:
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL)
    _vote(ready, view.id, COUNCIL[:10], {FLAG: Choice.YES, CSTD: Choice.YES})
    council.close_session(ready, "tb.tdkt", view.id)
    with pytest.raises(Conflict, match="đã kết thúc"):
        council.cast_ballot(ready, COUNCIL[10], view.id, {FLAG: Choice.YES, CSTD: Choice.YES})
    with pytest.raises(Conflict):
        council.close_session(ready, "tb.tdkt", view.id)
    with pytest.raises(NotPermitted):
        council.open_session(ready, "gd.snv")


def _last_audit_id(ctx: Context) -> int:
    with ctx.reader() as uow:
        return int(uow.session.scalar(select(func.max(m.AuditEvent.id))) or 0)


def _opened_ballots(ctx: Context, session_id: int) -> list[tuple[str, ...]]:
    """The session's sealed ballots, opened with the ballot secret (which the tests hold), in sorted order."""
    with ctx.reader() as uow:
        s = uow.session
        row = s.get(m.CouncilSession, session_id)
        assert row is not None
        key = session_key(ctx.settings, row)
        items = sorted(
            s.scalars(
                select(m.SessionItem.nomination_id).where(
                    m.SessionItem.session_id == session_id, m.SessionItem.needs_vote.is_(True)
                )
            )
        )
        sealed = s.scalars(select(m.SealedBallot.sealed).where(m.SealedBallot.session_id == session_id))
        opened = [unseal(key, session_id, items, b) for b in sealed]
    return sorted(tuple(c[i].value if i in c else "-" for i in items) for c in opened)


def _stored_state(ctx: Context, session_id: int, audit_after: int) -> dict[str, Any]:
    """Everything the database holds about one session's voting, without clock times or row ids; the
    sealed ballots as what they say, in sorted order (their bytes differ at each sealing)."""
    with ctx.reader() as uow:
        s = uow.session
        return {
            "ballots": _opened_ballots(ctx, session_id),
            "items": sorted(
                (i.nomination_id, i.yes, i.no, i.abstain, i.outcome)
                for i in s.scalars(select(m.SessionItem).where(m.SessionItem.session_id == session_id))
            ),
            "members": sorted(
                (p.person_id, p.present, p.voted)
                for p in s.scalars(select(m.SessionMember).where(m.SessionMember.session_id == session_id))
            ),
            "tasks": sorted(
                (t.kind, t.assignee_person_id, t.status, t.decision, t.completed_by_id, t.comment)
                for t in s.scalars(select(m.Task).where(m.Task.session_id == session_id))
            ),
            "audit": sorted(
                (e.action, e.actor_id, e.comment, str(sorted(e.data.items())))
                for e in s.scalars(
                    select(m.AuditEvent).where(
                        m.AuditEvent.entity_type == "session",
                        m.AuditEvent.entity_id == str(session_id),
                        m.AuditEvent.id > audit_after,
                    )
                )
            ),
        }


CHOICES = st.sampled_from([Choice.YES, Choice.NO, Choice.ABSTAIN])


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ballots=st.lists(st.tuples(CHOICES, CHOICES), min_size=11, max_size=11), data=st.data())
def test_no_ballot_can_be_linked_to_its_voter(
    ready: Context, ballots: list[tuple[Choice, Choice]], data: st.DataObject
) -> None:
    """Hand the same ballots to the members in another order: what is stored is identical.

    If anything stored tied a choice to a person, swapping who cast which ballot would change it.
    """
    permuted = data.draw(st.permutations(ballots))
    states = []
    for assignment in (ballots, permuted):
        audit_after = _last_audit_id(ready)
        view = council.open_session(ready, "tb.tdkt")
        council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:9])
        for member, (flag, cstd) in zip(COUNCIL, assignment, strict=True):
            choices = {FLAG: flag, CSTD: cstd}
            if member in COUNCIL[:9]:
                council.cast_ballot(ready, member, view.id, choices)
            else:
                council.enter_written_ballot(ready, "tb.tdkt", view.id, member, choices)
        states.append(_stored_state(ready, view.id, audit_after))
        _discard_session(ready, view.id)
    assert states[0] == states[1]
    # And the sealed ballots are the ballots cast, so the check above is not vacuous; no tally while open.
    assert states[0]["ballots"] == sorted((flag.value, cstd.value) for flag, cstd in ballots)
    assert all(i[1:4] == (0, 0, 0) for i in states[0]["items"])


def _discard_session(ctx: Context, session_id: int) -> None:
    """Test-only reset between the two orders: remove the open session's rows (audit events stay)."""
    with ctx.uow() as uow:
        s = uow.session
        tasks = select(m.Task.id).where(m.Task.session_id == session_id)
        for note in s.scalars(select(m.Notification).where(m.Notification.task_id.in_(tasks))):
            s.delete(note)
        s.flush()
        for model in (m.SessionItem, m.SessionMember, m.SealedBallot, m.Task):
            for row in s.scalars(select(model).where(model.session_id == session_id)):
                s.delete(row)
        s.flush()
        council_row = s.get(m.CouncilSession, session_id)
        assert council_row is not None
        s.delete(council_row)
        uow.commit()
