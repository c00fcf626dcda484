"""``thidua``: the operator's command line. Messages for people are Vietnamese; ``--json`` for machines.

Exit codes: 0 done, 2 input rejected, 3 not permitted, 4 conflict, 1 anything else. ``--as USERNAME``
is the local operator's stand-in for a signed-in person: the CLI has direct database access.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from thidua_workflow.config import resolve_settings
from thidua_workflow.db.migrate import current_revision, head_revision, upgrade
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.enums import (
    Choice,
    DocumentKind,
    HoldGround,
    NominationStatus,
    NomineeKind,
    RoundStatus,
    SessionStatus,
)
from thidua_workflow.domain.text import money_vnd, vietnamese_date
from thidua_workflow.errors import ConfigurationError, InputRejected, ThiduaError, ValidationFailed
from thidua_workflow.services import council, decisions, holds, queries, rounds
from thidua_workflow.services import nominations as nomination_service
from thidua_workflow.services import org as org_service
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.settings import Settings

app = typer.Typer(help="Quy trình đề nghị khen thưởng (thi đua – khen thưởng).", no_args_is_help=True)
db_app = typer.Typer(help="Cơ sở dữ liệu.", no_args_is_help=True)
org_app = typer.Typer(help="Tổ chức: tỉnh, đơn vị, khối thi đua, người dùng.", no_args_is_help=True)
nom_app = typer.Typer(help="Hồ sơ đề nghị khen thưởng.", no_args_is_help=True)
task_app = typer.Typer(help="Việc cần xử lý.", no_args_is_help=True)
policy_app = typer.Typer(help="Chính sách của tỉnh theo từng giai đoạn.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(nom_app, name="nominations")
app.add_typer(task_app, name="tasks")
app.add_typer(policy_app, name="policy")
round_app = typer.Typer(help="Vòng bình xét của khối thi đua.", no_args_is_help=True)
session_app = typer.Typer(help="Phiên họp Hội đồng Thi đua – Khen thưởng.", no_args_is_help=True)
decision_app = typer.Typer(help="Quyết định khen thưởng.", no_args_is_help=True)
app.add_typer(round_app, name="rounds")
app.add_typer(session_app, name="sessions")
app.add_typer(decision_app, name="decisions")
cert_app = typer.Typer(help="Bằng khen: cấp, xuất tệp in, xác thực, thu hồi.", no_args_is_help=True)
app.add_typer(cert_app, name="certificates")
users_app = typer.Typer(help="Tài khoản đăng nhập web và mã truy cập API.", no_args_is_help=True)
app.add_typer(users_app, name="users")

# Piped output (logs, CI) gets wide tables instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, markup=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, width=_WIDTH)

P = ParamSpec("P")
R = TypeVar("R")

AsUser = Annotated[str, typer.Option("--as", help="Tên đăng nhập của người thực hiện.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")]
IdList = Annotated[str | None, typer.Option(help="Số hồ sơ, cách nhau bằng dấu phẩy: 1,2,5.")]
ScoresFile = Annotated[
    Path | None, typer.Option("--scores", help="Tệp YAML điểm: đơn vị → {tiêu chí: điểm} (chấm điểm khối).")
]
NextChair = Annotated[str | None, typer.Option(help="Đơn vị trưởng khối năm sau.")]
NextDeputy = Annotated[str | None, typer.Option(help="Đơn vị phó khối năm sau.")]
OrderOpt = Annotated[
    str | None, typer.Option(help="Thứ tự ưu tiên khi bằng điểm: số hồ sơ, cách nhau dấu phẩy.")
]
LeaderOpt = Annotated[
    str | None, typer.Option(help="Đơn vị dẫn đầu khối khi nhiều đơn vị cùng điểm cao nhất.")
]
TieReason = Annotated[str | None, typer.Option(help="Lý do quyết định thứ tự khi bằng điểm.")]
ReasonsOpt = Annotated[
    list[str] | None, typer.Option("--reason", help="Lý do cho từng hồ sơ: SỐ=nội dung (lặp lại).")
]
ProposalOpt = Annotated[
    str | None, typer.Option("--proposal", help="Tờ trình của Sở Nội vụ, vd. 45/TTr-SNV.")
]


OUTCOME_LABEL = {"approved": "thông qua", "rejected": "không thông qua", "held": "tạm dừng xét"}


def parse_ids(text: str | None) -> set[int]:
    return set(parse_order(text) or [])


def parse_order(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise InputRejected(f"Danh sách số hồ sơ không hợp lệ: '{text}' (ví dụ: 1,2,5).") from None


def parse_reasons(items: list[str] | None) -> dict[int, str] | None:
    if not items:
        return None
    reasons: dict[int, str] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip().isdigit():
            raise InputRejected(f"Lý do phải có dạng SỐ=nội dung, nhận được: '{item}'.")
        reasons[int(key)] = text
    return reasons


def read_scores(path: Path | None) -> dict[str, dict[str, int]] | None:
    if path is None:
        return None
    data, _digest = read_data_file(path)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputRejected(f"Tệp điểm {path} phải là bảng: đơn vị → {{tiêu chí: điểm}}.")
    return {str(unit): {str(k): v for k, v in points.items()} for unit, points in data.items()}


class State:
    as_of: date | None = None
    json: bool = False


STATE = State()


@app.callback()
def main_options(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Chạy như thể hôm nay là ngày này (YYYY-MM-DD), để diễn lại một kỳ cũ."),
    ] = None,
) -> None:
    STATE.as_of = date.fromisoformat(as_of) if as_of else None


def settings() -> Settings:
    values: dict[str, Any] = {}
    if STATE.as_of:
        values["as_of"] = STATE.as_of
    return resolve_settings(**values)


def warn(problem: str) -> None:
    err.print(
        f"Cảnh báo: thao tác đã được lưu, nhưng bước tiếp theo chưa chạy ({problem}); lần quét định kỳ sẽ chạy lại."
    )


@contextmanager
def context() -> Iterator[Context]:
    current = settings()
    from flows.inline import run_inline

    ctx = bootstrap(current, dispatcher=run_inline)
    if current.dispatch != "inline":
        from flows.dispatch import dispatcher

        ctx.dispatcher = dispatcher(current.dispatch, on_problem=warn)
    try:
        yield ctx
    finally:
        ctx.close()


def handled(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn the project's errors into a message and an exit code; a JSON error with ``--json``."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        as_json = bool(kwargs.get("as_json"))
        try:
            return fn(*args, **kwargs)
        except ThiduaError as exc:
            if as_json:
                print(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2))
            else:
                err.print(f"[bold red]Lỗi:[/] {escape(exc.message)}", markup=True, highlight=False)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper


def emit(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def read_data_file(path: Path) -> tuple[Any, str]:
    """YAML or JSON (JSON is YAML); returns the data and the file's SHA-256."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputRejected(f"Không đọc được tệp {path}: {exc.strerror}.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputRejected(f"Tệp {path} không phải văn bản UTF-8.") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputRejected(f"Tệp {path} không đúng cú pháp YAML/JSON: {exc}") from exc
    return data, hashlib.sha256(raw).hexdigest()


