"""The 2025 reform: authority, electorates, documents and nominations in flight, each of their own date.

Quảng Bình and the former Quảng Trị formed the new Quảng Trị on 01/7/2025 (Nghị quyết 202/2025/QH15):
the bodies of Quảng Bình end on 30/6/2025, with the authority held in them.
"""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import (
    COUNCIL,
    COUNCIL_QT,
    QT,
    QT_NOMINATIONS,
    in_flight_2025,
    merge_2025,
    to_council,
)
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.demo import Merger2025, Scenario, audit_trail
from thidua_workflow.domain.enums import Choice, Role
from thidua_workflow.errors import NotPermitted, ValidationFailed
from thidua_workflow.services import certificates, council, decisions, nominations, rounds
from thidua_workflow.services.actors import read_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.org import load_organisation, parse_organisation
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import list_tasks


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_authority_holds_on_its_dates_and_ends_with_its_body(ctx: Context, clock: FixedClock) -> None:
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    merge_2025(ctx, clock)
    for day, signer, old_chairman in (
        (date(2025, 6, 30), False, True),
        (date(2025, 7, 1), True, False),
    ):
        clock.set(day)
        assert read_actor(ctx, "ct.ubnd.qt").has(Role.DECISION_SIGNER) is signer
        assert read_actor(ctx, "ct.ubnd").has(Role.DECISION_SIGNER) is old_chairman
        assert read_actor(ctx, "gd.snv").has(Role.COUNCIL_MEMBER) is old_chairman
        # The association goes on under its new name: its representative's authority goes on too.
        assert read_actor(ctx, "mu.chutich").has(Role.BLOC_REPRESENTATIVE, "qb-hoi-nguoi-mu")
        # The dissolved association's clerk acts for it until the day before it is dissolved.
        assert read_actor(ctx, "nctcu.canbo").has(Role.UNIT_CLERK, "qt-hoi-nct-cu") is old_chairman
    with ctx.reader() as uow:
        ended = uow.session.scalar(
            select(m.RoleGrant.ends_on)
            .join(m.Person, m.Person.id == m.RoleGrant.person_id)
            .where(m.Person.username == "ct.ubnd", m.RoleGrant.role == Role.DECISION_SIGNER.value)
        )
    assert ended == date(2025, 6, 30)


def test_a_council_seat_ends_with_the_province_even_when_the_unit_goes_on(
    ctx: Context, clock: FixedClock
) -> None:
    data = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
    head = next(p for p in data["people"] if p["username"] == "nct.chutich")
    head["roles"] = [*head["roles"], "council_member"]
    load_organisation(ctx, data)
    merge_2025(ctx, clock)
    clock.set(date(2025, 6, 30))
    assert read_actor(ctx, "nct.chutich").has(Role.COUNCIL_MEMBER)
    clock.set(date(2025, 7, 1))
    actor = read_actor(ctx, "nct.chutich")
    assert actor.has(Role.BLOC_REPRESENTATIVE, "qb-hoi-nct")  # the association goes on
    assert not actor.has(Role.COUNCIL_MEMBER)  # Quảng Bình's council does not


def test_a_grant_ends_on_its_own_date_and_dates_out_of_order_are_refused(
    ctx: Context, clock: FixedClock
) -> None:
    data = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
    pct = next(p for p in data["people"] if p["username"] == "pct.ubnd")
    pct["roles"] = [{"role": "decision_signer", "title": "PHÓ CHỦ TỊCH", "valid_until": date(2020, 1, 10)}]
    clock.set(date(2019, 12, 2))
    load_organisation(ctx, data)
    assert read_actor(ctx, "pct.ubnd").has(Role.DECISION_SIGNER)
    clock.set(date(2020, 1, 11))
    assert not read_actor(ctx, "pct.ubnd").has(Role.DECISION_SIGNER)
    # Reloading the file without dates gives the grant back, open-ended (the old format still holds).
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    assert read_actor(ctx, "pct.ubnd").has(Role.DECISION_SIGNER)
    pct["roles"] = [
        {"role": "decision_signer", "valid_from": date(2020, 1, 10), "valid_until": date(2020, 1, 9)}
    ]
    with pytest.raises(ValidationFailed, match="valid_until"):
        parse_organisation(data)


