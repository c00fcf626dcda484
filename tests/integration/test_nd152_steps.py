"""The steps NĐ 152/2025 adds, on both databases: public posting (Điều 44 k2), opinions and clearances
(Điều 33 k2, Điều 34), proposals to national awards (Điều 33 k9–k12, Điều 35), annulment (Điều 56, 58)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import COUNCIL_QT, QT, QT_NOMINATIONS, merge_2025
from tests.model import digests
from tests.web.conftest import PASSWORD, Browser
from thidua_workflow.certificates.word import docx_text
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.demo import VOTERS_2025, Merger2025, Scenario
from thidua_workflow.domain.enums import Choice, NationalOutcome
from thidua_workflow.errors import Conflict, InputRejected, NotPermitted, ValidationFailed
from thidua_workflow.services import (
    accounts,
    annulments,
    certificates,
    clearances,
    council,
    decisions,
    movements,
    national,
    nominations,
    paperwork,
    posting,
    queries,
    tasks,
)
from thidua_workflow.services.context import Context
from thidua_workflow.services.council import PostingWindowOpen
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.web.app import create_app

SOURCE = DirectorySource(QT_NOMINATIONS)
PDF = (QT_NOMINATIONS / "evidence" / "to-trinh-2025.pdf").read_bytes()


def _submit_2025(ctx: Context, clock: FixedClock) -> tuple[int, int]:
    """The merged province on 03/12/2025: a provincial Bằng khen and a Chiến sĩ thi đua toàn quốc."""
    clock.set(date(2025, 6, 10))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    merge_2025(ctx, clock)
    clock.set(date(2025, 12, 3))
    bang_khen = nominations.submit(
        ctx, "nct.canbo.qt", read_yaml(QT_NOMINATIONS / "hoi-nguoi-cao-tuoi-2025.yaml"), SOURCE
    ).nomination_ids[0]
    national_id = nominations.submit(
        ctx, "nct.canbo.qt", read_yaml(QT_NOMINATIONS / "hoi-nguoi-cao-tuoi-2025-toan-quoc.yaml"), SOURCE
    ).nomination_ids[0]
    return bang_khen, national_id


def _to_council(ctx: Context, clock: FixedClock, ids: list[int]) -> None:
    """The bloc round and the appraisal of 2025, as the example's people do them."""
    clock.set(date(2025, 12, 8))
    task = next(t for t in tasks.list_tasks(ctx, "ctd.chutich.qt") if t.kind == "round_open")
    tasks.act(ctx, "ctd.chutich.qt", task.id, "open")
    clock.set(date(2025, 12, 10))
    for unit, user in VOTERS_2025.items():
        own = {n.id for n in queries.list_nominations(ctx, unit=unit)}
        task = next(t for t in tasks.list_tasks(ctx, user) if t.kind == "round_vote")
        tasks.act(ctx, user, task.id, "vote", tasks.Payload(approve=set(ids) - own))
    clock.set(date(2025, 12, 11))
    task = next(t for t in tasks.list_tasks(ctx, "ctd.chutich.qt") if t.kind == "round_close")
    tasks.act(
        ctx,
        "ctd.chutich.qt",
        task.id,
        "close",
        tasks.Payload(next_chair="qb-hoi-nha-bao", next_deputy="qb-hoi-nct"),
    )
    clock.set(date(2025, 12, 15))
    for t in tasks.list_tasks(ctx, "cv.tdkt.qt"):
        if t.kind == "appraise":
            tasks.act(ctx, "cv.tdkt.qt", t.id, "pass")


# --- public posting (Điều 44 k2) ------------------------------------------------------------------------


