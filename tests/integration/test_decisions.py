"""Decisions on both databases: signing, numbers unique per issuing body and year, send back, holds."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import COUNCIL, judge_all, row_counts, submit_example, to_council
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice, HoldGround
from thidua_workflow.errors import Conflict, InputRejected, NotConfigured, NotPermitted
from thidua_workflow.services import council, decisions, holds
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import act, list_tasks

FLAG, BK_PERSON, BK_COLLECTIVE, CSTD = 1, 2, 3, 4


def _session(ctx: Context, secretary: str = "tb.tdkt", members: list[str] = COUNCIL) -> int:
    view = council.open_session(ctx, secretary)
    council.record_attendance(ctx, secretary, view.id, members)
    needs = [i["nomination"] for i in view.items if i["needs_vote"]]
    for member in members:
        council.cast_ballot(ctx, member, view.id, dict.fromkeys(needs, Choice.YES))
    council.close_session(ctx, secretary, view.id, proposal_ref="12/TTr-SNV")
    return view.id


def _by_form(ctx: Context) -> dict[str, decisions.DecisionView]:
    return {d.award_form: d for d in decisions.list_decisions(ctx) if d.status != "sent_back"}


@pytest.fixture
def drafted(qb: Context, clock: FixedClock) -> Context:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    _session(qb)
    clock.set(date(2020, 1, 20))
    return qb


def test_draft_lists_awardees_with_amounts_in_vietnamese_order(drafted: Context) -> None:
    bang_khen = _by_form(drafted)["bang_khen_tinh"]
    assert bang_khen.status == "draft"
    # Collectives first, then persons; 2019 amounts: 2.0 × and 1.0 × 1,490,000 đ.
    assert [(i["name"], i["reward"]) for i in bang_khen.items] == [
        ("Hội Người mù tỉnh Quảng Bình", 2_980_000),
        ("Phạm Thị Minh Chứng", 1_490_000),
    ]
    # The draft cites the texts in force on its own day (15/01/2020); issuing re-chooses them by its date.
    assert bang_khen.legal_basis[0].startswith("Luật Tổ chức chính quyền địa phương số 77/2015/QH13")
    assert bang_khen.legal_basis[1].startswith(
        "Luật Thi đua, Khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003"
    )
    assert bang_khen.reason_line == "Đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2019"
    assert [v.kind for v in list_tasks(drafted, "ct.ubnd")] == ["decision_sign"] * 3


def test_sign_then_register_decides_everyone_and_records_the_award(
    drafted: Context, clock: FixedClock
) -> None:
    flag = _by_form(drafted)["co_thi_dua_tinh"]
    signed = decisions.sign(drafted, "ct.ubnd", flag.id)
    assert (signed.status, signed.signer_title) == ("signed", "CHỦ TỊCH")
    assert show_nomination(drafted, FLAG).status == "in_decision"
    assert [v.kind for v in list_tasks(drafted, "vt.ubnd")] == ["decision_register"]
    clock.set(date(2020, 1, 21))
    issued = decisions.register(drafted, "vt.ubnd", flag.id, 163)
    assert (issued.status, issued.number_text, issued.decision_date) == (
        "issued",
        "163/QĐ-UBND",
        date(2020, 1, 21),
    )
    detail = show_nomination(drafted, FLAG)
    # The decision stage decides, then issues the flag's proof: a Cờ thi đua has no paper certificate.
    assert detail.status == "certified"
    assert [e.action for e in detail.timeline][-2:] == ["decide", "certify"]
    assert detail.timeline[-2].data["number"] == "163/QĐ-UBND"
    assert detail.timeline[-1].data == {"flag": "co-thi-dua-hoi-nguoi-cao-tuoi-tinh-quang-binh.pdf"}
    with drafted.reader() as uow:
        record = uow.session.scalar(select(m.AwardRecord).where(m.AwardRecord.nomination_id == FLAG))
        assert record is not None
        assert (record.title, record.year, record.source) == ("co_thi_dua_tinh", 2019, "decision")
        assert "163/QĐ-UBND ngày 21 tháng 01 năm 2020" in (record.decision or "")


def test_a_duplicate_decision_number_is_refused(drafted: Context, clock: FixedClock) -> None:
    views = _by_form(drafted)
    for form in ("co_thi_dua_tinh", "bang_khen_tinh"):
        decisions.sign(drafted, "ct.ubnd", views[form].id)
    decisions.register(drafted, "vt.ubnd", views["co_thi_dua_tinh"].id, 163)
    before = row_counts(drafted)
    with pytest.raises(Conflict, match="163/QĐ-UBND năm 2020"):
        decisions.register(drafted, "vt.ubnd", views["bang_khen_tinh"].id, 163)
    assert row_counts(drafted) == before
    assert show_nomination(drafted, BK_PERSON).status == "in_decision"
    # The same number in another year is another decision.
    clock.set(date(2021, 1, 4))
    decisions.register(drafted, "vt.ubnd", views["bang_khen_tinh"].id, 163, dated=date(2021, 1, 4))


def test_only_signers_sign_and_only_registrars_register(drafted: Context) -> None:
    flag = _by_form(drafted)["co_thi_dua_tinh"]
    with pytest.raises(NotPermitted):
        decisions.sign(drafted, "tb.tdkt", flag.id)
    decisions.sign(drafted, "pct.ubnd", flag.id)
    with pytest.raises(NotPermitted):
        decisions.register(drafted, "pct.ubnd", flag.id, 1)
    with pytest.raises(Conflict):
        decisions.sign(drafted, "ct.ubnd", flag.id)
    with pytest.raises(InputRejected):
        decisions.register(drafted, "vt.ubnd", flag.id, 0)


def test_signing_a_decision_that_lists_oneself_is_refused(qb: Context, clock: FixedClock) -> None:
    data = copy.deepcopy(read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    data["people"].append(
        {
            "username": "pmc",
            "full_name": "Phạm Thị Minh Chứng",
            "unit": "qb-hoi-nct",
            "position": "Chánh Văn phòng Hội",
            "roles": [{"role": "decision_signer", "title": "PHÓ CHỦ TỊCH"}],
        }
    )
    load_organisation(qb, data)
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    _session(qb)
    bang_khen = _by_form(qb)["bang_khen_tinh"]
    before = row_counts(qb)
    with pytest.raises(NotPermitted, match="có tên trong danh sách"):
        decisions.sign(qb, "pmc", bang_khen.id)
    assert row_counts(qb) == before
    decisions.sign(qb, "ct.ubnd", bang_khen.id)


def test_send_back_goes_to_a_new_session(drafted: Context, clock: FixedClock) -> None:
    cstd = _by_form(drafted)["chien_si_thi_dua_tinh"]
    with pytest.raises(InputRejected):
        decisions.send_back(drafted, "ct.ubnd", cstd.id, "")
    back = decisions.send_back(drafted, "ct.ubnd", cstd.id, "Đề nghị Hội đồng xem xét lại sáng kiến.")
    assert back.status == "sent_back"
    assert show_nomination(drafted, CSTD).status == "council_vote"
    assert [v.kind for v in list_tasks(drafted, "tb.tdkt")] == ["session_open"]
    with pytest.raises(Conflict):
        decisions.sign(drafted, "ct.ubnd", cstd.id)
    clock.set(date(2020, 2, 12))
    session_id = _session(drafted)
    assert council.show_session(drafted, session_id).items[0]["nomination"] == CSTD
    redrafted = _by_form(drafted)["chien_si_thi_dua_tinh"]
    assert redrafted.id != cstd.id
    assert [i["nomination"] for i in redrafted.items] == [CSTD]


def test_system_numbering_is_gap_free_per_year(ctx: Context, clock: FixedClock) -> None:
    """Quảng Trị lets the system number its decisions at signing."""
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-tri-2025" / "org.yaml"))
    assert ctx.policy.decisions.numbering == "system"
    clock.set(date(2020, 5, 15))
    first = submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    task = next(v.id for v in list_tasks(ctx, "cv.tdkt1") if v.nomination_id == first)
    judge_all(ctx, "cv.tdkt1", first)
    act(ctx, "cv.tdkt1", task, "pass")
    clock.set(date(2026, 3, 2))
    _session(ctx, "tb.tdkt.qt", ["ct.ubnd.qt", "tb.tdkt.qt"])  # the new province's council
    draft = _by_form(ctx)["bang_khen_tinh"]
    issued = decisions.sign(ctx, "ct.ubnd.qt", draft.id)
    assert (issued.status, issued.number_text) == ("issued", "01/QĐ-UBND")
    assert show_nomination(ctx, first).status == "certified"


def test_hold_takes_a_nomination_off_the_draft_and_release_brings_it_back(drafted: Context) -> None:
    bang_khen = _by_form(drafted)["bang_khen_tinh"]
    first = bang_khen.items[0]["nomination"]
    with pytest.raises(NotPermitted):
        holds.hold(drafted, "nct.canbo", first, HoldGround.COMPLAINT, "Có đơn.")
    holds.hold(
        drafted, "tb.tdkt", first, HoldGround.COMPLAINT, "Có đơn khiếu nại ngày 18/01/2020 đang giải quyết."
    )
    assert show_nomination(drafted, first).status == "on_hold"
    remaining = decisions.show_decision(drafted, bang_khen.id).items
    assert [(i["ordinal"], i["name"]) for i in remaining] == [(1, "Phạm Thị Minh Chứng")]
    holds.release(drafted, "tb.tdkt", first, "Đơn khiếu nại đã được giải quyết, không có sai phạm.")
    detail = show_nomination(drafted, first)
    assert detail.status == "council_approved"
    assert [e.action for e in detail.timeline][-2:] == ["hold", "release"]
    assert [v.kind for v in list_tasks(drafted, "tb.tdkt")] == ["session_open"]


def test_a_held_nomination_is_not_decided_by_the_council(qb: Context, clock: FixedClock) -> None:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    view = council.open_session(qb, "tb.tdkt")
    holds.hold(qb, "cv.tdkt1", CSTD, HoldGround.DISCIPLINE, "Đang xem xét kỷ luật.")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL)
    for member in COUNCIL:
        council.cast_ballot(qb, member, view.id, {FLAG: Choice.YES, CSTD: Choice.YES})
    result = council.close_session(qb, "tb.tdkt", view.id)
    assert {i["nomination"]: i["outcome"] for i in result["items"]}[CSTD] == "held"
    assert show_nomination(qb, CSTD).status == "on_hold"
    holds.release(qb, "cv.tdkt1", CSTD, "Không bị kỷ luật.")
    assert show_nomination(qb, CSTD).status == "council_vote"


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("http://127.0.0.1:8000/verify/{code}", "127.0.0.1"),
        ("http://localhost:8000/verify/{code}", "localhost"),
        ("https://10.2.3.4/verify/{code}", "10.2.3.4"),
        ("https://[::1]/verify/{code}", "::1"),
        ("https://tdkt-server/verify/{code}", "tdkt-server"),
        ("https://thiduakhenthuong.quangbinh.gov.vn/verify/{code}", None),
    ],
)
def test_registering_needs_a_verification_address_citizens_can_open(
    drafted: Context, address: str, refused: str | None
) -> None:
    """The QR code printed on a certificate holds this address for good (issue 13 item 10)."""
    drafted.settings = drafted.settings.model_copy(update={"verify_url": address, "verify_url_local": False})
    decision = _by_form(drafted)["bang_khen_tinh"]
    decisions.sign(drafted, "ct.ubnd", decision.id)
    before = row_counts(drafted)
    if refused is None:
        assert decisions.register(drafted, "vt.ubnd", decision.id, 162).status == "issued"
        return
    with pytest.raises(NotConfigured, match=f"'{re.escape(refused)}'.*THIDUA_VERIFY_URL") as caught:
        decisions.register(drafted, "vt.ubnd", decision.id, 162)
    assert caught.value.http_status == 503
    assert row_counts(drafted) == before
    # An operator who means it (a demo, a closed network) says so explicitly.
    drafted.settings = drafted.settings.model_copy(update={"verify_url_local": True})
    assert decisions.register(drafted, "vt.ubnd", decision.id, 162).status == "issued"


def test_a_number_or_a_date_no_register_holds_is_refused_and_nothing_is_issued(
    drafted: Context, clock: FixedClock
) -> None:
    """The registrar's slips: a number of twelve digits gave a server error (the database integer overflowed),
    and a decision could be issued dated years ahead (31/12/2099), on the certificates and the public lookup."""
    flag = _by_form(drafted)["co_thi_dua_tinh"]
    decisions.sign(drafted, "ct.ubnd", flag.id)
    before = row_counts(drafted)
    with pytest.raises(InputRejected, match=r"Số quyết định 163000000000 .*tối đa 999\.999"):
        decisions.register(drafted, "vt.ubnd", flag.id, 163_000_000_000)
    today = clock.today()
    with pytest.raises(InputRejected, match=r"Ngày quyết định 31/12/2099 chưa đến"):
        decisions.register(drafted, "vt.ubnd", flag.id, 163, dated=date(2099, 12, 31))
    with pytest.raises(InputRejected, match="chưa đến"):
        decisions.register(drafted, "vt.ubnd", flag.id, 163, dated=today + timedelta(days=1))
    assert row_counts(drafted) == before
    assert show_nomination(drafted, FLAG).status == "in_decision"
    assert decisions.register(drafted, "vt.ubnd", flag.id, 163, dated=today).decision_date == today
