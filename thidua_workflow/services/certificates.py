"""Issuing what an issued decision entitles: a certificate per awardee, the decision PDF, one print batch,
and a layout proof per Cờ thi đua — and checking a certificate is genuine.

Issuing is idempotent: each awardee's certificate is made once (golden-book number = ordinal in the
decision, verification code = keyed hash of its record), so a re-run after a crash only makes what is
missing. Certificates are rendered and committed in chunks (memory stays flat for a list of thousands),
in a process pool for large decisions (ReportLab is not thread-safe), outside the transaction that
stores them; blobs written for a transaction that fails are removed again.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.units import mm
from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.certificates.documents import DecisionDocument, DecisionListItem, FlagProof
from thidua_workflow.certificates.fonts import register_fonts
from thidua_workflow.certificates.layout import Layout, load_layout
from thidua_workflow.certificates.render import (
    CertificateData,
    RenderOptions,
    render_batch,
    render_certificate,
)
from thidua_workflow.certificates.signing import SigningKey, Stamp, sign_pdf
from thidua_workflow.certificates.validation import SignatureReport, read_signatures
from thidua_workflow.certificates.validation import verdict as signature_verdict
from thidua_workflow.certificates.verification import code_for, code_in_pdf, normalise_code
from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import sha256_hex
from thidua_workflow.domain.authz import require_role
from thidua_workflow.domain.delegation import award_signer_lines
from thidua_workflow.domain.enums import DecisionStatus, NominationStatus, Role, Title
from thidua_workflow.domain.text import search_key, vietnamese_date
from thidua_workflow.errors import ConfigurationError, NotFound, TransitionNotAllowed
from thidua_workflow.keyfile import local_secret
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import Evidence, stored
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import move

POOL_FROM = 12  # below this many certificates, one process is faster than starting a pool
CHUNK = 200  # certificates rendered, stored and committed together
Verdict = Literal["genuine", "unknown", "altered", "revoked"]


@dataclass
class IssueReport:
    decision_id: int
    created: int = 0
    existing: int = 0
    documents: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "message": self.message, "details": self.details}


def certificate_key(ctx: Context) -> bytes:
    """The province's secret for codes: configured, or a random key created once in the data directory."""
    if ctx.settings.certificate_key:
        return ctx.settings.certificate_key.encode()
    return local_secret(ctx.settings.data_dir / "certificate.key").encode()


# What each award's certificate says above and under the recipient's name.
TITLES = {
    Title.BANG_KHEN_TINH: ("BẰNG KHEN", None),
    Title.CHIEN_SI_THI_DUA_TINH: ("BẰNG CHỨNG NHẬN", "Đạt danh hiệu Chiến sĩ thi đua cấp tỉnh {period}"),
    Title.TAP_THE_LAO_DONG_XUAT_SAC: ("BẰNG CHỨNG NHẬN", "Đạt danh hiệu Tập thể lao động xuất sắc {period}"),
    Title.CO_THI_DUA_TINH: ("CỜ THI ĐUA", "Đơn vị dẫn đầu phong trào thi đua {period}"),
}


def _signer_title(title: str | None) -> str:
    return "\n".join(award_signer_lines(title, "certificate"))


def _record(
    decision: m.Decision, item: m.DecisionItem, nomination: m.Nomination, golden_book: str
) -> dict[str, Any]:
    return {
        "v": 1,
        "issuer": decision.issuing_body,
        "decision": decision.number_text,
        "date": decision.decision_date.isoformat() if decision.decision_date else None,
        "award": decision.award_form,
        "ordinal": item.ordinal,
        "golden_book": golden_book,
        "kind": nomination.nominee_kind,
        "name": nomination.nominee_name,
        "detail": item.nominee_detail or "",
        "nomination": nomination.id,
    }


def province_of(ctx: Context, session: Session, decision: m.Decision) -> str:
    """The name of the province whose body issues ``decision`` — the place its documents name, that of
    their own date: a Quảng Bình decision of 2020 keeps "Quảng Bình" after the 2025 merger."""
    province = session.get(m.Province, decision.province_id) if decision.province_id else None
    return province.name if province is not None else ctx.policy.province_name


