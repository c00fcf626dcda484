"""What the signatures in a PDF say, read with pyHanko's validator: who signed, when, whether the signed
bytes are intact, whether the file was changed after signing, and whether the signer's certificate chains
to a trusted root (the roots are the operator's: Vietnam's national root CA and the licensed CAs under it
in production, the test CA in the tests and the demo).

Nothing is fetched from the network here (no OCSP or CRL look-up): revocation is not checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Verdict = Literal["intact", "altered", "none"]


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str  # the certificate's common name (or the whole subject when it has none)
    issuer: str
    signed_at: datetime | None  # the time the signer's software put in the signature
    intact: bool  # the signed bytes are unchanged and the signature value checks against the certificate
    trusted: bool  # the certificate chains to one of the trusted roots
    whole_file: bool  # nothing but permitted additions (a later signature, its stamp) follows it
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.intact and self.whole_file

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "signer": self.signer,
            "issuer": self.issuer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "intact": self.intact,
            "trusted": self.trusted,
            "whole_file": self.whole_file,
            "reason": self.reason,
        }


def _name(name: Any) -> str:
    common = name.native.get("common_name") if isinstance(name.native, dict) else None
    return str(common) if common else str(name.human_friendly)


def read_signatures(pdf: bytes, trust_roots: list[bytes]) -> list[SignatureReport]:
    """Every signature in ``pdf``, oldest first; [] when it has none (or is not a PDF pyHanko can read)."""
    from asn1crypto import x509
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError):
        return []
    roots = [x509.Certificate.load(der) for der in trust_roots]
    reports = []
    for signature in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except (SignatureValidationError, ValueError, KeyError, TypeError):
            reports.append(SignatureReport(signature.field_name, "?", "?", None, False, False, False, None))
            continue
        level = status.modification_level
        whole = status.docmdp_ok is not False and (level is None or level <= ModificationLevel.FORM_FILLING)
        cert = status.signing_cert
        reports.append(
            SignatureReport(
                field=signature.field_name,
                signer=_name(cert.subject),
                issuer=_name(cert.issuer),
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                whole_file=whole,
                reason=signature.sig_object.get("/Reason"),
            )
        )
    return reports


def verdict(reports: list[SignatureReport]) -> Verdict:
    if not reports:
        return "none"
    return "intact" if all(r.ok for r in reports) else "altered"
