"""``thidua sessions``: the provincial council's sessions: attendance, secret ballots, the count."""

from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, IdList, JsonFlag, ProposalOpt, parse_ids
from thidua_workflow.domain.enums import Choice, SessionStatus
from thidua_workflow.errors import InputRejected

app = typer.Typer(help="Phiên họp Hội đồng Thi đua – Khen thưởng.", no_args_is_help=True)


OUTCOME_LABEL = {"approved": "thông qua", "rejected": "không thông qua", "held": "tạm dừng xét"}


@app.command("open")
@handled
def sessions_open(
    actor: AsUser, title: Annotated[str | None, typer.Option(help="Tên phiên họp.")] = None
) -> None:
    """Thường trực Hội đồng triệu tập phiên họp với mọi hồ sơ đang chờ Hội đồng."""
    from thidua_workflow.services import council

    with context() as ctx:
        view = council.open_session(ctx, actor, title=title)
    out.print(
        f"Phiên họp số {view.id}: {view.title} — {len(view.items)} hồ sơ, {view.members_total} thành viên."
    )


@app.command("show")
@handled
def sessions_show(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")], as_json: JsonFlag = False
) -> None:
    """Túc số, số người đã bỏ phiếu; kết quả kiểm phiếu khi đã kết thúc (không bao giờ ai bỏ phiếu thế nào)."""
    from thidua_workflow.services import council

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


@app.command("attendance")
@handled
def sessions_attendance(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    present: Annotated[str, typer.Option(help="Thành viên có mặt: tên đăng nhập, cách nhau dấu phẩy.")],
) -> None:
    """Thường trực ghi nhận thành viên có mặt."""
    from thidua_workflow.services import council

    with context() as ctx:
        view = council.record_attendance(
            ctx, actor, session_id, [p for p in present.replace(" ", "").split(",") if p]
        )
    out.print(f"Có mặt {view.present}/{view.members_total}.")


@app.command("vote")
@handled
def sessions_vote(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    yes: IdList = None,
    no: IdList = None,
    abstain: IdList = None,
) -> None:
    """Thành viên có mặt bỏ phiếu kín: mọi hồ sơ cần bỏ phiếu (trừ hồ sơ của đơn vị mình)."""
    from thidua_workflow.services import council

    with context() as ctx:
        council.cast_ballot(ctx, actor, session_id, _choices(yes, no, abstain))
    out.print(f"Đã nhận phiếu kín của {actor} tại phiên họp số {session_id}.")


@app.command("written-ballot")
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
    from thidua_workflow.services import council

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


@app.command("close")
@handled
def sessions_close(
    session_id: Annotated[int, typer.Argument(help="Số phiên họp.")],
    actor: AsUser,
    proposal: ProposalOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Kiểm phiếu: túc số, tỷ lệ tham gia, ngưỡng từng hình thức; lập dự thảo quyết định."""
    from thidua_workflow.services import council

    with context() as ctx:
        result = council.close_session(ctx, actor, session_id, proposal_ref=proposal)
    if as_json:
        emit(result)
        return
    out.print(
        f"Phiên họp số {session_id}: có mặt {result['present']}/{result['members_total']}, bỏ phiếu {result['voted']}."
    )
    if "items" not in result:  # the session stage runs as a flow run, a moment later
        out.print(council.close_summary(session_id, result) + ".")
        return
    for item in result["items"]:
        tally = (
            f"đồng ý {item['yes']}, không đồng ý {item['no']}, không biểu quyết {item['abstain']}"
            if item["needs_vote"]
            else "không cần bỏ phiếu"
        )
        outcome = OUTCOME_LABEL.get(item["outcome"], item["outcome"])
        out.print(f"  hồ sơ số {item['nomination']}: {tally} → {outcome}")
    out.print(f"Dự thảo quyết định: {', '.join(map(str, result.get('decisions', []))) or 'không có'}")