def test_the_former_chairman_and_council_are_refused_and_the_new_council_counts(
    ctx: Context, clock: FixedClock
) -> None:
    nomination = in_flight_2025(ctx, clock)
    clock.set(date(2025, 12, 17))
    with pytest.raises(NotPermitted):
        council.open_session(ctx, "tb.tdkt")  # the former province's secretary
    view = council.open_session(ctx, "tb.tdkt.qt")
    assert view.members_total == 2  # the council of that date, not Quảng Bình's eleven plus two
    assert [i["nomination"] for i in view.items] == [nomination]
    with pytest.raises(NotPermitted):
        council.cast_ballot(ctx, "gd.snv", view.id, {})
    council.record_attendance(ctx, "tb.tdkt.qt", view.id, COUNCIL_QT)
    council.close_session(ctx, "tb.tdkt.qt", view.id, proposal_ref="215/TTr-SNV")
    clock.set(date(2025, 12, 18))
    (draft,) = [d for d in decisions.list_decisions(ctx) if d.status == "draft"]
    assert list_tasks(ctx, "ct.ubnd") == []
    with pytest.raises(NotPermitted):
        decisions.sign(ctx, "ct.ubnd", draft.id)
    issued = decisions.sign(ctx, "ct.ubnd.qt", draft.id)
    # The new body's own register: its first number of 2025.
    assert (issued.status, issued.number_text, issued.issuing_body) == (
        "issued",
        "01/QĐ-UBND",
        "Ủy ban nhân dân tỉnh Quảng Trị",
    )
    assert issued.signer == "Lê Văn Mẫu Hợp Nhất"
    # The nomination in flight finished under the new bodies, by the law of its period, with the
    # handover on its record between its last step under Quảng Bình and its first under Quảng Trị.
    detail = show_nomination(ctx, nomination)
    assert detail.status == "certified"
    assert detail.policy_period == "nd-98-2023"
    assert any("98/2023/NĐ-CP" in basis for basis in issued.legal_basis)
    actions = [e["action"] for e in audit_trail(ctx, nomination)]
    assert actions.index("appraisal_pass") < actions.index("handover")
    assert actions.index("handover") < actions.index("draft_decision")
    (handover,) = [e for e in audit_trail(ctx, nomination) if e["action"] == "handover"]
    assert "tỉnh Quảng Bình hợp nhất vào tỉnh Quảng Trị" in handover["comment"]
    # Loading the file again hands nothing over twice.
    assert load_organisation(ctx, read_yaml(QT / "org.yaml")).counts["nominations_handed_over"] == 0


def test_a_round_after_the_merger_counts_the_units_that_exist(ctx: Context, clock: FixedClock) -> None:
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    merge_2025(ctx, clock)
    clock.set(date(2025, 12, 3))
    data = read_yaml(QT_NOMINATIONS / "hoi-nguoi-cao-tuoi-2025.yaml")
    (nomination,) = nominations.submit(
        ctx, "nct.canbo.qt", data, DirectorySource(QT_NOMINATIONS)
    ).nomination_ids
    assert show_nomination(ctx, nomination).bloc == "qt-khoi-hoi-dac-thu"
    round_id = rounds.find_round(ctx, "qt-khoi-hoi-dac-thu", "2025")
    clock.set(date(2025, 12, 8))
    rounds.open_voting(ctx, "ctd.chutich.qt", round_id)
    # The dissolved association (member "to 2025" in the file) left the bloc with its dissolution.
    assert sorted(rounds.show_round(ctx, round_id).members) == [
        "qb-hoi-chu-thap-do",
        "qb-hoi-nct",
        "qb-hoi-nguoi-mu",
        "qb-hoi-nha-bao",
        "qb-lien-minh-htx",
    ]


