"""The review bodies' pages: a bloc round (scores, votes, ranking, closing) and a council session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from thidua_workflow import spreadsheets
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import Choice, NominationStatus, Role, RoundStatus, SessionStatus, TaskKind
from thidua_workflow.errors import InputRejected
from thidua_workflow.services import council, directory, rounds
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.context import Context
from thidua_workflow.services.visibility import require_province
from thidua_workflow.web import pages_documents
from thidua_workflow.web.core import (
    RowId,
    UnitNames,
    award_names,
    back,
    checked_form,
    context,
    dossier_numbers,
    download,
    field,
    page_user,
    render,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def my_task(
    request: Request, actor: Actor, *, round_id: int | None = None, session_id: int | None = None
) -> task_service.TaskView | None:
    """The person's open task on this round or session (a late dossier's decision, on its own page, apart)."""
    found = task_service.list_tasks(
        context(request), actor.username, round_id=round_id, session_id=session_id
    )
    return next((t for t in found if t.kind != TaskKind.LATE_DOSSIER.value), None)


def _seen_round(request: Request, actor: Actor, round_id: RowId) -> rounds.RoundView:
    return rounds.show_round(context(request), round_id, viewer=actor)


@router.get("/rounds", response_class=HTMLResponse)
def round_list(request: Request, actor: User) -> Response:
    visible = rounds.list_rounds(context(request), viewer=actor)
    return render(request, "rounds.html", actor=actor, rounds=visible)


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, round_id: RowId, actor: User) -> Response:
    view = _seen_round(request, actor, round_id)
    task = my_task(request, actor, round_id=round_id)
    my_units = actor.units_for(Role.BLOC_REPRESENTATIVE) & set(view.members)
    my_unit = next(iter(sorted(my_units)), None)
    summary = _summary_seen(view, actor)
    return render(
        request,
        "round.html",
        actor=actor,
        r=view,
        task=task,
        my_unit=my_unit,
        scored=bool(my_unit and view.scores_cast.get(my_unit)),
        voted=rounds.voted_on(context(request), round_id, my_unit) if my_unit else set(),
        summary=summary,
        outcomes={o["nomination"]: o for o in summary.get("outcomes", [])},
        is_chair=_is_chair(view, actor),
        documents=pages_documents.offered(context(request), actor, "round", round_id),
    )


def _is_chair(view: rounds.RoundView, actor: Actor) -> bool:
    return bool(view.chair and actor.has(Role.BLOC_REPRESENTATIVE, view.chair))


def _summary_seen(view: rounds.RoundView, actor: Actor) -> dict[str, Any]:
    """The round's result once closed; while voting only the chair, who closes it, sees the running
    count and ranking — members would otherwise vote knowing how others voted."""
    if view.status == RoundStatus.CLOSED.value:
        return dict(view.result or {})
    preview = dict(view.preview or {})
    if _is_chair(view, actor):
        return preview
    return {"quotas": preview.get("quotas", {})}


@router.get("/rounds/{round_id}/ranking.xlsx")
def round_xlsx(request: Request, round_id: RowId, actor: User) -> Response:
    view = _seen_round(request, actor, round_id)
    summary = _summary_seen(view, actor)
    outcomes = {o["nomination"]: o for o in summary.get("outcomes", [])}
    ctx = context(request)
    awards, units = award_names(ctx), UnitNames(ctx)  # the sheet names awards and units, as the page does
    # While voting the chair's figures are a running count: each verdict says so, cell by cell.
    provisional = "" if view.status == RoundStatus.CLOSED.value else "Tạm tính: "
    rows = []
    for n in view.nominations:
        o = outcomes.get(n["id"], {})
        verdict = ("Đề nghị" if o.get("endorsed") else "Không") if o else ""
        # A dossier out of the count (withdrawn, returned) says why rather than leaving the row blank.
        why = o.get("reason") or (
            "" if o or n["status"] == NominationStatus.BLOC_REVIEW.value else _status(n)
        )
        rows.append(
            (
                n["id"],
                n["nominee"],
                awards.get(n["award_form"], n["award_form"]),
                units(n["unit"]),
                o.get("yes"),
                o.get("electorate"),
                o.get("rank"),
                f"{provisional}{verdict}" if verdict else "",
                why,
            )
        )
    headers = [
        "Số hồ sơ",
        "Đối tượng",
        "Hình thức",
        "Đơn vị",
        "Phiếu đồng ý",
        "Số đơn vị bỏ phiếu",
        "Xếp hạng",
        "Khối đề nghị",
        "Lý do",
    ]
    scores = [(units(s["unit"]), s["score"], s["sheets"]) for s in summary.get("unit_scores", [])]
    data = spreadsheets.rows_to_xlsx(
        f"Vòng bình xét {round_id}",
        headers,
        [*rows, (), ("Đơn vị", "Điểm bình quân", "Số phiếu chấm"), *scores],
    )
    return download(data, f"binh-xet-khoi-vong-{round_id}.xlsx", XLSX)


def _status(nomination: dict[str, Any]) -> str:
    try:
        return NominationStatus(nomination["status"]).label
    except ValueError:
        return str(nomination["status"])


def _scores(ctx: Context, form: FormData, view: rounds.RoundView) -> dict[str, dict[str, int]] | None:
    sheet: dict[str, dict[str, int]] = {}
    names = directory.unit_names(ctx, ctx.clock.today(), view.members)
    for unit in view.members:
        row = {}
        for criterion in view.criteria:
            text = field(form, f"score__{unit}__{criterion['code']}")
            if text is None:
                continue
            try:
                row[criterion["code"]] = int(text)
            except ValueError as exc:
                raise InputRejected(
                    f"Điểm '{text}' của {names.get(unit, unit)} ({criterion['name']}) không phải số nguyên."
                ) from exc
        if row:
            sheet[unit] = row
    return sheet or None


@router.post("/rounds/{round_id}/act")
def round_act(request: Request, round_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    view = _seen_round(request, actor, round_id)
    task = my_task(request, actor, round_id=round_id)
    if task is None:
        raise InputRejected(f"Bạn không có việc nào đang chờ ở vòng bình xét số {round_id}.")
    payload = task_service.Payload()
    if task.kind == TaskKind.ROUND_VOTE.value:
        payload.scores = _scores(ctx, form, view)
        for n in view.nominations:
            if n["status"] != NominationStatus.BLOC_REVIEW.value:
                continue  # returned or withdrawn since the page was drawn: not on the ballot
            choice = field(form, f"vote__{n['id']}")
            if choice == "yes":
                payload.approve.add(n["id"])
            elif choice == "no":
                payload.reject.add(n["id"])
    elif task.kind == TaskKind.ROUND_CLOSE.value:
        payload.next_chair = field(form, "next_chair")
        payload.next_deputy = field(form, "next_deputy")
        order = field(form, "order")
        payload.order = dossier_numbers(order, "Thứ tự") or None
        payload.leader = field(form, "leader")
        payload.tie_reason = field(form, "tie_reason")
        reasons = {n["id"]: field(form, f"reason__{n['id']}") for n in view.nominations}
        payload.reasons = {k: v for k, v in reasons.items() if v} or None
    result = task_service.act(ctx, actor.username, task.id, task.decisions[0], payload)
    return back(request, f"/rounds/{round_id}", f"Đã xử lý: {result.summary}.")


@router.post("/rounds/{round_id}/return/{nomination_id}")
def round_return(
    request: Request, round_id: RowId, nomination_id: RowId, actor: User, form: Form
) -> Response:
    rounds.return_dossier(
        context(request),
        actor.username,
        nomination_id,
        field(form, "reason", required=True, label="Lý do") or "",
    )
    return back(request, f"/rounds/{round_id}", f"Đã trả hồ sơ số {nomination_id} cho đơn vị hoàn thiện.")


# --- council sessions -----------------------------------------------------------------------------


@router.get("/sessions", response_class=HTMLResponse)
def session_list(request: Request, actor: User) -> Response:
    require_province(actor, "các phiên họp Hội đồng")
    ctx = context(request)
    opening = next(
        iter(task_service.list_tasks(ctx, actor.username, kind=TaskKind.SESSION_OPEN, limit=1)), None
    )
    return render(request, "sessions.html", actor=actor, sessions=council.list_sessions(ctx), opening=opening)


@router.post("/sessions/open")
def session_open(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    view = council.open_session(ctx, actor.username, title=field(form, "title"))
    return back(request, f"/sessions/{view.id}", f"Đã mở phiên họp số {view.id}.")


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session_page(request: Request, session_id: RowId, actor: User) -> Response:
    require_province(actor, "phiên họp Hội đồng")
    ctx = context(request)
    view = council.show_session(ctx, session_id)
    people = council.participation(ctx, session_id)
    return render(
        request,
        "session.html",
        actor=actor,
        s=view,
        people=people,
        task=my_task(request, actor, session_id=session_id),
        secretary=actor.has(Role.COUNCIL_SECRETARY) and view.status == SessionStatus.OPEN.value,
        absent=[p for p in people if not p["present"] and not p["voted"]],
        choices=[(c.value, c.label) for c in Choice],
        documents=pages_documents.offered(ctx, actor, "session", session_id),
    )


def _ballot(form: FormData, view: council.SessionView) -> dict[int, Choice]:
    chosen: dict[int, Choice] = {}
    for item in view.items:
        value = field(form, f"ballot__{item['nomination']}")
        if value:
            try:
                chosen[item["nomination"]] = Choice(value)
            except ValueError as exc:
                raise InputRejected(f"Lựa chọn '{value}' không hợp lệ.") from exc
    return chosen


@router.post("/sessions/{session_id}/vote")
def session_vote(request: Request, session_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    view = council.show_session(ctx, session_id)
    task = my_task(request, actor, session_id=session_id)
    if task is None or task.kind != TaskKind.COUNCIL_VOTE.value:
        raise InputRejected(f"Bạn không có phiếu nào đang chờ ở phiên họp số {session_id}.")
    ballot = _ballot(form, view)
    payload = task_service.Payload(
        approve={k for k, v in ballot.items() if v is Choice.YES},
        reject={k for k, v in ballot.items() if v is Choice.NO},
        abstain={k for k, v in ballot.items() if v is Choice.ABSTAIN},
    )
    task_service.act(ctx, actor.username, task.id, "vote", payload)
    return back(request, f"/sessions/{session_id}", "Đã ghi phiếu kín của bạn.")


@router.post("/sessions/{session_id}/attendance")
def session_attendance(request: Request, session_id: RowId, actor: User, form: Form) -> Response:
    present = [v for v in form.getlist("present") if isinstance(v, str)]
    council.record_attendance(context(request), actor.username, session_id, present)
    return back(request, f"/sessions/{session_id}", f"Đã ghi {len(present)} thành viên có mặt.")


@router.post("/sessions/{session_id}/written")
def session_written(request: Request, session_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    view = council.show_session(ctx, session_id)
    member = field(form, "member", required=True, label="Thành viên vắng mặt") or ""
    council.enter_written_ballot(ctx, actor.username, session_id, member, _ballot(form, view))
    name = next(
        (p["name"] for p in council.participation(ctx, session_id) if p["username"] == member), member
    )
    return back(request, f"/sessions/{session_id}", f"Đã nhập phiếu bằng văn bản của {name}.")


@router.post("/sessions/{session_id}/close")
def session_close(request: Request, session_id: RowId, actor: User, form: Form) -> Response:
    ctx = context(request)
    task = my_task(request, actor, session_id=session_id)
    proposal = field(form, "proposal")
    if task is not None and task.kind == TaskKind.SESSION_CLOSE.value:
        result = task_service.act(
            ctx, actor.username, task.id, "close", task_service.Payload(proposal_ref=proposal)
        )
        message = result.summary
    else:
        data = council.close_session(ctx, actor.username, session_id, proposal_ref=proposal)
        message = council.close_summary(session_id, data)
    return back(request, f"/sessions/{session_id}", f"Đã kiểm phiếu: {message}.")