def _data(
    ctx: Context,
    decision: m.Decision,
    item: m.DecisionItem,
    nomination: m.Nomination,
    code: str,
    golden: str,
    signer_name: str,
    province: str,
) -> CertificateData:
    assert decision.decision_date is not None
    award = ctx.policy.period_by_code(decision.policy_period).award_form(decision.award_form)
    title, line = TITLES.get(award.title, ("BẰNG KHEN", None))
    achievement = line.format(period=nomination.period_label) if line else decision.reason_line
    return CertificateData(
        awardee=nomination.nominee_name,
        issuer=f"CHỦ TỊCH {unicodedata.normalize('NFC', decision.issuing_body).upper()}",
        name=nomination.nominee_name,
        detail=item.nominee_detail or "",
        achievement=achievement,
        decision=f"Quyết định số {decision.number_text}, {vietnamese_date(decision.decision_date)}",
        golden_book=f"Số sổ vàng: {golden}",
        place_date=f"{province}, {vietnamese_date(decision.decision_date)}",
        signer_title=_signer_title(decision.signer_title),
        signer_name=signer_name,
        code=code,
        verify_url=ctx.settings.verify_url.format(code=code),
        title=title,
    )


Job = tuple[CertificateData, Layout, RenderOptions, SigningKey | None, str]


def _render_one(job: Job) -> bytes:
    """Render, and sign when a key is configured: in the pool's workers, where the CPU is."""
    data, layout, options, key, location = job
    pdf = render_certificate(data, layout, options)
    if key is None:
        return pdf
    return sign_pdf(
        pdf, key, Stamp(certificate_stamp_box(layout)), reason=f"Cấp {data.title.lower()}", location=location
    )


def certificate_stamp_box(layout: Layout) -> tuple[int, int, int, int]:
    """The visible signature goes in the blank left for signature and seal (PDF points)."""
    title, name = layout.fields["signer_title"], layout.fields["signer_name"]
    corners = (title.x_mm + 15, name.top_mm + 4, title.x_mm + title.w_mm - 15, title.y_mm - 6)
    left, bottom, right, top = (round(v * mm) for v in corners)
    return left, bottom, right, top