def test_a_record_of_2024_keeps_the_name_of_2024(ctx: Context, clock: FixedClock) -> None:
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    merge_2025(ctx, clock)
    with ctx.reader() as uow:
        names = list(
            uow.session.scalars(
                select(m.AwardRecord.nominee_name).where(
                    m.AwardRecord.unit_id == "qb-hoi-nct", m.AwardRecord.year == 2024
                )
            )
        )
    assert names == ["Hội Người cao tuổi tỉnh Quảng Bình"]


def test_a_draft_of_2020_previewed_after_the_merger_names_its_own_province(
    ctx: Context, clock: FixedClock
) -> None:
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    to_council(ctx, "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(ctx, "tb.tdkt")
    council.record_attendance(ctx, "tb.tdkt", view.id, COUNCIL)
    needs = [i["nomination"] for i in view.items if i["needs_vote"]]
    for member in COUNCIL:
        council.cast_ballot(ctx, member, view.id, dict.fromkeys(needs, Choice.YES))
    council.close_session(ctx, "tb.tdkt", view.id, proposal_ref="12/TTr-SNV")
    draft = next(d for d in decisions.list_decisions(ctx) if d.status == "draft")
    before = certificates.decision_pdf(ctx, draft.id)
    merge_2025(ctx, clock)
    clock.set(date(2025, 12, 18))
    after = certificates.decision_pdf(ctx, draft.id)
    assert after == before
    # The 2020 session still shows the council of its day, not the one of today.
    assert [p["username"] for p in council.participation(ctx, view.id)] == COUNCIL
    text = _text(after)
    assert "TỈNH QUẢNG BÌNH" in text and "Quảng Bình, ngày" in text
    assert "QUẢNG TRỊ" not in text.upper()


def test_the_merger_scenario_keeps_issued_documents_as_issued(ctx: Context, clock: FixedClock) -> None:
    """The whole demo: Quảng Bình 2019–2020, then 2025. Every decision and certificate issued before the
    merger is served byte for byte as its stored file; the new decisions are signed by the new Chairman."""
    Scenario(ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    old = [d for d in decisions.list_decisions(ctx) if d.status == "issued"]
    files = {d.id: certificates.issued_files(ctx, d.id) for d in old}
    served = {d.id: certificates.decision_pdf(ctx, d.id) for d in old}
    lines: list[str] = []
    Merger2025(ctx, clock, QT, lines.append).run()
    for d in old:
        stored = next(f for f in files[d.id] if f.kind == "decision")
        pdf = certificates.decision_pdf(ctx, d.id)
        assert pdf == served[d.id] == ctx.store.read(stored.sha256)
        assert "QUẢNG BÌNH" in _text(pdf) and "QUẢNG TRỊ" not in _text(pdf)
        assert certificates.issued_files(ctx, d.id) == files[d.id]
        for f in files[d.id]:
            data, _ = certificates.issued_file(ctx, d.id, f.sha256)
            assert data == ctx.store.read(f.sha256)
    certificate = next(f for f in files[old[0].id] if f.kind == "certificate")
    assert "Quảng Bình, ngày" in _text(ctx.store.read(certificate.sha256))
    new = [d for d in decisions.list_decisions(ctx) if d.status == "issued" and d.id not in files]
    assert [(d.number_text, d.signer, d.issuing_body) for d in new] == [
        ("01/QĐ-UBND", "Lê Văn Mẫu Hợp Nhất", "Ủy ban nhân dân tỉnh Quảng Trị"),
        ("02/QĐ-UBND", "Lê Văn Mẫu Hợp Nhất", "Ủy ban nhân dân tỉnh Quảng Trị"),
    ]
    for d in new:
        text = _text(certificates.decision_pdf(ctx, d.id))
        assert "TỈNH QUẢNG TRỊ" in text and "Quảng Trị, ngày" in text
    assert any("Đơn vị bỏ phiếu (5)" in line for line in lines)
    assert any("Thành viên Hội đồng ngày họp: 2" in line for line in lines)
