"""``thidua delegations`` and ``thidua records`` (issue 22): delegating a role's tasks while away, an
operator's reassigning, the dashboard's snapshot, and the audit record's exports with their check."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag

delegations_app = typer.Typer(help="Ủy quyền xử lý việc khi vắng mặt; giao lại việc.", no_args_is_help=True)
records_app = typer.Typer(
    help="Nhật ký của hồ sơ, vòng bình xét, phiên họp, quyết định: xuất và kiểm tra.", no_args_is_help=True
)


@delegations_app.command("grant")
@handled
def grant(
    actor: AsUser,
    to: Annotated[str, typer.Option("--to", help="Người được ủy quyền (tên đăng nhập).")],
    role: Annotated[str, typer.Option(help="Vai trò ủy quyền, ví dụ appraiser.")],
    starts: Annotated[str, typer.Option("--from-date", help="Từ ngày YYYY-MM-DD.")],
    ends: Annotated[str, typer.Option("--until", help="Đến ngày YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(help="Lý do (nghỉ phép, công tác…).")],
    for_user: Annotated[
        str | None, typer.Option("--for", help="Người ủy quyền, khi người quản trị lập thay.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Ủy quyền việc của một vai trò cho đồng nghiệp trong một thời gian."""
    from thidua_workflow.services import delegation

    with context() as ctx:
        view = delegation.delegate(
            ctx,
            actor,
            from_username=for_user or actor,
            to_username=to,
            role=role,
            starts_on=date.fromisoformat(starts),
            ends_on=date.fromisoformat(ends),
            reason=reason,
        )
    if as_json:
        emit(view.to_dict())
        return
    out.print(
        f"Ủy quyền số {view.id}: {view.from_name} → {view.to_name}, {view.role_label}, {view.starts_on:%d/%m/%Y}–{view.ends_on:%d/%m/%Y}"
    )


@delegations_app.command("revoke")
@handled
def revoke(
    delegation_id: Annotated[int, typer.Argument(help="Số ủy quyền.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do thu hồi.")],
) -> None:
    """Thu hồi một ủy quyền (người ủy quyền, người được ủy quyền hoặc người quản trị)."""
    from thidua_workflow.services import delegation

    with context() as ctx:
        view = delegation.revoke(ctx, actor, delegation_id, reason)
    out.print(f"Đã thu hồi ủy quyền số {view.id}.")


@delegations_app.command("list")
@handled
def listing(actor: AsUser, as_json: JsonFlag = False) -> None:
    """Các ủy quyền của một người (người quản trị: tất cả)."""
    from thidua_workflow.services import delegation

    with context() as ctx:
        views = delegation.list_delegations(ctx, actor)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for v in views:
        state = "đã thu hồi" if v.revoked else ("đang hiệu lực" if v.active else "không hiệu lực hôm nay")
        out.print(
            f"{v.id}: {v.from_name} → {v.to_name}, {v.role_label}, {v.starts_on:%d/%m/%Y}–{v.ends_on:%d/%m/%Y} ({state})"
        )


@delegations_app.command("reassign")
@handled
def reassign(
    task_ids: Annotated[str, typer.Argument(help="Số việc, cách nhau bằng dấu phẩy: 12,15.")],
    actor: AsUser,
    to: Annotated[str, typer.Option("--to", help="Người nhận (đang giữ vai trò của việc).")],
    reason: Annotated[str, typer.Option(help="Lý do giao lại.")],
    as_json: JsonFlag = False,
) -> None:
    """Người quản trị giao lại các việc của người đã nghỉ: mỗi việc một giao dịch, một kết quả."""
    from thidua_workflow.cli._options import parse_ids
    from thidua_workflow.services import delegation

    with context() as ctx:
        results = delegation.reassign_many(ctx, actor, sorted(parse_ids(task_ids)), to, reason)
    if as_json:
        emit([r.__dict__ for r in results])
    else:
        for r in results:
            out.print(f"Việc số {r.item}: {'đã giao lại' if r.ok else 'không giao lại được'} — {r.message}")
    if not all(r.ok for r in results):
        raise typer.Exit(code=4)


@records_app.command("export")
@handled
def export(
    kind: Annotated[str, typer.Argument(help="nomination | round | session | decision")],
    entity_id: Annotated[int, typer.Argument(help="Số hồ sơ / vòng / phiên họp / quyết định.")],
    actor: AsUser,
    out_file: Annotated[Path, typer.Option("--out", help="Tệp .csv hoặc .xlsx.")],
) -> None:
    """Xuất nhật ký (kèm mã SHA-256 để kiểm tra bản sao)."""
    from thidua_workflow.services import audit_export
    from thidua_workflow.services.actors import read_actor

    with context() as ctx:
        record = audit_export.export(ctx, read_actor(ctx, actor), kind, entity_id)
    data = record.xlsx_bytes() if out_file.suffix.lower() == ".xlsx" else record.csv_bytes()
    out_file.write_bytes(data)
    out.print(f"{record.title}: {len(record.rows)} sự kiện → {out_file}\nSHA-256: {record.digest}")


@records_app.command("verify")
@handled
def verify(
    file: Annotated[Path, typer.Argument(help="Tệp nhật ký .csv hoặc .xlsx đã xuất.")],
    as_json: JsonFlag = False,
) -> None:
    """Kiểm tra một bản sao nhật ký: nội dung còn khớp mã SHA-256 ghi trong tệp không."""
    from thidua_workflow.services import audit_export

    result = audit_export.verify(file.name, file.read_bytes())
    if as_json:
        emit(result.__dict__)
    else:
        out.print(result.message)
    if not result.intact:
        raise typer.Exit(code=4)


@records_app.command("dashboard")
@handled
def dashboard_refresh() -> None:
    """Tính lại số liệu của bảng theo dõi (việc của lần quét hằng ngày)."""
    from thidua_workflow.services import dashboard

    with context() as ctx:
        taken = dashboard.refresh(ctx)
    out.print(f"Đã tính lại số liệu bảng theo dõi lúc {taken:%d/%m/%Y %H:%M}.")
