"""The Ministry's statistical report forms and the reward fund, for the Ban's staff (issue 20b).

The pages only read forms and call the services; who may see and do what is decided there
(``authz.STATISTICS_ROLES``, ``authz.FUND_ROLES``), and a refusal is the services' Vietnamese message.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow.domain.authz import FUND_ROLES, STATISTICS_ROLES, Actor, require_any_role
from thidua_workflow.domain.enums import FundSource
from thidua_workflow.errors import InputRejected
from thidua_workflow.services import fund, statistics
from thidua_workflow.web.core import (
    RowId,
    back,
    checked_form,
    context,
    date_field,
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


def _default_year(request: Request) -> int:
    """The reporting year that ended last (it runs to 30/11), or the current one after 30/11."""
    today = context(request).clock.today()
    return today.year if today >= date(today.year, 11, 30) else today.year - 1


GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+")


def _int(form: FormData, name: str, label: str, *, required: bool = True) -> int | None:
    text = field(form, name, required=required, label=label)
    if text is None:
        return None
    # The dot (or a space) groups thousands, only between groups of three: '1.5' is no 15.
    cleaned = text.replace(".", "").replace(" ", "")
    if not is_number(cleaned) or not (is_number(text) or GROUPED.fullmatch(text)):
        raise InputRejected(
            f"{label}: '{text}' không phải số nguyên không âm; hãy gõ chỉ gồm chữ số, ví dụ 1.500.000."
        )
    return int(cleaned)


# --- the report forms -----------------------------------------------------------------------------------


@router.get("/reports", response_class=HTMLResponse)
def report_list(
    request: Request, actor: User, year: Annotated[int | None, Query(ge=1945, le=2200)] = None
) -> Response:
    require_any_role(actor, STATISTICS_ROLES, "Biểu mẫu báo cáo thống kê")
    shown = year or _default_year(request)
    period, forms = statistics.list_forms(shown)
    start, end = period.bounds(shown)
    rows = [(key, spec, spec.kind in statistics.ENTERED_KINDS) for key, spec in forms]
    return render(
        request,
        "reports.html",
        actor=actor,
        year=shown,
        period=period,
        start=start,
        end=end,
        rows=rows,
        origin=statistics.origin_text,
    )


def _report_key(key: str) -> str:
    if not (len(key) == 4 and is_number(key)):
        raise InputRejected(f"Mã biểu '{key}' không hợp lệ (ví dụ 0603).")
    return key


@router.get("/reports/{year}/{key}", response_class=HTMLResponse)
def report_page(request: Request, year: int, key: str, actor: User) -> Response:
    report = statistics.build_form(context(request), actor.username, year, _report_key(key))
    entered = report.spec.kind in statistics.ENTERED_KINDS
    return render(
        request,
        "report.html",
        actor=actor,
        r=report,
        entered=entered,
        origin=statistics.origin_text(report.spec.kind),
    )


@router.post("/reports/{year}/{key}")
def report_enter(request: Request, year: int, key: str, actor: User, form: Form) -> Response:
    ctx = context(request)
    report = statistics.build_form(ctx, actor.username, year, _report_key(key))
    figures: dict[str, dict[str, int]] = {}
    for row in report.spec.entered_rows:
        for column in report.spec.entered_columns:
            value = _int(
                form, f"c_{row.code}_{column.key}", f"Dòng {row.code}, cột {column.printed}", required=False
            )
            if value:
                figures.setdefault(row.code or "", {})[column.key] = value
    version = form_version(form)
    new = statistics.enter_figures(ctx, actor.username, year, key, figures, expected_version=version)
    return back(
        request,
        f"/reports/{year}/{key}",
        f"Đã lưu số liệu biểu {report.spec.code} năm {year} (phiên bản {new}).",
    )


@router.get("/reports/{year}/{key}/bieu.xlsx")
def report_xlsx(request: Request, year: int, key: str, actor: User) -> Response:
    name, data, media = statistics.export_form(
        context(request), actor.username, year, _report_key(key), "xlsx"
    )
    return download(data, name, media)


@router.get("/reports/{year}/{key}/bieu.pdf")
def report_pdf(request: Request, year: int, key: str, actor: User) -> Response:
    name, data, media = statistics.export_form(
        context(request), actor.username, year, _report_key(key), "pdf"
    )
    return download(data, name, media, inline=True)


# --- the reward fund ------------------------------------------------------------------------------------


@router.get("/fund", response_class=HTMLResponse)
def fund_page(
    request: Request, actor: User, year: Annotated[int | None, Query(ge=1945, le=2200)] = None
) -> Response:
    require_any_role(actor, FUND_ROLES, "Quỹ thi đua, khen thưởng")
    ctx = context(request)
    shown = year or ctx.clock.today().year
    return render(
        request,
        "fund.html",
        actor=actor,
        year=shown,
        balances=fund.balances(ctx, actor.username, shown),
        lines=fund.ledger(ctx, actor.username, shown),
        awards=fund.awards_money(ctx, actor.username, shown),
        version=fund.book_version(ctx),
        sources=[(s.value, s.label) for s in FundSource],
    )


def _voucher(request: Request, form: FormData) -> fund.Voucher:
    dated = date_field(form, "voucher_date", label="Ngày chứng từ")
    if dated is None:
        raise InputRejected("Chưa nhập 'Ngày chứng từ'.")
    files = uploads(form, "voucher_file", context(request).settings.max_evidence_bytes)
    name, data = next(iter(files.items()), (None, None))
    return fund.Voucher(field(form, "voucher_number") or "", date.fromisoformat(dated), name, data)


@router.post("/fund/income")
def fund_income(request: Request, actor: User, form: Form) -> Response:
    entry = fund.record_income(
        context(request),
        actor.username,
        year=_int(form, "year", "Năm ngân sách") or 0,
        source=field(form, "source", required=True, label="Nguồn quỹ") or "",
        amount=_int(form, "amount", "Số tiền") or 0,
        voucher=_voucher(request, form),
        note=field(form, "note"),
        expected_version=form_version(form),
    )
    return back(request, f"/fund?year={entry.year}", f"Đã ghi bút toán {entry.id}: {entry.kind_label}.")


@router.post("/fund/pay/{item_id}")
def fund_pay(request: Request, item_id: RowId, actor: User, form: Form) -> Response:
    entry = fund.record_payment(
        context(request),
        actor.username,
        item_id=item_id,
        amount=_int(form, "amount", "Số tiền") or 0,
        source=field(form, "source", required=True, label="Nguồn quỹ") or "",
        voucher=_voucher(request, form),
        note=field(form, "note"),
        expected_version=form_version(form),
    )
    return back(
        request, f"/fund?year={entry.year}", f"Đã ghi bút toán {entry.id}: chi thưởng cho {entry.payee}."
    )


@router.post("/fund/organising")
def fund_organising(request: Request, actor: User, form: Form) -> Response:
    entry = fund.record_organising(
        context(request),
        actor.username,
        amount=_int(form, "amount", "Số tiền") or 0,
        source=field(form, "source", required=True, label="Nguồn quỹ") or "",
        voucher=_voucher(request, form),
        note=field(form, "note"),
        expected_version=form_version(form),
    )
    return back(request, f"/fund?year={entry.year}", f"Đã ghi bút toán {entry.id}: {entry.kind_label}.")


@router.post("/fund/entries/{entry_id}/reverse")
def fund_reverse(request: Request, entry_id: RowId, actor: User, form: Form) -> Response:
    entry = fund.reverse_entry(
        context(request),
        actor.username,
        entry_id,
        reason=field(form, "reason", required=True, label="Lý do điều chỉnh") or "",
        expected_version=form_version(form),
    )
    return back(request, f"/fund?year={entry.year}", f"Đã ghi bút toán {entry.id}: đảo bút toán {entry_id}.")


@router.get("/fund/entries/{entry_id}/voucher")
def fund_voucher(request: Request, entry_id: RowId, actor: User) -> Response:
    name, data = fund.voucher_file(context(request), actor.username, entry_id)
    media = "application/pdf" if data.startswith(b"%PDF") else "application/octet-stream"
    return download(data, name, media)
