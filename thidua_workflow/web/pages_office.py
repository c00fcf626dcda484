"""The office at work (issue 22): the Ban's dashboard, delegations, notifications in the app, the audit
record's exports and their check, and reassigning tasks in bulk. Every change is a service call."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow import spreadsheets
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import InputRejected, NotPermitted
from thidua_workflow.services import audit_export, dashboard, delegation, notifications
from thidua_workflow.services import tasks as task_service
from thidua_workflow.web.charts import grouped_bars, hbars
from thidua_workflow.web.core import (
    RowId,
    UnitNames,
    award_names,
    back,
    checked_form,
    context,
    date_field,
    download,
    field,
    flash,
    form_version,
    ids_in,
    is_number,
    page_user,
    render,
    uploads,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


# --- the dashboard ---------------------------------------------------------------------------------


def _filters(
    request: Request, year: str | None, unit: str | None, award: str | None, weeks: str | None
) -> dashboard.Filters:
    today = context(request).clock.today()
    chosen_year = int(year) if is_number(year) and 1945 <= int(year) <= 2100 else today.year - 1
    span = int(weeks) if is_number(weeks) and 4 <= int(weeks) <= 52 else 12
    return dashboard.Filters(year=chosen_year, unit=unit or None, award=award or None, weeks=span)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    actor: User,
    year: str | None = None,
    unit: str | None = None,
    award: str | None = None,
    weeks: str | None = None,
) -> Response:
    """Bảng theo dõi: where the dossiers are, who has work waiting, overdue work, throughput, the year."""
    ctx = context(request)
    view = dashboard.show(ctx, actor, _filters(request, year, unit, award, weeks))
    labels = dict(view.statuses)
    stage_chart = hbars(
        f"Hồ sơ năm {view.filters.year} theo giai đoạn",
        [(labels[s], view.totals.get(s, 0)) for s, _ in view.statuses],
    )
    week_chart = grouped_bars(
        "Số hồ sơ chuyển bước mỗi tuần",
        [(f"{start:%d/%m}", [counts[k] for k, _ in view.series]) for start, counts in view.weeks],
        [label for _, label in view.series],
    )
    compare = [
        (label, [view.this_year.get(s, 0), view.last_year.get(s, 0)])
        for s, label in view.statuses
        if view.this_year.get(s, 0) or view.last_year.get(s, 0)
    ]
    year_chart = grouped_bars(
        f"Năm {view.filters.year} so với năm {view.filters.year - 1}",
        compare or [("—", [0, 0])],
        [f"Năm {view.filters.year}", f"Năm {view.filters.year - 1}"],
    )
    return render(
        request,
        "dashboard.html",
        actor=actor,
        v=view,
        stage_chart=stage_chart,
        week_chart=week_chart,
        year_chart=year_chart,
        award_labels=award_names(ctx),
        query=str(request.url.query),
    )


@router.get("/dashboard.xlsx")
def dashboard_xlsx(
    request: Request,
    actor: User,
    year: str | None = None,
    unit: str | None = None,
    award: str | None = None,
    weeks: str | None = None,
) -> Response:
    ctx = context(request)
    view = dashboard.show(ctx, actor, _filters(request, year, unit, award, weeks))
    headers = ["Đơn vị", *(label for _, label in view.statuses), "Tổng"]
    data = spreadsheets.rows_to_xlsx(
        f"Theo dõi năm {view.filters.year}", headers, dashboard.sheet_rows(view, UnitNames(ctx))
    )
    return download(data, f"bang-theo-doi-{view.filters.year}.xlsx", XLSX)


@router.post("/dashboard/refresh")
def dashboard_refresh(request: Request, actor: User, form: Form) -> Response:
    dashboard.refresh(context(request), actor)
    return back(request, "/dashboard", "Đã tính lại số liệu của bảng theo dõi.")


# --- delegations -----------------------------------------------------------------------------------


@router.get("/delegations", response_class=HTMLResponse)
def delegation_page(request: Request, actor: User) -> Response:
    ctx = context(request)
    return render(
        request,
        "delegations.html",
        actor=actor,
        delegations=delegation.list_delegations(ctx, actor.username),
        roles=delegation.delegable_roles(actor),
        colleagues=delegation.colleagues(ctx, actor),
        operator=actor.has(Role.OPERATOR),
    )


@router.post("/delegations")
def delegation_create(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    starts = date_field(form, "starts_on", label="Từ ngày")
    ends = date_field(form, "ends_on", label="Đến ngày")
    if starts is None or ends is None:
        raise InputRejected("Cần nhập cả 'Từ ngày' và 'Đến ngày' của ủy quyền.")
    view = delegation.delegate(
        ctx,
        actor.username,
        from_username=field(form, "from") or actor.username,
        to_username=field(form, "to", required=True, label="Người được ủy quyền") or "",
        role=field(form, "role", required=True, label="Vai trò") or "",
        starts_on=date.fromisoformat(starts),
        ends_on=date.fromisoformat(ends),
        reason=field(form, "reason") or "",
    )
    return back(request, "/delegations", f"Đã ủy quyền số {view.id} cho {view.to_name}.")


@router.post("/delegations/{delegation_id}/revoke")
def delegation_revoke(request: Request, delegation_id: RowId, actor: User, form: Form) -> Response:
    delegation.revoke(
        context(request),
        actor.username,
        delegation_id,
        field(form, "reason") or "",
        expected_version=form_version(form),
    )
    return back(request, "/delegations", f"Đã thu hồi ủy quyền số {delegation_id}.")


# --- notifications in the app ------------------------------------------------------------------------


@router.get("/notifications", response_class=HTMLResponse)
def notification_page(request: Request, actor: User) -> Response:
    ctx = context(request)
    return render(
        request,
        "notifications.html",
        actor=actor,
        notices=notifications.list_notices(ctx, actor.person_id),
        choices=notifications.choices_of(ctx, actor.person_id),
        kinds=notifications.KINDS,
        channels=notifications.CHANNELS,
        cadences=notifications.CADENCES,
    )


@router.post("/notifications/read")
def notifications_read(request: Request, actor: User, form: Form) -> Response:
    chosen = sorted(ids_in(form, "notice", "Số thông báo"))
    if not chosen and field(form, "all") is None:
        raise InputRejected("Chưa chọn thông báo nào.")
    count = notifications.mark_read(context(request), actor.person_id, None if field(form, "all") else chosen)
    return back(request, "/notifications", f"Đã đánh dấu đã đọc {count} thông báo.")


@router.post("/notifications/choices")
def notification_choices(request: Request, actor: User, form: Form) -> Response:
    chosen = {
        kind: (field(form, f"channel__{kind}") or "", field(form, f"cadence__{kind}") or "")
        for kind in notifications.KINDS
    }
    notifications.choose(context(request), actor.person_id, chosen)
    return back(request, "/notifications", "Đã lưu cách nhận thông báo.")


# --- the audit record's exports ------------------------------------------------------------------------


@router.get("/audit/{kind}/{entity_id}", response_class=HTMLResponse)
def audit_page(request: Request, kind: str, entity_id: RowId, actor: User) -> Response:
    record = audit_export.export(context(request), actor, kind, entity_id)
    return render(request, "audit_record.html", actor=actor, r=record, kind_label=audit_export.KINDS[kind])


@router.get("/audit/{kind}/{entity_id}/record.csv")
def audit_csv(request: Request, kind: str, entity_id: RowId, actor: User) -> Response:
    record = audit_export.export(context(request), actor, kind, entity_id)
    return download(record.csv_bytes(), f"nhat-ky-{kind}-{entity_id}.csv", CSV)


@router.get("/audit/{kind}/{entity_id}/record.xlsx")
def audit_xlsx(request: Request, kind: str, entity_id: RowId, actor: User) -> Response:
    record = audit_export.export(context(request), actor, kind, entity_id)
    return download(record.xlsx_bytes(), f"nhat-ky-{kind}-{entity_id}.xlsx", XLSX)


@router.get("/audit-check", response_class=HTMLResponse)
def audit_check_page(request: Request, actor: User) -> Response:
    return render(request, "audit_check.html", actor=actor, result=None)


@router.post("/audit-check", response_class=HTMLResponse)
def audit_check(request: Request, actor: User, form: Form) -> Response:
    files = uploads(form, "file", 20 * 1024 * 1024)
    if not files:
        raise InputRejected("Chưa chọn tệp nhật ký (.csv hoặc .xlsx) cần kiểm tra.")
    name, raw = next(iter(files.items()))
    return render(request, "audit_check.html", actor=actor, result=audit_export.verify(name, raw), name=name)


# --- reassigning tasks (operators), in bulk ----------------------------------------------------------


@router.get("/tasks/reassign", response_class=HTMLResponse)
def reassign_page(request: Request, actor: User) -> Response:
    if not actor.has(Role.OPERATOR):
        raise NotPermitted(f"Chỉ người quản trị được giao lại việc; {actor.label} không có vai trò đó.")
    return render(
        request,
        "reassign.html",
        actor=actor,
        tasks=task_service.overdue_tasks(context(request), overdue_only=False, limit=200),
    )


@router.post("/tasks/reassign")
def reassign(request: Request, actor: User, form: Form) -> Response:
    chosen = sorted(ids_in(form, "task", "Số việc"))
    if not chosen:
        raise InputRejected("Chưa chọn việc nào để giao lại.")
    results = delegation.reassign_many(
        context(request),
        actor.username,
        chosen,
        field(form, "to", required=True, label="Giao cho") or "",
        field(form, "reason") or "",
    )
    for r in results:
        flash(request, f"Việc số {r.item}: {r.message}", "ok" if r.ok else "error")
    return back(request, "/tasks/reassign")
