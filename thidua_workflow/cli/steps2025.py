"""The steps NĐ 152/2025 adds: ``thidua posting``, ``thidua clearances``, ``thidua national``, ``thidua annul``."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, IdList, JsonFlag, parse_ids
from thidua_workflow.domain.enums import ClearanceBody, NationalOutcome
from thidua_workflow.domain.text import money_vnd

posting_app = typer.Typer(
    help="Công khai danh sách trước khi họp Hội đồng (Điều 44 k2 NĐ 152/2025).", no_args_is_help=True
)
clearances_app = typer.Typer(
    help="Xin ý kiến, xác nhận của cơ quan (Điều 33 k2, Điều 34 NĐ 152/2025).", no_args_is_help=True
)
national_app = typer.Typer(
    help="Trình khen thưởng cấp Nhà nước (Điều 33 k9–k12, Điều 35 NĐ 152/2025).", no_args_is_help=True
)
annul_app = typer.Typer(
    help="Hủy bỏ khen thưởng, thu hồi hiện vật và tiền thưởng (Điều 56, 58 NĐ 152/2025).",
    no_args_is_help=True,
)

Day = Annotated[str | None, typer.Option(help="Ngày (YYYY-MM-DD); mặc định hôm nay.")]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --- posting ------------------------------------------------------------------------------------------


@posting_app.command("publish")
@handled
def posting_publish(
    actor: AsUser,
    ids: IdList = None,
    title: Annotated[str | None, typer.Option(help="Tiêu đề danh sách.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Công khai danh sách các hồ sơ từ hôm nay (ít nhất 10 ngày làm việc trước khi họp Hội đồng)."""
    from thidua_workflow.services import posting

    with context() as ctx:
        view = posting.publish(ctx, actor, sorted(parse_ids(ids)), title=title)
    if as_json:
        emit(view.to_dict())
        return
    out.print(
        f"Danh sách số {view.id} công khai từ {view.published_on:%d/%m/%Y} đến {view.ends_on:%d/%m/%Y} "
        f"({view.article}): {len(view.items)} trường hợp."
    )


@posting_app.command("list")
@handled
def posting_list(as_json: JsonFlag = False) -> None:
    """Các danh sách đã công khai, với ý kiến và câu trả lời."""
    from thidua_workflow.services import posting

    with context() as ctx:
        views = posting.list_postings(ctx)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for v in views:
        out.print(f"Danh sách số {v.id}: {v.title} — {v.published_on:%d/%m/%Y} đến {v.ends_on:%d/%m/%Y}")
        for item in v.items:
            out.print(f"  hồ sơ số {item['nomination']}: {item['name']} — {item['award']}")
        for c in v.comments:
            out.print(f"  ý kiến số {c.id} ({c.channel_label}) của {c.author_name}: {c.body}")
            out.print(f"    trả lời: {c.answer or '(chưa trả lời)'}")


@posting_app.command("comment")
@handled
def posting_comment(
    actor: AsUser,
    posting_id: Annotated[int, typer.Argument(help="Số danh sách công khai.")],
    nomination_id: Annotated[int, typer.Option("--nomination", help="Hồ sơ mà ý kiến nói đến.")],
    author: Annotated[str, typer.Option(help="Người gửi ý kiến.")],
    body: Annotated[str, typer.Option(help="Nội dung ý kiến, khiếu nại.")],
    contact: Annotated[str | None, typer.Option(help="Địa chỉ, điện thoại liên hệ.")] = None,
) -> None:
    """Cán bộ nhập ý kiến, khiếu nại nhận qua thư, điện thoại hoặc trực tiếp."""
    from thidua_workflow.services import posting

    with context() as ctx:
        comment_id = posting.enter_comment(
            ctx, actor, posting_id, nomination_id, author_name=author, contact=contact, body=body
        )
    out.print(f"Đã nhận ý kiến số {comment_id}; việc trả lời đã giao chuyên viên Ban Thi đua – Khen thưởng.")


@posting_app.command("answer")
@handled
def posting_answer(
    actor: AsUser,
    comment_id: Annotated[int, typer.Argument(help="Số ý kiến.")],
    text: Annotated[str, typer.Option("--text", help="Nội dung trả lời.")],
) -> None:
    """Trả lời một ý kiến, khiếu nại (được ghi vào biên bản họp Hội đồng)."""
    from thidua_workflow.services import posting

    with context() as ctx:
        view = posting.answer(ctx, actor, comment_id, text)
    out.print(f"Đã trả lời ý kiến số {view.id} của {view.author_name}.")


