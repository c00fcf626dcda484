"""The steps NĐ 152/2025 adds: the public posting page (anyone, no account) and the Ban's page for
posting, opinions and clearances, national proposals and annulments. Every change goes to its service."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import ClearanceBody, NationalOutcome
from thidua_workflow.errors import InputRejected
from thidua_workflow.services import annulments, clearances, national, posting
from thidua_workflow.services.visibility import require_province
from thidua_workflow.web.core import (
    RowId,
    back,
    checked_form,
    client_address,
    context,
    date_field,
    dossier_numbers,
    download,
    field,
    form_version,
    is_number,
    page_user,
    render,
    uploads,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
HUB = "/nd152"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _id(form: FormData, name: str, label: str) -> int:
    text = field(form, name, required=True, label=label) or ""
    if not is_number(text) or not 1 <= int(text) <= 2**31 - 1:
        raise InputRejected(f"'{label}': '{text}' không phải số hợp lệ.")
    return int(text)


def _date(form: FormData, name: str, label: str) -> date | None:
    text = date_field(form, name, label=label)
    return date.fromisoformat(text) if text else None


def _ids(form: FormData, name: str, label: str) -> list[int]:
    return dossier_numbers(field(form, name), label)


# --- public ---------------------------------------------------------------------------------------------


@router.get("/cong-khai", response_class=HTMLResponse)
def public_postings(request: Request) -> Response:
    """The lists under public posting today, with the form for comments and complaints."""
    views = posting.list_postings(context(request), current_only=True)
    return render(request, "posting_public.html", postings=views)


@router.post("/cong-khai/{posting_id}/y-kien")
async def public_comment(request: Request, posting_id: RowId) -> Response:
    form = await checked_form(request)
    nomination = _id(form, "nomination", "Người/tập thể được đề nghị")
    posting.submit_public_comment(
        context(request),
        posting_id,
        nomination,
        author_name=field(form, "author_name", required=True, label="Họ tên người gửi") or "",
        contact=field(form, "contact"),
        body=field(form, "body", required=True, label="Nội dung ý kiến") or "",
        client_address=client_address(request),
    )
    return back(
        request, "/cong-khai", "Đã nhận ý kiến của bạn; Ban Thi đua – Khen thưởng sẽ xem xét, trả lời."
    )


# --- the Ban's page -----------------------------------------------------------------------------------


@router.get(HUB, response_class=HTMLResponse)
def hub(request: Request, actor: User) -> Response:
    require_province(actor, "các thủ tục theo Nghị định 152/2025/NĐ-CP")
    ctx = context(request)
    return render(
        request,
        "steps2025.html",
        actor=actor,
        postings=posting.list_postings(ctx),
        requests=clearances.list_for(ctx),
        bodies=list(ClearanceBody),
        waiting=national.waiting(ctx),
        proposals=national.list_proposals(ctx),
        annulled=annulments.list_annulments(ctx),
    )


@router.post(f"{HUB}/posting")
def hub_publish(request: Request, actor: User, form: Form) -> Response:
    view = posting.publish(
        context(request), actor.username, _ids(form, "nominations", "Hồ sơ"), title=field(form, "title")
    )
    return back(request, HUB, f"Đã công khai danh sách số {view.id} đến hết ngày {view.ends_on:%d/%m/%Y}.")


@router.post(f"{HUB}/posting/{{posting_id}}/comment")
def hub_comment(request: Request, posting_id: RowId, actor: User, form: Form) -> Response:
    comment_id = posting.enter_comment(
        context(request),
        actor.username,
        posting_id,
        _id(form, "nomination", "Hồ sơ"),
        author_name=field(form, "author_name", required=True, label="Người gửi") or "",
        contact=field(form, "contact"),
        body=field(form, "body", required=True, label="Nội dung") or "",
    )
    return back(request, HUB, f"Đã nhập ý kiến số {comment_id}.")


@router.post(f"{HUB}/comments/{{comment_id}}/answer")
def hub_answer(request: Request, comment_id: RowId, actor: User, form: Form) -> Response:
    view = posting.answer(
        context(request),
        actor.username,
        comment_id,
        field(form, "answer", required=True, label="Trả lời") or "",
        expected_version=form_version(form),
    )
    return back(request, HUB, f"Đã trả lời ý kiến số {view.id}.")


@router.post(f"{HUB}/clearances")
def hub_request(request: Request, actor: User, form: Form) -> Response:
    extra = []
    for value in form.getlist("body"):
        if isinstance(value, str) and value:
            try:
                extra.append(ClearanceBody(value))
            except ValueError as exc:
                raise InputRejected(f"'{value}' không phải cơ quan được xin ý kiến.") from exc
    views = clearances.request(
        context(request),
        actor.username,
        _id(form, "nomination", "Hồ sơ"),
        enterprise=field(form, "enterprise") == "1",
        extra=extra,
        letter_ref=field(form, "letter_ref"),
    )
    return back(request, HUB, f"Đã gửi {len(views)} yêu cầu xin ý kiến (hạn trả lời 10 ngày làm việc).")


@router.post(f"{HUB}/clearances/{{request_id}}/reply")
def hub_reply(request: Request, request_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    files = uploads(form, "document", clearances.MAX_REPLY_BYTES)
    document = next(iter(files.items()), None)
    view = clearances.reply(
        ctx,
        actor.username,
        request_id,
        favourable=field(form, "decision") != "adverse",
        reply_on=_date(form, "reply_on", "Ngày văn bản trả lời") or ctx.clock.today(),
        text=field(form, "text"),
        reply_ref=field(form, "reply_ref"),
        document=document,
        expected_version=form_version(form),
    )
    return back(request, HUB, f"Hồ sơ số {view.nomination_id}: {view.body_label} — {view.status_label}.")


@router.get(f"{HUB}/clearances/{{request_id}}/document")
def hub_reply_document(request: Request, request_id: RowId, actor: User) -> Response:
    require_province(actor, "văn bản trả lời của cơ quan")
    ctx = context(request)
    found = next((c for c in clearances.list_for(ctx) if c.id == request_id), None)
    if found is None or found.document_sha256 is None:
        raise InputRejected(f"Yêu cầu số {request_id} chưa có văn bản trả lời.")
    data = ctx.store.read(found.document_sha256)
    media = "application/pdf" if data.startswith(b"%PDF-") else "application/octet-stream"
    return download(data, found.document_name or "van-ban-tra-loi", media)


@router.post(f"{HUB}/national")
def hub_prepare(request: Request, actor: User, form: Form) -> Response:
    view = national.prepare(
        context(request), actor.username, field(form, "award_form", required=True, label="Hình thức") or ""
    )
    return back(request, HUB, f"Đã lập hồ sơ trình số {view.id} ({len(view.items)} trường hợp).")


@router.get(f"{HUB}/national/{{proposal_id}}/package.zip")
def hub_package(request: Request, proposal_id: RowId, actor: User) -> Response:
    require_province(actor, "hồ sơ trình cấp Nhà nước")
    name, data = national.package(context(request), proposal_id)
    return download(data, name, ZIP)


@router.post(f"{HUB}/national/{{proposal_id}}/sent")
def hub_sent(request: Request, proposal_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    view = national.mark_sent(
        ctx,
        actor.username,
        proposal_id,
        letter_ref=field(form, "letter_ref", required=True, label="Số công văn") or "",
        sent_on=_date(form, "sent_on", "Ngày gửi") or ctx.clock.today(),
    )
    return back(request, HUB, f"Hồ sơ trình số {view.id}: {view.status_label}.")


@router.post(f"{HUB}/national/outcome/{{nomination_id}}")
def hub_outcome(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    outcome = NationalOutcome.DECLINED if field(form, "outcome") == "declined" else NationalOutcome.AWARDED
    national.record_outcome(
        context(request),
        actor.username,
        nomination_id,
        outcome=outcome,
        decision_ref=field(form, "decision_ref"),
        decided_on=_date(form, "decided_on", "Ngày quyết định"),
        note=field(form, "note"),
    )
    return back(request, HUB, f"Hồ sơ số {nomination_id}: {outcome.label}.")


@router.post(f"{HUB}/annul")
def hub_annul(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    named = _ids(form, "nominations", "Hồ sơ")
    views = annulments.annul(
        ctx,
        actor.username,
        annulments.find_issued_decision(
            ctx, field(form, "decision", required=True, label="Quyết định bị hủy bỏ") or ""
        ),
        act_number=field(form, "act_number", required=True, label="Số quyết định hủy bỏ") or "",
        act_date=_date(form, "act_date", "Ngày quyết định hủy bỏ") or ctx.clock.today(),
        ground=field(form, "ground") or "",
        nomination_ids=named or None,
        act_signer=field(form, "act_signer"),
    )
    return back(request, HUB, f"Đã hủy bỏ khen thưởng của {len(views)} trường hợp; bằng đã bị thu hồi.")


@router.post(f"{HUB}/annul/{{nomination_id}}/recovered")
def hub_recovered(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    annulments.record_recovery(
        ctx,
        actor.username,
        nomination_id,
        recovered_on=_date(form, "recovered_on", "Ngày thu hồi") or ctx.clock.today(),
        note=field(form, "note"),
        voucher=field(form, "voucher"),
    )
    return back(request, HUB, f"Hồ sơ số {nomination_id}: đã ghi nhận thu hồi.")


@router.get(f"{HUB}/annul/{{decision_id}}/quyet-dinh-huy-bo.docx")
def hub_annul_document(request: Request, decision_id: RowId, act: str, actor: User) -> Response:
    require_province(actor, "quyết định hủy bỏ")
    name, data = annulments.document(context(request), decision_id, act)
    return download(data, name, DOCX)