@contextmanager
def _renderer(
    count: int, layout: Layout, options: RenderOptions, key: SigningKey | None, location: str
) -> Iterator[Callable[[list[CertificateData]], Iterator[bytes]]]:
    """A function that renders a chunk: in a process pool kept for the whole decision when it is large.

    The pool's ``map`` starts the chunk at once and returns; the caller stores the previous chunk
    meanwhile, so the CPU renders while the database writes.
    """
    if count < POOL_FROM:
        yield lambda items: iter([_render_one((d, layout, options, key, location)) for d in items])
        return
    workers = min(os.cpu_count() or 1, max(1, count // 4))
    # Workers come from a fork server, not forked from this process: a forked worker inherits the
    # database connections, and if this process is killed mid-transaction the orphaned workers keep its
    # socket open, so the server never ends that transaction and its locks block every later run.
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(["thidua_workflow.certificates.render"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=forkserver, initializer=register_fonts) as pool:
        yield lambda items: pool.map(
            _render_one, [(d, layout, options, key, location) for d in items], chunksize=8
        )


def signing_key(ctx: Context) -> SigningKey | None:
    """The PKCS#12 that signs issued PDFs, if the province configured one (file, or Block)."""
    settings = ctx.settings
    password = (settings.signing_key_password or "").encode()
    if settings.signing_key_path is not None:
        if not settings.signing_key_path.is_file():
            raise ConfigurationError(f"Không thấy tệp khóa ký số {settings.signing_key_path}.")
        return SigningKey(settings.signing_key_path.read_bytes(), password)
    if settings.signing_key_base64:
        return SigningKey(base64.b64decode(settings.signing_key_base64), password)
    return None


def _layout_and_options(ctx: Context) -> tuple[Layout, RenderOptions]:
    rules = ctx.policy.certificates
    layout = load_layout(rules.layout)
    emblem = ctx.settings.emblem_path
    if emblem is not None and not emblem.is_file():
        raise ConfigurationError(f"Không thấy ảnh Quốc huy {emblem} (THIDUA_EMBLEM_PATH).")
    return layout, RenderOptions(
        mode=rules.mode, emblem=emblem, offset_mm=ctx.settings.printer_offset_mm, invariant=True
    )


def _evidence(data: bytes, name: str) -> Evidence:
    from thidua_workflow.domain.enums import DocumentKind
    from thidua_workflow.domain.schemas import DocumentIn

    return Evidence(DocumentIn(kind=DocumentKind.KHAC, file=name), data, sha256_hex(data), "application/pdf")


def issue(ctx: Context, decision_id: int) -> IssueReport:
    """Certificates for every awardee who has none yet, then the decision, the batch and flag proofs."""
    from thidua_workflow.certificates.decision_pdf import BLANKS, render_decision
    from thidua_workflow.certificates.flag_pdf import render_flag_proof
    from thidua_workflow.certificates.register_fields import fill, has_blanks, values

    now = ctx.clock.now()
    secret = certificate_key(ctx)
    layout, options = _layout_and_options(ctx)
    report = IssueReport(decision_id)
    # Read and render outside the transaction: the CPU work holds no lock.
    with ctx.reader() as uow:
        s = uow.session
        decision = _issued_decision(s, decision_id)
        signer = s.get(m.Person, decision.signer_id) if decision.signer_id else None
        signer_name = signer.full_name if signer else ""
        golden_format = ctx.policy.certificates.golden_book
        have = {
            c.nomination_id
            for c in s.scalars(select(m.Certificate).where(m.Certificate.decision_id == decision_id))
        }
        planned: list[Planned] = []
        all_data: list[CertificateData] = []
        flags: list[tuple[int, FlagProof]] = []
        award = ctx.policy.period_by_code(decision.policy_period).award_form(decision.award_form)
        location = province_of(ctx, s, decision)
        for item in decision.items:
            nomination = s.get(m.Nomination, item.nomination_id)
            assert nomination is not None
            golden = golden_format.format(ordinal=item.ordinal, number=decision.number, year=decision.year)
            record = _record(decision, item, nomination, golden)
            code = code_for(secret, record)
            data = _data(ctx, decision, item, nomination, code, golden, signer_name, location)
            if award.title is not Title.CO_THI_DUA_TINH:
                all_data.append(data)
                if nomination.id not in have:
                    planned.append((nomination.id, item.ordinal, golden, code, record, data))
            else:
                # "Tặng Cờ thi đua": the flag is made from its proof; no paper certificate, no golden-book
                # number (NĐ 152/2025 Điều 50; the earlier periods' practice alike, not confirmed).
                assert decision.decision_date is not None and decision.number_text is not None
                flags.append(
                    (
                        nomination.id,
                        FlagProof(
                            location,
                            nomination.nominee_name,
                            nomination.period_year,
                            decision.number_text,
                            decision.decision_date,
                        ),
                    )
                )
        documents_done = {
            (d.kind, d.nomination_id)
            for d in s.scalars(select(m.IssuedDocument).where(m.IssuedDocument.decision_id == decision_id))
        }
        decision_doc = decision_document(ctx, s, decision)
        signed_sha256 = decision.signed_pdf_sha256
        registered = (decision.number, decision.decision_date)
        number_slug = _slug(decision.number_text or str(decision_id))
    report.existing = len(have)
    key = signing_key(ctx)
    # Certificates go in chunks of ``CHUNK``, one transaction each: memory stays flat however long the
    # decision's list, and a run killed half-way keeps what it committed (the next makes the rest).
    chunks = [planned[i : i + CHUNK] for i in range(0, len(planned), CHUNK)]
    with _renderer(len(planned), layout, options, key, location) as render:
        rendering = render([p[5] for p in chunks[0]]) if chunks else iter(())
        for index, chunk in enumerate(chunks):
            pdfs = list(rendering)
            if index + 1 < len(chunks):
                rendering = render([p[5] for p in chunks[index + 1]])
            _store_certificates(ctx, decision_id, chunk, pdfs, now)
            report.created += len(chunk)
    extra: list[tuple[str, int | None, str, bytes]] = []
    if ("decision", None) not in documents_done:
        if signed_sha256 is not None:
            # the copy the signer signed with their own key; the office's seal is added after it (a
            # second signature in an incremental update: the signer's stays valid)
            decision_file = ctx.store.read(signed_sha256)
            if has_blanks(decision_file):
                # signed before its number (register numbering): the registrar's number and date fill its
                # blanks, a change its signature permits
                number, dated = registered
                assert number is not None and dated is not None
                decision_file = fill(decision_file, values(number, dated), BLANKS)
            if key is not None:
                decision_file = sign_pdf(
                    decision_file,
                    key,
                    Stamp(None),
                    reason=f"Ban hành quyết định số {decision_doc.number_text}",
                    location=location,
                    field_name="DauCoQuan",
                )
        else:
            decision_file = render_decision(decision_doc, invariant=True)
            if key is not None:
                decision_file = sign_pdf(
                    decision_file, key, Stamp(None), reason="Ban hành quyết định", location=location
                )
        extra.append(("decision", None, f"quyet-dinh-{number_slug}.pdf", decision_file))
    if all_data and (planned or ("batch", None) not in documents_done):
        extra.append(
            (
                "batch",
                None,
                f"in-hang-loat-{number_slug}.pdf",
                render_batch(
                    all_data, layout, options, f"In hàng loạt — Quyết định số {decision_doc.number_text}"
                ),
            )
        )
    for nomination_id, flag in flags:
        if ("flag", nomination_id) not in documents_done:
            extra.append(
                (
                    "flag",
                    nomination_id,
                    f"co-thi-dua-{_slug(flag.unit_name)}.pdf",
                    render_flag_proof(flag, invariant=True),
                )
            )

    blobs = [_evidence(doc[3], doc[2]) for doc in extra]
    with ctx.uow() as uow:
        s = uow.session
        with stored(ctx.store, s, blobs):
            for kind, subject_id, name, pdf in extra:
                existing = s.scalar(
                    select(m.IssuedDocument).where(
                        m.IssuedDocument.decision_id == decision_id,
                        m.IssuedDocument.kind == kind,
                        (m.IssuedDocument.nomination_id == subject_id)
                        if subject_id
                        else m.IssuedDocument.nomination_id.is_(None),
                    )
                )
                if existing is None:
                    s.add(
                        m.IssuedDocument(
                            decision_id=decision_id,
                            kind=kind,
                            nomination_id=subject_id,
                            file_name=name,
                            sha256=sha256_hex(pdf),
                            size=len(pdf),
                            created_at=now,
                        )
                    )
                else:
                    existing.sha256, existing.size, existing.file_name = sha256_hex(pdf), len(pdf), name
                report.documents.append(name)
                if kind == "flag" and subject_id is not None:
                    flagged = s.get(m.Nomination, subject_id)
                    if flagged is not None and flagged.status == NominationStatus.DECIDED.value:
                        move(s, flagged, "certify", actor=None, at=now, data={"flag": name})
            if planned or extra:
                audit.record(
                    s,
                    at=now,
                    actor=None,
                    action="certificates_issue",
                    entity_type="decision",
                    entity_id=decision_id,
                    data={"created": report.created, "documents": report.documents},
                )
            uow.commit()
    return report


Planned = tuple[int, int, str, str, dict[str, Any], CertificateData]


def _store_certificates(
    ctx: Context, decision_id: int, chunk: list[Planned], pdfs: list[bytes], now: datetime
) -> None:
    """One chunk: its blobs, its certificate rows and each awardee moved to certified, in one transaction."""
    blobs = [_evidence(pdf, "certificate.pdf") for pdf in pdfs]
    with ctx.uow() as uow:
        s = uow.session
        with stored(ctx.store, s, blobs):
            for (nomination_id, ordinal, golden, code, record, _), pdf in zip(chunk, pdfs, strict=True):
                s.add(
                    m.Certificate(
                        decision_id=decision_id,
                        nomination_id=nomination_id,
                        ordinal=ordinal,
                        golden_book=golden,
                        code=code,
                        record=record,
                        pdf_sha256=sha256_hex(pdf),
                        pdf_size=len(pdf),
                        issued_at=now,
                    )
                )
                nomination = s.get(m.Nomination, nomination_id)
                assert nomination is not None
                if nomination.status == NominationStatus.DECIDED.value:
                    move(
                        s,
                        nomination,
                        "certify",
                        actor=None,
                        at=now,
                        data={"golden_book": golden, "code": code},
                    )
            uow.commit()


def _issued_decision(session: Session, decision_id: int) -> m.Decision:
    decision = session.get(m.Decision, decision_id)
    if decision is None:
        raise NotFound("quyết định", decision_id)
    if decision.status != DecisionStatus.ISSUED.value:
        raise TransitionNotAllowed(
            f"Quyết định số {decision_id} chưa ban hành (chưa có số); chưa cấp bằng được."
        )
    return decision


def decision_document(ctx: Context, session: Session, decision: m.Decision) -> DecisionDocument:
    signer = session.get(m.Person, decision.signer_id) if decision.signer_id else None
    return DecisionDocument(
        issuing_body=decision.issuing_body,
        province_name=province_of(ctx, session, decision),
        number_text=decision.number_text,
        decision_date=decision.decision_date,
        award_name=decision.award_name,
        legal_basis=list(decision.legal_basis),
        proposal_ref=decision.proposal_ref,
        reason_line=decision.reason_line,
        items=[
            DecisionListItem(i.ordinal, i.nominee_name, i.nominee_kind, i.nominee_detail, i.reward_amount)
            for i in decision.items
        ],
        signer_title=decision.signer_title,
        signer_name=signer.full_name if signer else None,
        is_title=is_title(ctx, decision),
        # The Tờ trình's number is entered when the council session closes, the day it is dated.
        proposal_date=decision.created_at.astimezone(ctx.clock.tz).date() if decision.proposal_ref else None,
    )


# Danh hiệu: awarded as "tặng danh hiệu …" (NĐ 152/2025 Điều 50); Bằng khen and Cờ thi đua by their name.
CONFERRED_TITLES = (Title.CHIEN_SI_THI_DUA_TINH, Title.TAP_THE_LAO_DONG_XUAT_SAC)


def is_title(ctx: Context, decision: m.Decision) -> bool:
    award = ctx.policy.period_by_code(decision.policy_period).award_form(decision.award_form)
    return award.title in CONFERRED_TITLES


def decision_to_sign(ctx: Context, session: Session, decision: m.Decision) -> tuple[bytes, Stamp]:
    """The decision as its signer signs it (numbered when the number is known, else left blank for the
    registrar, as NĐ 30/2020 has it), and the place of the visible stamp: the blank of the signature."""
    from thidua_workflow.certificates.decision_pdf import render_decision

    spots: list[tuple[int, tuple[int, int, int, int]]] = []
    pdf = render_decision(decision_document(ctx, session, decision), invariant=True, signature_spots=spots)
    page, (left, bottom, right, top) = spots[-1]
    return pdf, Stamp((left, bottom + 4, right, top - 4), page)


def decision_pdf(ctx: Context, decision_id: int) -> bytes:
    """The decision as PDF at any stage: once issued, the file as it was issued (stored, byte for
    byte); before, a draft for the signer to preview, with the body and place of the decision's own
    province, whatever the organisation has become since."""
    from thidua_workflow.certificates.decision_pdf import render_decision

    with ctx.reader() as uow:
        decision = uow.session.get(m.Decision, decision_id)
        if decision is None:
            raise NotFound("quyết định", decision_id)
        issued = uow.session.scalar(
            select(m.IssuedDocument.sha256).where(
                m.IssuedDocument.decision_id == decision_id,
                m.IssuedDocument.kind == "decision",
                m.IssuedDocument.nomination_id.is_(None),
            )
        )
        document = None if issued else decision_document(ctx, uow.session, decision)
    if issued is not None:
        return ctx.store.read(issued)
    assert document is not None
    return render_decision(document, invariant=True)


def _slug(text: str) -> str:
    return "-".join(search_key(text).replace("/", "-").split())


@dataclass(frozen=True)
class IssuedFile:
    kind: str  # certificate | decision | batch | flag
    file_name: str
    sha256: str
    size: int
    nomination_id: int | None = None
    revoked: bool = False


def issued_files(ctx: Context, decision_id: int) -> list[IssuedFile]:
    """Everything issued for a decision: each certificate in golden-book order, then its documents."""
    files = []
    with ctx.reader() as uow:
        s = uow.session
        for cert in s.scalars(
            select(m.Certificate)
            .where(m.Certificate.decision_id == decision_id)
            .order_by(m.Certificate.ordinal)
        ):
            name = f"bang-{cert.ordinal:03d}-{_slug(str(cert.record.get('name', '')))}.pdf"
            files.append(
                IssuedFile(
                    "certificate",
                    name,
                    cert.pdf_sha256,
                    cert.pdf_size,
                    cert.nomination_id,
                    cert.revoked_at is not None,
                )
            )
        for doc in s.scalars(
            select(m.IssuedDocument)
            .where(m.IssuedDocument.decision_id == decision_id)
            .order_by(m.IssuedDocument.id)
        ):
            files.append(IssuedFile(doc.kind, doc.file_name, doc.sha256, doc.size, doc.nomination_id))
    return files


def issued_file(ctx: Context, decision_id: int, sha256: str) -> tuple[bytes, IssuedFile]:
    for item in issued_files(ctx, decision_id):
        if item.sha256 == sha256:
            return ctx.store.read(sha256), item
    raise NotFound("tệp đã cấp của quyết định", sha256[:12])


def export(ctx: Context, decision_id: int, out: Path) -> list[Path]:
    """Copy a decision's issued files into a folder for printing."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for item in issued_files(ctx, decision_id):
        target = out / item.file_name
        target.write_bytes(ctx.store.read(item.sha256))
        written.append(target)
    return written


def trust_roots(ctx: Context) -> list[bytes]:
    """The root certificates (DER) a signer's certificate must chain to (THIDUA_TRUST_ROOTS_PATH)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    path = ctx.settings.trust_roots_path
    if path is None:
        return []
    if not path.is_file():
        raise ConfigurationError(f"Không thấy tệp chứng thư gốc {path} (THIDUA_TRUST_ROOTS_PATH).")
    try:
        certs = x509.load_pem_x509_certificates(path.read_bytes())
    except ValueError as exc:
        raise ConfigurationError(f"Tệp chứng thư gốc {path} không đọc được (PEM): {exc}") from exc
    return [c.public_bytes(Encoding.DER) for c in certs]


def _verify_document(ctx: Context, pdf: bytes, signatures: list[SignatureReport]) -> Verification:
    """A PDF without a certificate's code: an issued decision (byte for byte), or what its signatures say."""
    details: dict[str, Any] = {"signatures": [r.to_dict() for r in signatures]}
    with ctx.reader() as uow:
        s = uow.session
        found = s.execute(
            select(m.Decision.id, m.Decision.number_text, m.Decision.decision_date)
            .join(m.IssuedDocument, m.IssuedDocument.decision_id == m.Decision.id)
            .where(m.IssuedDocument.sha256 == sha256_hex(pdf), m.IssuedDocument.kind == "decision")
            .limit(1)
        ).first()
        annulled = (
            s.execute(
                select(m.Nomination.nominee_name, m.Annulment.act_number, m.Annulment.act_date)
                .join(m.Nomination, m.Nomination.id == m.Annulment.nomination_id)
                .where(m.Annulment.decision_id == found[0])
                .order_by(m.Annulment.act_date, m.Annulment.id)
            ).all()
            if found is not None
            else []
        )
    if found is not None:
        _, number, day = found
        details["decision"] = number
        details["date"] = day.isoformat() if day else None
        message = f"Bản Quyết định số {number} đúng như đã ban hành."
        if annulled:
            # Genuine, but no longer whole: whoever relies on it must learn of the later annulment.
            details["annulled"] = [
                {"name": name, "act": act, "date": when.isoformat()} for name, act, when in annulled
            ]
            acts = "; ".join(
                sorted({f"Quyết định số {act} {vietnamese_date(when)}" for _, act, when in annulled})
            )
            message += (
                f" Khen thưởng của {len(annulled)} người, tập thể trong quyết định đã bị hủy bỏ theo {acts}."
            )
        return Verification("genuine", message, details)
    if signatures and signature_verdict(signatures) == "altered":
        return Verification("altered", "Chữ ký số không còn nguyên vẹn: tệp đã bị sửa sau khi ký.", details)
    if signatures:
        return Verification(
            "unknown",
            "Chữ ký số trong tệp còn nguyên vẹn, nhưng tệp không phải bản hệ thống đã cấp.",
            details,
        )
    return Verification("unknown", "Tệp này không mang mã xác thực của hệ thống.")


def verify(ctx: Context, code_or_pdf: str | bytes) -> Verification:
    """Genuine, unknown, altered or revoked: by the code (typed or from the QR), or by the PDF itself,
    whose digital signatures are read too (signer, time, intact or altered)."""
    pdf: bytes | None = None
    signatures: list[SignatureReport] = []
    if isinstance(code_or_pdf, bytes):
        pdf = code_or_pdf
        signatures = read_signatures(pdf, trust_roots(ctx))
        code = code_in_pdf(pdf)
        if code is None:
            return _verify_document(ctx, pdf, signatures)
    else:
        code = normalise_code(code_or_pdf)
        if code is None:
            return Verification(
                "unknown", "Mã xác thực không đúng dạng (16 ký tự, ví dụ ABCD-EFGH-JKLM-NPQR)."
            )
    key = certificate_key(ctx)
    with ctx.reader() as uow:
        cert = uow.session.scalar(select(m.Certificate).where(m.Certificate.code == code))
        if cert is None:
            return Verification("unknown", f"Không có bằng nào mang mã {code}.")
        details = {
            "code": code,
            "name": cert.record.get("name"),
            "award": cert.record.get("award"),
            "decision": cert.record.get("decision"),
            "date": cert.record.get("date"),
            "golden_book": cert.golden_book,
        }
        if signatures:
            details["signatures"] = [r.to_dict() for r in signatures]
        if code_for(key, cert.record) != code:
            return Verification(
                "altered", "Bản ghi của bằng không khớp mã xác thực (dữ liệu đã bị sửa).", details
            )
        if pdf is not None and (
            sha256_hex(pdf) != cert.pdf_sha256 or signature_verdict(signatures) == "altered"
        ):
            return Verification("altered", "Tệp PDF khác với bản đã cấp (đã bị sửa).", details)
        if cert.revoked_at is not None:
            details["revoked_reason"] = cert.revoked_reason
            return Verification("revoked", f"Bằng đã bị thu hồi: {cert.revoked_reason}", details)
    return Verification(
        "genuine", f"Bằng thật: {details['name']}, Quyết định số {details['decision']}.", details
    )


def revoke(ctx: Context, username: str, code: str, reason: str) -> Verification:
    """The registrar revokes a certificate (e.g. a decision annulled); verification then says so."""
    cleaned = reason_text(reason, required=True, field="reason")
    now = ctx.clock.now()
    normal = normalise_code(code)
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        require_role(actor, Role.REGISTRAR)
        cert = uow.session.scalar(select(m.Certificate).where(m.Certificate.code == normal))
        if cert is None:
            raise NotFound("bằng có mã", code)
        cert.revoked_at = now
        cert.revoked_reason = cleaned
        audit.record(
            uow.session,
            at=now,
            actor=actor,
            action="certificate_revoke",
            entity_type="certificate",
            entity_id=cert.id,
            comment=cleaned,
            data={"code": cert.code},
        )
        uow.commit()
    return verify(ctx, normal or code)
