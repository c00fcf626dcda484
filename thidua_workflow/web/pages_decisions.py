"""Decisions: the signer's preview and signature, the registrar's number and downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow import spreadsheets
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import DecisionStatus, Role
from thidua_workflow.errors import InputRejected
from thidua_workflow.services import annulments, certificates, decisions, signers
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.visibility import province_wide, require_decision, require_province
from thidua_workflow.web import pages_documents
from thidua_workflow.web.core import (
    RowId,
    back,
    checked_form,
    context,
    date_field,
    download,
    field,
    is_number,
    page_user,
    render,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _seen(request: Request, actor: Actor, decision_id: RowId) -> decisions.DecisionView:
    """An issued decision is a public document; a draft is the province bodies' business."""
    view = decisions.show_decision(context(request), decision_id)
    require_decision(actor, decision_id, view.status)
    return view


@router.get("/decisions", response_class=HTMLResponse)
def decision_list(request: Request, actor: User) -> Response:
    every = decisions.list_decisions(context(request))
    shown = every if province_wide(actor) else [d for d in every if d.status == DecisionStatus.ISSUED.value]
    return render(request, "decisions.html", actor=actor, decisions=shown)


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
def decision_page(request: Request, decision_id: RowId, actor: User) -> Response:
    ctx = context(request)
    view = _seen(request, actor, decision_id)
    task = next(iter(task_service.list_tasks(ctx, actor.username, decision_id=decision_id)), None)
    files = certificates.issued_files(ctx, decision_id) if view.status == DecisionStatus.ISSUED.value else []
    may_download = actor.has(Role.REGISTRAR) or province_wide(actor)
    documents = pages_documents.offered(ctx, actor, "decision", decision_id)
    own = signers.show_signer(ctx, actor.username) if task and task.kind == "decision_sign" else None
    # Whoever reads a decision must see at once whose awards a later decision annulled (NĐ 152 Điều 56).
    annulled = {a.nomination_id: a for a in annulments.list_annulments(ctx, decision_id=decision_id)}
    return render(
        request,
        "decision.html",
        actor=actor,
        d=view,
        task=task,
        files=files,
        may_download=may_download,
        documents=documents,
        own=own,
        annulled=annulled,
        annulling_acts=sorted({(a.act_number, a.act_date) for a in annulled.values()}, key=lambda x: x[1]),
    )


@router.get("/decisions/{decision_id}/preview.pdf")
def decision_preview(request: Request, decision_id: RowId, actor: User) -> Response:
    view = _seen(request, actor, decision_id)
    pdf = certificates.decision_pdf(context(request), decision_id)
    name = f"quyet-dinh-{view.number_text or f'du-thao-{decision_id}'}.pdf".replace("/", "-")
    return download(pdf, name, "application/pdf", inline=True)


@router.get("/decisions/{decision_id}/annex.xlsx")
def decision_annex(request: Request, decision_id: RowId, actor: User) -> Response:
    view = _seen(request, actor, decision_id)
    rows = [(i["ordinal"], i["name"], i["detail"] or "", i["reward"]) for i in view.items]
    data = spreadsheets.rows_to_xlsx(
        f"QĐ {view.number_text or f'dự thảo {decision_id}'}",
        ["STT", "Họ tên / tên tập thể", "Chức vụ, đơn vị", "Tiền thưởng (đồng)"],
        rows,
    )
    return download(data, f"danh-sach-quyet-dinh-{decision_id}.xlsx", XLSX)


@router.get("/decisions/{decision_id}/files/{sha256}")
def decision_file(request: Request, decision_id: RowId, sha256: str, actor: User) -> Response:
    _seen(request, actor, decision_id)
    if not (actor.has(Role.REGISTRAR) or province_wide(actor)):
        require_province(actor, "các tệp in của quyết định")
    data, item = certificates.issued_file(context(request), decision_id, sha256)
    return download(data, item.file_name, "application/pdf")


@router.post("/decisions/{decision_id}/act")
def decision_act(request: Request, decision_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    decision = field(form, "decision", required=True, label="Quyết định") or ""
    task = next(iter(task_service.list_tasks(ctx, actor.username, decision_id=decision_id)), None)
    if task is None:
        raise InputRejected(f"Bạn không có việc nào đang chờ với quyết định số {decision_id}.")
    payload = task_service.Payload(comment=field(form, "comment"))
    number = field(form, "number")
    if number is not None:
        if not is_number(number):
            raise InputRejected(f"Số quyết định '{number}' phải là số nguyên theo sổ đăng ký văn bản.")
        payload.number = int(number)
    if decision == "sign":
        # the token's PIN, or the remote account's password and one-time code: passed on, never kept
        payload.secret = signers.SigningSecret(
            pin=_secret(form, "pin"), password=_secret(form, "password"), otp=_secret(form, "otp")
        )
    dated = date_field(form, "dated", label="Ngày ban hành")
    if dated:
        payload.dated = date.fromisoformat(dated)
    result = task_service.act(ctx, actor.username, task.id, decision, payload)
    return back(request, f"/decisions/{decision_id}", f"Đã xử lý: {result.summary}.")


def _secret(form: FormData, name: str) -> str | None:
    """A secret field as typed (not trimmed or normalised: a PIN is exact), or None when empty."""
    value = form.get(name)
    return value if isinstance(value, str) and value else None