def test_posting_holds_the_vote_until_its_window_ends_and_never_delays_a_provincial_bang_khen(
    ctx: Context, clock: FixedClock
) -> None:
    bang_khen, national_id = _submit_2025(ctx, clock)
    # A provincial Bằng khen is not posted (the province's rule does not list it): refused, nothing written.
    before = digests.table_digests(ctx)
    with pytest.raises(InputRejected, match="Điều 44 khoản 2"):
        posting.publish(ctx, "cv.tdkt.qt", [bang_khen])
    assert not digests.changed_tables(before, digests.table_digests(ctx))
    with pytest.raises(NotPermitted):
        posting.publish(ctx, "nct.canbo.qt", [national_id])
    view = posting.publish(ctx, "cv.tdkt.qt", [national_id])
    assert (view.published_on, view.ends_on) == (date(2025, 12, 3), date(2025, 12, 17))  # 10 working days
    assert [i["nomination"] for i in posting.list_postings(ctx, current_only=True)[0].items] == [national_id]
    with pytest.raises(Conflict):
        posting.publish(ctx, "cv.tdkt.qt", [national_id])

    clock.set(date(2025, 12, 5))
    for i in range(5):
        posting.submit_public_comment(
            ctx,
            view.id,
            national_id,
            author_name=f"Người dân {i}",
            contact=None,
            body="Ý kiến.",
            client_address="198.51.100.9",
        )
    with pytest.raises(posting.TooManyComments):
        posting.submit_public_comment(
            ctx,
            view.id,
            national_id,
            author_name="Người dân 6",
            contact=None,
            body="Ý kiến.",
            client_address="198.51.100.9",
        )
    with pytest.raises(InputRejected, match="không có trong danh sách"):
        posting.submit_public_comment(
            ctx, view.id, bang_khen, author_name="A", contact=None, body="B", client_address="198.51.100.10"
        )
    staff = posting.enter_comment(
        ctx,
        "cv.tdkt.qt",
        view.id,
        national_id,
        author_name="Ông Lê Văn Thư",
        contact="0912",
        body="Khiếu nại bằng thư.",
    )
    assert sum(1 for t in tasks.list_tasks(ctx, "cv.tdkt.qt") if t.kind == "posting_answer") == 6

    _to_council(ctx, clock, [bang_khen, national_id])
    clock.set(date(2025, 12, 16))
    reason = posting.vote_gate(ctx, national_id)
    assert reason is not None and "17/12/2025" in reason and "Điều 44 khoản 2" in reason
    assert posting.vote_gate(ctx, bang_khen) is None
    # The session opens on 16/12 with the Bằng khen only; the national nomination waits, with its reason.
    opened = council.open_session(ctx, "tb.tdkt.qt")
    assert [i["nomination"] for i in opened.items] == [bang_khen]
    assert "17/12/2025" in opened.result["held_back"][0]
    council.record_attendance(ctx, "tb.tdkt.qt", opened.id, COUNCIL_QT)
    with pytest.raises(PostingWindowOpen, match="17/12/2025"):
        council.cast_ballot(ctx, "ct.ubnd.qt", opened.id, {bang_khen: Choice.YES, national_id: Choice.YES})
    council.cast_ballot(ctx, "ct.ubnd.qt", opened.id, {bang_khen: Choice.YES})
    council.cast_ballot(ctx, "tb.tdkt.qt", opened.id, {bang_khen: Choice.YES})
    council.close_session(ctx, "tb.tdkt.qt", opened.id, proposal_ref="215/TTr-SNV")
    assert show_nomination(ctx, bang_khen).status == "in_decision"

    # Past the window, unanswered comments still hold the vote; answered, the council may vote.
    clock.set(date(2025, 12, 17))
    assert "chưa được trả lời" in (posting.vote_gate(ctx, national_id) or "")
    for c in posting.show(ctx, view.id).comments:
        posting.answer(ctx, "cv.tdkt.qt", c.id, f"Trả lời ý kiến số {c.id}.")
    with pytest.raises(Conflict):
        posting.answer(ctx, "cv.tdkt.qt", staff, "Lần hai.")
    assert posting.vote_gate(ctx, national_id) is None
    assert not [t for t in tasks.list_tasks(ctx, "cv.tdkt.qt") if t.kind == "posting_answer"]
    second = council.open_session(ctx, "tb.tdkt.qt")
    assert [i["nomination"] for i in second.items] == [national_id]
    council.record_attendance(ctx, "tb.tdkt.qt", second.id, COUNCIL_QT)
    for member in COUNCIL_QT:
        council.cast_ballot(ctx, member, second.id, {national_id: Choice.YES})
    council.close_session(ctx, "tb.tdkt.qt", second.id, proposal_ref="216/TTr-SNV")
    # Approved by the council, the national award goes into no decision of the Chairman.
    assert show_nomination(ctx, national_id).status == "council_approved"
    assert not [
        d for d in decisions.list_decisions(ctx) if any(i["nomination"] == national_id for i in d.items)
    ]
    minutes = paperwork.context(ctx, "bien-ban-hoi-dong", second.id)
    text = "\n".join(minutes["public_posting"])
    assert "từ ngày 03 tháng 12 năm 2025 đến ngày 17 tháng 12 năm 2025" in text
    assert "Khiếu nại bằng thư." in text and f"Trả lời ý kiến số {staff}" in text
    assert any("Thủ tướng Chính phủ" in line for line in minutes["conclusions"])
    lines = docx_text(paperwork.make(ctx, "bien-ban-hoi-dong", second.id).content)
    assert any("CÔNG KHAI DANH SÁCH" in line for line in lines)


