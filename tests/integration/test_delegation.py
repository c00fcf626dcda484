"""Delegation and reassignment (issue 22): who acted, and for whom; what is never delegated."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.integration.helpers import judge_all, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.delegation import signature_lines, why_not_delegable
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import Conflict, NotFound, NotPermitted, ThiduaError, ValidationFailed
from thidua_workflow.services import delegation, nominations, notifications
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import act, list_tasks

LEAVE: dict[str, Any] = {
    "role": "appraiser",
    "starts_on": date(2020, 5, 15),
    "ends_on": date(2020, 5, 29),
    "reason": "Nghỉ phép năm.",
}


def _ad_hoc(ctx: Context, clock: FixedClock) -> int:
    clock.set(date(2020, 5, 15))
    return submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]


def test_a_delegate_does_the_appraisers_task_for_them(qb: Context, clock: FixedClock) -> None:
    nid = _ad_hoc(qb, clock)
    assert list_tasks(qb, "tb.tdkt") == []
    view = delegation.delegate(qb, "cv.tdkt1", from_username="cv.tdkt1", to_username="tb.tdkt", **LEAVE)
    assert view.active and view.to_username == "tb.tdkt"
    inbox = list_tasks(qb, "tb.tdkt")
    assert [(t.nomination_id, t.for_whom) for t in inbox] == [(nid, "Hoàng Văn Giả Định")]
    assert all(t.for_whom is None for t in list_tasks(qb, "cv.tdkt2"))  # their own role: not delegated
    # The household's criterion is judged by the delegate too, before passing (issue 18).
    assert judge_all(qb, "tb.tdkt", nid) == ["bang_khen_ho_gia_dinh"]
    act(qb, "tb.tdkt", inbox[0].id, "pass")
    with qb.reader() as uow:
        event = uow.session.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "appraisal_pass")).one()
        tb = uow.session.scalar(select(m.Person.id).where(m.Person.username == "tb.tdkt"))
        cv = uow.session.scalar(select(m.Person.id).where(m.Person.username == "cv.tdkt1"))
        task = uow.session.get(m.Task, inbox[0].id)
        assert task is not None
        assert (event.actor_id, event.on_behalf_of_id) == (tb, cv)
        # The finding was recorded straight on the dossier, not through the task: still for cv.tdkt1.
        finding = uow.session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.entity_id == str(nid), m.AuditEvent.actor_id == tb)
        ).first()
        assert finding is not None and finding.action != "appraisal_pass"
        assert finding.on_behalf_of_id == cv
        assert event.on_behalf_of_label == "Hoàng Văn Giả Định (cv.tdkt1)"
        assert (task.completed_by_id, task.on_behalf_of_id) == (tb, cv)
    detail = show_nomination(qb, nid, viewer=None)
    passed = [e for e in detail.timeline if e.action == "appraisal_pass"]
    assert passed[0].on_behalf == "Hoàng Văn Giả Định"
    # The delegate was told in the app.
    assert any(n.kind == "delegation" for n in notifications.list_notices(qb, tb or 0))


def test_revoked_or_ended_delegation_gives_nothing(qb: Context, clock: FixedClock) -> None:
    _ad_hoc(qb, clock)
    view = delegation.delegate(qb, "quantri", from_username="cv.tdkt1", to_username="tb.tdkt", **LEAVE)
    with pytest.raises(NotFound):  # a stranger does not even see it
        delegation.revoke(qb, "mu.canbo", view.id, "Không phải của mình.")
    with pytest.raises(ValidationFailed):
        delegation.revoke(qb, "cv.tdkt1", view.id, "  ")
    delegation.revoke(qb, "cv.tdkt1", view.id, "Đi làm lại sớm.", expected_version=view.version)
    assert list_tasks(qb, "tb.tdkt") == []
    with pytest.raises(Conflict):
        delegation.revoke(qb, "cv.tdkt1", view.id, "Lần nữa.")
    again = delegation.delegate(qb, "cv.tdkt1", from_username="cv.tdkt1", to_username="tb.tdkt", **LEAVE)
    clock.set(date(2020, 5, 30))  # the day after it ends
    assert list_tasks(qb, "tb.tdkt") == []
    assert not delegation.list_delegations(qb, "tb.tdkt")[0].active and again.id


def test_ballots_and_signatures_are_never_delegated(qb: Context, clock: FixedClock) -> None:
    clock.set(date(2020, 5, 15))
    for who, role in (
        ("gd.snv", "council_member"),
        ("pct.ubnd", "decision_signer"),
        ("mu.chutich", "bloc_representative"),
    ):
        with pytest.raises(NotPermitted, match="Không ủy quyền"):
            delegation.delegate(qb, who, from_username=who, to_username="cv.tdkt2", **{**LEAVE, "role": role})
    assert why_not_delegable(Role.APPRAISER) is None
    assert signature_lines("award_decision", "KT.", "CHỦ TỊCH", "PHÓ CHỦ TỊCH") == [
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    with pytest.raises(ValueError, match="TUQ"):
        signature_lines("award_decision", "TUQ.", "CHỦ TỊCH", "TRƯỞNG BAN")
    assert signature_lines("letter", "TL.", "CHỦ TỊCH", "CHÁNH VĂN PHÒNG")[0] == "TL. CHỦ TỊCH"


def test_bad_delegations_name_the_field_and_write_nothing(qb: Context, clock: FixedClock) -> None:
    clock.set(date(2020, 5, 15))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"to_username": "cv.tdkt1"}, "to"),
        ({"to_username": "mu.canbo"}, "to"),  # another unit, not an appraiser
        ({"ends_on": date(2020, 5, 1)}, "ends_on"),
        ({"reason": ""}, "reason"),
        ({"to_username": "khong-co-ai"}, "to"),
    ]
    for change, field in cases:
        args = {"from_username": "cv.tdkt1", "to_username": "tb.tdkt", **LEAVE, **change}
        with pytest.raises(ValidationFailed) as caught:
            delegation.delegate(qb, "cv.tdkt1", **args)
        assert field in {p.field for p in caught.value.problems}, (change, caught.value.problems)
    with pytest.raises(NotPermitted):  # for someone else, without being an operator
        delegation.delegate(qb, "cv.tdkt2", from_username="cv.tdkt1", to_username="tb.tdkt", **LEAVE)
    with qb.reader() as uow:
        assert uow.session.scalar(select(m.Delegation.id)) is None


def test_conflict_of_interest_carries_over_to_the_delegate(qb: Context, clock: FixedClock) -> None:
    """The Hội LHTN's head is an appraiser for the day; whom they delegate to may not appraise the
    Hội's own dossier either."""
    nid = _ad_hoc(qb, clock)
    with qb.uow() as uow:
        person = uow.session.scalar(select(m.Person).where(m.Person.username == "lhtn.chutich"))
        assert person is not None
        person.grants.append(m.RoleGrant(role="appraiser"))
        uow.commit()
    delegation.delegate(qb, "lhtn.chutich", from_username="lhtn.chutich", to_username="lhtn.canbo", **LEAVE)
    assert all(t.nomination_id != nid for t in list_tasks(qb, "lhtn.canbo"))
    task = next(t.id for t in list_tasks(qb, "cv.tdkt1") if t.nomination_id == nid)
    with pytest.raises(NotPermitted, match="tách bạch"):
        act(qb, "lhtn.canbo", task, "pass")


