"""The paperwork at its step on the web: the session page offers its minutes, Tờ trình and notice; the
registrar takes the decision's .docx and uploads its signed scan; a unit clerk gets none of them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from docx import Document

from tests.integration.helpers import COUNCIL, to_council
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.enums import Choice
from thidua_workflow.services import council, decisions, paperwork
from thidua_workflow.services.context import Context


def _closed_session(ctx: Context, clock: FixedClock) -> int:
    to_council(ctx, "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(ctx, "tb.tdkt")
    council.record_attendance(ctx, "tb.tdkt", view.id, COUNCIL)
    for member in COUNCIL:
        council.cast_ballot(
            ctx, member, view.id, {i["nomination"]: Choice.YES for i in view.items if i["needs_vote"]}
        )
    council.close_session(ctx, "tb.tdkt", view.id, proposal_ref="12/TTr-SNV")
    return view.id


def test_documents_are_offered_where_they_are_made(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    session_id = _closed_session(qb, clock)
    secretary = app_client("tb.tdkt")
    page = secretary.get(f"/sessions/{session_id}").text
    for kind in ("to-trinh", "bien-ban-hoi-dong", "thong-bao"):
        assert f'href="/documents/{kind}/{session_id}.docx"' in page
    minutes = secretary.get(f"/documents/bien-ban-hoi-dong/{session_id}.docx")
    assert minutes.status_code == 200
    text = " ".join(p.text for p in Document(io.BytesIO(minutes.content)).paragraphs)
    assert "Tổng số thành viên Hội đồng" in text
    draft = decisions.list_decisions(qb)[0]
    registrar = app_client("vt.ubnd")
    assert f'href="/documents/quyet-dinh/{draft.id}.docx"' in registrar.get(f"/decisions/{draft.id}").text
    scan = ("qd-ky.pdf", b"%PDF-1.4\n% scan\n", "application/pdf")
    answer = registrar.post(f"/documents/quyet-dinh/{draft.id}/signed", files={"scan": scan})
    assert answer.status_code == 303
    assert [s.file_name for s in paperwork.signed_scans(qb, "quyet-dinh", draft.id)] == ["qd-ky.pdf"]
    assert "qd-ky.pdf" in registrar.get(f"/decisions/{draft.id}").text
    clerk = app_client("mu.canbo")
    refused = clerk.get(f"/documents/bien-ban-hoi-dong/{session_id}.docx")
    assert refused.status_code == 403
    assert "không được xem" in refused.text
    assert clerk.get("/documents/khong-co/1.docx").status_code == 404
