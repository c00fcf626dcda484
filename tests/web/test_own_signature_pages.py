"""The browser step of signing with one's own token: the PIN asked on the decision's page, used once,
never stored or logged; the public verification page shows who signed, when, and whether it is intact."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.helpers import row_counts
from tests.integration.test_own_signatures import _draft, _token_signer
from tests.signing_keys import SIGNER_NAME, OwnToken
from tests.web.conftest import Browser
from thidua_workflow.services import decisions
from thidua_workflow.services.context import Context


def test_the_signer_types_the_pin_on_the_page_and_the_public_page_checks_the_signature(
    qb: Context,
    app_client: Callable[..., Browser],
    own_token: OwnToken,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    roots = tmp_path / "roots.pem"
    roots.write_bytes(own_token.ca.cert_pem)
    qb.settings = qb.settings.model_copy(update={"trust_roots_path": roots})
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    signer = app_client("pct.ubnd")
    page = signer.get(f"/decisions/{decision_id}").text
    assert 'type="password" name="pin"' in page and "không được lưu" in page
    caplog.set_level(logging.DEBUG)
    before = row_counts(qb)
    wrong = signer.post(f"/decisions/{decision_id}/act", {"decision": "sign", "pin": "864200"})
    assert wrong.status_code == 400 and "Mã PIN của thiết bị ký số không đúng" in wrong.text
    assert row_counts(qb) == before
    signed = signer.post(f"/decisions/{decision_id}/act", {"decision": "sign", "pin": own_token.pin})
    assert signed.status_code == 303, signed.text
    assert decisions.show_decision(qb, decision_id).status == "signed"
    registrar = app_client("vt.ubnd")
    registrar.get(f"/decisions/{decision_id}")
    registered = registrar.post(f"/decisions/{decision_id}/act", {"decision": "register", "number": "170"})
    assert registered.status_code == 303, registered.text
    # never stored, never logged: not in any log record, the audit log or the database file
    for secret in (own_token.pin, "864200"):
        assert all(secret not in record.getMessage() for record in caplog.records)
    with qb.reader() as uow:
        from sqlalchemy import text

        dump = str(uow.session.execute(text("SELECT * FROM audit_events")).all())
        dump += str(uow.session.execute(text("SELECT * FROM signers")).all())
    assert own_token.pin not in dump

    page = registrar.get(f"/decisions/{decision_id}").text
    link = re.search(rf'href="(/decisions/{decision_id}/files/[0-9a-f]+)">quyet-dinh-', page)
    assert link, page
    pdf = registrar.get(link.group(1)).content
    anyone = app_client()
    anyone.get("/verify")
    shown = anyone.post("/verify", files={"pdf": ("qd.pdf", pdf, "application/pdf")})
    assert shown.status_code == 200
    assert "Bản Quyết định số 170/QĐ-UBND đúng như đã ban hành." in shown.text
    assert SIGNER_NAME in shown.text and "Nguyên vẹn" in shown.text and "tin cậy" in shown.text
    assert "(giờ Việt Nam)" in shown.text
    at = pdf.index(b"stream") + 20
    altered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    shown = anyone.post("/verify", files={"pdf": ("qd.pdf", altered, "application/pdf")})
    assert "Đã bị sửa đổi" in shown.text and "Đã bị sửa sau khi ký" in shown.text


def test_the_api_signs_with_the_pin_in_the_body(
    qb: Context, app_client: Callable[..., Browser], own_token: OwnToken
) -> None:
    from thidua_workflow.services import accounts
    from thidua_workflow.services import tasks as task_service

    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    task = task_service.list_tasks(qb, "pct.ubnd", decision_id=decision_id)[0]
    headers = {"Authorization": f"Bearer {accounts.issue_token(qb, 'pct.ubnd', 'ký số').token}"}
    api = app_client().client
    refused = api.post(f"/api/tasks/{task.id}/act", json={"decision": "sign"}, headers=headers)
    assert refused.status_code == 400 and "PIN" in refused.json()["message"]
    done = api.post(
        f"/api/tasks/{task.id}/act", json={"decision": "sign", "pin": own_token.pin}, headers=headers
    )
    assert done.status_code == 200, done.text
    assert decisions.show_decision(qb, decision_id).status == "signed"
