"""The year around the awards (issue 20a): movements with their documents, reviews and registrations;
a unit's registration (web form or the Excel template); the chair's collection; the bloc's yearly pledge
and its signatures; the public list of a movement's results. Every change is a service call."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow import registration_sheet
from thidua_workflow.domain import movements as mv
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import NomineeKind, Role
from thidua_workflow.errors import InputRejected, ValidationFailed
from thidua_workflow.services import movements, pledges, registrations
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
    uploads,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLANK_LINES = 6


def _may_launch(actor: Actor) -> bool:
    return actor.has(Role.APPRAISER) or actor.has(Role.BLOC_REPRESENTATIVE) or actor.has(Role.UNIT_HEAD)


def _my_units(actor: Actor) -> list[str]:
    return sorted(actor.units_for(Role.UNIT_CLERK) | actor.units_for(Role.UNIT_HEAD))


@router.get("/movements", response_class=HTMLResponse)
def movement_list(request: Request, actor: User) -> Response:
    ctx = context(request)
    return render(
        request,
        "movements.html",
        actor=actor,
        movements=movements.list_movements(ctx),
        pledge_list=pledges.list_pledges(ctx),
        may_launch=_may_launch(actor),
    )


@router.get("/movements/new", response_class=HTMLResponse)
def movement_new(request: Request, actor: User) -> Response:
    return _launch_form(request, actor, {})


def _launch_form(
    request: Request, actor: User, values: dict[str, Any], status: int = 200, error: str = ""
) -> Response:
    return render(
        request,
        "movement_new.html",
        status,
        actor=actor,
        v=values,
        error=error,
        blocs=movements.bloc_choices(context(request)),
        kinds=list(mv.LauncherKind),
        levels=list(mv.LauncherLevel),
        scopes=list(mv.MovementScope),
        methods=list(mv.MovementMethod),
    )


@router.post("/movements", response_class=HTMLResponse)
def movement_launch(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    data: dict[str, Any] = {
        "code": field(form, "code", required=True, label="Mã phong trào"),
        "name": field(form, "name", required=True, label="Tên phong trào"),
        "launcher_kind": field(form, "launcher_kind", required=True, label="Cấp phát động"),
        "launcher": field(form, "launcher"),
        "launcher_level": field(form, "launcher_level"),
        "scope": field(form, "scope", required=True, label="Phạm vi"),
        "method": field(form, "method", required=True, label="Hình thức"),
        "launched_on": date_field(form, "launched_on", label="Ngày phát động"),
        "starts_on": date_field(form, "starts_on", label="Ngày bắt đầu"),
        "ends_on": date_field(form, "ends_on", label="Ngày kết thúc"),
        "registration_deadline": date_field(form, "registration_deadline", label="Hạn đăng ký"),
        "goals": field(form, "goals"),
        "criteria": field(form, "criteria"),
        "blocs": [b for b in form.getlist("blocs") if isinstance(b, str) and b],
        "units": [u.strip() for u in (field(form, "units") or "").replace(";", ",").split(",") if u.strip()],
    }
    data = {k: v for k, v in data.items() if v not in (None, "")}
    documents = []
    for name, kind in (
        ("plan", mv.MovementDocumentKind.PLAN),
        ("decision", mv.MovementDocumentKind.LAUNCH_DECISION),
    ):
        for file_name, raw in uploads(form, name, ctx.settings.max_evidence_bytes).items():
            documents.append(movements.NewDocument(kind, file_name, raw))
    movement_id = movements.launch(ctx, actor.username, data, documents)
    return back(request, f"/movements/{movement_id}", f"Đã ghi nhận phong trào '{data['name']}'.")


@router.get("/movements/{movement_id}", response_class=HTMLResponse)
def movement_page(request: Request, movement_id: RowId, actor: User) -> Response:
    ctx = context(request)
    view = movements.show_movement(ctx, movement_id)
    found = registrations.list_registrations(ctx, movement_id, viewer=actor)
    registered = {r["unit"] for r in found}
    mine = [u for u in _my_units(actor) if u in {x["id"] for x in view["units"]}]
    period = _period(request, view)
    open_registration = (
        bool(view["registration_deadline"]) and ctx.clock.today() <= view["registration_deadline"]
    )
    return render(
        request,
        "movement.html",
        actor=actor,
        m=view,
        registrations=found,
        registered=registered,
        my_units=mine,
        open_registration=open_registration,
        award_forms=period.award_forms if period else {},
        kinds=list(NomineeKind),
        blank=range(1, BLANK_LINES + 1),
        stages=list(mv.ReviewStage),
        bloc_chair=actor.has(Role.BLOC_REPRESENTATIVE),
        blocs=movements.bloc_choices(ctx),
        may_attach=_may_launch(actor),
        doc_kinds=list(mv.MovementDocumentKind),
    )


def _period(request: Request, view: dict[str, Any]) -> Any:
    try:
        return context(request).policy.period_for(date(view["ends_on"].year, 12, 31))
    except InputRejected:
        return None


@router.get("/movements/{movement_id}/files/{sha256}")
def movement_document(request: Request, movement_id: RowId, sha256: str, actor: User) -> Response:
    name, media_type, data = movements.document_file(context(request), movement_id, sha256)
    return download(data, name, media_type, inline=True)


@router.post("/movements/{movement_id}/documents")
def movement_attach(request: Request, movement_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    files = uploads(form, "file", ctx.settings.max_evidence_bytes)
    if len(files) != 1:
        raise InputRejected("Chọn một tệp PDF hoặc ảnh của tài liệu.")
    kind = _choice(
        mv.MovementDocumentKind, field(form, "kind", required=True, label="Loại tài liệu"), "Loại tài liệu"
    )
    [(name, raw)] = files.items()
    movements.attach_document(
        ctx, actor.username, movement_id, movements.NewDocument(kind, name, raw, number=field(form, "number"))
    )
    return back(request, f"/movements/{movement_id}", f"Đã đính kèm {name}.")


@router.post("/movements/{movement_id}/reviews")
def movement_review(request: Request, movement_id: RowId, actor: User, form: Form) -> Response:
    text = field(form, "round", required=True, label="Số vòng bình xét") or ""
    if not is_number(text) or not 1 <= int(text) <= 2**31 - 1:
        raise InputRejected(f"Số vòng bình xét: '{text[:40]}' không phải số vòng bình xét (số nguyên dương).")
    stage = _choice(
        mv.ReviewStage, field(form, "stage", required=True, label="Sơ kết / tổng kết"), "Sơ kết / tổng kết"
    )
    movements.link_review(context(request), actor.username, movement_id, int(text), stage)
    return back(request, f"/movements/{movement_id}", f"Đã gắn vòng bình xét số {text}.")


def _choice(enum: Any, value: str | None, label: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise InputRejected(f"{label}: '{value}' không có trong danh mục.") from None


@router.post("/movements/{movement_id}/registrations")
def registration_submit(request: Request, movement_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    code = movements.show_movement(ctx, movement_id)["code"]
    files = uploads(form, "workbook", ctx.settings.max_evidence_bytes)
    if files:
        [(name, raw)] = list(files.items())[:1]
        sheet = registration_sheet.read_registration_workbook(raw)
        data = sheet.data
        if data.get("movement") != code:
            raise InputRejected(
                f"Bảng tính đăng ký cho phong trào '{data.get('movement')}', không phải '{code}'."
            )
        try:
            registrations.register(
                ctx, actor.username, data, source_name=name, source_sha256=hashlib.sha256(raw).hexdigest()
            )
        except ValidationFailed as exc:
            raise ValidationFailed(sheet.locate(exc.problems), exc.message.splitlines()[0]) from exc
        return back(request, f"/movements/{movement_id}", f"Đã nhận bản đăng ký từ {name}.")
    lines = []
    for i in range(1, BLANK_LINES + 1):
        name_text = field(form, f"name_{i}")
        if not name_text:
            # A position typed on a line without its name is a slip: dropping the line would say nothing.
            if field(form, f"position_{i}"):
                raise InputRejected(f"Dòng {i}: thiếu họ tên / tên tập thể (đã có chức vụ).")
            continue
        line = {"kind": field(form, f"kind_{i}"), "name": name_text, "award_form": field(form, f"award_{i}")}
        if position := field(form, f"position_{i}"):
            line["position"] = position
        lines.append(line)
    if not lines:
        raise InputRejected(
            "Bản đăng ký chưa có dòng nào: điền tên và danh hiệu đăng ký, hoặc chọn tệp Excel."
        )
    unit = field(form, "unit", required=True, label="Đơn vị đăng ký")
    registrations.register(
        ctx, actor.username, {"movement": code, "unit": unit, "lines": lines}, source_name="web"
    )
    return back(request, f"/movements/{movement_id}", f"Đã nhận bản đăng ký ({len(lines)} dòng).")


@router.get("/movements/{movement_id}/registration-template.xlsx")
def registration_template(request: Request, movement_id: RowId, actor: User) -> Response:
    view = movements.show_movement(context(request), movement_id)
    period = _period(request, view)
    if period is None:
        raise InputRejected("Không có quy định áp dụng cho năm của phong trào.")
    units = _my_units(actor)
    data = registration_sheet.registration_template(
        period, view["code"], units[0] if len(units) == 1 else None
    )
    return download(data, f"dang-ky-thi-dua-{view['code']}.xlsx", XLSX)


@router.post("/movements/{movement_id}/collect")
def registration_collect(request: Request, movement_id: RowId, actor: User, form: Form) -> Response:
    bloc = field(form, "bloc", required=True, label="Khối thi đua") or ""
    result = registrations.collect(context(request), actor.username, movement_id, bloc)
    missing = f"; chưa đăng ký: {len(result['missing'])} đơn vị" if result["missing"] else ""
    return back(
        request, f"/movements/{movement_id}", f"Đã tổng hợp {len(result['collected'])} bản đăng ký{missing}."
    )


# --- pledges --------------------------------------------------------------------------------------


@router.get("/pledges/new", response_class=HTMLResponse)
def pledge_new(request: Request, actor: User) -> Response:
    return render(
        request,
        "pledge_new.html",
        actor=actor,
        blocs=movements.bloc_choices(context(request)),
        rows=range(1, 9),
    )


@router.post("/pledges")
def pledge_draw_up(request: Request, actor: User, form: Form) -> Response:
    criteria = []
    for i in range(1, 9):
        name = field(form, f"name_{i}")
        if not name:
            # A line with a code or points but no name is a slip, not an empty line: dropping it would
            # store a sheet short of its points.
            if field(form, f"code_{i}") or field(form, f"max_{i}"):
                raise InputRejected(f"Dòng {i}: thiếu tên tiêu chí (đã có mã hoặc điểm chuẩn).")
            continue
        points = field(form, f"max_{i}") or ""
        if not is_number(points):
            raise InputRejected(f"Dòng {i}: điểm chuẩn '{points}' không phải số nguyên dương.")
        criteria.append(
            {"code": field(form, f"code_{i}") or f"tieu_chi_{i}", "name": name, "max": int(points)}
        )
    year = field(form, "year", required=True, label="Năm") or ""
    if not is_number(year):
        raise InputRejected(f"Năm: '{year}' không phải năm.")
    data = {"bloc": field(form, "bloc", required=True, label="Khối"), "year": int(year), "criteria": criteria}
    if title := field(form, "title"):
        data["title"] = title
    pledge_id = pledges.draw_up(context(request), actor.username, data)
    return back(request, f"/pledges/{pledge_id}", "Đã lập bản giao ước; các đơn vị thành viên ký.")


@router.get("/pledges/{pledge_id}", response_class=HTMLResponse)
def pledge_page(request: Request, pledge_id: RowId, actor: User) -> Response:
    view = pledges.show_pledge(context(request), pledge_id)
    mine = (actor.units_for(Role.BLOC_REPRESENTATIVE) | actor.units_for(Role.UNIT_HEAD)) & {
        m["unit"] for m in view["members"] if not m["signed_at"]
    }
    return render(request, "pledge.html", actor=actor, p=view, to_sign=sorted(mine))


@router.post("/pledges/{pledge_id}/sign")
def pledge_sign(request: Request, pledge_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    files = uploads(form, "file", ctx.settings.max_evidence_bytes)
    if len(files) != 1:
        raise InputRejected("Chọn một tệp PDF hoặc ảnh: bản giao ước đã ký, đóng dấu.")
    [(name, raw)] = files.items()
    document = movements.NewDocument(mv.MovementDocumentKind.OTHER, name, raw)
    result = pledges.sign(ctx, actor.username, pledge_id, document, unit=field(form, "unit"))
    return back(
        request, f"/pledges/{pledge_id}", f"Đã ký giao ước; còn {len(result['remaining'])} đơn vị chưa ký."
    )


@router.get("/pledges/{pledge_id}/files/{sha256}")
def pledge_copy(request: Request, pledge_id: RowId, sha256: str, actor: User) -> Response:
    name, media_type, data = pledges.signed_copy(context(request), pledge_id, sha256)
    return download(data, name, media_type, inline=True)


# --- public -----------------------------------------------------------------------------------------


@router.get("/tra-cuu/phong-trao", response_class=HTMLResponse)
def public_movements(request: Request) -> Response:
    return render(
        request,
        "movement_results.html",
        m=None,
        movements=movements.list_movements(context(request)),
        rows=[],
    )


@router.get("/tra-cuu/phong-trao/{code}", response_class=HTMLResponse)
def public_movement_results(request: Request, code: str) -> Response:
    ctx = context(request)
    view = movements.show_movement(ctx, code)
    return render(
        request, "movement_results.html", m=view, movements=[], rows=movements.movement_results(ctx, code)
    )
