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

from thidua_workflow.db.migrate import current_revision, head_revision, upgrade
from thidua_workflow.domain.enums import NominationStatus, NomineeKind
from thidua_workflow.domain.text import vietnamese_date
from thidua_workflow.errors import ConfigurationError, InputRejected, ThiduaError
from thidua_workflow.services import nominations as nomination_service
from thidua_workflow.services import org as org_service
from thidua_workflow.services import queries
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

# Piped output (logs, CI) gets wide tables instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, markup=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, width=_WIDTH)

P = ParamSpec("P")
R = TypeVar("R")

AsUser = Annotated[str, typer.Option("--as", help="Tên đăng nhập của người thực hiện.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")]


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
    return Settings(**values)


@contextmanager
def context() -> Iterator[Context]:
    ctx = bootstrap(settings())
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
    ctx = bootstrap(settings(), migrate=False)
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
    ctx = bootstrap(settings(), migrate=False)
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
    file: Annotated[Path, typer.Argument(help="Tệp đề nghị YAML/JSON (xem README).")],
    actor: AsUser,
    as_json: JsonFlag = False,
) -> None:
    """Nộp một tờ trình với danh sách đề nghị; sai một mục là từ chối cả tệp."""
    data, digest = read_data_file(file)
    with context() as ctx:
        result = nomination_service.submit(
            ctx,
            actor,
            data,
            DirectorySource(file.parent),
            source_name=file.name,
            source_sha256=digest,
        )
    if as_json:
        emit(result.to_dict())
        return
    out.print(f"Đã nộp tờ trình số {result.submission_id} với {len(result.nomination_ids)} hồ sơ:")
    for nomination_id in result.nomination_ids:
        status = NominationStatus(result.statuses[nomination_id])
        out.print(f"  hồ sơ số {nomination_id}: {status.label}")


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
            out.print(f"  tệp: {doc.kind} · {doc.file_name} · {doc.size:,} byte · sha256 {doc.sha256[:12]}…")
    if d.open_tasks:
        out.print("\n[bold]Đang chờ[/]", markup=True)
        for t in d.open_tasks:
            unit = f" ({t.assignee_unit})" if t.assignee_unit else ""
            out.print(
                f"  việc số {t.id}: {t.kind} — {t.assignee_role}{unit}, hạn {vietnamese_date(t.due_on)}"
            )
    out.print("\n[bold]Lịch sử[/]", markup=True)
    for e in d.timeline:
        arrow = f"{e.from_state or '—'} → {e.to_state}" if e.to_state else ""
        comment = f" — “{e.comment}”" if e.comment else ""
        out.print(f"  {e.at.astimezone(tz):%d/%m/%Y %H:%M} · {e.actor} · {e.action} {arrow}{comment}")


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
    table = Table(
        "Việc",
        "Loại",
        "Hồ sơ",
        "Đối tượng",
        "Hình thức",
        "Đơn vị",
        "Hạn",
        "Quyết định",
        title=f"Việc của {actor}",
    )
    for v in sorted(views, key=lambda v: (not v.overdue, v.due_on, v.id)):
        due = f"{v.due_on:%d/%m/%Y}" + (" (quá hạn)" if v.overdue else "")
        table.add_row(
            str(v.id),
            v.kind_label,
            str(v.nomination_id),
            v.nominee,
            v.award_form,
            v.unit,
            due,
            " | ".join(v.decisions),
        )
    out.print(table)


@task_app.command("act")
@handled
def tasks_act(
    task_id: Annotated[int, typer.Argument(help="Số việc.")],
    actor: AsUser,
    decision: Annotated[str, typer.Option(help="endorse | pass | return | reject | resubmit")],
    comment: Annotated[
        str | None, typer.Option(help="Lý do / ý kiến (bắt buộc khi trả lại, từ chối).")
    ] = None,
    file: Annotated[Path | None, typer.Option(help="Tệp hồ sơ hoàn thiện (khi resubmit).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Xử lý một việc: quyết định, kèm lý do khi luật yêu cầu."""
    dossier = source = None
    if file is not None:
        dossier, _digest = read_data_file(file)
        source = DirectorySource(file.parent)
    with context() as ctx:
        result = task_service.act(
            ctx, actor, task_id, decision, comment=comment, dossier=dossier, source=source
        )
    if as_json:
        emit(result.to_dict())
        return
    out.print(
        f"Việc số {result.task_id} đã xử lý ({decision}); hồ sơ số {result.nomination_id}: {NominationStatus(result.status).label}."
    )


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
) -> None:
    """Diễn lại kịch bản Quảng Bình 2019–2020 qua các dịch vụ và in kết quả."""
    from thidua_workflow.demo import run_demo

    if not example.is_dir():
        raise ConfigurationError(f"Không thấy thư mục ví dụ {example}.")
    run_demo(settings(), example, out)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
