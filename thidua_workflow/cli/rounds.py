"""``thidua rounds``: a bloc's review round: its dossiers, scores, votes and result."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import (
    AsUser,
    IdList,
    JsonFlag,
    LeaderOpt,
    OrderOpt,
    ReasonsOpt,
    TieReason,
    parse_ids,
    parse_order,
    parse_reasons,
    read_scores,
)
from thidua_workflow.domain.enums import NominationStatus, RoundStatus
from thidua_workflow.domain.text import number_vi

app = typer.Typer(help="Vòng bình xét của khối thi đua.", no_args_is_help=True)


@app.command("list")
@handled
def rounds_list(as_json: JsonFlag = False) -> None:
    """Các vòng bình xét của các khối."""
    from rich.table import Table

    from thidua_workflow.services import rounds

    with context() as ctx:
        rows = rounds.list_rounds(ctx)
    if as_json:
        emit(rows)
        return
    table = Table("Số", "Khối", "Kỳ", "Trạng thái", title="Vòng bình xét của khối thi đua")
    for r in rows:
        table.add_row(str(r["id"]), r["bloc_name"], r["period"], RoundStatus(r["status"]).label)
    out.print(table)


@app.command("show")
@handled
def rounds_show(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")], as_json: JsonFlag = False
) -> None:
    """Hồ sơ, phiếu, điểm và kết quả (tạm tính khi đang bỏ phiếu) của một vòng bình xét."""
    from thidua_workflow.services import directory, rounds

    with context() as ctx:
        view = rounds.show_round(ctx, round_id)
        units = directory.unit_names(ctx, ctx.clock.today())
        awards = {code: f.name for p in ctx.policy.periods for code, f in p.award_forms.items()}
    if as_json:
        emit(view.to_dict())
        return

    def unit(code: str | None) -> str:
        return units.get(code, code) if code else "—"

    out.print(
        f"Vòng bình xét số {view.id}: {view.bloc_name}, {view.period} — {RoundStatus(view.status).label}"
    )
    members = ", ".join(unit(u) for u in view.members) or "(chưa chốt)"
    out.print(f"  Trưởng khối: {unit(view.chair)}; thành viên: {members}")
    if view.criteria:
        out.print("  Tiêu chí: " + "; ".join(f"{c['name']} (tối đa {c['max']})" for c in view.criteria))
    for n in view.nominations:
        award = awards.get(n["award_form"], n["award_form"])
        status = NominationStatus(n["status"]).label
        out.print(f"  hồ sơ số {n['id']}: {n['nominee']} — {award} ({unit(n['unit'])}) · {status}")
    if view.votes_cast:
        voted = sorted(view.votes_cast.items())
        out.print("  Đã bỏ phiếu: " + ", ".join(f"{unit(u)} ({k} phiếu)" for u, k in voted))
    result = view.result or view.preview
    if result:
        _print_round_result(result, unit, final=bool(view.result))


def _print_round_result(result: dict[str, Any], unit: Callable[[str], str], *, final: bool) -> None:
    if "tie" in result:
        out.print(f"  Tạm tính: {result['tie']}")
        return
    out.print("  Kết quả:" if final else "  Tạm tính (chưa kết thúc):")
    for row in result.get("unit_scores", []):
        lead = " ← dẫn đầu" if row["unit"] == result.get("leader") else ""
        score = number_vi(float(row["score"]))
        out.print(f"    {unit(row['unit'])}: {score} điểm ({row['sheets']} bảng chấm){lead}")
    for o in result.get("outcomes", []):
        verdict = "đề nghị" if o["endorsed"] else f"không đề nghị: {o['reason']}"
        rank = f", hạng {o['rank']}" if o["rank"] else ""
        out.print(f"    hồ sơ số {o['nomination']}: {o['yes']}/{o['electorate']} phiếu{rank} → {verdict}")


@app.command("open")
@handled
def rounds_open(round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")], actor: AsUser) -> None:
    """Trưởng khối chốt hồ sơ và mở chấm điểm, bỏ phiếu."""
    from thidua_workflow.services import rounds

    with context() as ctx:
        view = rounds.open_voting(ctx, actor, round_id)
    out.print(
        f"Vòng bình xét số {view.id}: mở bỏ phiếu cho {len(view.nominations)} hồ sơ, {len(view.members)} đơn vị."
    )


@app.command("score")
@handled
def rounds_score(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")],
    actor: AsUser,
    scores: Annotated[Path, typer.Option("--scores", help="Tệp YAML: đơn vị → {tiêu chí: điểm}.")],
) -> None:
    """Đơn vị chấm điểm các đơn vị trong khối (và tự chấm điểm mình) theo bảng tiêu chí."""
    from thidua_workflow.services import directory, rounds

    with context() as ctx:
        totals = rounds.submit_scores(ctx, actor, round_id, read_scores(scores) or {})
        names = directory.unit_names(ctx, ctx.clock.today(), totals)
    scored = sorted(totals.items())
    out.print("Đã chấm điểm: " + ", ".join(f"{names.get(u, u)} {number_vi(float(t))}" for u, t in scored))


@app.command("vote")
@handled
def rounds_vote(
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét.")],
    actor: AsUser,
    yes: IdList = None,
    no: IdList = None,
) -> None:
    """Đơn vị bỏ phiếu bình xét (không bỏ phiếu cho hồ sơ của chính đơn vị mình)."""
    from thidua_workflow.services import rounds

    with context() as ctx:
        result = rounds.cast_votes(ctx, actor, round_id, approve=parse_ids(yes), reject=parse_ids(no))
    left = result["remaining_names"]
    out.print(
        f"Đơn vị {result['voter']} đã bỏ phiếu" + (f"; còn hồ sơ {', '.join(left)}." if left else " đủ.")
    )


@app.command("return")
@handled
def rounds_return(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do trả lại, nêu rõ cần hoàn thiện gì.")],
) -> None:
    """Trưởng khối (phó khối với hồ sơ của đơn vị trưởng khối) trả lại hồ sơ trước khi bỏ phiếu."""
    from thidua_workflow.services import rounds

    with context() as ctx:
        status = rounds.return_dossier(ctx, actor, nomination_id, reason)
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


@app.command("close")
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
    from thidua_workflow.services import directory, rounds

    with context() as ctx:
        units = directory.unit_names(ctx, ctx.clock.today())
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
    _print_round_result(result, lambda u: units.get(u, u), final=True)
