"""Acting on tasks: the right person, the right arrow, reasons where the law wants them, one winner."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.integration.helpers import QB_NOMINATIONS, example, judge_all, row_counts, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import (
    Conflict,
    InputRejected,
    NotFound,
    NotPermitted,
    ThiduaError,
    ValidationFailed,
)
from thidua_workflow.services import eligibility, rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.eligibility import recheck
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.nominations import withdraw
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import Payload, act, list_tasks, overdue_tasks


def _task_for(ctx: Context, user: str, nomination_id: int) -> int:
    for view in list_tasks(ctx, user):
        if view.nomination_id == nomination_id:
            return view.id
    raise AssertionError(f"{user} has no task for nomination {nomination_id}")


def _ad_hoc(ctx: Context, clock: FixedClock) -> int:
    """The May 2020 ad-hoc nomination: simplified procedure, straight to appraisal; its household criterion
    (cần thẩm định) found met by the appraiser, so that it may be passed."""
    clock.set(date(2020, 5, 15))
    nomination_id = submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    assert judge_all(ctx, "cv.tdkt1", nomination_id) == ["bang_khen_ho_gia_dinh"]
    return nomination_id


def test_inbox_shows_exactly_the_persons_tasks(qb: Context, clock: FixedClock) -> None:
    submit_example(qb, "hoi-nguoi-cao-tuoi-2019")
    submit_example(qb, "hoi-nguoi-mu-2019")
    # The chair's unit (Hội Người cao tuổi) opens the bloc's round; nobody else has anything yet.
    assert [v.kind for v in list_tasks(qb, "nct.chutich")] == ["round_open"]
    assert list_tasks(qb, "mu.chutich") == []
    assert list_tasks(qb, "cv.tdkt1") == []
    rounds.open_voting(qb, "nct.chutich", rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019"))
    assert [v.kind for v in list_tasks(qb, "mu.chutich")] == ["round_vote"]
    assert sorted(v.kind for v in list_tasks(qb, "nct.chutich")) == ["round_close", "round_vote"]
    ad_hoc = _ad_hoc(qb, clock)
    assert [v.nomination_id for v in list_tasks(qb, "cv.tdkt1")] == [ad_hoc]


def test_overdue_tasks_are_flagged(qb: Context, clock: FixedClock) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    views = list_tasks(qb, "nct.chutich")
    # 10 working days from Thursday 5/12/2019.
    assert [v.due_on for v in views] == [date(2019, 12, 19)]
    assert not any(v.overdue for v in views)
    clock.advance(timedelta(days=15))
    assert all(v.overdue for v in list_tasks(qb, "nct.chutich"))
    late = overdue_tasks(qb)
    assert [(t["kind"], t["days_late"], t["assignees"]) for t in late] == [("round_open", 1, ["nct.chutich"])]


def test_return_complete_and_come_back_to_the_bloc(qb: Context, clock: FixedClock) -> None:
    nomination_id = submit_example(qb, "hoi-nha-bao-2019").nomination_ids[0]
    with pytest.raises(ValidationFailed, match="cần nêu lý do"):
        rounds.return_dossier(qb, "nct.chutich", nomination_id, " ")
    with pytest.raises(NotPermitted):
        rounds.return_dossier(qb, "mu.chutich", nomination_id, "Không phải trưởng khối.")
    rounds.return_dossier(qb, "nct.chutich", nomination_id, "Thành tích chưa cụ thể, bổ sung số liệu.")
    detail = show_nomination(qb, nomination_id)
    assert detail.status == "returned"
    assert [(t.kind, t.assignee_unit) for t in detail.open_tasks] == [("complete_dossier", "qb-hoi-nha-bao")]

    clock.advance(timedelta(days=9))
    fix = _task_for(qb, "nhabao.canbo", nomination_id)
    dossier = example("hoi-nha-bao-2019-hoan-thien")
    act(qb, "nhabao.canbo", fix, "resubmit", Payload(dossier=dossier, source=DirectorySource(QB_NOMINATIONS)))
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


def test_the_chairs_own_dossier_is_returned_by_the_deputy(qb: Context) -> None:
    nomination_id = submit_example(qb, "hoi-nguoi-cao-tuoi-2019").nomination_ids[1]
    with pytest.raises(NotPermitted, match=r"do đại diện Hội Người mù tỉnh Quảng Bình thực hiện"):
        rounds.return_dossier(qb, "nct.chutich", nomination_id, "Bổ sung.")
    assert rounds.return_dossier(qb, "mu.chutich", nomination_id, "Bổ sung sáng kiến.") == "returned"


def test_returned_at_appraisal_comes_back_to_appraisal(qb: Context, clock: FixedClock) -> None:
    nomination_id = _ad_hoc(qb, clock)
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    act(qb, "cv.tdkt2", task, "return", Payload(comment="Bổ sung xác nhận của địa phương."))
    fix = _task_for(qb, "lhtn.canbo", nomination_id)
    completed = {"achievement": "Ủng hộ 20 tấn gạo và 5.000 khẩu trang, có xác nhận của UBND xã."}
    act(qb, "lhtn.canbo", fix, "resubmit", Payload(dossier=completed, source=DirectorySource(QB_NOMINATIONS)))
    detail = show_nomination(qb, nomination_id)
    assert detail.status == "appraisal"
    assert [t.kind for t in detail.open_tasks] == ["appraise"]
    assert detail.timeline[-1].action == "resubmit_to_appraisal"
    # The Tờ trình carries over into the new version.
    assert [d.kind for d in detail.dossiers[1].documents] == ["to_trinh"]


def test_resubmission_that_still_fails_changes_nothing(qb: Context) -> None:
    nomination_id = submit_example(qb, "hoi-nha-bao-2019").nomination_ids[0]
    rounds.return_dossier(qb, "nct.chutich", nomination_id, "Bổ sung.")
    fix = _task_for(qb, "nhabao.canbo", nomination_id)
    dossier = example("hoi-nha-bao-2019-hoan-thien")
    dossier["evidence"][0]["dated"] = "2018-01-01"  # more than six months old
    before = row_counts(qb)
    with pytest.raises(ValidationFailed, match="Báo cáo thành tích còn hiệu lực"):
        act(
            qb,
            "nhabao.canbo",
            fix,
            "resubmit",
            Payload(dossier=dossier, source=DirectorySource(QB_NOMINATIONS)),
        )
    assert row_counts(qb) == before
    assert show_nomination(qb, nomination_id).status == "returned"


def test_appraisal_pass_and_reject(qb: Context, clock: FixedClock) -> None:
    passed = _ad_hoc(qb, clock)
    act(qb, "cv.tdkt1", _task_for(qb, "cv.tdkt1", passed), "pass")
    detail = show_nomination(qb, passed)
    # Bằng khen needs no council vote in this period: approved on the appraisal's proposal.
    assert detail.status == "council_approved"
    assert [e.action for e in detail.timeline][-2:] == ["appraisal_pass", "council_approve"]
    [check] = detail.timeline[-2].data["checks"]  # the household's criterion, as the appraiser found it
    assert (check["rule"], check["outcome"], check["finding"]["finding"]) == (
        "bang_khen_ho_gia_dinh",
        "passed",
        "met",
    )
    assert [v.kind for v in list_tasks(qb, "tb.tdkt")] == ["session_open"]


def test_rejected_nominee_may_be_nominated_again(qb: Context, clock: FixedClock) -> None:
    first = _ad_hoc(qb, clock)
    act(qb, "cv.tdkt1", _task_for(qb, "cv.tdkt1", first), "reject", Payload(comment="Chưa có xác nhận."))
    assert show_nomination(qb, first).status == "rejected"
    assert show_nomination(qb, first).timeline[-1].comment == "Chưa có xác nhận."
    assert submit_example(qb, "hoi-lhtn-2020-dot-xuat").nomination_ids


def test_someone_elses_task_names_who_may_act(qb: Context, clock: FixedClock) -> None:
    """Who may see the dossier is told who may act on it; who may not see it is told the task is not
    there, exactly as for a task that does not exist (issue 14)."""
    task = _task_for(qb, "cv.tdkt1", _ad_hoc(qb, clock))
    before = row_counts(qb)
    with pytest.raises(NotPermitted, match=r"Người được xử lý: Hoàng Văn Giả Định, Võ Thị Mẫu Hai\."):
        act(qb, "tb.tdkt", task, "pass")
    with pytest.raises(NotFound) as hidden:
        act(qb, "htx.chutich", task, "pass")
    with pytest.raises(NotFound) as missing:
        act(qb, "htx.chutich", 999_999, "pass")
    assert hidden.value.to_dict() == {**missing.value.to_dict(), "message": f"Không tìm thấy việc '{task}'."}
    assert row_counts(qb) == before


def test_conflict_of_interest_is_refused(qb: Context, clock: FixedClock) -> None:
    """An appraiser whose own unit submitted the dossier may not appraise it, nor see it in the inbox."""
    nomination_id = _ad_hoc(qb, clock)
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    with qb.uow() as uow:
        person = uow.session.scalar(select(m.Person).where(m.Person.username == "lhtn.chutich"))
        assert person is not None
        person.grants.append(m.RoleGrant(role="appraiser"))
        uow.commit()
    assert all(v.nomination_id != nomination_id for v in list_tasks(qb, "lhtn.chutich"))
    with pytest.raises(NotPermitted, match="tách bạch"):
        act(qb, "lhtn.chutich", task, "pass")


def test_acting_twice_or_after_the_stage_closed_is_a_conflict(qb: Context, clock: FixedClock) -> None:
    nomination_id = _ad_hoc(qb, clock)
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    act(qb, "cv.tdkt1", task, "return", Payload(comment="Bổ sung."))
    with pytest.raises(Conflict, match="đã xử lý"):
        act(qb, "cv.tdkt1", task, "pass")
    fix = _task_for(qb, "lhtn.canbo", nomination_id)
    withdraw(qb, "lhtn.canbo", nomination_id, "Đơn vị xin rút.")
    with pytest.raises(Conflict, match="hủy"):
        act(
            qb,
            "lhtn.canbo",
            fix,
            "resubmit",
            Payload(dossier={"achievement": "x"}, source=DirectorySource(QB_NOMINATIONS)),
        )


def test_unknown_decision_lists_the_allowed_ones(qb: Context, clock: FixedClock) -> None:
    task = _task_for(qb, "cv.tdkt1", _ad_hoc(qb, clock))
    with pytest.raises(InputRejected, match="pass, return, reject"):
        act(qb, "cv.tdkt1", task, "approve")


def test_withdraw_needs_a_reason_and_the_units_clerk(qb: Context) -> None:
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    with pytest.raises(NotFound):  # another unit's dossier, which that clerk may not even see
        withdraw(qb, "nct.canbo", ids[0], "Không phải đơn vị mình.")
    with pytest.raises(ValidationFailed):
        withdraw(qb, "mu.canbo", ids[0], "  ")
    assert withdraw(qb, "mu.canbo", ids[0], "Rút để bổ sung thành tích năm sau.") == "withdrawn"
    with pytest.raises(Conflict):
        withdraw(qb, "mu.canbo", ids[0], "Rút lần nữa.")


def test_two_people_act_on_one_task_exactly_one_wins(qb: Context, clock: FixedClock) -> None:
    """Two sessions act at once: one succeeds, the other gets a Conflict; one audit event."""
    nomination_id = _ad_hoc(qb, clock)
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def attempt(user: str, decision: str) -> None:
        barrier.wait()
        try:
            comment = "Thiếu xác nhận." if decision == "return" else None
            outcomes[user] = act(qb, user, task, decision, Payload(comment=comment)).decision
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
                m.AuditEvent.entity_id == str(nomination_id),
                m.AuditEvent.action.in_(["appraisal_pass", "appraisal_return"]),
            )
        )
    assert decisive == 1


def test_stale_read_is_refused_by_the_version_check(qb: Context, clock: FixedClock) -> None:
    """The version column itself refuses a write based on an old read (no lock needed)."""
    task_id = _task_for(qb, "cv.tdkt1", _ad_hoc(qb, clock))
    with qb.uow() as first:
        stale = first.session.get(m.Task, task_id)
        assert stale is not None
        first.session.expunge(stale)
    act(qb, "cv.tdkt1", task_id, "pass")
    with qb.uow() as second:
        merged = second.session.merge(stale, load=False)
        merged.comment = "sửa từ bản đọc cũ"
        with pytest.raises(Conflict):
            second.commit()


def test_the_recheck_reads_the_same_dossier_whether_or_not_it_is_loaded(qb: Context) -> None:
    """Appraisal reads the latest dossier's content in one statement; the nomination's page has the
    versions loaded already. Both give the rules the same entry, evidence and dissolved unit included."""
    ids = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids
    today = qb.clock.today()
    with qb.uow() as uow:
        unit = uow.session.get(m.Unit, "qb-hoi-nguoi-mu")
        assert unit is not None
        unit.dissolved_on = today  # dissolved today: the rules refuse it from this day on
        uow.commit()
    for nomination_id in ids:
        with qb.reader() as uow:
            nomination = uow.session.get(m.Nomination, nomination_id)
            assert nomination is not None
            read = recheck(qb, uow.session, nomination, today)
            dossier, _dissolved = eligibility._current_dossier(uow.session, nomination, today)
            entry = eligibility.as_input(nomination, dossier)
        with qb.reader() as uow:
            nomination = uow.session.get(m.Nomination, nomination_id)
            assert nomination is not None
            stored = nomination.dossiers[-1]
            assert [d.kind for d in stored.documents]  # evidence and the unit's file documents
            assert recheck(qb, uow.session, nomination, today) == read
            assert eligibility.as_input(nomination, stored) == entry
        assert "khong_khen_don_vi_giai_the" in {c.rule for c in read if c.outcome == "failed"}
    with qb.reader() as uow:
        nomination = uow.session.get(m.Nomination, ids[0])
        assert nomination is not None
        earlier = recheck(qb, uow.session, nomination, today - timedelta(days=1))
    assert "khong_khen_don_vi_giai_the" not in {c.rule for c in earlier}


def test_a_nominee_whose_unit_was_dissolved_since_submission_needs_a_reason(
    qb: Context, clock: FixedClock
) -> None:
    clock.set(date(2020, 5, 15))
    data = example("hoi-lhtn-2020-dot-xuat")
    data["nominations"][0]["nominee"] = {
        "kind": "person",
        "name": "Nguyễn Văn Tình Nguyện",
        "unit": "qb-hoi-lhtn",
        "position": "Ủy viên Ban Thường vụ",
    }
    nomination_id = submit_example(qb, "hoi-lhtn-2020-dot-xuat", data).nomination_ids[0]
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    with qb.uow() as uow:
        unit = uow.session.get(m.Unit, "qb-hoi-lhtn")
        assert unit is not None
        unit.dissolved_on = date(2020, 5, 14)
        uow.commit()
    before = row_counts(qb)
    with pytest.raises(ValidationFailed) as caught:
        act(qb, "cv.tdkt1", task, "pass")
    assert [p.rule for p in caught.value.problems] == ["khong_khen_don_vi_giai_the"]
    assert row_counts(qb) == before
    act(qb, "cv.tdkt1", task, "pass", Payload(comment="Thành tích trước khi sáp nhập; đề nghị vẫn khen."))
    assert show_nomination(qb, nomination_id).status == "council_approved"


def test_deciding_cancels_the_nominations_other_open_tasks(qb: Context, clock: FixedClock) -> None:
    nomination_id = _ad_hoc(qb, clock)
    task = _task_for(qb, "cv.tdkt1", nomination_id)
    with qb.uow() as uow:
        other = m.Task(
            kind="appraise",
            nomination_id=nomination_id,
            status="open",
            assignee_role="appraiser",
            due_on=date(2020, 5, 29),
            created_at=qb.clock.now(),
        )
        uow.session.add(other)
        uow.commit()
        other_id = other.id
    act(qb, "cv.tdkt1", task, "pass")
    with qb.reader() as uow:
        cancelled = uow.session.get(m.Task, other_id)
        done = uow.session.get(m.Task, task)
        assert cancelled is not None and done is not None
        assert (cancelled.status, cancelled.completed_at, cancelled.version) == (
            "cancelled",
            qb.clock.now(),
            2,
        )
        assert (done.status, done.decision, done.completed_by_id is not None) == ("done", "pass", True)