def test_an_operator_reassigns_a_task_whose_holder_left(qb: Context, clock: FixedClock) -> None:
    nid = _ad_hoc(qb, clock)
    task = next(t for t in list_tasks(qb, "cv.tdkt1") if t.nomination_id == nid)
    with pytest.raises(NotPermitted):
        delegation.reassign(qb, "cv.tdkt1", task.id, "cv.tdkt2", "Nghỉ việc.")
    with pytest.raises(ValidationFailed):  # the target does not hold the role
        delegation.reassign(qb, "quantri", task.id, "mu.canbo", "Nghỉ việc.")
    results = delegation.reassign_many(
        qb, "quantri", [task.id, 987654], "cv.tdkt2", "Chuyên viên đã chuyển công tác."
    )
    assert [r.ok for r in results] == [True, False]
    assert [t.id for t in list_tasks(qb, "cv.tdkt2")] == [task.id]
    assert list_tasks(qb, "cv.tdkt1") == []
    with qb.reader() as uow:
        event = uow.session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.action == "task_reassigned")
        ).one()
        assert event.comment == "Chuyên viên đã chuyển công tác." and event.data["to"] == "cv.tdkt2"


def test_two_revocations_at_once_exactly_one_wins(qb: Context, clock: FixedClock) -> None:
    clock.set(date(2020, 5, 15))
    view = delegation.delegate(qb, "cv.tdkt1", from_username="cv.tdkt1", to_username="tb.tdkt", **LEAVE)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def attempt(user: str) -> None:
        barrier.wait()
        try:
            outcomes.append(delegation.revoke(qb, user, view.id, "Thu hồi.", expected_version=view.version))
        except ThiduaError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in ("cv.tdkt1", "quantri")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    with qb.reader() as uow:
        events = uow.session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.action == "delegation_revoked")
        ).all()
        assert len(events) == 1


