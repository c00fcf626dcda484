"""The clerk's and the appraiser's pages: the inbox, nominations, a dossier, submitting and completing."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow import spreadsheets
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import NominationStatus, Role, TaskKind
from thidua_workflow.domain.text import collation_key, matches
from thidua_workflow.domain.vocabulary import rule_name
from thidua_workflow.errors import InputRejected, ThiduaError, ValidationFailed
from thidua_workflow.services import annulments, directory, queries, signers
from thidua_workflow.services import findings as finding_service
from thidua_workflow.services import nominations as nomination_service
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import MappingSource
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
    page_user,
    render,
    uploads,
    year_filter,
)
from thidua_workflow.web.nomination_form import FORM_CHOICES, TITLE_ROWS, label_problem, submission_from_form
from thidua_workflow.web.paging import PAGE_SIZES, Pager, Paging

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WITHDRAWABLE = {
    NominationStatus.SUBMITTED.value,
    NominationStatus.BLOC_REVIEW.value,
    NominationStatus.RETURNED.value,
    NominationStatus.APPRAISAL.value,
}


# The chair's choice on a dossier completed while the round voted, shown with its reason.
BLOC_CHOICES = frozenset({"bloc_add_to_ballot", "bloc_defer", "bloc_defer_auto"})


def task_url(task: task_service.TaskView) -> str:
    if task.nomination_id is not None:
        return f"/nominations/{task.nomination_id}#viec"
    if task.round_id is not None:
        return f"/rounds/{task.round_id}"
    if task.session_id is not None:
        return f"/sessions/{task.session_id}"
    if task.decision_id is not None:
        return f"/decisions/{task.decision_id}"
    return "/sessions"


@router.get("/", response_class=HTMLResponse)
def inbox(
    request: Request,
    actor: User,
    kind: str | None = None,
    overdue: bool = False,
    q: str = "",
    page: str | None = None,
    size: str | None = None,
) -> Response:
    """Việc cần xử lý: the person's pending tasks, overdue first, a page at a time."""
    ctx = context(request)
    task_kind = TaskKind(kind) if kind in {k.value for k in TaskKind} else None
    paging = Paging.read(page, size)
    total, late = task_service.count_tasks(ctx, actor.username)
    if q:  # the words may be in the subject's award or period names, composed here: searched over the inbox
        found = [
            t
            for t in task_service.list_tasks(ctx, actor.username, kind=task_kind, overdue_only=overdue)
            if matches(q, t.subject)
        ]
        matching, shown = len(found), found[paging.offset : paging.offset + paging.size]
    else:
        # Without a kind the page's counts are the inbox's own: counted once.
        of_kind, late_of_kind = (
            (total, late)
            if task_kind is None
            else task_service.count_tasks(ctx, actor.username, kind=task_kind)
        )
        matching = late_of_kind if overdue else of_kind
        shown = task_service.list_tasks(
            ctx, actor.username, kind=task_kind, overdue_only=overdue, offset=paging.offset, limit=paging.size
        )
    filters = {"kind": task_kind.value if task_kind else "", "overdue": "true" if overdue else "", "q": q}
    return render(
        request,
        "inbox.html",
        actor=actor,
        tasks=shown,
        total=total,
        overdue_count=late,
        pager=Pager("/", filters, "", paging, matching, len(shown)),
        page_sizes=PAGE_SIZES,
        kinds=[(k.value, k.label) for k in TaskKind],
        kind=task_kind.value if task_kind else "",
        overdue=overdue,
        q=q,
        urls={t.id: task_url(t) for t in shown},
        bulk=any(t.kind in BULK_KINDS.values() for t in shown),
        bulk_appraise=any(t.kind == TaskKind.APPRAISE.value for t in shown),
        bulk_sign=any(t.kind == TaskKind.DECISION_SIGN.value for t in shown),
    )


# Bulk decisions (issue 22 adds signing): one confirmation, each task its own transaction and result.
BULK_KINDS = {"pass": TaskKind.APPRAISE.value, "sign": TaskKind.DECISION_SIGN.value}