# --- opinions and clearances (Điều 33 k2, Điều 34) -------------------------------------------------------


def test_opinions_are_asked_per_body_with_a_ten_day_timer_and_an_adverse_reply_holds(
    ctx: Context, clock: FixedClock
) -> None:
    bang_khen, national_id = _submit_2025(ctx, clock)
    asked = clearances.request(ctx, "cv.tdkt.qt", national_id, enterprise=True, letter_ref="1520/SNV-TĐKT")
    assert [c.body for c in asked] == [
        "party_committee",
        "tax",
        "social_insurance",
        "environment",
        "labour_safety",
    ]
    assert {c.due_on for c in asked} == {date(2025, 12, 17)}  # 10 working days
    open_tasks = [t for t in tasks.list_tasks(ctx, "cv.tdkt.qt") if t.kind == "clearance"]
    assert len(open_tasks) == 5 and {t.due_on for t in open_tasks} == {date(2025, 12, 17)}
    with pytest.raises(Conflict):
        clearances.request(ctx, "cv.tdkt.qt", national_id)
    with pytest.raises(InputRejected, match="Điều 33 khoản 2, Điều 34"):
        clearances.request(ctx, "cv.tdkt.qt", bang_khen)  # the rule names no body for a Bằng khen
    with pytest.raises(NotPermitted):
        clearances.request(ctx, "tb.tdkt.qt", bang_khen)

    # The reminder the working day before it falls due, then an escalation when late.
    from thidua_workflow.services import deadlines

    clock.set(date(2025, 12, 16))
    assert deadlines.remind_and_escalate(ctx)["reminded"] >= 5
    clock.set(date(2025, 12, 18))
    assert deadlines.remind_and_escalate(ctx)["escalated"] >= 5

    first, second = asked[0], asked[1]
    before = digests.table_digests(ctx)
    with pytest.raises(ValidationFailed):  # an adverse reply needs its ground
        clearances.reply(
            ctx, "cv.tdkt.qt", second.id, favourable=False, reply_on=date(2025, 12, 18), text=None
        )
    with pytest.raises(ValidationFailed):  # a reply before the request was sent
        clearances.reply(ctx, "cv.tdkt.qt", first.id, favourable=True, reply_on=date(2025, 12, 1), text=None)
    assert not digests.changed_tables(before, digests.table_digests(ctx))

    done = clearances.reply(
        ctx,
        "cv.tdkt.qt",
        first.id,
        favourable=True,
        reply_on=date(2025, 12, 15),
        text="Thống nhất.",
        reply_ref="88-CV/TU",
        document=("88-cv-tu.pdf", PDF),
    )
    assert done.status == "favourable" and done.document_sha256 is not None
    assert ctx.store.read(done.document_sha256) == PDF
    held = clearances.reply(
        ctx,
        "cv.tdkt.qt",
        second.id,
        favourable=False,
        reply_on=date(2025, 12, 18),
        text="Đơn vị còn nợ thuế 120 triệu đồng.",
        reply_ref="45/CT-QTR",
    )
    assert held.status == "adverse"
    n = show_nomination(ctx, national_id)
    assert n.status == "on_hold"
    with ctx.reader() as uow:
        event = uow.session.scalars(
            select(m.AuditEvent).where(
                m.AuditEvent.entity_id == str(national_id), m.AuditEvent.action == "hold"
            )
        ).one()
        assert event.data["ground"] == "adverse_opinion" and "nợ thuế" in (event.comment or "")
        held_from = uow.session.get(m.Nomination, national_id).held_from  # type: ignore[union-attr]
    assert held_from == "bloc_review"
    # The other requests stay open (the hold does not cancel them); a proposal is refused meanwhile.
    assert len(clearances.list_for(ctx, national_id, open_only=True)) == 3
    assert len([t for t in tasks.list_tasks(ctx, "cv.tdkt.qt") if t.kind == "clearance"]) == 3


# --- national proposals (Điều 33 k9–k12, Điều 35) and annulment (Điều 56, 58) on the whole scenario ------


