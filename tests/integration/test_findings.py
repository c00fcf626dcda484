"""Criteria that need judgement (cần thẩm định), on both databases: intake lets them through, the appraiser
records a finding per criterion (audit event, version check), appraisal cannot pass an unjudged one, and
a lapsed decree with no successor judges nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import (
    QT_NOMINATIONS,
    example,
    judge_all,
    merge_2025,
    row_counts,
    submit_example,
)
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Finding
from thidua_workflow.errors import Conflict, InputRejected, NotConfigured, NotPermitted, ValidationFailed
from thidua_workflow.services import findings
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.nominations import submit
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.paperwork import _finding_lines
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import Payload, act, list_tasks

RULE = "bang_khen_ho_gia_dinh"
ARTICLE = "Điều 72 Luật Thi đua, Khen thưởng 2003; Điều 39 Nghị định 91/2017/NĐ-CP"


def _household(ctx: Context, clock: FixedClock) -> int:
    clock.set(date(2020, 5, 15))
    return submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]


def _task(ctx: Context, nomination_id: int) -> int:
    return next(t.id for t in list_tasks(ctx, "cv.tdkt1") if t.nomination_id == nomination_id)


def _current(ctx: Context, nomination_id: int) -> dict[str, dict[str, object]]:
    checks = show_nomination(ctx, nomination_id).current_checks
    assert checks is not None
    return {str(c["rule"]): c for c in checks}


def test_intake_accepts_and_appraisal_waits_for_the_finding(qb: Context, clock: FixedClock) -> None:
    nomination_id = _household(qb, clock)
    check = _current(qb, nomination_id)[RULE]
    assert (check["outcome"], check["article"]) == ("judgement", ARTICLE)
    assert str(check["message"]).startswith("cần thẩm định: ")
    # No finding yet: the pass is refused, naming the criterion and its article, and nothing is written.
    before = row_counts(qb)
    with pytest.raises(ValidationFailed) as refused:
        act(qb, "cv.tdkt1", _task(qb, nomination_id), "pass", Payload(comment="Đề nghị khen."))
    [problem] = refused.value.problems
    assert (problem.rule, problem.article, problem.field) == (RULE, ARTICLE, "finding")
    assert row_counts(qb) == before
    # Not met: the criterion is failed; a pass then needs a reason, as for any failed check.
    findings.record_finding(qb, "cv.tdkt1", nomination_id, RULE, Finding.NOT_MET, "Chưa có xác nhận của xã.")
    check = _current(qb, nomination_id)[RULE]
    assert check["outcome"] == "failed" and "không đạt (Chưa có xác nhận của xã.)" in str(check["message"])
    with pytest.raises(ValidationFailed, match="ghi lý do"):
        act(qb, "cv.tdkt1", _task(qb, nomination_id), "pass")
    # The appraiser changes the finding after the commune's confirmation: the latest one counts.
    findings.record_finding(
        qb, "cv.tdkt2", nomination_id, RULE, Finding.MET, "UBND xã xác nhận ủng hộ 20 tấn gạo."
    )
    assert _current(qb, nomination_id)[RULE]["outcome"] == "passed"
    act(qb, "cv.tdkt1", _task(qb, nomination_id), "pass")
    detail = show_nomination(qb, nomination_id)
    assert detail.status == "council_approved"
    events = [e for e in detail.timeline if e.action == "record_finding"]
    assert [(e.data["finding"], e.data["rule"], e.data["article"]) for e in events] == [
        ("not_met", RULE, ARTICLE),
        ("met", RULE, ARTICLE),
    ]
    assert events[1].data["replaces"]["finding"] == "not_met"
    assert events[1].comment == "UBND xã xác nhận ủng hộ 20 tấn gạo."
    # The minutes state the finding.
    with qb.reader() as uow:
        nomination = uow.session.get(m.Nomination, nomination_id)
        assert nomination is not None
        [line] = _finding_lines(uow.session, [nomination])
    assert (
        "Hộ ông Hoàng Văn Thiện Nguyện" in line
        and "đạt (UBND xã xác nhận ủng hộ 20 tấn gạo; Võ Thị Mẫu Hai" in line
    )


def test_a_finding_is_refused_where_it_does_not_belong(qb: Context, clock: FixedClock) -> None:
    nomination_id = _household(qb, clock)
    before = row_counts(qb)
    with pytest.raises(ValidationFailed, match="Tiêu chuẩn cần thẩm định của hồ sơ số"):
        findings.record_finding(qb, "cv.tdkt1", nomination_id, "bang_khen_ca_nhan", Finding.MET, "Đạt.")
    with pytest.raises(ValidationFailed, match="lý do"):
        findings.record_finding(qb, "cv.tdkt1", nomination_id, RULE, Finding.MET, "   ")
    with pytest.raises(NotPermitted):  # the unit that submitted it does not appraise it
        findings.record_finding(qb, "lhtn.canbo", nomination_id, RULE, Finding.MET, "Đạt.")
    with pytest.raises(Conflict, match="đã thay đổi"):
        findings.record_finding(qb, "cv.tdkt1", nomination_id, RULE, Finding.MET, "Đạt.", expected_version=99)
    assert row_counts(qb) == before
    with pytest.raises(InputRejected, match="met"):
        findings.parse_finding("có lẽ")
    assert findings.parse_finding("không đạt") is Finding.NOT_MET


def test_a_finding_moves_the_version_so_a_stale_form_is_refused(qb: Context, clock: FixedClock) -> None:
    nomination_id = _household(qb, clock)
    seen = show_nomination(qb, nomination_id).version
    recorded = findings.record_finding(
        qb, "cv.tdkt1", nomination_id, RULE, Finding.MET, "Đạt.", expected_version=seen
    )
    assert recorded.version == seen + 1
    with pytest.raises(Conflict):
        findings.record_finding(
            qb, "cv.tdkt2", nomination_id, RULE, Finding.NOT_MET, "Không đạt.", expected_version=seen
        )
    with qb.reader() as uow:
        rows = uow.session.scalars(select(m.CriterionFinding)).all()
        assert [(r.rule, r.finding, r.dossier_version, r.article) for r in rows] == [
            (RULE, "met", 1, ARTICLE)
        ]


def test_after_appraisal_no_finding_is_recorded(qb: Context, clock: FixedClock) -> None:
    nomination_id = _household(qb, clock)
    judge_all(qb, "cv.tdkt1", nomination_id)
    act(qb, "cv.tdkt1", _task(qb, nomination_id), "pass")
    with pytest.raises(Conflict, match="chỉ ghi kết quả thẩm định khi đang thẩm định"):
        findings.record_finding(qb, "cv.tdkt1", nomination_id, RULE, Finding.NOT_MET, "Xem lại.")
    assert findings.pending_criteria(qb, "cv.tdkt1", nomination_id) == []


def test_an_outstanding_achievement_passes_intake_without_the_consecutive_years(
    qb: Context, clock: FixedClock
) -> None:
    """A person whose dossier claims an outstanding achievement in a movement goes to the bloc and the
    appraiser instead of being rejected for want of two consecutive years."""
    data = example("hoi-nguoi-cao-tuoi-2019")
    entry = next(e for e in data["nominations"] if e["nominee"]["kind"] == "person")
    without_years = {"outstanding": "Dẫn đầu phong trào 'Tuổi cao gương sáng' toàn tỉnh năm 2019."}
    data["nominations"] = [entry | {"declared": {}}]
    with pytest.raises(ValidationFailed, match="Tiêu chuẩn Bằng khen cho cá nhân"):
        submit_example(qb, "hoi-nguoi-cao-tuoi-2019", data)
    data["nominations"] = [entry | {"declared": without_years}]
    result = submit_example(qb, "hoi-nguoi-cao-tuoi-2019", data)
    [nomination_id] = result.nomination_ids
    with qb.reader() as uow:
        version = uow.session.scalar(
            select(m.DossierVersion).where(m.DossierVersion.nomination_id == nomination_id)
        )
        assert version is not None
        outcomes = {c["rule"]: c["outcome"] for c in version.checks}
    assert outcomes.get("bang_khen_thanh_tich_xuat_sac") == "judgement"
    assert "bang_khen_ca_nhan" not in outcomes


def _qt_household(ctx: Context, clock: FixedClock, event: date) -> dict[str, object]:
    clock.set(date(2025, 6, 10))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    merge_2025(ctx, clock)
    data = read_yaml(QT_NOMINATIONS / "hoi-nguoi-mu-2025-dot-xuat.yaml")
    entry = data["nominations"][0]
    entry["period"] = {"year": event.year, "phase": "event", "event_date": event.isoformat()}
    data["documents"][0]["dated"] = event.isoformat()
    assert isinstance(data, dict)
    return data


def test_a_lapsed_decree_without_a_successor_judges_nothing(ctx: Context, clock: FixedClock) -> None:
    data = _qt_household(ctx, clock, date(2027, 2, 20))
    clock.set(date(2027, 3, 2))
    before = row_counts(ctx)
    with pytest.raises(ValidationFailed) as refused:
        submit(ctx, "mu.canbo", data, DirectorySource(QT_NOMINATIONS))
    [problem] = refused.value.problems
    assert (problem.rule, problem.article) == (
        "hieu_luc_giai_doan",
        "Điều 60 khoản 1 Nghị định 152/2025/NĐ-CP",
    )
    assert "khóa 'successor' của giai đoạn 'nd-152-2025'" in problem.message
    assert row_counts(ctx) == before


def test_a_dossier_received_before_the_lapse_is_not_appraised_after_it(
    ctx: Context, clock: FixedClock
) -> None:
    data = _qt_household(ctx, clock, date(2027, 2, 10))
    clock.set(date(2027, 2, 20))  # in the warning window: still judged
    [nomination_id] = submit(ctx, "mu.canbo", data, DirectorySource(QT_NOMINATIONS)).nomination_ids
    assert ctx.policy.lapse_warnings(ctx.clock.today())
    clock.set(date(2027, 3, 1))
    task = next(t.id for t in list_tasks(ctx, "cv.tdkt.qt") if t.nomination_id == nomination_id)
    before = row_counts(ctx)
    with pytest.raises(NotConfigured, match=r"lapse\.extended_until"):
        act(ctx, "cv.tdkt.qt", task, "pass")
    with pytest.raises(NotConfigured):
        findings.record_finding(ctx, "cv.tdkt.qt", nomination_id, RULE, Finding.MET, "Đạt.")
    assert row_counts(ctx) == before


def test_women_first_reads_the_current_dossier_of_each_nomination(qb: Context) -> None:
    """NĐ 152/2025 Điều 4 khoản 6 as the bloc's tally reads it: a woman, or a collective with ≥ 70% women,
    from what the current dossier version declares; nothing under a period without the rule."""
    from thidua_workflow.domain.policy import bundled_policy
    from thidua_workflow.services.rounds import _women_first

    members = {"total": 10, "completed_tasks": 10, "lao_dong_tien_tien": 8, "chien_si_thi_dua_co_so": 1}
    nct = example("hoi-nguoi-cao-tuoi-2019")
    flag, person = nct["nominations"]
    flag.setdefault("declared", {})["members"] = members | {"women": 7}
    person["declared"]["woman"] = True
    first = submit_example(qb, "hoi-nguoi-cao-tuoi-2019", nct).nomination_ids
    mu = example("hoi-nguoi-mu-2019")
    mu["nominations"] = [e for e in mu["nominations"] if e["nominee"]["kind"] == "collective"]
    mu["nominations"][0].setdefault("declared", {})["members"] = members | {"women": 6}
    second = submit_example(qb, "hoi-nguoi-mu-2019", mu).nomination_ids
    policy = bundled_policy("quang-tri")
    with qb.reader() as uow:
        items = list(uow.session.scalars(select(m.Nomination).order_by(m.Nomination.id)))
        chosen, article = _women_first(uow.session, policy.period_by_code("nd-152-2025"), items)
        before, none = _women_first(uow.session, policy.period_by_code("nd-98-2023"), items)
    assert chosen == frozenset(first) and not chosen & set(second)
    assert article == "Điều 4 khoản 6 Nghị định 152/2025/NĐ-CP"
    assert (before, none) == (frozenset(), "")
