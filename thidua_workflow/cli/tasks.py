"""``thidua tasks``: a person's inbox, acting on a task, and what is overdue."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import (
    AsUser,
    IdList,
    JsonFlag,
    LeaderOpt,
    NextChair,
    NextDeputy,
    OrderOpt,
    ProposalOpt,
    ReasonsOpt,
    ScoresFile,
    TieReason,
    parse_ids,
    parse_order,
    parse_reasons,
    read_data_file,
    read_scores,
)

app = typer.Typer(help="Việc cần xử lý.", no_args_is_help=True)


@app.command("list")
@handled
def tasks_list(
    actor: AsUser,
    include_closed: Annotated[bool, typer.Option("--all", help="Cả việc đã xử lý.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Việc cần xử lý của một người: quá hạn trước, rồi theo hạn."""
    from rich.table import Table

    from thidua_workflow.services import tasks as task_service

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


@app.command("act")
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
        str | None,
        typer.Option(
            "--date", help="Ngày quyết định (register), ngày thu hồi và phiếu thu (recovered): YYYY-MM-DD."
        ),
    ] = None,
    proposal: ProposalOpt = None,
    voucher: Annotated[
        str | None,
        typer.Option(
            help="Số phiếu thu (số chứng từ) khi quỹ thi đua, khen thưởng đã chi tiền thưởng (recovered)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Xử lý một việc; mỗi loại việc dùng các tùy chọn của nó."""
    from thidua_workflow.services import tasks as task_service
    from thidua_workflow.services.evidence import DirectorySource

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
        voucher=voucher,
    )
    with context() as ctx:
        result = task_service.act(ctx, actor, task_id, decision, payload)
    if as_json:
        emit(result.to_dict())
        return
    out.print(f"Việc số {result.task_id} ({decision}): {result.summary}.")


@app.command("overdue")
@handled
def tasks_overdue(as_json: JsonFlag = False) -> None:
    """Mọi việc quá hạn (ngày làm việc, trừ ngày lễ), quá hạn lâu nhất trước."""
    from datetime import date

    from rich.table import Table

    from thidua_workflow.domain.text import group_digits
    from thidua_workflow.services import tasks as task_service

    with context() as ctx:
        rows = task_service.overdue_tasks(ctx)
    if as_json:
        emit(rows)
        return
    table = Table("Việc", "Loại", "Nội dung", "Hạn", "Trễ (ngày)", "Người được giao", title="Việc quá hạn")
    for r in rows:
        due = date.fromisoformat(r["due_on"])
        table.add_row(
            str(r["id"]),
            r["kind_label"],
            r["subject"],
            f"{due:%d/%m/%Y}",
            group_digits(r["days_late"]),
            ", ".join(r["assignee_names"]),
        )
    out.print(table)
    out.print(f"{group_digits(len(rows))} việc quá hạn.")