@router.post("/tasks/bulk")
def bulk(request: Request, actor: User, form: Form) -> Response:
    """One decision for many tasks — appraisal passes of complete dossiers, or signatures of decisions:
    each is its own recorded action, and each one's result is shown."""
    ctx = context(request)
    chosen = sorted(ids_in(form, "task", "Số việc"))
    if not chosen:
        raise InputRejected("Chưa chọn việc nào.")
    decision = field(form, "decision") or "pass"
    if decision not in BULK_KINDS:
        raise InputRejected(
            "Xử lý hàng loạt chỉ áp dụng cho thông qua thẩm định (pass) hoặc ký quyết định (sign)."
        )
    mine = {
        t.id: t for t in task_service.list_tasks(ctx, actor.username, kind=TaskKind(BULK_KINDS[decision]))
    }
    secret = None
    if decision == "sign":
        secret = signers.SigningSecret(
            pin=_secret(form, "pin"), password=_secret(form, "password"), otp=_secret(form, "otp")
        )
    done = 0
    for task_id in chosen:
        if task_id not in mine:
            flash(
                request,
                f"Việc số {task_id}: không phải việc '{TaskKind(BULK_KINDS[decision]).label}' đang chờ bạn.",
                "error",
            )
            continue
        try:
            payload = task_service.Payload(comment=field(form, "comment"), secret=secret)
            result = task_service.act(ctx, actor.username, task_id, decision, payload)
            flash(request, f"Việc số {task_id}: {result.summary}.")
            done += 1
        except ThiduaError as exc:
            # the headline, and what it announces: each problem (the criterion still without a finding…)
            problems = "; ".join(p.describe() for p in getattr(exc, "problems", []))
            said = exc.message.splitlines()[0]
            flash(request, f"Việc số {task_id}: {said} {problems}".rstrip(), "error")
    what = f"thông qua thẩm định {done} hồ sơ" if decision == "pass" else f"ký {done} quyết định"
    return back(request, "/", f"Đã {what} (chọn {len(chosen)} việc)." if done else None)


def _secret(form: FormData, name: str) -> str | None:
    """A secret field as typed (a PIN is exact), or None when empty."""
    value = form.get(name)
    return value if isinstance(value, str) and value else None


@router.get("/nominations", response_class=HTMLResponse)
def nomination_list(
    request: Request,
    actor: User,
    status: str | None = None,
    year: str | None = None,
    q: str = "",
    unit: str = "",
    award: str = "",
    sort: str = "",
    page: str | None = None,
    size: str | None = None,
    format: str | None = None,
) -> Response:
    """The nominations a person may see, a page at a time, sorted by a column; Excel holds the whole list."""
    ctx = context(request)
    year_number = year_filter(year)
    status_value = NominationStatus(status) if status in {s.value for s in NominationStatus} else None
    # The filters offer names; a code that names nothing (an old link) filters nothing.
    # Only the units whose dossiers this person may see: a clerk is not shown the others.
    units = directory.unit_names(ctx, ctx.clock.today(), queries.submitting_units(ctx, actor))
    awards = award_names(ctx)
    unit = unit if unit in units else ""
    award = award if award in awards else ""
    filters = queries.NominationFilter(
        status=status_value,
        year=year_number,
        unit=unit or None,
        award_form=award or None,
        search=q or None,
        viewer=actor,
    )
    if sort.removeprefix("-") not in queries.NOMINATION_SORTS:
        sort = ""
    if format == "xlsx":
        unit_label = UnitNames(ctx)
        data = spreadsheets.rows_to_xlsx(
            "Hồ sơ đề nghị",
            ["Số", "Đối tượng", "Hình thức", "Kỳ", "Đơn vị", "Trạng thái", "Cập nhật"],
            (
                (
                    r.id,
                    r.nominee,
                    awards.get(r.award_form, r.award_form),
                    r.period,
                    unit_label(r.unit),
                    r.status_label,
                    r.updated_at.date(),
                )
                for r in queries.iter_nominations(ctx, filters, sort=sort or None)
            ),
        )
        return download(data, "ho-so-de-nghi.xlsx", XLSX)
    paging = Paging.read(page, size)
    listed = queries.page_nominations(
        ctx, filters, sort=sort or None, offset=paging.offset, limit=paging.size
    )
    pager = Pager(
        "/nominations",
        {
            "q": q,
            "year": str(year_number or ""),
            "status": status_value.value if status_value else "",
            "unit": unit,
            "award": award,
        },
        sort,
        paging,
        listed.total,
        len(listed.rows),
    )
    return render(
        request,
        "nominations.html",
        actor=actor,
        rows=listed.rows,
        pager=pager,
        page_sizes=PAGE_SIZES,
        statuses=[(s.value, s.label) for s in NominationStatus],
        status=status or "",
        year=year or "",
        q=q,
        unit=unit,
        award=award,
        unit_choices=sorted(units.items(), key=lambda item: collation_key(item[1])),
        award_choices=sorted(awards.items(), key=lambda item: collation_key(item[1])),
        may_submit=actor.has(Role.UNIT_CLERK),
    )