@posting_app.command("gate")
@handled
def posting_gate(nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")]) -> None:
    """Hội đồng đã được biểu quyết hồ sơ này chưa (thời hạn công khai, ý kiến chưa trả lời)."""
    from thidua_workflow.services import posting

    with context() as ctx:
        reason = posting.vote_gate(ctx, nomination_id)
    out.print(reason or f"Hồ sơ số {nomination_id}: Hội đồng được biểu quyết.")


# --- clearances -------------------------------------------------------------------------------------


@clearances_app.command("request")
@handled
def clearances_request(
    actor: AsUser,
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    enterprise: Annotated[
        bool, typer.Option(help="Doanh nghiệp: thêm thuế, BHXH, môi trường, ATVSLĐ.")
    ] = False,
    body: Annotated[list[ClearanceBody] | None, typer.Option(help="Cơ quan xin thêm ý kiến.")] = None,
    letter: Annotated[str | None, typer.Option(help="Số công văn xin ý kiến.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Gửi xin ý kiến các cơ quan quy định nêu cho hình thức khen thưởng (hạn trả lời 10 ngày làm việc)."""
    from thidua_workflow.services import clearances

    with context() as ctx:
        views = clearances.request(
            ctx, actor, nomination_id, enterprise=enterprise, extra=body, letter_ref=letter
        )
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for v in views:
        out.print(f"Yêu cầu số {v.id}: xin ý kiến {v.body_label}, hạn trả lời {v.due_on:%d/%m/%Y}.")


@clearances_app.command("list")
@handled
def clearances_list(
    nomination_id: Annotated[int | None, typer.Option("--nomination", help="Chỉ hồ sơ này.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Các yêu cầu xin ý kiến và câu trả lời."""
    from thidua_workflow.services import clearances

    with context() as ctx:
        views = clearances.list_for(ctx, nomination_id)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for v in views:
        reply = f"{v.status_label}" + (f" — {v.reply_text}" if v.reply_text else "")
        out.print(
            f"Yêu cầu số {v.id}, hồ sơ số {v.nomination_id} ({v.nominee_name}): {v.body_label}: {reply}"
        )


@clearances_app.command("reply")
@handled
def clearances_reply(
    actor: AsUser,
    request_id: Annotated[int, typer.Argument(help="Số yêu cầu xin ý kiến.")],
    adverse: Annotated[
        bool, typer.Option("--adverse", help="Cơ quan không đồng ý (hồ sơ bị tạm dừng xét).")
    ] = False,
    text: Annotated[str | None, typer.Option(help="Nội dung trả lời (bắt buộc khi không đồng ý).")] = None,
    ref: Annotated[str | None, typer.Option(help="Số văn bản trả lời.")] = None,
    on: Day = None,
    file: Annotated[Path | None, typer.Option(help="Bản quét văn bản trả lời (PDF hoặc ảnh).")] = None,
) -> None:
    """Ghi nhận văn bản trả lời của cơ quan được xin ý kiến."""
    from thidua_workflow.services import clearances

    with context() as ctx:
        document = (file.name, file.read_bytes()) if file else None
        view = clearances.reply(
            ctx,
            actor,
            request_id,
            favourable=not adverse,
            reply_on=_day(on) or ctx.clock.today(),
            text=text,
            reply_ref=ref,
            document=document,
        )
    out.print(f"Hồ sơ số {view.nomination_id}: {view.body_label} — {view.status_label}.")


# --- national proposals ------------------------------------------------------------------------------


@national_app.command("waiting")
@handled
def national_waiting(as_json: JsonFlag = False) -> None:
    """Hồ sơ cấp Nhà nước Hội đồng đã thông qua, chưa lập hồ sơ trình."""
    from thidua_workflow.services import national

    with context() as ctx:
        rows = national.waiting(ctx)
    if as_json:
        emit(rows)
        return
    for r in rows:
        out.print(f"hồ sơ số {r['nomination']}: {r['name']} — {r['award_name']} ({r['award_form']})")


@national_app.command("prepare")
@handled
def national_prepare(
    actor: AsUser,
    award_form: Annotated[str, typer.Argument(help="Hình thức khen thưởng cấp Nhà nước.")],
    ids: IdList = None,
    as_json: JsonFlag = False,
) -> None:
    """Lập hồ sơ trình (kiểm tra hạn, thời gian báo cáo thành tích, ý kiến các cơ quan)."""
    from thidua_workflow.services import national

    with context() as ctx:
        view = national.prepare(ctx, actor, award_form, sorted(parse_ids(ids)) if ids else None)
    if as_json:
        emit(view.to_dict())
        return
    out.print(
        f"Hồ sơ trình số {view.id}: {view.award_name}, {len(view.items)} trường hợp — {view.status_label}."
    )


@national_app.command("package")
@handled
def national_package(
    proposal_id: Annotated[int, typer.Argument(help="Số hồ sơ trình.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi tệp .zip.")] = Path("."),
) -> None:
    """Tệp .zip gửi Bộ Nội vụ: công văn, danh sách, biên bản, hồ sơ (không có kết nối mạng)."""
    from thidua_workflow.services import national

    with context() as ctx:
        name, data = national.package(ctx, proposal_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / name).write_bytes(data)
    out.print(f"Đã ghi {out_dir / name} ({len(data)} byte).")


@national_app.command("sent")
@handled
def national_sent(
    actor: AsUser,
    proposal_id: Annotated[int, typer.Argument(help="Số hồ sơ trình.")],
    letter: Annotated[str, typer.Option(help="Số công văn trình.")],
    on: Day = None,
) -> None:
    """Ghi nhận đã gửi hồ sơ trình (kiểm tra hạn theo Điều 35 k1 và Điều 33 k9 tại ngày gửi)."""
    from thidua_workflow.services import national

    with context() as ctx:
        view = national.mark_sent(
            ctx, actor, proposal_id, letter_ref=letter, sent_on=_day(on) or ctx.clock.today()
        )
    out.print(
        f"Hồ sơ trình số {view.id}: {view.status_label} ({view.sent_on:%d/%m/%Y}, công văn {view.letter_ref})."
    )


@national_app.command("outcome")
@handled
def national_outcome(
    actor: AsUser,
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    declined: Annotated[
        bool, typer.Option("--declined", help="Không được khen thưởng / bị trả lại.")
    ] = False,
    decision: Annotated[str | None, typer.Option(help="Số quyết định khen thưởng cấp Nhà nước.")] = None,
    on: Day = None,
    note: Annotated[str | None, typer.Option(help="Ghi chú (bắt buộc khi không được khen thưởng).")] = None,
) -> None:
    """Ghi nhận kết quả của cấp Nhà nước: quyết định (số, ngày) hoặc không khen thưởng."""
    from thidua_workflow.services import national

    outcome = NationalOutcome.DECLINED if declined else NationalOutcome.AWARDED
    with context() as ctx:
        national.record_outcome(
            ctx, actor, nomination_id, outcome=outcome, decision_ref=decision, decided_on=_day(on), note=note
        )
    out.print(f"Hồ sơ số {nomination_id}: {outcome.label}.")


# --- annulment ----------------------------------------------------------------------------------------


@annul_app.command("decision")
@handled
def annul_decision(
    actor: AsUser,
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định bị hủy bỏ.")],
    act: Annotated[str, typer.Option(help="Số quyết định hủy bỏ, ví dụ 25/QĐ-UBND.")],
    ground: Annotated[str, typer.Option(help="Lý do, căn cứ (kết luận của cơ quan có thẩm quyền).")],
    on: Day = None,
    ids: IdList = None,
    signer: Annotated[str | None, typer.Option(help="Người ký quyết định hủy bỏ.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Hủy bỏ cả quyết định, hoặc chỉ những hồ sơ nêu (--ids): thu hồi bằng, tiền thưởng; không xóa gì."""
    from thidua_workflow.services import annulments

    with context() as ctx:
        views = annulments.annul(
            ctx,
            actor,
            decision_id,
            act_number=act,
            act_date=_day(on) or ctx.clock.today(),
            ground=ground,
            nomination_ids=sorted(parse_ids(ids)) if ids else None,
            act_signer=signer,
        )
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for v in views:
        out.print(
            f"{v.nominee_name}: hủy bỏ theo Quyết định số {v.act_number}; thu hồi {money_vnd(v.recover_amount)}, "
            f"hạn {v.recover_due_on:%d/%m/%Y}."
        )


@annul_app.command("recovered")
@handled
def annul_recovered(
    actor: AsUser,
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ bị hủy bỏ khen thưởng.")],
    on: Day = None,
    note: Annotated[str | None, typer.Option(help="Ghi chú (biên lai, phiếu thu).")] = None,
    voucher: Annotated[
        str | None,
        typer.Option(help="Số phiếu thu: bắt buộc khi quỹ thi đua, khen thưởng đã chi tiền thưởng này."),
    ] = None,
) -> None:
    """Ghi nhận đã thu hồi hiện vật và tiền thưởng."""
    from thidua_workflow.services import annulments

    with context() as ctx:
        view = annulments.record_recovery(
            ctx, actor, nomination_id, recovered_on=_day(on) or ctx.clock.today(), note=note, voucher=voucher
        )
    out.print(f"Hồ sơ số {view.nomination_id}: đã thu hồi ngày {view.recovered_on:%d/%m/%Y}.")


@annul_app.command("list")
@handled
def annul_list(as_json: JsonFlag = False) -> None:
    """Các khen thưởng đã bị hủy bỏ, tiền phải thu hồi và đã thu hồi."""
    from thidua_workflow.services import annulments

    with context() as ctx:
        views = annulments.list_annulments(ctx)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for v in views:
        done = (
            f"đã thu hồi {v.recovered_on:%d/%m/%Y}"
            if v.recovered_on
            else f"hạn thu hồi {v.recover_due_on:%d/%m/%Y}"
        )
        out.print(
            f"{v.nominee_name} (QĐ {v.decision_number}) — hủy bỏ theo QĐ {v.act_number}: {money_vnd(v.recover_amount)}, {done}"
        )


@annul_app.command("document")
@handled
def annul_document(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định bị hủy bỏ.")],
    act: Annotated[str, typer.Option(help="Số quyết định hủy bỏ.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi tệp .docx.")] = Path("."),
) -> None:
    """Quyết định hủy bỏ (.docx) từ mẫu quyet-dinh-huy-bo."""
    from thidua_workflow.services import annulments

    with context() as ctx:
        name, data = annulments.document(ctx, decision_id, act)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / name).write_bytes(data)
    out.print(f"Đã ghi {out_dir / name}.")
