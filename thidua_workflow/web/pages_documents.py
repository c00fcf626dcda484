"""A round's paperwork at the step where it is made: the .docx and PDF to download, the signed scan to
upload back. Offered on the round's, the session's and the decision's pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from thidua_workflow.certificates.word import KINDS
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import InputRejected, NotFound, NotPermitted
from thidua_workflow.services import paperwork, rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.visibility import province_wide, require_province
from thidua_workflow.web.core import RowId, back, checked_form, context, download, page_user, uploads

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
PAGES = {"round": "/rounds/{id}", "session": "/sessions/{id}", "decision": "/decisions/{id}"}


@dataclass(frozen=True)
class Offered:
    kind: str
    title: str
    subject_id: int
    stem: str
    scans: list[paperwork.SignedScan]
    may_attach: bool


def _kind(kind: str) -> str:
    if kind not in paperwork.SUBJECTS:
        raise NotFound("loại văn bản", kind)
    return kind


def _require_seen(ctx: Context, actor: Actor, kind: str, subject_id: int) -> None:
    """The bloc's minutes: the province bodies and the bloc's members; the rest: the province bodies."""
    if kind == "bien-ban-khoi" and not province_wide(actor):
        members = set(rounds.show_round(ctx, subject_id).members)
        if actor.units_for(Role.BLOC_REPRESENTATIVE) & members:
            return
    require_province(actor, KINDS[kind].lower())


def offered(ctx: Context, actor: Actor, subject: str, subject_id: int) -> list[Offered]:
    """The documents of this round, session or decision that the records allow now, for its page."""
    found = []
    for kind, sid in paperwork.available(ctx):
        if paperwork.SUBJECTS[kind] != subject or sid != subject_id:
            continue
        try:
            _require_seen(ctx, actor, kind, sid)
        except NotPermitted:  # not this person's document: not offered
            continue
        found.append(
            Offered(
                kind,
                KINDS[kind],
                sid,
                paperwork.file_stem(kind, sid),
                paperwork.signed_scans(ctx, kind, sid),
                actor.has(paperwork.SIGNERS[kind]),
            )
        )
    return found


@router.get("/documents/{kind}/{subject_id}.{fmt}")
def document_file(request: Request, kind: str, subject_id: RowId, fmt: str, actor: User) -> Response:
    ctx = context(request)
    _require_seen(ctx, actor, _kind(kind), subject_id)
    if fmt not in paperwork.FORMATS:
        raise NotFound("định dạng văn bản", fmt)
    made = paperwork.make(ctx, kind, subject_id, fmt)
    return download(made.content, made.file_name, made.media_type)


@router.get("/documents/{kind}/{subject_id}/signed/{sha256}")
def signed_file(request: Request, kind: str, subject_id: RowId, sha256: str, actor: User) -> Response:
    ctx = context(request)
    _require_seen(ctx, actor, _kind(kind), subject_id)
    for scan in paperwork.signed_scans(ctx, kind, subject_id):
        if scan.sha256 == sha256:
            return download(ctx.store.read(sha256), scan.file_name, "application/pdf")
    raise NotFound("bản ký quét", sha256[:12])


@router.post("/documents/{kind}/{subject_id}/signed")
def signed_upload(request: Request, kind: str, subject_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    _require_seen(ctx, actor, _kind(kind), subject_id)
    files = uploads(form, "scan", paperwork.MAX_SCAN_BYTES)
    if len(files) != 1:
        raise InputRejected("Chọn một tệp PDF bản đã ký, đóng dấu.")
    [(name, data)] = files.items()
    done = paperwork.attach_signed(ctx, actor.username, kind, subject_id, name, data)
    page = PAGES[paperwork.SUBJECTS[kind]].format(id=subject_id)
    return back(request, page, f"Đã lưu bản ký {done.file_name} của {KINDS[kind].lower()}.")
