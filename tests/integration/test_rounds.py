"""Bloc rounds on both databases: one vote per member unit, never on its own, the chair closes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.integration.helpers import (
    REPRESENTATIVES,
    close_round,
    example_scores,
    open_round,
    row_counts,
    submit_example,
    vote_round,
)
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import Conflict, InputRejected, NotPermitted, ValidationFailed
from thidua_workflow.services import rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import list_tasks


def test_happy_path_endorses_within_quota_and_rejects_with_reasons(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019", "hoi-vhnt-2019")
    vhnt = next(n["id"] for n in rounds.show_round(qb, round_id).nominations if n["unit"] == "qb-hoi-vhnt")
    vote_round(qb, round_id, against={vhnt})
    result = close_round(qb, round_id)
    assert result["leader"] == "qb-hoi-nct"
    endorsed = {o["nomination"] for o in result["outcomes"] if o["endorsed"]}
    assert vhnt not in endorsed
    assert len(endorsed) == 4
    rejected = show_nomination(qb, vhnt)
    assert rejected.status == "rejected"
    assert "0/9 phiếu đồng ý" in (rejected.timeline[-1].comment or "")
    for nomination_id in endorsed:
        detail = show_nomination(qb, nomination_id)
        assert detail.status == "appraisal"
        assert [e.action for e in detail.timeline][-2:] == ["bloc_endorse", "forward_to_appraisal"]
        assert detail.timeline[-2].data["electorate"] == 9
    with qb.reader() as uow:
        officers = uow.session.scalar(select(m.BlocOfficers).where(m.BlocOfficers.year == 2020))
        assert officers is not None
        assert (officers.chair_unit_id, officers.deputy_unit_id) == ("qb-lien-minh-htx", "qb-hoi-chu-thap-do")
    # Every task of the round is finished; appraisers now have the endorsed dossiers.
    assert [v for v in list_tasks(qb, "nct.chutich") if v.round_id == round_id] == []
    assert {v.nomination_id for v in list_tasks(qb, "cv.tdkt1")} == endorsed


def test_only_the_chair_opens_and_closes(qb: Context) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    with pytest.raises(
        NotPermitted,
        match=r"Hội Người cao tuổi tỉnh Quảng Bình\) thực hiện được; người được xử lý: Phan Văn Thử Nghiệm",
    ):
        rounds.open_voting(qb, "mu.chutich", round_id)
    rounds.open_voting(qb, "nct.chutich", round_id)
    with pytest.raises(Conflict):
        rounds.open_voting(qb, "nct.chutich", round_id)
    with pytest.raises(NotPermitted):
        rounds.close_round(
            qb, "htx.chutich", round_id, next_chair="qb-hoi-nct", next_deputy="qb-hoi-nguoi-mu"
        )


def test_voting_on_ones_own_unit_is_refused(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    own = [n["id"] for n in rounds.show_round(qb, round_id).nominations]
    before = row_counts(qb)
    with pytest.raises(NotPermitted, match="chính đơn vị mình"):
        rounds.cast_votes(qb, "mu.chutich", round_id, approve={own[0]}, reject=set())
    assert row_counts(qb) == before


def test_voting_twice_is_a_conflict(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    first = rounds.show_round(qb, round_id).nominations[0]["id"]
    rounds.cast_votes(qb, "nct.chutich", round_id, approve={first}, reject=set())
    with pytest.raises(Conflict, match="đã bỏ phiếu"):
        rounds.cast_votes(qb, "nct.chutich", round_id, approve=set(), reject={first})


def test_vote_task_ends_when_every_ballot_is_cast(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    ids = [n["id"] for n in rounds.show_round(qb, round_id).nominations]
    left = rounds.cast_votes(qb, "htx.chutich", round_id, approve={ids[0]}, reject=set())
    assert left["remaining"] == [ids[1]]
    assert [v.kind for v in list_tasks(qb, "htx.chutich")] == ["round_vote"]
    rounds.cast_votes(qb, "htx.chutich", round_id, approve=set(), reject={ids[1]})
    assert list_tasks(qb, "htx.chutich") == []


def test_scores_are_checked_against_the_criteria(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    scores = example_scores("hoi-nct")
    scores["qb-hoi-nguoi-mu"]["khen_thuong"] = 25  # max 20
    del scores["qb-hoi-nha-bao"]["xay_dung_to_chuc"]
    scores["qb-so-noi-vu"] = {"khen_thuong": 1}
    before = row_counts(qb)
    with pytest.raises(ValidationFailed) as caught:
        rounds.submit_scores(qb, "nct.chutich", round_id, scores)
    fields = {p.field for p in caught.value.problems}
    assert {"scores.qb-hoi-nguoi-mu.khen_thuong", "scores.qb-hoi-nha-bao", "scores.qb-so-noi-vu"} <= fields
    assert row_counts(qb) == before
    rounds.submit_scores(qb, "nct.chutich", round_id, example_scores("hoi-nct"))
    with pytest.raises(Conflict, match="đã chấm điểm"):
        rounds.submit_scores(qb, "nct.chutich", round_id, example_scores("hoi-nct"))


def test_acting_after_the_round_closed_is_a_conflict(qb: Context, clock: FixedClock) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    vote_round(qb, round_id)
    close_round(qb, round_id)
    with pytest.raises(Conflict):
        rounds.cast_votes(qb, "htx.chutich", round_id, approve=set(), reject=set())
    with pytest.raises(Conflict):
        close_round(qb, round_id)
    with pytest.raises(ValidationFailed, match=r"\[Vòng bình xét của khối\]"):
        submit_example(qb, "lien-minh-htx-2019")


def test_no_new_dossier_once_voting_opened(qb: Context) -> None:
    open_round(qb, "hoi-nguoi-mu-2019")
    with pytest.raises(ValidationFailed) as caught:
        submit_example(qb, "lien-minh-htx-2019")
    assert {p.rule for p in caught.value.problems} == {"vong_binh_xet"}


def test_returns_only_before_voting(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    first = rounds.show_round(qb, round_id).nominations[0]["id"]
    with pytest.raises(Conflict):
        rounds.return_dossier(qb, "nct.chutich", first, "Bổ sung.")


def test_a_tie_at_the_quota_waits_for_the_chairs_order(qb: Context) -> None:
    """Five Bằng khen for ten members; six equal candidates: the chair must order them, with a reason."""
    names = [
        "hoi-nguoi-cao-tuoi-2019",
        "hoi-nguoi-mu-2019",
        "lien-minh-htx-2019",
        "hoi-nha-bao-2019",
        "hoi-vhnt-2019",
        "hoi-luat-gia-2019",
    ]
    round_id = open_round(qb, *names)
    vote_round(qb, round_id, scores=False)
    bang_khen = [
        n["id"] for n in rounds.show_round(qb, round_id).nominations if n["award_form"] == "bang_khen_tinh"
    ]
    assert len(bang_khen) == 6
    with pytest.raises(InputRejected, match="bằng điểm"):
        close_round(qb, round_id)
    with pytest.raises(ValidationFailed, match="Lý do chọn khi bằng điểm"):
        close_round(qb, round_id, order=list(reversed(bang_khen)))
    result = close_round(qb, round_id, order=list(reversed(bang_khen)), tie_reason="Theo kết quả giao ước.")
    endorsed = {o["nomination"] for o in result["outcomes"] if o["endorsed"]}
    assert endorsed & set(bang_khen) == set(bang_khen[1:])
    assert result["tie_break"]["reason"] == "Theo kết quả giao ước."


def test_round_follows_the_periods_chair(qb: Context, clock: FixedClock) -> None:
    """A 2019 round is run by the 2019 chair even after a new chair is elected for 2020."""
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    vote_round(qb, round_id)
    close_round(qb, round_id)
    clock.set(date(2020, 1, 2))
    assert rounds.show_round(qb, round_id).chair == "qb-hoi-nct"


def test_a_dossier_that_reaches_intake_after_voting_opened_is_refused_with_the_reason(qb: Context) -> None:
    """Submitted in time, but its intake ran after the chair opened voting (e.g. Prefect was down)."""
    from flows.inline import run_inline
    from thidua_workflow.services.stages import pending

    submit_example(qb, "hoi-nguoi-mu-2019")
    qb.dispatcher = lambda _ctx, _ids: None  # the next intake waits
    late = submit_example(qb, "lien-minh-htx-2019").nomination_ids[0]
    qb.dispatcher = run_inline
    rounds.open_voting(qb, "nct.chutich", rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019"))
    run_inline(qb, [w.id for w in pending(qb)])
    detail = show_nomination(qb, late)
    assert detail.status == "rejected"
    assert detail.timeline[-1].action == "intake_refuse"
    assert "đang chấm điểm, bỏ phiếu" in (detail.timeline[-1].comment or "")
    assert pending(qb) == []


def test_refusals_of_a_second_sheet_or_vote_name_the_units_not_their_codes(qb: Context) -> None:
    round_id = open_round(qb, "hoi-nguoi-mu-2019", "hoi-nguoi-cao-tuoi-2019")
    view = rounds.show_round(qb, round_id)
    with qb.reader() as uow:
        concerned = {
            n["id"]: {found.submitting_unit_id, found.nominee_unit_id}
            for n in view.nominations
            if (found := uow.session.get(m.Nomination, n["id"])) is not None
        }
    # A member unit with a dossier of its own in the round, so all three refusals can be tried.
    unit, (user, sheet) = next(
        (u, r) for u, r in REPRESENTATIVES.items() if any(u in c for c in concerned.values())
    )
    own = next(i for i, c in concerned.items() if unit in c)
    other = next(i for i, c in concerned.items() if unit not in c)
    rounds.submit_scores(qb, user, round_id, example_scores(sheet))
    with pytest.raises(Conflict) as again:
        rounds.submit_scores(qb, user, round_id, example_scores(sheet))
    assert "tỉnh Quảng Bình đã chấm điểm cho Hội" in again.value.message
    rounds.cast_votes(qb, user, round_id, approve={other}, reject=set())
    with pytest.raises(Conflict) as twice:
        rounds.cast_votes(qb, user, round_id, approve={other}, reject=set())
    assert "tỉnh Quảng Bình đã bỏ phiếu cho hồ sơ số" in twice.value.message
    with pytest.raises(NotPermitted) as own_unit:
        rounds.cast_votes(qb, user, round_id, approve={own}, reject=set())
    assert "tỉnh Quảng Bình không bỏ phiếu cho hồ sơ số" in own_unit.value.message
    for refusal in (again, twice, own_unit):
        assert "qb-" not in refusal.value.message and "'" not in refusal.value.message
