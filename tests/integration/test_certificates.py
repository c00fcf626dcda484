"""Issuing a decision's certificates on both databases: once each, verifiable, with its documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import EXAMPLES
from tests.pdf_tools import fonts, info, qpdf_ok, qr_codes, text
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.demo import Scenario
from thidua_workflow.errors import NotPermitted
from thidua_workflow.services import certificates, decisions
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination


@pytest.fixture
def decided(ctx: Context, clock: FixedClock) -> Context:
    """The whole Quảng Bình scenario: five issued decisions, their certificates issued by the stage."""
    Scenario(ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    return ctx


def _certs(ctx: Context) -> list[m.Certificate]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(m.Certificate).order_by(m.Certificate.decision_id, m.Certificate.ordinal)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def test_each_awardee_has_one_numbered_certificate_and_is_certified(decided: Context) -> None:
    certs = _certs(decided)
    assert len(certs) == 7  # eight awardees; the Cờ thi đua's unit gets its flag, not a paper certificate
    assert len({c.code for c in certs}) == 7
    bang_khen = [c for c in certs if c.decision_id == 1]
    assert [(c.ordinal, c.golden_book) for c in bang_khen] == [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
    for cert in certs:
        assert show_nomination(decided, cert.nomination_id).status == "certified"
    # Issuing again finds everything done and changes nothing.
    before = _certs(decided)
    report = certificates.issue(decided, 1)
    assert (report.created, report.existing) == (0, 4)
    assert [(c.code, c.pdf_sha256) for c in _certs(decided)] == [(c.code, c.pdf_sha256) for c in before]


def test_the_provincial_flag_is_given_as_a_flag_without_a_golden_book_certificate(
    decided: Context, tmp_path: Path
) -> None:
    """NĐ 152/2025 Điều 50: "tặng Cờ thi đua" — the flag (its embroiderer's proof), no paper certificate
    with a golden-book number; the unit is certified once the proof is issued."""
    view = decisions.show_decision(decided, 3)
    assert view.award_form == "co_thi_dua_tinh"
    assert not [c for c in _certs(decided) if c.decision_id == 3]
    files = certificates.export(decided, 3, tmp_path / "out")
    names = sorted(f.name for f in files)
    assert names == ["co-thi-dua-hoi-nguoi-cao-tuoi-tinh-quang-binh.pdf", "quyet-dinh-164-qd-ubnd.pdf"]
    for f in files:
        assert qpdf_ok(f), f
        assert all(embedded for _n, embedded in fonts(f)), f
    assert show_nomination(decided, view.items[0]["nomination"]).status == "certified"
    decision_words = " ".join(text(tmp_path / "out" / "quyet-dinh-164-qd-ubnd.pdf").split())
    assert "Về việc tặng Cờ thi đua của Ủy ban nhân dân tỉnh" in decision_words
    assert "Điều 1. Tặng Cờ thi đua của Ủy ban nhân dân tỉnh cho 01 tập thể" in decision_words
    assert "danh hiệu Cờ" not in decision_words
    assert "Sổ vàng" not in decision_words and "sổ vàng" not in decision_words


def test_exported_files_are_print_ready(decided: Context, tmp_path: Path) -> None:
    files = certificates.export(decided, 2, tmp_path / "out")  # the Chiến sĩ thi đua decision
    names = sorted(f.name for f in files)
    assert names == [
        "bang-001-tran-van-sang-kien.pdf",
        "in-hang-loat-163-qd-ubnd.pdf",
        "quyet-dinh-163-qd-ubnd.pdf",
    ]
    for f in files:
        assert qpdf_ok(f), f
        assert all(embedded for _n, embedded in fonts(f)), f
    certificate = tmp_path / "out" / "bang-001-tran-van-sang-kien.pdf"
    words = text(certificate)
    # Pre-printed blanks are the default: only the variable fields are printed.
    assert "Đạt danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2019" in " ".join(words.split())
    assert "Quyết định số 163/QĐ-UBND, ngày 21 tháng 01 năm 2020" in words
    assert "Trần Văn Sáng Kiến" in words
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in words  # on the blank already
    code = next(c for c in _certs(decided) if c.decision_id == 2).code
    assert qr_codes(certificate, tmp_path) == [f"http://127.0.0.1:8000/verify/{code}"]
    decision_words = " ".join(text(tmp_path / "out" / "quyet-dinh-163-qd-ubnd.pdf").split())
    assert "Căn cứ Luật Thi đua, Khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003" in decision_words
    assert "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in decision_words
    # The position names the unit once: "Phó Chủ tịch Hội Người mù tỉnh" + "Hội Người mù tỉnh Quảng Bình".
    assert "Phó Chủ tịch Hội Người mù tỉnh Quảng Bình" in decision_words
    assert decision_words.count("Hội Người mù tỉnh") == 1
    assert info(tmp_path / "out" / "in-hang-loat-163-qd-ubnd.pdf")["Pages"] == "1"


def test_an_ad_hoc_award_names_its_achievement(decided: Context, tmp_path: Path) -> None:
    """Not "phong trào thi đua yêu nước đột xuất, ngày …": the achievement itself is the reason."""
    ad_hoc = [d for d in decisions.list_decisions(decided) if d.items and "Hộ ông" in d.items[0]["name"]]
    assert len(ad_hoc) == 1
    reason = ad_hoc[0].reason_line
    assert reason.startswith("Đã có thành tích xuất sắc đột xuất: ủng hộ 20 tấn gạo")
    assert "phong trào thi đua yêu nước đột xuất" not in reason
    path = tmp_path / "qd.pdf"
    path.write_bytes(certificates.decision_pdf(decided, ad_hoc[0].id))
    words = " ".join(text(path).split())
    assert "cho 01 hộ gia đình (có danh sách kèm theo), đã có thành tích xuất sắc đột xuất: ủng hộ" in words
    assert "Các hộ gia đình được tặng Bằng khen" in words


def test_verify_genuine_unknown_altered_revoked(decided: Context, tmp_path: Path) -> None:
    cert = _certs(decided)[0]
    assert certificates.verify(decided, cert.code).verdict == "genuine"
    assert certificates.verify(decided, cert.code.lower().replace("-", " ")).verdict == "genuine"
    assert certificates.verify(decided, "AAAA-BBBB-CCCC-DDDD").verdict == "unknown"
    assert certificates.verify(decided, "not a code").verdict == "unknown"
    pdf = decided.store.read(cert.pdf_sha256)
    assert certificates.verify(decided, pdf).verdict == "genuine"
    tampered = pdf.replace(b"/Producer", b"/Producex")
    assert certificates.verify(decided, tampered).verdict == "altered"
    with pytest.raises(NotPermitted):
        certificates.revoke(decided, "nct.canbo", cert.code, "Quyết định bị hủy.")
    result = certificates.revoke(decided, "vt.ubnd", cert.code, "Quyết định số 162/QĐ-UBND bị hủy một phần.")
    assert result.verdict == "revoked"
    assert certificates.verify(decided, cert.code).verdict == "revoked"


def test_a_changed_record_no_longer_verifies(decided: Context) -> None:
    cert = _certs(decided)[0]
    with decided.uow() as uow:
        row = uow.session.get(m.Certificate, cert.id)
        assert row is not None
        row.record = {**row.record, "name": "Người khác"}
        uow.commit()
    assert certificates.verify(decided, cert.code).verdict == "altered"


def test_codes_depend_on_the_provinces_key(decided: Context) -> None:
    from thidua_workflow.certificates.verification import code_for

    cert = _certs(decided)[0]
    assert code_for(certificates.certificate_key(decided), cert.record) == cert.code
    assert code_for(b"another province's key", cert.record) != cert.code


def test_draft_decision_previews_as_pdf(qb: Context, clock: FixedClock, tmp_path: Path) -> None:
    ctx = qb
    from tests.integration.helpers import COUNCIL, to_council
    from thidua_workflow.domain.enums import Choice
    from thidua_workflow.services import council

    to_council(ctx, "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(ctx, "tb.tdkt")
    council.record_attendance(ctx, "tb.tdkt", view.id, COUNCIL)
    for member in COUNCIL:
        council.cast_ballot(
            ctx, member, view.id, {i["nomination"]: Choice.YES for i in view.items if i["needs_vote"]}
        )
    council.close_session(ctx, "tb.tdkt", view.id)
    draft = decisions.list_decisions(ctx)[0]
    path = tmp_path / "du-thao.pdf"
    path.write_bytes(certificates.decision_pdf(ctx, draft.id))
    words = text(path)
    assert "Dự thảo" in words
    assert "Số: …/QĐ-UBND" in words
    with ctx.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.Certificate)) == 0


def test_a_long_list_goes_in_chunks_and_a_failure_keeps_what_was_committed(
    ctx: Context, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat for thousands of awardees; a run that dies half-way is finished by the next."""
    monkeypatch.setattr(certificates, "CHUNK", 1)
    store = certificates._store_certificates
    stored: list[int] = []

    def store_or_fail(*args: Any) -> None:
        if args[1] == 1 and len([d for d in stored if d == 1]) == 2:
            raise OSError("ổ đĩa đầy")
        store(*args)
        stored.append(args[1])

    monkeypatch.setattr(certificates, "_store_certificates", store_or_fail)
    with pytest.raises(OSError, match="ổ đĩa đầy"):
        Scenario(ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    assert [(c.decision_id, c.ordinal) for c in _certs(ctx)] == [(1, 1), (1, 2)]
    monkeypatch.setattr(certificates, "_store_certificates", store)
    report = certificates.issue(ctx, 1)
    assert (report.created, report.existing) == (2, 2)
    assert [c.ordinal for c in _certs(ctx) if c.decision_id == 1] == [1, 2, 3, 4]
