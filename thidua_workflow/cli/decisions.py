"""``thidua decisions``: the Chairman's award decisions: drafts, signature, registration, the PDF."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, err, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag
from thidua_workflow.domain.text import money_vnd, vietnamese_date

app = typer.Typer(help="Quyết định khen thưởng.", no_args_is_help=True)


@app.command("list")
@handled
def decisions_list(as_json: JsonFlag = False) -> None:
    """Các quyết định khen thưởng (dự thảo, đã ký, đã ban hành)."""
    from rich.table import Table

    from thidua_workflow.services import decisions

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


@app.command("show")
@handled
def decisions_show(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")], as_json: JsonFlag = False
) -> None:
    """Quyết định với danh sách kèm theo và mức thưởng."""
    from thidua_workflow.services import annulments, decisions

    with context() as ctx:
        v = decisions.show_decision(ctx, decision_id)
        annulled = {a.nomination_id: a for a in annulments.list_annulments(ctx, decision_id=decision_id)}
    if as_json:
        emit(
            {
                **v.to_dict(),
                "annulled": [
                    {"nomination": a.nomination_id, "act": a.act_number, "date": a.act_date.isoformat()}
                    for a in annulled.values()
                ],
            }
        )
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
        a = annulled.get(item["nomination"])
        if a is not None:
            out.print(
                f"     [đã hủy bỏ theo Quyết định số {a.act_number}, {vietnamese_date(a.act_date)}: {a.ground}]"
            )
    out.print(f"  Tổng tiền thưởng: {money_vnd(v.total_reward)}")
    if v.signer:
        title = "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" if v.signer_title == "PHÓ CHỦ TỊCH" else (v.signer_title or "")
        out.print(f"  {title}: {v.signer}")
    if v.sent_back_reason:
        out.print(f"  Người ký trả lại: {v.sent_back_reason}")


@app.command("sign")
@handled
def decisions_sign(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")],
    actor: AsUser,
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin",
            help="Đọc mã PIN (thiết bị ký số), hoặc mật khẩu rồi mã xác nhận (ký từ xa), từ đầu vào chuẩn.",
        ),
    ] = False,
) -> None:
    """Người ký ký dự thảo quyết định (bằng thiết bị ký số hay ký từ xa: hỏi mã PIN, mã xác nhận khi ký)."""
    import sys

    from thidua_workflow.services import decisions, signers

    with context() as ctx:
        needs = signers.show_signer(ctx, actor).needs
        answers: dict[str, str] = {}
        prompts = {
            "pin": "Mã PIN của thiết bị ký số",
            "password": "Mật khẩu tài khoản ký số",
            "otp": "Mã xác nhận (OTP)",
        }
        for name in needs:
            if secret_stdin:
                answers[name] = sys.stdin.readline().rstrip("\n")
            else:
                answers[name] = typer.prompt(prompts[name], hide_input=True)
        secret = signers.SigningSecret(**answers) if needs else None
        v = decisions.sign(ctx, actor, decision_id, secret)
    out.print(
        f"Quyết định {v.id}: {v.status_label}" + (f", số {v.number_text}" if v.number_text else "") + "."
    )


@app.command("send-back")
@handled
def decisions_send_back(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do trả lại dự thảo.")],
) -> None:
    """Người ký trả dự thảo về thường trực Hội đồng để xét lại ở phiên họp mới."""
    from thidua_workflow.services import decisions

    with context() as ctx:
        v = decisions.send_back(ctx, actor, decision_id, reason)
    out.print(f"Quyết định {v.id}: {v.status_label}.")


@app.command("register")
@handled
def decisions_register(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định.")],
    actor: AsUser,
    number: Annotated[int, typer.Option(help="Số theo sổ đăng ký văn bản của cơ quan ban hành.")],
    dated: Annotated[str | None, typer.Option("--date", help="Ngày quyết định YYYY-MM-DD.")] = None,
) -> None:
    """Văn thư vào sổ, cấp số và ngày cho quyết định đã ký; các hồ sơ trong danh sách được khen thưởng."""
    from thidua_workflow.services import decisions

    with context() as ctx:
        v = decisions.register(
            ctx, actor, decision_id, number, dated=date.fromisoformat(dated) if dated else None
        )
    out.print(
        f"Quyết định số {v.number_text} {vietnamese_date(v.decision_date) if v.decision_date else ''}: {v.status_label}."
    )


@app.command("pdf")
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
