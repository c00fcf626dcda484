"""The paperwork of a round from Word templates, on both databases: every document of the scenario as
.docx and PDF, the decision's .docx in the words of its PDF, a province's own template, signed scans."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import EXAMPLES
from tests.integration.helpers import COUNCIL, to_council
from tests.pdf_tools import text, words
from thidua_workflow.certificates import word
from thidua_workflow.clock import FixedClock
from thidua_workflow.demo import Scenario
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import InputRejected, NotConfigured, NotPermitted, TransitionNotAllowed
from thidua_workflow.services import certificates, council, paperwork
from thidua_workflow.services.context import Context

MM = 72 / 25.4


@pytest.fixture
def decided(ctx: Context, clock: FixedClock) -> Context:
    Scenario(ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    return ctx


def _flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_every_document_of_the_scenario_as_docx_and_pdf(decided: Context, tmp_path: Path) -> None:
    written = paperwork.export_all(decided, tmp_path / "van-ban")
    names = {p.name for p in written}
    for stem in ("bien-ban-khoi-r1", "to-trinh-s1", "bien-ban-hoi-dong-s1", "thong-bao-s1", "quyet-dinh-d1"):
        assert {f"{stem}.docx", f"{stem}.pdf"} <= names
    assert "quyet-dinh-d4.docx" not in names  # sent back: replaced by a later decision
    for path in written:
        if path.suffix == ".pdf":
            assert "Độc lập - Tự do - Hạnh phúc" in text(path), path.name
    minutes = _flat(word.docx_text((tmp_path / "van-ban" / "bien-ban-hoi-dong-s1.docx").read_bytes()))
    # Quorum and participation: 9 of 11 present, 2 written ballots, 11 ballots in all.
    assert "Tổng số thành viên Hội đồng: 11; có mặt: 09 (81,82%)" in minutes
    assert "Thành viên vắng mặt gửi phiếu bằng văn bản: 02" in minutes
    assert "Tổng số phiếu: 11/11" in minutes
    # Each nomination's votes and percentage against its threshold (10 of 11 for the Chiến sĩ thi đua).
    assert "Trần Văn Sáng Kiến Chiến sĩ thi đua cấp tỉnh 10/11 90,91% ≥ 90% tổng số thành viên Đạt" in minutes
    assert (
        "Hội Người cao tuổi tỉnh Quảng Bình Cờ thi đua của Ủy ban nhân dân tỉnh 11/11 100% ≥ 80%" in minutes
    )
    bloc = _flat(word.docx_text((tmp_path / "van-ban" / "bien-ban-khoi-r1.docx").read_bytes()))
    assert "Nguyễn Thị Thơ Mẫu — Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh 3/9 Không đề nghị" in bloc
    assert "Trưởng khối năm 2020: Liên minh Hợp tác xã tỉnh Quảng Bình" in bloc
    proposal = _flat(word.docx_text((tmp_path / "van-ban" / "to-trinh-s1.docx").read_bytes()))
    assert "Số: 12/TTr-SNV" in proposal
    assert "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017" in proposal
    assert "Chiến sĩ thi đua cấp tỉnh: 01 cá nhân" in proposal
    assert "10/11 phiếu (90,91%), ngưỡng ≥ 90% tổng số thành viên: Đạt" in proposal
    # The household's criterion "cần thẩm định": the appraiser's finding in the minutes and the proposal.
    found = "Kết quả thẩm định tiêu chuẩn cần thẩm định — Hộ ông Hoàng Văn Thiện Nguyện: Tiêu chuẩn Bằng khen cho hộ gia đình: đạt"
    for stem in ("bien-ban-hoi-dong-s3", "to-trinh-s3"):
        assert found in _flat(word.docx_text((tmp_path / "van-ban" / f"{stem}.docx").read_bytes())), stem
    assert found not in minutes
    notice = _flat(word.docx_text((tmp_path / "van-ban" / "thong-bao-s1.docx").read_bytes()))
    assert "Được khen thưởng: Quyết định số 163/QĐ-UBND ngày 21 tháng 01 năm 2020" in notice


def test_the_decisions_docx_says_what_its_pdf_says(decided: Context, tmp_path: Path) -> None:
    for decision_id in (1, 2, 3, 6):
        docx = paperwork.make(decided, "quyet-dinh", decision_id, "docx").content
        pdf = tmp_path / f"qd-{decision_id}.pdf"
        pdf.write_bytes(certificates.decision_pdf(decided, decision_id))
        pages = int(text(pdf).count("\f"))
        printed = [  # every word of the PDF but the page numbers in the top margin
            w[0] for page in range(1, pages + 1) for w in words(pdf, page=page) if w[4] > 20 * MM
        ]
        assert Counter(_flat(word.docx_text(docx)).split()) == Counter(printed), decision_id


def test_a_provinces_template_changes_that_document_and_only_it(decided: Context, tmp_path: Path) -> None:
    folder = tmp_path / "policy"
    (folder / "templates").mkdir(parents=True)
    shutil.copy(Path(__file__).parents[2] / "thidua_workflow" / "policies" / "quang-binh.yaml", folder)
    own = Document()
    own.add_paragraph("THÔNG BÁO CỦA TỈNH (mẫu riêng)")
    own.add_paragraph("{{ subject }}")
    own.add_paragraph("{%p for r in rows %}")
    own.add_paragraph("{{ r.nominee }}: {{ r.outcome }}")
    own.add_paragraph("{%p endfor %}")
    own.save(str(folder / "templates" / "thong-bao.docx"))
    before = {kind: paperwork.make(decided, kind, 1, "docx") for kind in paperwork.SUBJECTS}
    decided.settings = decided.settings.model_copy(update={"policy_path": folder / "quang-binh.yaml"})
    after = {kind: paperwork.make(decided, kind, 1, "docx") for kind in paperwork.SUBJECTS}
    for kind in paperwork.SUBJECTS:
        changed = word.docx_text(after[kind].content) != word.docx_text(before[kind].content)
        assert changed == (kind == "thong-bao"), kind
    lines = word.docx_text(after["thong-bao"].content)
    assert lines[0] == "THÔNG BÁO CỦA TỈNH (mẫu riêng)"
    assert (
        "Trần Văn Sáng Kiến: Được khen thưởng: Quyết định số 163/QĐ-UBND ngày 21 tháng 01 năm 2020" in lines
    )
    assert after["thong-bao"].template == str(folder / "templates" / "thong-bao.docx")


def test_signed_scans_come_back_into_the_records(decided: Context) -> None:
    scan = b"%PDF-1.4\n% ban ky quet\n"
    with pytest.raises(NotPermitted):
        paperwork.attach_signed(decided, "nct.canbo", "quyet-dinh", 1, "qd-ky.pdf", scan)
    with pytest.raises(InputRejected):
        paperwork.attach_signed(decided, "vt.ubnd", "quyet-dinh", 1, "qd-ky.docx", b"PK\x03\x04")
    assert paperwork.signed_scans(decided, "quyet-dinh", 1) == []
    done = paperwork.attach_signed(decided, "vt.ubnd", "quyet-dinh", 1, "qd-162-ky.pdf", scan)
    [listed] = paperwork.signed_scans(decided, "quyet-dinh", 1)
    assert (listed.file_name, listed.sha256) == ("qd-162-ky.pdf", done.sha256)
    assert decided.store.read(done.sha256) == scan
    minutes = paperwork.attach_signed(decided, "tb.tdkt", "bien-ban-hoi-dong", 1, "bb.pdf", scan)
    assert minutes.kind == "bien-ban-hoi-dong"


def test_no_minutes_for_a_session_still_open_and_a_clear_word_without_libreoffice(
    qb: Context, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.helpers import to_council
    from thidua_workflow.services import council

    to_council(qb, "hoi-nguoi-mu-2019")
    view = council.open_session(qb, "tb.tdkt")
    for kind in ("bien-ban-hoi-dong", "to-trinh", "thong-bao"):
        with pytest.raises(TransitionNotAllowed, match="chưa kết thúc"):
            paperwork.make(qb, kind, view.id)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(NotConfigured, match="libreoffice-writer-nogui"):
        word.docx_to_pdf(b"")


def test_a_count_below_ten_is_written_alike_in_the_heading_and_the_table(
    qb: Context, clock: FixedClock
) -> None:
    """With nine ballots the Tờ trình read 'có mặt 09/11 thành viên; 09/11 phiếu' above a table of
    '9/11 phiếu' and '8/11 phiếu', and the biên bản 'Tổng số phiếu: 09/11' above '9/11': one document, two ways."""
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(qb, "tb.tdkt")
    present = COUNCIL[:9]
    council.record_attendance(qb, "tb.tdkt", view.id, present)
    needs = [i["nomination"] for i in view.items if i["needs_vote"]]
    for n, member in enumerate(present):
        choice = Choice.NO if n == 0 and len(needs) > 1 else Choice.YES
        council.cast_ballot(
            qb, member, view.id, {i: (choice if i == needs[-1] else Choice.YES) for i in needs}
        )
    council.close_session(qb, "tb.tdkt", view.id, proposal_ref="5/TTr-SNV")
    proposal = _flat(word.docx_text(paperwork.make(qb, "to-trinh", view.id).content))
    assert "Số: 05/TTr-SNV" in proposal and "có mặt 09/11 thành viên; 09/11 phiếu" in proposal
    assert "09/11 phiếu (81,82%), ngưỡng ≥ 80% tổng số thành viên: Đạt" in proposal
    assert "08/11 phiếu (72,73%)" in proposal and " 9/11" not in proposal and " 8/11" not in proposal
    minutes = _flat(word.docx_text(paperwork.make(qb, "bien-ban-hoi-dong", view.id).content))
    assert "Tổng số phiếu: 09/11" in minutes and "09/11 81,82%" in minutes and " 9/11" not in minutes


def test_a_session_where_nothing_needed_a_ballot_says_so_not_zero_ballots(
    decided: Context, tmp_path: Path
) -> None:
    """The 19/05/2020 session decided one household's Bằng khen on the appraisal alone: its biên bản read
    'Tổng số phiếu: 00/11 (0% tổng số thành viên)' and its Tờ trình '00/11 phiếu … 01/01 trường hợp đạt tỉ
    lệ phiếu': a vote that never took place, and a share of ballots nobody cast."""
    paperwork.export_all(decided, tmp_path, pdf=False)
    minutes = _flat(word.docx_text((tmp_path / "bien-ban-hoi-dong-s3.docx").read_bytes()))
    proposal = _flat(word.docx_text((tmp_path / "to-trinh-s3.docx").read_bytes()))
    for document in (minutes, proposal):
        assert "00/11" not in document and "đạt tỉ lệ phiếu" not in document
        assert "Không có trường hợp nào phải bỏ phiếu kín" in document
    assert "khen thưởng 01 trường hợp theo đề xuất thẩm định" in minutes
    # the appraiser's reason ends with its full stop; the line went on '.; Phạm Thị Minh Họa, …'
    assert ".;" not in minutes and "ý kiến của khối; Phạm Thị Minh Họa, ngày 19/05/2020)" in minutes
    assert "Kết quả: 01/01 trường hợp được đề nghị khen thưởng theo đề xuất thẩm định" in proposal
    # A session with ballots keeps its count; the cases decided without one are told apart.
    first = _flat(word.docx_text((tmp_path / "bien-ban-hoi-dong-s1.docx").read_bytes()))
    assert "Tổng số phiếu: 11/11" in first
    assert "khen thưởng 07 trường hợp đạt tỉ lệ phiếu hoặc theo đề xuất thẩm định" in first


def test_the_bloc_minutes_name_a_collectives_unit_only_when_it_is_another(
    decided: Context, tmp_path: Path
) -> None:
    """'Cờ thi đua …: Hội Người cao tuổi tỉnh Quảng Bình (Hội Người cao tuổi tỉnh Quảng Bình)': a unit
    proposing itself was named twice in the bloc's biên bản."""
    paperwork.export_all(decided, tmp_path, pdf=False)
    bloc = _flat(word.docx_text((tmp_path / "bien-ban-khoi-r1.docx").read_bytes()))
    assert "Hội Người cao tuổi tỉnh Quảng Bình (Hội Người cao tuổi tỉnh Quảng Bình)" not in bloc
    assert "- Cờ thi đua của Ủy ban nhân dân tỉnh: Hội Người cao tuổi tỉnh Quảng Bình -" in bloc
    assert "Phạm Thị Minh Chứng (Hội Người cao tuổi tỉnh Quảng Bình)" in bloc
    assert "Văn phòng Hội Chữ thập đỏ tỉnh Quảng Bình (Hội Chữ thập đỏ tỉnh Quảng Bình)" in bloc
