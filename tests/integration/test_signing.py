"""Digital signatures on issued PDFs (PAdES, pyHanko) with a self-signed key made in the test."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from tests.integration.helpers import COUNCIL, to_council
from tests.pdf_tools import qpdf_ok, text
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice
from thidua_workflow.services import certificates, council, decisions
from thidua_workflow.services.context import Context


def _self_signed(
    tmp_path: Path, holder: str = "Ủy ban nhân dân tỉnh Quảng Bình"
) -> tuple[Path, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, holder)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"ubnd", key, cert, None, serialization.BestAvailableEncryption(b"mat-khau")
    )
    path = tmp_path / "ky-so.p12"
    path.write_bytes(data)
    return path, cert


def test_issued_pdfs_are_signed_and_still_verify(qb: Context, clock: FixedClock, tmp_path: Path) -> None:
    path, cert = _self_signed(tmp_path)
    qb.settings = qb.settings.model_copy(
        update={"signing_key_path": path, "signing_key_password": "mat-khau"}
    )
    to_council(qb, "hoi-nguoi-mu-2019")
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL)
    for member in COUNCIL:
        council.cast_ballot(
            qb, member, view.id, {i["nomination"]: Choice.YES for i in view.items if i["needs_vote"]}
        )
    council.close_session(qb, "tb.tdkt", view.id)
    draft = next(d for d in decisions.list_decisions(qb) if d.award_form == "bang_khen_tinh")
    decisions.sign(qb, "pct.ubnd", draft.id)
    decisions.register(qb, "vt.ubnd", draft.id, 162)  # the decision stage issues the signed certificates
    files = certificates.export(qb, draft.id, tmp_path / "out")
    trust = ValidationContext(trust_roots=[_as_asn1(cert)])
    signed = [f for f in files if f.name.startswith(("bang-", "quyet-dinh-"))]
    assert len(signed) == 2
    for f in signed:
        reader = PdfFileReader(io.BytesIO(f.read_bytes()))
        status = validate_pdf_signature(reader.embedded_signatures[0], trust)
        assert (status.intact, status.valid, status.bottom_line) == (True, True, True), (f, status)
        assert qpdf_ok(f)
    certificate = next(f for f in signed if f.name.startswith("bang-"))
    assert "Ký số bởi: Ủy ban nhân dân tỉnh Quảng Bình" in text(certificate)
    assert certificates.verify(qb, certificate.read_bytes()).verdict == "genuine"
    with qb.reader() as uow:
        assert uow.session.scalar(select(m.Certificate.pdf_size)) == certificate.stat().st_size


def _as_asn1(cert: x509.Certificate) -> object:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