def _clerk_units(request: Request, actor: Actor) -> list[tuple[str, str]]:
    units = sorted(actor.units_for(Role.UNIT_CLERK))
    ctx = context(request)
    names = directory.unit_names(ctx, ctx.clock.today(), units)
    return [(u, names.get(u, u)) for u in units]


def _unit_heads(request: Request, units: list[str]) -> list[tuple[str, str]]:
    return directory.people_with_role(context(request), Role.UNIT_HEAD, units)


def _award_forms(request: Request) -> list[tuple[str, str]]:
    ctx = context(request)
    period = ctx.policy.period_for(ctx.clock.today())
    return [(code, form.name) for code, form in period.award_forms.items()]


def _form_page(
    request: Request, actor: Actor, values: dict[str, Any], problems: list[str], status: int = 200
) -> Response:
    units = _clerk_units(request, actor)
    if not units:
        raise ThiduaError("Bạn không phải cán bộ thi đua của đơn vị nào, nên không lập được đề nghị.")
    return render(
        request,
        "nomination_new.html",
        status,
        actor=actor,
        units=units,
        heads=_unit_heads(request, [u for u, _ in units]),
        nominee_units=directory.units_within(
            context(request), context(request).clock.today(), [u for u, _ in units]
        ),
        award_forms=_award_forms(request),
        choices=FORM_CHOICES,
        title_rows=range(1, TITLE_ROWS + 1),
        values=values,
        problems=problems,
        max_mib=context(request).settings.max_evidence_bytes // (1024 * 1024),
    )


@router.get("/nominations/new", response_class=HTMLResponse)
def new_nomination(request: Request, actor: User) -> Response:
    ctx = context(request)
    return _form_page(
        request, actor, {"year": str(ctx.clock.today().year - (ctx.clock.today().month < 7))}, []
    )


