"""Pages anyone may open without signing in: certificate verification and the look-up of awards."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from thidua_workflow.services import certificates, lookup
from thidua_workflow.web.core import checked_form, context, render, year_filter

router = APIRouter()

VERDICT_LABELS = {
    "genuine": "Bằng thật",
    "unknown": "Không tìm thấy",
    "altered": "Đã bị sửa đổi",
    "revoked": "Đã bị thu hồi",
}


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, code: str | None = None) -> Response:
    result = certificates.verify(context(request), code) if code else None
    return render(request, "verify.html", result=result, labels=VERDICT_LABELS, code=code or "")


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify_code(request: Request, code: str) -> Response:
    """The QR code's target."""
    result = certificates.verify(context(request), code)
    return render(request, "verify.html", result=result, labels=VERDICT_LABELS, code=code)


@router.post("/verify", response_class=HTMLResponse)
async def verify_pdf(request: Request) -> Response:
    """A PDF uploaded by whoever holds it: genuine only if it is byte for byte the issued file; its
    digital signatures are shown (signer, time, intact or altered)."""
    form = await checked_form(request)
    upload = form.get("pdf")
    data = b""
    if isinstance(upload, UploadFile):
        limit = context(request).settings.max_evidence_bytes
        data = await upload.read(limit + 1)
    if not data or len(data) > context(request).settings.max_evidence_bytes:
        return render(
            request,
            "verify.html",
            400,
            result=None,
            labels=VERDICT_LABELS,
            code="",
            error="Chọn tệp PDF của bằng (không quá giới hạn dung lượng).",
        )
    # off the event loop: reading the signatures is CPU work, and pyHanko's validator runs its own loop
    result = await run_in_threadpool(certificates.verify, context(request), data)
    return render(request, "verify.html", result=result, labels=VERDICT_LABELS, code="")


@router.get("/tra-cuu", response_class=HTMLResponse)
def look_up(request: Request, name: str = "", unit: str = "", year: str = "") -> Response:
    typed_year = year.strip()
    year_number = year_filter(typed_year)
    # A year that is not one is said, not dropped: the search would otherwise list every year unasked.
    year_problem = (
        f"Năm: '{typed_year[:20]}' không phải năm; hãy gõ năm chỉ gồm chữ số, ví dụ 2020."
        if typed_year and year_number is None
        else None
    )
    searched = bool(name.strip() or unit.strip() or year_number) and year_problem is None
    found = (
        lookup.search_awardees(context(request), name=name, unit=unit, year=year_number)
        if searched
        else lookup.AwardeeSearch([], True)
    )
    return render(
        request,
        "lookup.html",
        rows=found.rows,
        complete=found.complete,
        name=name,
        unit=unit,
        year=year,
        year_problem=year_problem,
        searched=searched,
    )
