"""Acting on tasks: the right person, the right arrow, reasons where the law wants them, one winner."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.integration.helpers import QB_NOMINATIONS, example, row_counts, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import Conflict, InputRejected, NotPermitted, ThiduaError, ValidationFailed
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.nominations import withdraw
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import act, list_tasks


def _task_for(ctx: Context, user: str, nomination_id: int) -> int:
    for view in list_tasks(ctx, user):
        if view.nomination_id == nomination_id:
            return view.id
    raise AssertionError(f"{user} has no task for nomination {nomination_id}")


def test_inbox_shows_exactly_the_persons_tasks(qb: Context) -> None:
    nct = submit_example(qb, "hoi-nguoi-cao-tuoi-2019")
    mu = submit_example(qb, "hoi-nguoi-mu-2019")
    # The chair (Hội Người cao tuổi) reviews the others; the deputy (Hội Người mù) reviews the chair's.
    assert {v.nomination_id for v in list_tasks(qb, "nct.chutich")} == set(mu.nomination_ids)
    assert {v.nomination_id for v in list_tasks(qb, "mu.chutich")} == set(nct.nomination_ids)
    assert list_tasks(qb, "htx.chutich") == []
    assert list_tasks(qb, "cv.tdkt1") == []


def test_overdue_tasks_are_flagged(qb: Context, clock: FixedClock) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    views = list_tasks(qb, "nct.chutich")
    # 10 working days from Thursday 5/12/2019.
    assert {v.due_on for v in views} == {date(2019, 12, 19)}
    assert not any(v.overdue for v in views)
    clock.advance(timedelta(days=15))
    assert all(v.overdue for v in list_tasks(qb, "nct.chutich"))


def test_return_complete_and_come_back_to_the_bloc(qb: Context, clock: FixedClock) -> None:
    result = submit_example(qb, "hoi-nha-bao-2019")
    nomination_id = result.nomination_ids[0]
    task = _task_for(qb, "nct.chutich", nomination_id)
    with pytest.raises(ValidationFailed, match="cần nêu lý do"):
        act(qb, "nct.chutich", task, "return")
    act(qb, "nct.chutich", task, "return", comment="Thành tích chưa cụ thể, bổ sung số liệu.")
    detail = show_nomination(qb, nomination_id)
    assert detail.status == "returned"
    assert [(t.kind, t.assignee_unit) for t in detail.open_tasks] == [("complete_dossier", "qb-hoi-nha-bao")]

    clock.advance(timedelta(days=9))
    fix = _task_for(qb, "nhabao.canbo", nomination_id)
    dossier = example("hoi-nha-bao-2019-hoan-thien")
    act(qb, "nhabao.canbo", fix, "resubmit", dossier=dossier, source=DirectorySource(QB_NOMINATIONS))
    detail = show_nomination(qb, nomination_id)
    assert detail.status == "bloc_review"
    assert [d.number for d in detail.dossiers] == [1, 2]
    assert detail.dossiers[0].achievement == "Đã có thành tích trong công tác năm 2019."
    assert detail.dossiers[1].achievement.startswith("Đã có thành tích xuất sắc")
    # The Tờ trình and minutes carry over; the report is the new one.
    kinds = sorted(d.kind for d in detail.dossiers[1].documents)
    assert kinds == ["bao_cao_thanh_tich", "bien_ban", "to_trinh"]
    assert [e.action for e in detail.timeline] == [
        "submit",
        "route_to_bloc",
        "bloc_return",
        "resubmit_to_bloc",
    ]
    assert _task_for(qb, "nct.chutich", nomination_id)


def test_returned_at_appraisal_comes_back_to_appraisal(qb: Context, clock: FixedClock) -> None:
    nomination_id = submit_example(qb, "hoi-nha-bao-2019").nomination_ids[0]
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", nomination_id), "endorse")
    assert show_nomination(qb, nomination_id).status == "appraisal"
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    act(qb, "cv.tdkt2", task, "return", comment="Báo cáo thành tích thiếu xác nhận của cơ quan cấp trên.")
    fix = _task_for(qb, "nhabao.canbo", nomination_id)
    clock.set(date(2019, 12, 16))  # the completed report is dated 14/12
    act(
        qb,
        "nhabao.canbo",
        fix,
        "resubmit",
        dossier=example("hoi-nha-bao-2019-hoan-thien"),
        source=DirectorySource(QB_NOMINATIONS),
    )
    detail = show_nomination(qb, nomination_id)
    assert detail.status == "appraisal"
    assert [t.kind for t in detail.open_tasks] == ["appraise"]
    assert detail.timeline[-1].action == "resubmit_to_appraisal"


def test_resubmission_that_still_fails_changes_nothing(qb: Context) -> None:
    nomination_id = submit_example(qb, "hoi-nha-bao-2019").nomination_ids[0]
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", nomination_id), "return", comment="Bổ sung.")
    fix = _task_for(qb, "nhabao.canbo", nomination_id)
    dossier = example("hoi-nha-bao-2019-hoan-thien")
    dossier["evidence"][0]["dated"] = "2018-01-01"  # more than six months old
    before = row_counts(qb)
    with pytest.raises(ValidationFailed, match="bao_cao_thanh_tich_moi"):
        act(qb, "nhabao.canbo", fix, "resubmit", dossier=dossier, source=DirectorySource(QB_NOMINATIONS))
    assert row_counts(qb) == before
    assert show_nomination(qb, nomination_id).status == "returned"


def test_endorse_pass_and_reject(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", ids[0]), "endorse")
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", ids[1]), "reject", comment="Không đủ phiếu bình xét.")
    act(qb, "cv.tdkt1", _task_for(qb, "cv.tdkt1", ids[0]), "pass")
    passed, rejected = show_nomination(qb, ids[0]), show_nomination(qb, ids[1])
    assert passed.status == "council_vote"
    assert [e.action for e in passed.timeline] == [
        "submit",
        "route_to_bloc",
        "bloc_endorse",
        "forward_to_appraisal",
        "appraisal_pass",
    ]
    assert rejected.status == "rejected"
    assert rejected.timeline[-1].comment == "Không đủ phiếu bình xét."
    assert rejected.open_tasks == []


def test_rejected_nominee_may_be_nominated_again(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", ids[0]), "reject", comment="Chưa tiêu biểu.")
    data = example("hoi-nguoi-mu-2019")
    data["nominations"] = data["nominations"][:1]
    assert submit_example(qb, "hoi-nguoi-mu-2019", data).nomination_ids


def test_someone_elses_task_names_who_may_act(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    task = _task_for(qb, "nct.chutich", ids[0])
    before = row_counts(qb)
    with pytest.raises(NotPermitted, match=r"nct\.chutich"):
        act(qb, "htx.chutich", task, "endorse")
    with pytest.raises(NotPermitted):
        act(qb, "cv.tdkt1", task, "endorse")
    assert row_counts(qb) == before


def test_conflict_of_interest_is_refused(qb: Context) -> None:
    """An appraiser whose own unit submitted the dossier may not appraise it."""
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", ids[0]), "endorse")
    task = _task_for(qb, "cv.tdkt1", ids[0])
    with qb.uow() as uow:
        person = uow.session.scalar(select(m.Person).where(m.Person.username == "mu.chutich"))
        assert person is not None
        person.grants.append(m.RoleGrant(role="appraiser"))
        uow.commit()
    assert all(v.nomination_id != ids[0] for v in list_tasks(qb, "mu.chutich"))
    with pytest.raises(NotPermitted, match="tách bạch"):
        act(qb, "mu.chutich", task, "pass")


def test_acting_twice_or_after_the_stage_closed_is_a_conflict(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    task = _task_for(qb, "nct.chutich", ids[0])
    act(qb, "nct.chutich", task, "endorse")
    with pytest.raises(Conflict, match="đã xử lý"):
        act(qb, "nct.chutich", task, "endorse")
    appraise = _task_for(qb, "cv.tdkt1", ids[0])
    withdraw(qb, "mu.canbo", ids[0], "Đơn vị xin rút để đề nghị vào năm sau.")
    with pytest.raises(Conflict, match="hủy"):
        act(qb, "cv.tdkt1", appraise, "pass")


def test_unknown_decision_lists_the_allowed_ones(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    with pytest.raises(InputRejected, match="endorse, return, reject"):
        act(qb, "nct.chutich", _task_for(qb, "nct.chutich", ids[0]), "approve")


def test_withdraw_needs_a_reason_and_the_units_clerk(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    with pytest.raises(NotPermitted):
        withdraw(qb, "nct.canbo", ids[0], "Không phải đơn vị mình.")
    with pytest.raises(ValidationFailed):
        withdraw(qb, "mu.canbo", ids[0], "  ")
    assert withdraw(qb, "mu.canbo", ids[0], "Rút để bổ sung thành tích năm sau.") == "withdrawn"
    detail = show_nomination(qb, ids[0])
    assert detail.open_tasks == []
    with pytest.raises(Conflict):
        withdraw(qb, "mu.canbo", ids[0], "Rút lần nữa.")


def test_two_people_act_on_one_task_exactly_one_wins(qb: Context) -> None:
    """Two sessions act at once: one succeeds, the other gets a Conflict; one audit event."""
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    act(qb, "nct.chutich", _task_for(qb, "nct.chutich", ids[0]), "endorse")
    task = _task_for(qb, "cv.tdkt1", ids[0])
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def attempt(user: str, decision: str) -> None:
        barrier.wait()
        try:
            comment = "Thiếu xác nhận." if decision == "return" else None
            outcomes[user] = act(qb, user, task, decision, comment=comment).decision
        except ThiduaError as exc:
            outcomes[user] = exc

    threads = [
        threading.Thread(target=attempt, args=("cv.tdkt1", "pass")),
        threading.Thread(target=attempt, args=("cv.tdkt2", "return")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [u for u, o in outcomes.items() if isinstance(o, str)]
    losers = [o for o in outcomes.values() if isinstance(o, ThiduaError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], Conflict), outcomes
    with qb.reader() as uow:
        decisive = uow.session.scalar(
            select(func.count())
            .select_from(m.AuditEvent)
            .where(
                m.AuditEvent.entity_id == str(ids[0]),
                m.AuditEvent.action.in_(["appraisal_pass", "appraisal_return"]),
            )
        )
    assert decisive == 1


def test_stale_read_is_refused_by_the_version_check(qb: Context) -> None:
    """The version column itself refuses a write based on an old read (no lock needed)."""
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    task_id = _task_for(qb, "nct.chutich", ids[0])
    with qb.uow() as first:
        stale = first.session.get(m.Task, task_id)
        assert stale is not None
        first.session.expunge(stale)
    act(qb, "nct.chutich", task_id, "endorse")
    with qb.uow() as second:
        merged = second.session.merge(stale, load=False)
        merged.comment = "sửa từ bản đọc cũ"
        with pytest.raises(Conflict):
            second.commit()