@router.post("/nominations/new")
def submit_nomination(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        data, files = submission_from_form(form, ctx.settings.max_evidence_bytes)
        result = nomination_service.submit(ctx, actor.username, data, MappingSource(files), source_name="web")
    except ValidationFailed as exc:
        return _form_page(request, actor, values, [label_problem(p) for p in exc.problems], 400)
    except InputRejected as exc:
        return _form_page(request, actor, values, [exc.message], 400)
    number = result.nomination_ids[0]
    return back(request, f"/nominations/{number}", f"Đã nộp hồ sơ số {number}.")


@router.get("/nominations/upload", response_class=HTMLResponse)
def upload_page(request: Request, actor: User) -> Response:
    return render(request, "nomination_upload.html", actor=actor, problems=[])


def read_list_file(name: str, raw: bytes) -> tuple[Any, spreadsheets.SheetSubmission | None]:
    """A nomination list from an uploaded .xlsx (the template) or a YAML/JSON file."""
    if name.lower().endswith(".xlsx"):
        sheet = spreadsheets.read_nomination_workbook(raw)
        return sheet.data, sheet
    try:
        return yaml.safe_load(raw.decode("utf-8")), None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputRejected(
            f"Tệp '{name}' không phải bảng tính .xlsx hay tệp YAML/JSON UTF-8 hợp lệ."
        ) from exc
    except RecursionError as exc:  # thousands of nested brackets: a broken export, not a server fault
        raise InputRejected(f"Tệp '{name}' có cấu trúc lồng nhau quá sâu, không đọc được.") from exc


@router.post("/nominations/upload")
def upload(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    limit = ctx.settings.max_evidence_bytes
    lists = uploads(form, "list_file", limit)
    if len(lists) != 1:
        return render(
            request, "nomination_upload.html", 400, actor=actor, problems=["Chọn đúng một tệp danh sách."]
        )
    ((name, raw),) = lists.items()
    sheet = None
    try:
        data, sheet = read_list_file(name, raw)
        result = nomination_service.submit(
            ctx,
            actor.username,
            data,
            MappingSource(uploads(form, "files", limit)),
            source_name=name,
            source_sha256=hashlib.sha256(raw).hexdigest(),
        )
    except ValidationFailed as exc:
        found = sheet.locate(exc.problems) if sheet is not None else exc.problems
        return render(
            request, "nomination_upload.html", 400, actor=actor, problems=[p.describe() for p in found]
        )
    except InputRejected as exc:
        return render(request, "nomination_upload.html", 400, actor=actor, problems=[exc.message])
    return back(
        request,
        "/nominations",
        f"Đã nộp tờ trình số {result.submission_id} với {len(result.nomination_ids)} hồ sơ.",
    )


@router.get("/nominations/template.xlsx")
def template(request: Request, actor: User) -> Response:
    ctx = context(request)
    units = sorted(actor.units_for(Role.UNIT_CLERK))
    data = spreadsheets.nomination_template(ctx.policy, units[0] if units else None)
    return download(data, "mau-danh-sach-de-nghi-khen-thuong.xlsx", XLSX)


@router.get("/nominations/{nomination_id}", response_class=HTMLResponse)
def nomination_page(request: Request, nomination_id: RowId, actor: User) -> Response:
    ctx = context(request)
    detail = queries.show_nomination(ctx, nomination_id, viewer=actor)
    mine = task_service.list_tasks(ctx, actor.username, nomination_id=nomination_id)
    returned_because = next(
        (e.comment for e in reversed(detail.timeline) if e.to_state == NominationStatus.RETURNED.value), None
    )
    bloc_choice = next((e for e in reversed(detail.timeline) if e.action in BLOC_CHOICES), None)
    return render(
        request,
        "nomination.html",
        actor=actor,
        n=detail,
        task=mine[0] if mine else None,
        returned_because=returned_because,
        bloc_choice=bloc_choice,
        may_withdraw=detail.status in WITHDRAWABLE and actor.has(Role.UNIT_CLERK, detail.submitting_unit),
        checks=detail.current_checks
        if detail.current_checks is not None
        else (detail.dossiers[-1].checks if detail.dossiers else []),
        judgement_rules=judgement_rules(detail.current_checks or []),
        annulment=_annulment(ctx, nomination_id)
        if any(t.kind == TaskKind.RECOVER.value for t in mine)
        else None,
    )


def _annulment(ctx: Context, nomination_id: int) -> annulments.AnnulmentView | None:
    """The annulment a recovery task is about: what is to be given back, and by when."""
    return next(iter(annulments.list_annulments(ctx, nomination_id=nomination_id)), None)


def judgement_rules(checks: list[dict[str, Any]]) -> list[str]:
    """The criteria the appraiser judges on this dossier: still "cần thẩm định", or already found."""
    return [str(c["rule"]) for c in checks if c["outcome"] == "judgement" or c.get("finding")]


@router.post("/nominations/{nomination_id}/findings")
def record_finding(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    """The appraiser's finding on one criterion marked "cần thẩm định" (issue 18)."""
    result = finding_service.record_finding(
        context(request),
        actor.username,
        nomination_id,
        field(form, "rule", required=True, label="Tiêu chuẩn") or "",
        finding_service.parse_finding(field(form, "finding", required=True, label="Kết quả") or ""),
        field(form, "reason", required=True, label="Lý do") or "",
        expected_version=form_version(form),
    )
    return back(
        request,
        f"/nominations/{nomination_id}#tham-dinh-tieu-chuan",
        f"Đã ghi kết quả thẩm định: {rule_name(result.rule)} — {result.finding.label.lower()}.",
    )


@router.post("/nominations/{nomination_id}/appraise")
def appraise(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    return _decide_task(request, nomination_id, actor, form)


def _decide_task(request: Request, nomination_id: int, actor: Actor, form: FormData) -> Response:
    """The person's open task on the dossier, decided as the form says, with the version they saw."""
    decision = field(form, "decision", required=True, label="Quyết định") or ""
    result = task_service.act_on_nomination(
        context(request),
        actor.username,
        nomination_id,
        decision,
        task_service.Payload(comment=field(form, "comment"), expected_version=form_version(form)),
    )
    return back(request, f"/nominations/{nomination_id}", f"Đã xử lý: {result.summary}.")


@router.post("/nominations/{nomination_id}/recovered")
def recovered(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    """The recovery task after an annulment (Điều 58 k2b), done from the inbox: the day the items and money
    came back and, when the reward fund paid the award, the receipt's number, as on the NĐ 152 page."""
    recovered_on = date_field(form, "recovered_on", label="Ngày thu hồi (ngày phiếu thu)")
    result = task_service.act_on_nomination(
        context(request),
        actor.username,
        nomination_id,
        "recovered",
        task_service.Payload(
            comment=field(form, "note"),
            dated=date.fromisoformat(recovered_on) if recovered_on else None,
            voucher=field(form, "voucher"),
            expected_version=form_version(form),
        ),
    )
    return back(request, f"/nominations/{nomination_id}", f"Đã xử lý: {result.summary}.")


@router.post("/nominations/{nomination_id}/late")
def late_dossier(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    """The chair's choice on a dossier completed while the round votes: onto the ballot, or deferred."""
    return _decide_task(request, nomination_id, actor, form)


@router.post("/nominations/{nomination_id}/withdraw")
def withdraw(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    nomination_service.withdraw(
        context(request),
        actor.username,
        nomination_id,
        field(form, "reason", required=True, label="Lý do rút") or "",
        expected_version=form_version(form),
    )
    return back(request, f"/nominations/{nomination_id}", f"Đã rút hồ sơ số {nomination_id}.")


@router.post("/nominations/{nomination_id}/resubmit")
def resubmit(request: Request, nomination_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    files = uploads(form, "evidence_file", ctx.settings.max_evidence_bytes)
    dossier: dict[str, Any] = {
        "achievement": field(form, "achievement", required=True, label="Thành tích"),
        "note": field(form, "note"),
        "evidence": [
            {
                "kind": "bao_cao_thanh_tich",
                "file": name,
                "dated": date_field(form, "evidence_date", label="Ngày lập báo cáo"),
            }
            for name in files
        ],
    }
    result = task_service.act_on_nomination(
        ctx,
        actor.username,
        nomination_id,
        "resubmit",
        task_service.Payload(comment=field(form, "note"), dossier=dossier, source=MappingSource(files)),
    )
    return back(request, f"/nominations/{nomination_id}", f"Đã nộp lại: {result.summary}.")


@router.get("/nominations/{nomination_id}/files/{sha256}")
def dossier_file(request: Request, nomination_id: RowId, sha256: str, actor: User) -> Response:
    data, doc = queries.dossier_file(context(request), nomination_id, sha256, viewer=actor)
    return download(data, doc.file_name, doc.media_type)
