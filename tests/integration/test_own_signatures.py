"""The signer signs with their own key: a PKCS#11 token (SoftHSM2) or a remote signing service (CSC API
v2), both holding keys issued by the test CA; pyHanko's validator checks the result."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from tests.integration.helpers import COUNCIL, row_counts, to_council
from tests.pdf_tools import qpdf_ok, text
from tests.signing_keys import SIGNER_NAME, OwnToken, RemoteService
from thidua_workflow.certificates.validation import read_signatures, verdict
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice, DecisionStatus
from thidua_workflow.domain.text import vietnamese_date
from thidua_workflow.errors import InputRejected, ValidationFailed
from thidua_workflow.services import certificates, council, decisions, signers
from thidua_workflow.services.context import Context
from thidua_workflow.services.signers import SignerIn, SigningSecret


def _draft(ctx: Context) -> int:
    to_council(ctx, "hoi-nguoi-mu-2019")
    view = council.open_session(ctx, "tb.tdkt")
    council.record_attendance(ctx, "tb.tdkt", view.id, COUNCIL)
    for member in COUNCIL:
        council.cast_ballot(
            ctx, member, view.id, {i["nomination"]: Choice.YES for i in view.items if i["needs_vote"]}
        )
    council.close_session(ctx, "tb.tdkt", view.id)
    return next(d for d in decisions.list_decisions(ctx) if d.award_form == "bang_khen_tinh").id


def _token_signer(ctx: Context, token: OwnToken) -> None:
    signers.set_signer(
        ctx,
        "pct.ubnd",
        SignerIn(
            kind="pkcs11",
            pkcs11_module=token.config.module,
            token_label=token.config.token_label,
            key_label=token.config.key_label,
        ),
    )


def _decision_file(ctx: Context, decision_id: int, out: Path) -> bytes:
    files = certificates.export(ctx, decision_id, out)
    return next(f for f in files if f.name.startswith("quyet-dinh-")).read_bytes()


def _validate(pdf: bytes, ca_der: bytes) -> list[object]:
    from asn1crypto import x509

    reader = PdfFileReader(io.BytesIO(pdf))
    trust = ValidationContext(trust_roots=[x509.Certificate.load(ca_der)], allow_fetching=False)
    return [validate_pdf_signature(sig, trust) for sig in reader.embedded_signatures]


def test_a_token_signs_the_decision_and_pyhanko_validates_it(
    qb: Context, clock: FixedClock, own_token: OwnToken, tmp_path: Path
) -> None:
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin=own_token.pin))
    decisions.register(qb, "vt.ubnd", decision_id, 162)
    pdf = _decision_file(qb, decision_id, tmp_path / "out")
    (status,) = _validate(pdf, own_token.ca.cert_der)
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)  # type: ignore[attr-defined]
    assert status.signing_cert.subject.native["common_name"] == SIGNER_NAME  # type: ignore[attr-defined]
    signed_at = status.signer_reported_dt  # type: ignore[attr-defined]
    assert signed_at is not None and abs((datetime.now(UTC) - signed_at).total_seconds()) < 3600
    # the visible stamp, in Vietnamese, in the signature's blank; no "draft" mark on the signed copy
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    assert qpdf_ok(path)
    words = text(path)
    assert f"Ký số bởi: {SIGNER_NAME}" in words and "(Dự thảo)" not in words
    with qb.reader() as uow:
        decision = uow.session.get(m.Decision, decision_id)
        assert decision is not None and decision.signed_with == "pkcs11"
    reports = read_signatures(pdf, [own_token.ca.cert_der])
    assert verdict(reports) == "intact" and reports[0].signer == SIGNER_NAME and reports[0].trusted


def test_the_office_seal_follows_the_signers_signature_and_both_validate(
    qb: Context, own_token: OwnToken, tmp_path: Path
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    issued = own_token.ca.issue("Ủy ban nhân dân tỉnh Quảng Bình")
    key = serialization.load_der_private_key(issued.key_pkcs8_der, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    seal = pkcs12.serialize_key_and_certificates(
        b"ubnd",
        key,
        x509.load_der_x509_certificate(issued.cert_der),
        [x509.load_der_x509_certificate(own_token.ca.cert_der)],
        serialization.BestAvailableEncryption(b"mat-khau"),
    )
    (tmp_path / "seal.p12").write_bytes(seal)
    qb.settings = qb.settings.model_copy(
        update={"signing_key_path": tmp_path / "seal.p12", "signing_key_password": "mat-khau"}
    )
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin=own_token.pin))
    decisions.register(qb, "vt.ubnd", decision_id, 163)
    pdf = _decision_file(qb, decision_id, tmp_path / "out")
    reports = read_signatures(pdf, [own_token.ca.cert_der])
    assert [r.signer for r in reports] == [SIGNER_NAME, "Ủy ban nhân dân tỉnh Quảng Bình"]
    assert all(r.intact and r.trusted and r.whole_file for r in reports), reports
    assert "163/QĐ-UBND" in (reports[1].reason or "")


def test_a_wrong_or_missing_pin_changes_nothing(qb: Context, own_token: OwnToken) -> None:
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    before = row_counts(qb)
    with pytest.raises(InputRejected, match="PIN"):
        decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin="000000"))
    with pytest.raises(InputRejected, match="PIN"):
        decisions.sign(qb, "pct.ubnd", decision_id)
    assert row_counts(qb) == before
    assert decisions.show_decision(qb, decision_id).status == DecisionStatus.DRAFT.value
    with qb.reader() as uow:
        assert (
            uow.session.scalar(select(m.Decision.signed_pdf_sha256).where(m.Decision.id == decision_id))
            is None
        )


def test_system_numbering_signs_the_numbered_decision_and_a_refusal_gives_the_number_back(
    qb: Context, own_token: OwnToken, tmp_path: Path
) -> None:
    qb.use_policy(
        qb.policy.model_copy(
            update={"decisions": qb.policy.decisions.model_copy(update={"numbering": "system"})}
        )
    )
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    with pytest.raises(InputRejected):
        decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin="1"))
    view = decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin=own_token.pin))
    assert view.number_text == "01/QĐ-UBND"  # the refused signing took no number
    pdf = _decision_file(qb, decision_id, tmp_path / "out")
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    assert "Số: 01/QĐ-UBND" in text(path)
    assert verdict(read_signatures(pdf, [own_token.ca.cert_der])) == "intact"


def test_a_remote_signer_approves_and_the_signature_comes_back(
    qb: Context, remote_service: RemoteService, tmp_path: Path
) -> None:
    state = remote_service.state
    signers.set_signer(
        qb, "pct.ubnd", SignerIn(kind="remote", remote_url=remote_service.url, remote_username=state.username)
    )
    decision_id = _draft(qb)
    before = row_counts(qb)
    with pytest.raises(InputRejected, match="mã xác nhận"):
        decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(password=state.password, otp="111111"))
    with pytest.raises(InputRejected, match="mật khẩu"):
        decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(password="sai", otp=state.otp))
    assert row_counts(qb) == before
    state.calls.clear()
    decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(password=state.password, otp=state.otp))
    assert state.endpoints() == [
        "auth/login",
        "credentials/list",
        "credentials/info",
        "credentials/authorize",
        "signatures/signHash",
    ]
    authorize = dict(state.calls)["credentials/authorize"]
    assert authorize["hashes"] == dict(state.calls)["signatures/signHash"]["hashes"]  # bound to the document
    decisions.register(qb, "vt.ubnd", decision_id, 164)
    pdf = _decision_file(qb, decision_id, tmp_path / "out")
    (status,) = _validate(pdf, remote_service.ca.cert_der)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)  # type: ignore[attr-defined]
    assert status.signing_cert.subject.native["common_name"] == SIGNER_NAME  # type: ignore[attr-defined]
    with qb.reader() as uow:
        assert (
            uow.session.scalar(select(m.Decision.signed_with).where(m.Decision.id == decision_id)) == "remote"
        )


def test_an_altered_pdf_is_reported_altered(qb: Context, own_token: OwnToken, tmp_path: Path) -> None:
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin=own_token.pin))
    decisions.register(qb, "vt.ubnd", decision_id, 165)
    pdf = _decision_file(qb, decision_id, tmp_path / "out")
    roots = [own_token.ca.cert_der]
    # a byte changed inside what was signed
    at = pdf.index(b"stream") + 20
    flipped = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    assert verdict(read_signatures(flipped, roots)) == "altered"
    # a page's text changed by an update appended after signing
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 100 100 Td (200000000) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    reports = read_signatures(out.getvalue(), roots)
    assert verdict(reports) == "altered" and reports[0].intact and not reports[0].whole_file
    # the service says so for the decision's file too
    assert certificates.verify(qb, out.getvalue()).verdict == "altered"
    assert certificates.verify(qb, pdf).verdict == "genuine"


def test_signer_configuration_names_the_field_and_changes_nothing(qb: Context, tmp_path: Path) -> None:
    before = row_counts(qb)
    with pytest.raises(ValidationFailed) as caught:
        signers.set_signer(qb, "pct.ubnd", SignerIn(kind="pkcs11", pkcs11_module="libsofthsm2.so"))
    message = caught.value.message
    for name in ("pkcs11_module", "token_label", "key_label"):
        assert any(p.field == name for p in caught.value.problems), (name, message)
    with pytest.raises(ValidationFailed) as caught:
        signers.set_signer(qb, "pct.ubnd", SignerIn(kind="remote", remote_url="ftp://x", remote_username=""))
    assert {p.field for p in caught.value.problems} == {"remote_url", "remote_username"}
    with pytest.raises(ValidationFailed) as caught:
        signers.set_signer(qb, "pct.ubnd", SignerIn(kind="usb"))
    assert [p.field for p in caught.value.problems] == ["kind"]
    with pytest.raises(ValidationFailed) as caught:
        signers.set_signer(qb, "pct.ubnd", SignerIn(kind="seal", key_label="x"))
    assert [p.field for p in caught.value.problems] == ["key_label"]
    assert row_counts(qb) == before
    assert signers.show_signer(qb, "pct.ubnd").kind == "seal"
    view = signers.set_signer(qb, "pct.ubnd", SignerIn(kind="seal"))
    assert view.kind == "seal" and [v.username for v in signers.list_signers(qb)] == ["pct.ubnd"]


def test_the_registrars_number_and_date_fill_the_signed_copys_blanks_and_its_signature_holds(
    qb: Context, own_token: OwnToken, tmp_path: Path
) -> None:
    _token_signer(qb, own_token)
    decision_id = _draft(qb)
    decisions.sign(qb, "pct.ubnd", decision_id, SigningSecret(pin=own_token.pin))
    with qb.reader() as uow:
        signed_sha = uow.session.scalar(
            select(m.Decision.signed_pdf_sha256).where(m.Decision.id == decision_id)
        )
    assert signed_sha is not None
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(qb.store.read(signed_sha))
    assert "162" not in text(signed).split("QUYẾT ĐỊNH")[0]  # signed before its number: blanks
    view = decisions.register(qb, "vt.ubnd", decision_id, 162)
    assert view.decision_date is not None
    pdf = _decision_file(qb, decision_id, tmp_path / "out")
    path = tmp_path / "issued.pdf"
    path.write_bytes(pdf)
    assert qpdf_ok(path)
    head = " ".join(text(path).split("QUYẾT ĐỊNH")[0].split())
    assert "Số: 162/QĐ-UBND" in head
    assert f"Quảng Bình, {vietnamese_date(view.decision_date)}" in head
    # the annex names the decision it is attached to
    assert f"Kèm theo Quyết định số 162/QĐ-UBND {vietnamese_date(view.decision_date)}" in " ".join(
        text(path).split()
    )
    roots = [own_token.ca.cert_der]
    (report,) = read_signatures(pdf, roots)
    assert (report.signer, report.intact, report.whole_file, report.trusted) == (
        SIGNER_NAME,
        True,
        True,
        True,
    )
    assert pdf.startswith(qb.store.read(signed_sha))  # the signed copy, filled in an update after it
    at = pdf.index(b"stream") + 20
    flipped = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    assert verdict(read_signatures(flipped, roots)) == "altered"