@pytest.fixture
def scenario_2025(ctx: Context, clock: FixedClock) -> tuple[Context, list[str]]:
    Scenario(ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    lines: list[str] = []
    Merger2025(ctx, clock, QT, lines.append).run()
    return ctx, lines


def test_the_2025_scenario_posts_asks_proposes_and_annuls(scenario_2025: tuple[Context, list[str]]) -> None:
    ctx, lines = scenario_2025
    said = "\n".join(lines)
    for article in (
        "Điều 44 khoản 2",
        "Điều 33 khoản 2, Điều 34",
        "Điều 33 khoản 9–12, Điều 35",
        "Điều 56, 58",
    ):
        assert article in said, article
    # National proposal: sent, and its outcome on the awardee's record.
    [proposal] = national.list_proposals(ctx)
    assert (proposal.status, proposal.letter_ref, proposal.deadline) == (
        "sent",
        "3120/UBND-NC",
        date(2026, 12, 31),
    )
    national_id = proposal.items[0]["nomination"]
    assert show_nomination(ctx, national_id).status == "decided"
    with ctx.reader() as uow:
        record = uow.session.scalars(
            select(m.AwardRecord).where(m.AwardRecord.nomination_id == national_id)
        ).one()
        assert (record.title, record.source) == ("chien_si_thi_dua_toan_quoc", "national")
        assert "789/QĐ-TTg" in (record.decision or "")
    _name, data = national.package(ctx, proposal.id)
    assert national.package(ctx, proposal.id)[1] == data == ctx.store.read(proposal.package_sha256 or "")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        cover = docx_text(z.read("cong-van-trinh.docx"))
    assert {"cong-van-trinh.docx", "danh-sach-de-nghi.xlsx"} <= set(names)
    assert any(n.endswith("bao-cao-ca-nhan-2025.pdf") for n in names)
    assert any(n.startswith("bien-ban-hoi-dong") for n in names)
    assert any("Nguyễn Thị Gương Sáng" in line for line in cover)
    assert any("Kính gửi: Bộ Nội vụ" in line for line in cover)

    # Annulment: certificate revoked (verification says so), award record withdrawn, money recorded.
    [annulled] = annulments.list_annulments(ctx)
    assert show_nomination(ctx, annulled.nomination_id).status == "annulled"
    assert annulled.recover_amount == 2_340_000 and annulled.recovered_on == date(2026, 5, 14)
    assert annulled.recover_due_on == date(2026, 5, 25)  # 15 working days from 04/5/2026
    assert annulled.certificate_code is not None
    verdict = certificates.verify(ctx, annulled.certificate_code)
    assert verdict.verdict == "revoked" and "412/QĐ-UBND" in verdict.message
    with ctx.reader() as uow:
        record = uow.session.scalars(
            select(m.AwardRecord).where(m.AwardRecord.nomination_id == annulled.nomination_id)
        ).one()
        assert record.withdrawn_at is not None and "412/QĐ-UBND" in (record.withdrawn_reason or "")
        # Nothing deleted: the decision still lists the awardee, its files are as issued.
        assert (
            uow.session.scalar(
                select(func.count(m.DecisionItem.id)).where(
                    m.DecisionItem.nomination_id == annulled.nomination_id
                )
            )
            == 1
        )
    decision = decisions.show_decision(ctx, annulled.decision_id or 0)
    assert decision.status == "issued" and decision.number_text == "02/QĐ-UBND"
    _name, doc = annulments.document(ctx, decision.id, "412/QĐ-UBND")
    words = " ".join(docx_text(doc))
    assert "hủy bỏ khen thưởng tại Quyết định số 02/QĐ-UBND" in words and "2.340.000" in words
    assert annulments.recovery_total(ctx) == {"due": 0, "recovered": 2_340_000}
    # The decision as issued is still genuine, and whoever checks it learns of the annulment.
    [issued] = [f for f in certificates.issued_files(ctx, decision.id) if f.kind == "decision"]
    checked = certificates.verify(ctx, ctx.store.read(issued.sha256))
    assert checked.verdict == "genuine" and "02/QĐ-UBND" in checked.message
    assert "đã bị hủy bỏ theo Quyết định số 412/QĐ-UBND ngày 04 tháng 5 năm 2026" in checked.message
    # So does whoever opens its page: the notice, and the awardee's line marked.
    browser = Browser(TestClient(create_app(ctx), base_url="http://testserver"))
    accounts.set_password(ctx, "vt.ubnd.qt", PASSWORD)
    browser.sign_in(ctx, "vt.ubnd.qt")
    page = browser.get(f"/decisions/{decision.id}").text
    assert "Đã hủy bỏ toàn bộ" in page or "Đã hủy bỏ một phần" in page
    assert 'class="annulled"' in page and "412/QĐ-UBND" in page
    # A movement's public results never list an annulled award (filed under a movement's name here).
    with ctx.uow() as uow:
        row = uow.session.get(m.Nomination, annulled.nomination_id)
        assert row is not None
        row.movement = "Phong trào thi đua yêu nước năm 2019"
        uow.commit()
    listed = movements.movement_results(ctx, "thi-dua-yeu-nuoc-2019")
    assert listed and annulled.nominee_name not in [r["name"] for r in listed]


def test_annulment_refusals_write_nothing(scenario_2025: tuple[Context, list[str]]) -> None:
    ctx, _lines = scenario_2025
    decision = next(d for d in decisions.list_decisions(ctx) if d.number_text == "01/QĐ-UBND")
    nomination_id = decision.items[0]["nomination"]
    annulled = annulments.list_annulments(ctx)[0]
    before = digests.table_digests(ctx)
    today = ctx.clock.today()
    cases = [
        ("nct.canbo.qt", decision.id, [nomination_id], "5/QĐ-UBND", today, "Có căn cứ.", NotPermitted),
        ("vt.ubnd.qt", decision.id, [nomination_id], "", today, "Có căn cứ.", ValidationFailed),
        ("vt.ubnd.qt", decision.id, [nomination_id], "5/QĐ-UBND", today, "", ValidationFailed),
        (
            "vt.ubnd.qt",
            decision.id,
            [nomination_id],
            "5/QĐ-UBND",
            date(2025, 12, 1),
            "Có căn cứ.",
            ValidationFailed,
        ),
        (
            "vt.ubnd.qt",
            decision.id,
            [annulled.nomination_id],
            "5/QĐ-UBND",
            today,
            "Có căn cứ.",
            InputRejected,
        ),
        (
            "vt.ubnd.qt",
            annulled.decision_id,
            [annulled.nomination_id],
            "5/QĐ-UBND",
            today,
            "Lần hai.",
            InputRejected,
        ),
        ("vt.ubnd.qt", 987654, None, "5/QĐ-UBND", today, "Có căn cứ.", InputRejected),
    ]
    for who, decision_id, ids, act, day, ground, error in cases:
        with pytest.raises(error):
            annulments.annul(
                ctx, who, decision_id or 0, act_number=act, act_date=day, ground=ground, nomination_ids=ids
            )
    with pytest.raises(InputRejected):
        annulments.record_recovery(ctx, "vt.ubnd.qt", annulled.nomination_id, recovered_on=today)
    assert not digests.changed_tables(before, digests.table_digests(ctx))
    # The whole decision, annulled: its one awardee; the rules no longer count the award.
    done = annulments.annul(
        ctx, "vt.ubnd.qt", decision.id, act_number="5/QĐ-UBND", act_date=today, ground="Kết luận thanh tra."
    )
    assert [a.nomination_id for a in done] == [nomination_id]
    assert show_nomination(ctx, nomination_id).status == "annulled"


def test_a_national_proposal_is_refused_past_its_deadline_or_with_an_old_report(
    scenario_2025: tuple[Context, list[str]],
) -> None:
    ctx, _lines = scenario_2025
    [proposal] = national.list_proposals(ctx)
    nomination_id = proposal.items[0]["nomination"]
    with ctx.reader() as uow:
        n = uow.session.get(m.Nomination, nomination_id)
        assert n is not None
        late = national.problems(ctx, uow.session, n, date(2027, 1, 4))
        fresh = national.problems(ctx, uow.session, n, date(2026, 5, 20))
        stale = national.problems(ctx, uow.session, n, date(2026, 5, 21))
    assert any("31/12/2026" in p.message and "Điều 35" in (p.article or "") for p in late)
    assert fresh == []  # report of 20/11/2025: six months to the day
    assert any("6 tháng" in p.message and "Khoản 9 Điều 33" in (p.article or "") for p in stale)
    with pytest.raises(Conflict):
        national.record_outcome(
            ctx,
            "cv.tdkt.qt",
            nomination_id,
            outcome=NationalOutcome.DECLINED,
            decision_ref=None,
            decided_on=None,
            note="x",
        )
    with pytest.raises(InputRejected, match="Điều 33 khoản 10"):
        national.prepare(ctx, "cv.tdkt.qt", "bang_khen_tinh")