def _who_acted(ctx: Context, nomination_id: int) -> set[tuple[int | None, int | None]]:
    """(actor, on behalf of) of every event a person wrote on the nomination (the system's are nobody's)."""
    with ctx.reader() as uow:
        return {
            (actor, for_whom)
            for actor, for_whom in uow.session.execute(
                select(m.AuditEvent.actor_id, m.AuditEvent.on_behalf_of_id).where(
                    m.AuditEvent.entity_type == "nomination",
                    m.AuditEvent.entity_id == str(nomination_id),
                    m.AuditEvent.actor_id.is_not(None),
                )
            )
        }


def test_a_delegate_acting_straight_on_a_dossier_acts_for_the_delegator(
    qb: Context, clock: FixedClock
) -> None:
    """No task involved: the head of the unit submits its Tờ trình while the unit's clerk is on leave.
    The record names the clerk; once the delegation ends, the same act is refused."""
    clock.set(date(2020, 5, 15))
    delegation.delegate(
        qb,
        "lhtn.canbo",
        from_username="lhtn.canbo",
        to_username="lhtn.chutich",
        **{**LEAVE, "role": "unit_clerk", "unit_id": "qb-hoi-lhtn"},
    )
    with qb.reader() as uow:
        ids = {
            row.username: row.id
            for row in uow.session.execute(
                select(m.Person.username, m.Person.id).where(
                    m.Person.username.in_(["lhtn.canbo", "lhtn.chutich"])
                )
            )
        }
    nid = submit_example(qb, "hoi-lhtn-2020-dot-xuat", user="lhtn.chutich").nomination_ids[0]
    assert _who_acted(qb, nid) == {(ids["lhtn.chutich"], ids["lhtn.canbo"])}
    # The clerk, back for a day, takes it back in their own right: on the record as themselves.
    nominations.withdraw(qb, "lhtn.canbo", nid, "Đơn vị rút để bổ sung minh chứng.")
    assert _who_acted(qb, nid) == {(ids["lhtn.chutich"], ids["lhtn.canbo"]), (ids["lhtn.canbo"], None)}
    clock.set(date(2020, 5, 30))  # the delegation has ended
    with pytest.raises(NotPermitted):
        submit_example(qb, "hoi-lhtn-2020-dot-xuat", user="lhtn.chutich")


def test_a_delegation_starting_years_ahead_is_refused(qb: Context, clock: FixedClock) -> None:
    """A start typed as 2099 for 2020 was accepted (only the length was bounded); nothing is stored."""
    clock.set(date(2020, 5, 15))
    with pytest.raises(ValidationFailed, match="ngày bắt đầu 15/05/2099"):
        delegation.delegate(
            qb,
            "cv.tdkt1",
            from_username="cv.tdkt1",
            to_username="tb.tdkt",
            **{**LEAVE, "starts_on": date(2099, 5, 15), "ends_on": date(2099, 5, 29)},
        )
    assert delegation.list_delegations(qb, "cv.tdkt1") == []
    # Months ahead is a planned leave: accepted.
    planned = delegation.delegate(
        qb,
        "cv.tdkt1",
        from_username="cv.tdkt1",
        to_username="tb.tdkt",
        **{**LEAVE, "starts_on": date(2020, 11, 2), "ends_on": date(2020, 11, 13)},
    )
    assert not planned.active