# --- db ------------------------------------------------------------------------------------------


@db_app.command("upgrade")
@handled
def db_upgrade() -> None:
    """Đưa lược đồ cơ sở dữ liệu lên phiên bản mới nhất."""
    ctx = bootstrap(settings(), dispatcher=None, migrate=False)
    try:
        upgrade(ctx.engine)
        out.print(
            f"Lược đồ CSDL ở phiên bản {current_revision(ctx.engine)} ({ctx.engine.url.render_as_string()})."
        )
    finally:
        ctx.close()


@db_app.command("current")
@handled
def db_current() -> None:
    """Phiên bản lược đồ hiện tại và mới nhất."""
    ctx = bootstrap(settings(), dispatcher=None, migrate=False)
    try:
        out.print(f"hiện tại: {current_revision(ctx.engine)} · mới nhất: {head_revision(ctx.engine)}")
    finally:
        ctx.close()


# --- org -----------------------------------------------------------------------------------------


@org_app.command("load")
@handled
def org_load(
    file: Annotated[Path, typer.Argument(help="Tệp tổ chức YAML.")],
    actor: Annotated[str | None, typer.Option("--as", help="Quản trị viên thực hiện (nếu đã có).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Nạp (cập nhật) tổ chức của tỉnh từ tệp YAML; chạy lại bao nhiêu lần cũng được."""
    data, _digest = read_data_file(file)
    with context() as ctx:
        report = org_service.load_organisation(ctx, data, actor_username=actor, source=file.name)
    if as_json:
        emit(report.to_dict())
        return
    out.print(f"Đã nạp tổ chức tỉnh {report.province} từ {file}:")
    for key, value in sorted(report.counts.items()):
        out.print(f"  {key}: {value}")


# --- nominations -----------------------------------------------------------------------------------


@nom_app.command("submit")
@handled
def nominations_submit(
    file: Annotated[Path, typer.Argument(help="Tệp đề nghị YAML/JSON, hoặc .xlsx theo mẫu (xem README).")],
    actor: AsUser,
    as_json: JsonFlag = False,
) -> None:
    """Nộp một tờ trình với danh sách đề nghị (YAML/JSON, hoặc bảng tính .xlsx theo mẫu); sai một mục là
    từ chối cả tệp."""
    sheet = None
    if file.suffix.lower() == ".xlsx":
        from thidua_workflow import spreadsheets

        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise InputRejected(f"Không đọc được tệp {file}: {exc.strerror}.") from exc
        sheet = spreadsheets.read_nomination_workbook(raw)
        data, digest = sheet.data, hashlib.sha256(raw).hexdigest()
    else:
        data, digest = read_data_file(file)
    with context() as ctx:
        try:
            result = nomination_service.submit(
                ctx,
                actor,
                data,
                DirectorySource(file.parent),
                source_name=file.name,
                source_sha256=digest,
            )
        except ValidationFailed as exc:
            if sheet is None:
                raise
            raise ValidationFailed(sheet.locate(exc.problems)) from exc
    if as_json:
        emit(result.to_dict())
        return
    out.print(f"Đã nộp tờ trình số {result.submission_id} với {len(result.nomination_ids)} hồ sơ:")
    for nomination_id in result.nomination_ids:
        status = NominationStatus(result.statuses[nomination_id])
        out.print(f"  hồ sơ số {nomination_id}: {status.label}")


@nom_app.command("template")
@handled
def nominations_template(
    out_file: Annotated[Path, typer.Argument(help="Tệp .xlsx sẽ ghi.")],
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị điền sẵn.")] = None,
) -> None:
    """Ghi mẫu danh sách đề nghị khen thưởng (.xlsx) của chính sách hiện hành."""
    from thidua_workflow import spreadsheets

    with context() as ctx:
        out_file.write_bytes(spreadsheets.nomination_template(ctx.policy, unit))
    out.print(f"Đã ghi mẫu danh sách vào {out_file}.")


@nom_app.command("list")
@handled
def nominations_list(
    status: Annotated[NominationStatus | None, typer.Option(help="Lọc theo trạng thái.")] = None,
    unit: Annotated[str | None, typer.Option(help="Lọc theo đơn vị trình.")] = None,
    year: Annotated[int | None, typer.Option(help="Lọc theo năm của kỳ thi đua.")] = None,
    award_form: Annotated[str | None, typer.Option("--award", help="Lọc theo hình thức khen thưởng.")] = None,
    kind: Annotated[NomineeKind | None, typer.Option(help="Cá nhân / tập thể / hộ gia đình.")] = None,
    search: Annotated[str | None, typer.Option(help="Tìm theo tên, không phân biệt dấu.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Danh sách hồ sơ, xếp theo tên (thứ tự tiếng Việt)."""
    with context() as ctx:
        rows = queries.list_nominations(
            ctx, status=status, unit=unit, year=year, award_form=award_form, kind=kind, search=search
        )
    if as_json:
        emit([r.to_dict() for r in rows])
        return
    table = Table("Số", "Đối tượng", "Hình thức", "Kỳ", "Đơn vị trình", "Trạng thái", title="Hồ sơ đề nghị")
    for r in rows:
        table.add_row(str(r.id), r.nominee, r.award_form, r.period, r.unit, r.status_label)
    out.print(table)
    out.print(f"{len(rows)} hồ sơ.")


@nom_app.command("show")
@handled
def nominations_show(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    as_json: JsonFlag = False,
) -> None:
    """Trạng thái, các phiên bản hồ sơ, kết quả kiểm tra và toàn bộ lịch sử của một hồ sơ."""
    with context() as ctx:
        d = queries.show_nomination(ctx, nomination_id)
        tz = ctx.clock.tz
    if as_json:
        emit(d.to_dict())
        return
    nominee = d.nominee
    out.print(
        f"[bold]Hồ sơ số {d.id}[/]: {escape(nominee['name'])} — {escape(d.award_form_name)}", markup=True
    )
    details = [
        ("Trạng thái", d.status_label),
        ("Kỳ", f"{d.period} (quy định: {d.policy_period})"),
        ("Đơn vị trình", d.submitting_unit),
        ("Đơn vị của đối tượng", nominee.get("unit_name") or nominee.get("unit") or "—"),
        ("Chức vụ", nominee.get("position") or "—"),
        ("Địa chỉ", nominee.get("address") or "—"),
        ("Phong trào", d.movement or "—"),
        ("Khối", d.bloc or "— (thủ tục đơn giản)"),
    ]
    for label, value in details:
        out.print(f"  {label}: {value}")
    for dossier in d.dossiers:
        out.print(
            f"\n[bold]Hồ sơ phiên bản {dossier.number}[/] ({dossier.created_at.astimezone(tz):%d/%m/%Y %H:%M})",
            markup=True,
        )
        out.print(f"  Thành tích: {dossier.achievement}")
        if dossier.note:
            out.print(f"  Ghi chú: {dossier.note}")
        for check in dossier.checks:
            mark = {"passed": "đạt", "failed": "KHÔNG ĐẠT", "pending": "chờ xét"}[check["outcome"]]
            out.print(f"  [{mark}] {check['message']} — {check['article']}")
        for doc in dossier.documents:
            size = f"{doc.size:,}".replace(",", ".")
            out.print(
                f"  tệp: {DocumentKind(doc.kind).label} · {doc.file_name} · {size} byte · sha256 {doc.sha256[:12]}…"
            )
    if d.current_checks is not None:
        out.print("\n[bold]Kiểm tra lại điều kiện (thẩm định, dữ liệu hôm nay)[/]", markup=True)
        for check in d.current_checks:
            mark = {"passed": "đạt", "failed": "KHÔNG ĐẠT", "pending": "chờ xét"}[check["outcome"]]
            out.print(f"  [{mark}] {check['message']} — {check['article']}")
    if d.open_tasks:
        out.print("\n[bold]Đang chờ[/]", markup=True)
        for t in d.open_tasks:
            unit = f" ({t.assignee_unit})" if t.assignee_unit else ""
            out.print(
                f"  việc số {t.id}: {t.kind} — {t.assignee_role}{unit}, hạn {vietnamese_date(t.due_on)}"
            )
    out.print("\n[bold]Lịch sử[/]", markup=True)
    for e in d.timeline:
        out.print(f"  {e.at.astimezone(tz):%d/%m/%Y %H:%M} · {e.actor} · {event_text(e.action, e.data)}")
        if e.comment:
            out.print(f"      “{e.comment}”")


def event_text(action: str, data: dict[str, Any]) -> str:
    """An audit event as a person reads it: the arrow's label, with the figures that explain it."""
    label = ACTION_LABELS.get(action) or (
        lifecycle.get(action).label if lifecycle.can_name(action) else action
    )
    extra = []
    if "number" in data:
        extra.append(f"Quyết định số {data['number']}")
    if "electorate" in data:
        extra.append(f"{data['yes']}/{data['electorate']} phiếu của khối")
    if "denominator" in data:
        extra.append(f"{data['yes']}/{data['denominator']} phiếu Hội đồng")
    if "dossier_version" in data:
        extra.append(f"phiên bản hồ sơ {data['dossier_version']}")
    if "ground" in data:
        extra.append(HoldGround(data["ground"]).label)
    return label + (f" ({'; '.join(extra)})" if extra else "")


ACTION_LABELS = {"release": "Tiếp tục xét hồ sơ"}


@nom_app.command("withdraw")
@handled
def nominations_withdraw(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do rút hồ sơ.")],
    as_json: JsonFlag = False,
) -> None:
    """Đơn vị rút hồ sơ (trước khi có dự thảo quyết định)."""
    with context() as ctx:
        status = nomination_service.withdraw(ctx, actor, nomination_id, reason)
    if as_json:
        emit({"id": nomination_id, "status": status})
        return
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


# --- tasks -----------------------------------------------------------------------------------------


@task_app.command("list")
@handled
def tasks_list(
    actor: AsUser,
    include_closed: Annotated[bool, typer.Option("--all", help="Cả việc đã xử lý.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Việc cần xử lý của một người: quá hạn trước, rồi theo hạn."""
    with context() as ctx:
        views = task_service.list_tasks(ctx, actor, include_closed=include_closed)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    table = Table("Việc", "Loại", "Nội dung", "Hạn", "Quyết định", title=f"Việc cần xử lý của {actor}")
    for v in views:
        due = f"{v.due_on:%d/%m/%Y}" + (" (quá hạn)" if v.overdue else "")
        table.add_row(str(v.id), v.kind_label, v.subject, due, " | ".join(v.decisions))
    out.print(table)


@task_app.command("act")
@handled
def tasks_act(
    task_id: Annotated[int, typer.Argument(help="Số việc.")],
    actor: AsUser,
    decision: Annotated[str, typer.Option(help="Quyết định: xem cột 'Quyết định' của tasks list.")],
    comment: Annotated[
        str | None, typer.Option(help="Lý do / ý kiến (bắt buộc khi trả lại, không đề nghị).")
    ] = None,
    file: Annotated[Path | None, typer.Option(help="Tệp hồ sơ hoàn thiện (resubmit).")] = None,
    yes: IdList = None,
    no: IdList = None,
    abstain: IdList = None,
    scores: ScoresFile = None,
    next_chair: NextChair = None,
    next_deputy: NextDeputy = None,
    order: OrderOpt = None,
    leader: LeaderOpt = None,
    tie_reason: TieReason = None,
    reason: ReasonsOpt = None,
    number: Annotated[
        int | None, typer.Option(help="Số quyết định theo sổ đăng ký văn bản (register).")
    ] = None,
    dated: Annotated[
        str | None, typer.Option("--date", help="Ngày quyết định YYYY-MM-DD (register).")
    ] = None,
    proposal: ProposalOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Xử lý một việc; mỗi loại việc dùng các tùy chọn của nó."""
    dossier = source = None
    if file is not None:
        dossier, _digest = read_data_file(file)
        source = DirectorySource(file.parent)
    payload = task_service.Payload(
        comment=comment,
        dossier=dossier,
        source=source,
        approve=parse_ids(yes),
        reject=parse_ids(no),
        abstain=parse_ids(abstain),
        scores=read_scores(scores),
        next_chair=next_chair,
        next_deputy=next_deputy,
        order=parse_order(order),
        leader=leader,
        tie_reason=tie_reason,
        reasons=parse_reasons(reason),
        number=number,
        dated=date.fromisoformat(dated) if dated else None,
        proposal_ref=proposal,
    )
    with context() as ctx:
        result = task_service.act(ctx, actor, task_id, decision, payload)
    if as_json:
        emit(result.to_dict())
        return
    out.print(f"Việc số {result.task_id} ({decision}): {result.summary}.")


@task_app.command("overdue")
@handled
def tasks_overdue(as_json: JsonFlag = False) -> None:
    """Mọi việc quá hạn (ngày làm việc, trừ ngày lễ), quá hạn lâu nhất trước."""
    with context() as ctx:
        rows = task_service.overdue_tasks(ctx)
    if as_json:
        emit(rows)
        return
    table = Table("Việc", "Loại", "Nội dung", "Hạn", "Trễ (ngày)", "Người được giao", title="Việc quá hạn")
    for r in rows:
        table.add_row(
            str(r["id"]), r["kind"], r["subject"], r["due_on"], str(r["days_late"]), ", ".join(r["assignees"])
        )
    out.print(table)
    out.print(f"{len(rows)} việc quá hạn.")


# --- bloc rounds -----------------------------------------------------------------------------------


@round_app.command("list")
@handled
def rounds_list(as_json: JsonFlag = False) -> None:
    """Các vòng bình xét của các khối."""
    with context() as ctx:
        rows = rounds.list_rounds(ctx)
    if as_json:
        emit(rows)
        return
    table = Table("Số", "Khối", "Kỳ", "Trạng thái", title="Vòng bình xét của khối thi đua")
    for r in rows:
        table.add_row(str(r["id"]), r["bloc"], r["period"], RoundStatus(r["status"]).label)
    out.print(table)


@round_app.command("show")
@handled
def rounds_show(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")], as_json: JsonFlag = False
) -> None:
    """Hồ sơ, phiếu, điểm và kết quả (tạm tính khi đang bỏ phiếu) của một vòng bình xét."""
    with context() as ctx:
        view = rounds.show_round(ctx, round_id)
    if as_json:
        emit(view.to_dict())
        return
    out.print(
        f"Vòng bình xét số {view.id}: {view.bloc_name}, {view.period} — {RoundStatus(view.status).label}"
    )
    out.print(f"  Trưởng khối: {view.chair or '—'}; thành viên: {', '.join(view.members) or '(chưa chốt)'}")
    if view.criteria:
        out.print(
            "  Tiêu chí: " + "; ".join(f"{c['code']} ({c['name']}, tối đa {c['max']})" for c in view.criteria)
        )
    for n in view.nominations:
        out.print(
            f"  hồ sơ số {n['id']}: {n['nominee']} — {n['award_form']} ({n['unit']}) · {NominationStatus(n['status']).label}"
        )
    if view.votes_cast:
        out.print("  Đã bỏ phiếu: " + ", ".join(f"{u} ({k})" for u, k in sorted(view.votes_cast.items())))
    result = view.result or view.preview
    if result:
        _print_round_result(result, final=bool(view.result))


def _print_round_result(result: dict[str, Any], *, final: bool) -> None:
    if "tie" in result:
        out.print(f"  Tạm tính: {result['tie']}")
        return
    out.print("  Kết quả:" if final else "  Tạm tính (chưa kết thúc):")
    for row in result.get("unit_scores", []):
        lead = " ← dẫn đầu" if row["unit"] == result.get("leader") else ""
        out.print(f"    {row['unit']}: {row['score']:g} điểm ({row['sheets']} bảng chấm){lead}")
    for o in result.get("outcomes", []):
        verdict = "đề nghị" if o["endorsed"] else f"không đề nghị: {o['reason']}"
        rank = f", hạng {o['rank']}" if o["rank"] else ""
        out.print(f"    hồ sơ số {o['nomination']}: {o['yes']}/{o['electorate']} phiếu{rank} → {verdict}")


@round_app.command("open")
@handled
def rounds_open(round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")], actor: AsUser) -> None:
    """Trưởng khối chốt hồ sơ và mở chấm điểm, bỏ phiếu."""
    with context() as ctx:
        view = rounds.open_voting(ctx, actor, round_id)
    out.print(
        f"Vòng bình xét số {view.id}: mở bỏ phiếu cho {len(view.nominations)} hồ sơ, {len(view.members)} đơn vị."
    )


@round_app.command("score")
@handled
def rounds_score(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")],
    actor: AsUser,
    scores: Annotated[Path, typer.Option("--scores", help="Tệp YAML: đơn vị → {tiêu chí: điểm}.")],
) -> None:
    """Đơn vị chấm điểm các đơn vị trong khối (và tự chấm điểm mình) theo bảng tiêu chí."""
    with context() as ctx:
        totals = rounds.submit_scores(ctx, actor, round_id, read_scores(scores) or {})
    out.print("Đã chấm điểm: " + ", ".join(f"{u} {t}" for u, t in sorted(totals.items())))


@round_app.command("vote")
@handled
def rounds_vote(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")],
    actor: AsUser,
    yes: IdList = None,
    no: IdList = None,
) -> None:
    """Đơn vị bỏ phiếu bình xét (không bỏ phiếu cho hồ sơ của chính đơn vị mình)."""
    with context() as ctx:
        result = rounds.cast_votes(ctx, actor, round_id, approve=parse_ids(yes), reject=parse_ids(no))
    left = result["remaining"]
    out.print(f"Đơn vị {result['voter']} đã bỏ phiếu" + (f"; còn hồ sơ {left}." if left else " đủ."))


@round_app.command("return")
@handled
def rounds_return(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do trả lại, nêu rõ cần hoàn thiện gì.")],
) -> None:
    """Trưởng khối (phó khối với hồ sơ của đơn vị trưởng khối) trả lại hồ sơ trước khi bỏ phiếu."""
    with context() as ctx:
        status = rounds.return_dossier(ctx, actor, nomination_id, reason)
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


@round_app.command("close")
@handled
def rounds_close(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")],
    actor: AsUser,
    next_chair: Annotated[str, typer.Option(help="Đơn vị trưởng khối năm sau.")],
    next_deputy: Annotated[str, typer.Option(help="Đơn vị phó khối năm sau.")],
    order: OrderOpt = None,
    leader: LeaderOpt = None,
    tie_reason: TieReason = None,
    reason: ReasonsOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Trưởng khối kết thúc bình xét: hồ sơ được đề nghị chuyển thẩm định, các hồ sơ khác kèm lý do."""
    with context() as ctx:
        result = rounds.close_round(
            ctx,
            actor,
            round_id,
            next_chair=next_chair,
            next_deputy=next_deputy,
            order=parse_order(order),
            leader=leader,
            tie_reason=tie_reason,
            reasons=parse_reasons(reason),
        )
    if as_json:
        emit(result)
        return
    _print_round_result(result, final=True)


# --- council sessions ------------------------------------------------------------------------------


@session_app.command("open")
@handled
def sessions_open(
    actor: AsUser, title: Annotated[str | None, typer.Option(help="Tên phiên họp.")] = None
) -> None:
    """Thường trực Hội đồng triệu tập phiên họp với mọi hồ sơ đang chờ Hội đồng."""
    with context() as ctx:
        view = council.open_session(ctx, actor, title=title)
    out.print(
        f"Phiên họp số {view.id}: {view.title} — {len(view.items)} hồ sơ, {view.members_total} thành viên."
    )


@session_app.command("show")
@handled
def sessions_show(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")], as_json: JsonFlag = False
) -> None:
    """Túc số, số người đã bỏ phiếu; kết quả kiểm phiếu khi đã kết thúc (không bao giờ ai bỏ phiếu thế nào)."""
    with context() as ctx:
        view = council.show_session(ctx, session_id)
    if as_json:
        emit(view.to_dict())
        return
    out.print(f"Phiên họp số {view.id}: {view.title} — {SessionStatus(view.status).label}")
    out.print(f"  Có mặt {view.present}/{view.members_total}; đã bỏ phiếu {view.voted}/{view.members_total}")
    for item in view.items:
        tally = ""
        if "yes" in item:
            counts = (
                f"đồng ý {item['yes']}, không đồng ý {item['no']}, không biểu quyết {item['abstain']}, "
                if item["needs_vote"]
                else ""
            )
            tally = f" — {counts}{OUTCOME_LABEL.get(item['outcome'], item['outcome'])}"
        need = "" if item["needs_vote"] else " (không cần bỏ phiếu)"
        out.print(f"  hồ sơ số {item['nomination']}: {item['nominee']} — {item['award_form']}{need}{tally}")


@session_app.command("attendance")
@handled
def sessions_attendance(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    present: Annotated[str, typer.Option(help="Thành viên có mặt: tên đăng nhập, cách nhau dấu phẩy.")],
) -> None:
    """Thường trực ghi nhận thành viên có mặt."""
    with context() as ctx:
        view = council.record_attendance(
            ctx, actor, session_id, [p for p in present.replace(" ", "").split(",") if p]
        )
    out.print(f"Có mặt {view.present}/{view.members_total}.")


@session_app.command("vote")
@handled
def sessions_vote(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    yes: IdList = None,
    no: IdList = None,
    abstain: IdList = None,
) -> None:
    """Thành viên có mặt bỏ phiếu kín: mọi hồ sơ cần bỏ phiếu (trừ hồ sơ của đơn vị mình)."""
    with context() as ctx:
        council.cast_ballot(ctx, actor, session_id, _choices(yes, no, abstain))
    out.print(f"Đã nhận phiếu kín của {actor} tại phiên họp số {session_id}.")


@session_app.command("written-ballot")
@handled
def sessions_written_ballot(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    member: Annotated[str, typer.Option(help="Thành viên vắng mặt gửi phiếu.")],
    yes: IdList = None,
    no: IdList = None,
    abstain: IdList = None,
) -> None:
    """Thường trực nhập phiếu bằng văn bản của thành viên vắng mặt."""
    with context() as ctx:
        council.enter_written_ballot(ctx, actor, session_id, member, _choices(yes, no, abstain))
    out.print(f"Đã nhập phiếu văn bản của {member} tại phiên họp số {session_id}.")


def _choices(yes: str | None, no: str | None, abstain: str | None) -> dict[int, Choice]:
    choices: dict[int, Choice] = {}
    for ids, choice in ((yes, Choice.YES), (no, Choice.NO), (abstain, Choice.ABSTAIN)):
        for nomination_id in parse_ids(ids):
            if nomination_id in choices:
                raise InputRejected(f"Hồ sơ số {nomination_id} có hai ý kiến trên cùng một phiếu.")
            choices[nomination_id] = choice
    return choices


@session_app.command("close")
@handled
def sessions_close(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    proposal: ProposalOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Kiểm phiếu: túc số, tỷ lệ tham gia, ngưỡng từng hình thức; lập dự thảo quyết định."""
    with context() as ctx:
        result = council.close_session(ctx, actor, session_id, proposal_ref=proposal)
    if as_json:
        emit(result)
        return
    out.print(
        f"Phiên họp số {session_id}: có mặt {result['present']}/{result['members_total']}, bỏ phiếu {result['voted']}."
    )
    for item in result["items"]:
        tally = (
            f"đồng ý {item['yes']}, không đồng ý {item['no']}, không biểu quyết {item['abstain']}"
            if item["needs_vote"]
            else "không cần bỏ phiếu"
        )
        outcome = OUTCOME_LABEL.get(item["outcome"], item["outcome"])
        out.print(f"  hồ sơ số {item['nomination']}: {tally} → {outcome}")
    out.print(f"Dự thảo quyết định: {', '.join(map(str, result['decisions'])) or 'không có'}")


# --- decisions -------------------------------------------------------------------------------------


@decision_app.command("list")
@handled
def decisions_list(as_json: JsonFlag = False) -> None:
    """Các quyết định khen thưởng (dự thảo, đã ký, đã ban hành)."""
    with context() as ctx:
        views = decisions.list_decisions(ctx)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    table = Table("Số", "Số quyết định", "Ngày", "Hình thức", "Số người/tập thể", "Tiền thưởng", "Trạng thái")
    for v in views:
        day = f"{v.decision_date:%d/%m/%Y}" if v.decision_date else "—"
        table.add_row(
            str(v.id),
            v.number_text or "—",
            day,
            v.award_name,
            str(len(v.items)),
            money_vnd(v.total_reward),
            v.status_label,
        )
    out.print(table)


@decision_app.command("show")
@handled
def decisions_show(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")], as_json: JsonFlag = False
) -> None:
    """Quyết định với danh sách kèm theo và mức thưởng."""
    with context() as ctx:
        v = decisions.show_decision(ctx, decision_id)
    if as_json:
        emit(v.to_dict())
        return
    number = v.number_text or "…/QĐ-UBND (chưa cấp số)"
    day = vietnamese_date(v.decision_date) if v.decision_date else "ngày … tháng … năm …"
    out.print(f"QUYẾT ĐỊNH số {number}, {day} — {v.status_label}")
    out.print(f"Về việc tặng {v.award_name}")
    for basis in v.legal_basis:
        out.print(f"  Căn cứ {basis};")
    if v.proposal_ref:
        out.print(f"  Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số {v.proposal_ref}.")
    out.print(f"  {v.reason_line}.")
    for item in v.items:
        detail = f", {item['detail']}" if item["detail"] else ""
        out.print(f"  {item['ordinal']}. {item['name']}{detail} — {money_vnd(item['reward'])}")
    out.print(f"  Tổng tiền thưởng: {money_vnd(v.total_reward)}")
    if v.signer:
        title = "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" if v.signer_title == "PHÓ CHỦ TỊCH" else (v.signer_title or "")
        out.print(f"  {title}: {v.signer}")
    if v.sent_back_reason:
        out.print(f"  Người ký trả lại: {v.sent_back_reason}")


@decision_app.command("sign")
@handled
def decisions_sign(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")], actor: AsUser
) -> None:
    """Người ký ký dự thảo quyết định."""
    with context() as ctx:
        v = decisions.sign(ctx, actor, decision_id)
    out.print(
        f"Quyết định {v.id}: {v.status_label}" + (f", số {v.number_text}" if v.number_text else "") + "."
    )


@decision_app.command("send-back")
@handled
def decisions_send_back(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do trả lại dự thảo.")],
) -> None:
    """Người ký trả dự thảo về thường trực Hội đồng để xét lại ở phiên họp mới."""
    with context() as ctx:
        v = decisions.send_back(ctx, actor, decision_id, reason)
    out.print(f"Quyết định {v.id}: {v.status_label}.")


@decision_app.command("register")
@handled
def decisions_register(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")],
    actor: AsUser,
    number: Annotated[int, typer.Option(help="Số theo sổ đăng ký văn bản của cơ quan ban hành.")],
    dated: Annotated[str | None, typer.Option("--date", help="Ngày quyết định YYYY-MM-DD.")] = None,
) -> None:
    """Văn thư vào sổ, cấp số và ngày cho quyết định đã ký; các hồ sơ trong danh sách được khen thưởng."""
    with context() as ctx:
        v = decisions.register(
            ctx, actor, decision_id, number, dated=date.fromisoformat(dated) if dated else None
        )
    out.print(
        f"Quyết định số {v.number_text} {vietnamese_date(v.decision_date) if v.decision_date else ''}: {v.status_label}."
    )


@nom_app.command("appraise")
@handled
def nominations_appraise(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    decision: Annotated[str, typer.Option(help="pass | return | reject")],
    comment: Annotated[str | None, typer.Option(help="Lý do (bắt buộc khi trả lại, không đạt).")] = None,
) -> None:
    """Thẩm định một hồ sơ: các điều kiện được kiểm tra lại với dữ liệu hiện có."""
    with context() as ctx:
        result = task_service.act_on_nomination(
            ctx, actor, nomination_id, decision, task_service.Payload(comment=comment)
        )
    out.print(f"Việc số {result.task_id} ({decision}): {result.summary}.")


@nom_app.command("resubmit")
@handled
def nominations_resubmit(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ bị trả lại.")],
    actor: AsUser,
    file: Annotated[Path, typer.Option(help="Tệp hồ sơ hoàn thiện.")],
) -> None:
    """Nộp lại hồ sơ đã hoàn thiện: một phiên bản mới, về lại nơi đã trả."""
    dossier, _digest = read_data_file(file)
    payload = task_service.Payload(dossier=dossier, source=DirectorySource(file.parent))
    with context() as ctx:
        result = task_service.act_on_nomination(ctx, actor, nomination_id, "resubmit", payload)
    out.print(f"Việc số {result.task_id}: {result.summary}.")


@decision_app.command("pdf")
@handled
def decisions_pdf(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")],
    out: Annotated[Path, typer.Option(help="Tệp PDF ghi ra.")],
) -> None:
    """Quyết định (cả dự thảo, để người ký xem trước) thành PDF, kèm danh sách."""
    from thidua_workflow.services import certificates

    with context() as ctx:
        data = certificates.decision_pdf(ctx, decision_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    out_size = f"{len(data):,}".replace(",", ".")
    err.print(f"Đã ghi {out} ({out_size} byte).")


# --- certificates ----------------------------------------------------------------------------------


@cert_app.command("issue")
@handled
def certificates_issue(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định đã ban hành.")],
    out: Annotated[Path | None, typer.Option(help="Thư mục ghi các tệp PDF để in.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Cấp bằng cho mọi người trong quyết định (chạy lại không cấp trùng) và xuất các tệp in."""
    from thidua_workflow.services import certificates

    with context() as ctx:
        if sys.stderr.isatty() and not as_json:
            with err.status("Đang dựng các bằng …"):
                report = certificates.issue(ctx, decision_id)
        else:
            report = certificates.issue(ctx, decision_id)
        files = certificates.export(ctx, decision_id, out) if out else []
    if as_json:
        emit({**report.to_dict(), "files": [str(f) for f in files]})
        return
    print(f"Quyết định {decision_id}: cấp mới {report.created} bằng, đã có {report.existing}.")
    for f in files:
        print(f"  {f}")


@cert_app.command("verify")
@handled
def certificates_verify(
    code_or_pdf: Annotated[
        str, typer.Argument(help="Mã xác thực (in dưới mã QR) hoặc đường dẫn tệp PDF của bằng.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Bằng thật, không rõ, bị sửa hay đã thu hồi. Mã thoát: 0 thật; 2 không rõ; 4 bị sửa hoặc thu hồi."""
    from thidua_workflow.services import certificates

    path = Path(code_or_pdf)
    subject: str | bytes = (
        path.read_bytes() if path.suffix.lower() == ".pdf" and path.is_file() else code_or_pdf
    )
    with context() as ctx:
        result = certificates.verify(ctx, subject)
    if as_json:
        emit(result.to_dict())
    else:
        label = {"genuine": "THẬT", "unknown": "KHÔNG RÕ", "altered": "BỊ SỬA", "revoked": "ĐÃ THU HỒI"}[
            result.verdict
        ]
        print(f"{label}: {result.message}")
        for key, value in result.details.items():
            print(f"  {key}: {value}")
    raise typer.Exit({"genuine": 0, "unknown": 2}.get(result.verdict, 4))


@cert_app.command("revoke")
@handled
def certificates_revoke(
    code: Annotated[str, typer.Argument(help="Mã xác thực của bằng.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do, văn bản căn cứ.")],
) -> None:
    """Văn thư thu hồi một bằng (ví dụ quyết định bị hủy); tra cứu sẽ báo đã thu hồi."""
    from thidua_workflow.services import certificates

    with context() as ctx:
        result = certificates.revoke(ctx, actor, code, reason)
    print(result.message)


@cert_app.command("calibrate")
@handled
def certificates_calibrate(
    out: Annotated[Path, typer.Option(help="Tệp PDF của tờ căn chỉnh.")],
    offset: Annotated[str, typer.Option(help="Độ lệch của máy in, mm: x,y (ví dụ 1.5,-0.5).")] = "0,0",
) -> None:
    """Tờ căn chỉnh cho phôi in sẵn: khung và dấu chữ thập của từng ô, đã cộng độ lệch máy in."""
    from thidua_workflow.certificates.layout import load_layout
    from thidua_workflow.certificates.render import render_calibration

    try:
        dx, dy = (float(v) for v in offset.split(","))
    except ValueError:
        raise InputRejected(f"Độ lệch phải có dạng x,y (mm), nhận được '{offset}'.") from None
    with context() as ctx:
        layout = load_layout(ctx.policy.certificates.layout)
    out.write_bytes(render_calibration(layout, (dx, dy)))
    print(f"Đã ghi {out}: in lên một tờ phôi, đối chiếu với các ô in sẵn, rồi đặt THIDUA_PRINTER_OFFSET_MM.")


# --- hold and release ------------------------------------------------------------------------------


@nom_app.command("hold")
@handled
def nominations_hold(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    ground: Annotated[HoldGround, typer.Option(help="Căn cứ tạm dừng.")],
    reason: Annotated[str, typer.Option(help="Nội dung, văn bản căn cứ.")],
) -> None:
    """Tạm dừng xét hồ sơ (kỷ luật, điều tra, thanh tra, khiếu nại)."""
    with context() as ctx:
        status = holds.hold(ctx, actor, nomination_id, ground, reason)
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


@nom_app.command("release")
@handled
def nominations_release(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Kết luận, văn bản căn cứ.")],
) -> None:
    """Tiếp tục xét hồ sơ đã tạm dừng."""
    with context() as ctx:
        status = holds.release(ctx, actor, nomination_id, reason)
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


@app.command("audit")
@handled
def audit_log(
    limit: Annotated[int, typer.Option(help="Số sự kiện gần nhất.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Nhật ký: ai làm gì, lúc nào, từ trạng thái nào sang trạng thái nào (mới nhất trước)."""
    with context() as ctx:
        events = queries.audit_events(ctx, limit=limit)
        tz = ctx.clock.tz
    if as_json:
        emit([{**e.__dict__, "at": e.at.isoformat()} for e in events])
        return
    for e in events:
        arrow = f" {e.from_state or '—'} → {e.to_state}" if e.to_state else ""
        print(f"{e.at.astimezone(tz):%d/%m/%Y %H:%M} · {e.actor} · {event_text(e.action, e.data)}{arrow}")


# --- policy ----------------------------------------------------------------------------------------


@policy_app.command("show")
@handled
def policy_show(as_json: JsonFlag = False) -> None:
    """Các giá trị của chính sách theo giai đoạn, mỗi giá trị với nguồn và mức xác nhận."""
    with context() as ctx:
        policy = ctx.policy
    if as_json:
        emit(policy.model_dump(mode="json"))
        return
    from thidua_workflow.policy_report import render_policy

    out.print(render_policy(policy))


@app.command("demo")
@handled
def demo(
    example: Annotated[Path, typer.Option(help="Thư mục ví dụ.")] = Path("examples/quang-binh"),
    without_prefect: Annotated[
        bool,
        typer.Option("--without-prefect", help="Chạy các bước ngay trong tiến trình, không qua Prefect."),
    ] = False,
) -> None:
    """Diễn lại kịch bản Quảng Bình 2019–2020: mọi bước chuyển giai đoạn là một flow run Prefect thật."""
    from thidua_workflow.demo import run_demo

    if not example.is_dir():
        raise ConfigurationError(f"Không thấy thư mục ví dụ {example}.")
    run_demo(settings(), example, out, with_prefect=not without_prefect)


WebHost = Annotated[str, typer.Option(help="Địa chỉ lắng nghe của giao diện web.")]
WebPort = Annotated[
    int, typer.Option(help="Cổng của giao diện web (mã QR trên bằng trỏ tới THIDUA_VERIFY_URL).")
]


@app.command("web")
@handled
def web(host: WebHost = "127.0.0.1", web_port: WebPort = 8000) -> None:
    """Chỉ chạy giao diện web (các bước tiếp theo chạy theo THIDUA_DISPATCH)."""
    from thidua_workflow.web.server import build_app, run

    application = build_app(settings(), on_problem=warn)
    out.print(f"Giao diện web: http://{host}:{web_port}/ (Ctrl-C để dừng).")
    run(application, host, web_port)


@app.command("serve")
@handled
def serve(
    port: Annotated[
        int, typer.Option(help="Cổng của Prefect server cục bộ (khi chưa có PREFECT_API_URL).")
    ] = 4200,
    host: WebHost = "127.0.0.1",
    web_port: WebPort = 8000,
) -> None:
    """Chạy mọi deployment (các giai đoạn, gửi thư, quét định kỳ) và giao diện web trên máy này; Ctrl-C để dừng.

    Có PREFECT_API_URL: phục vụ các deployment trên server đó. Không có: khởi động Prefect server cục bộ
    với dữ liệu trong thư mục dữ liệu (giao diện Prefect ở http://127.0.0.1:PORT). Thao tác trên web
    đánh thức các flow của các deployment đó.
    """
    import os
    from contextlib import ExitStack

    from flows.local_server import prefect_server, runner

    current = settings()
    home = current.data_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    flow_env = {
        "THIDUA_DATA_DIR": str(current.data_dir),
        "THIDUA_DATABASE_URL": current.effective_database_url,
    }
    if current.as_of:
        flow_env["THIDUA_AS_OF"] = current.as_of.isoformat()
    try:
        with ExitStack() as stack:
            api_url = os.environ.get("PREFECT_API_URL") or stack.enter_context(prefect_server(home, port))
            stack.enter_context(runner(api_url, home, flow_env))
            # Prefect may already be imported here: point its settings at this server explicitly.
            os.environ["PREFECT_API_URL"] = api_url
            from prefect.settings import PREFECT_API_URL, temporary_settings

            from thidua_workflow.web.server import build_app, run

            stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))

            application = build_app(current.model_copy(update={"dispatch": "deployment"}), on_problem=warn)
            out.print(f"Prefect: {api_url.removesuffix('/api')} — các deployment đang chạy.")
            out.print(f"Giao diện web: http://{host}:{web_port}/ (Ctrl-C để dừng).")
            run(application, host, web_port)
    except KeyboardInterrupt:
        pass
    out.print("Đã dừng.")


# --- users ---------------------------------------------------------------------------------------


@users_app.command("set-password")
@handled
def users_set_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập (theo tệp tổ chức).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn.")
    ] = False,
) -> None:
    """Đặt (hoặc cấp lại) mật khẩu đăng nhập web của một người."""
    from thidua_workflow.services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Mật khẩu mới", hide_input=True, confirmation_prompt="Nhập lại")
    with context() as ctx:
        accounts.set_password(ctx, username, password)
    out.print(f"Đã đặt mật khẩu cho {username}.")


@users_app.command("token")
@handled
def users_token(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    label: Annotated[str, typer.Option(help="Dùng cho việc gì (để nhận ra khi thu hồi).")],
    as_json: JsonFlag = False,
) -> None:
    """Cấp một mã truy cập API cho một người; mã chỉ in ra một lần."""
    from thidua_workflow.services import accounts

    with context() as ctx:
        issued = accounts.issue_token(ctx, username, label)
    if as_json:
        emit({"id": issued.id, "token": issued.token, "label": issued.label})
        return
    out.print(f"Mã truy cập số {issued.id} ({issued.label}): {issued.token}")


@app.command("sweep")
@handled
def sweep_once(as_json: JsonFlag = False) -> None:
    """Quét một lần, không cần Prefect: nhắc hạn, báo quá hạn, chạy lại các bước bị lỡ, gửi thư."""
    from thidua_workflow.services import deadlines, stages

    with context() as ctx:
        counts: dict[str, Any] = dict(deadlines.remind_and_escalate(ctx))
        waiting = [w.id for w in stages.pending(ctx)]
        ctx.dispatcher(ctx, waiting) if ctx.dispatcher else None
        counts["stages"] = len(waiting)
    if as_json:
        emit(counts)
        return
    out.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
