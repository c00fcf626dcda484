"""``thidua nominations``: submit, list and show nominations; appraise, return, hold and withdraw them."""

import hashlib
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag, read_data_file
from thidua_workflow.cli.audit import event_text, for_whom
from thidua_workflow.domain.enums import DocumentKind, HoldGround, NominationStatus, NomineeKind
from thidua_workflow.domain.text import file_size, vietnamese_date
from thidua_workflow.errors import InputRejected, ValidationFailed

app = typer.Typer(help="Hồ sơ đề nghị khen thưởng.", no_args_is_help=True)
CHECK_MARKS = {"passed": "đạt", "failed": "KHÔNG ĐẠT", "pending": "chờ xét", "judgement": "CẦN THẨM ĐỊNH"}


@app.command("submit")
@handled
def nominations_submit(
    file: Annotated[Path, typer.Argument(help="Tệp đề nghị YAML/JSON, hoặc .xlsx theo mẫu (xem README).")],
    actor: AsUser,
    as_json: JsonFlag = False,
) -> None:
    """Nộp một tờ trình với danh sách đề nghị (YAML/JSON, hoặc bảng tính .xlsx theo mẫu); sai một mục là
    từ chối cả tệp."""
    from thidua_workflow.services import nominations as nomination_service
    from thidua_workflow.services.evidence import DirectorySource

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


@app.command("template")
@handled
def nominations_template(
    out_file: Annotated[Path, typer.Argument(help="Tệp .xlsx sẽ ghi.")],
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị điền sẵn.")] = None,
) -> None:
    """Ghi mẫu danh sách đề nghị khen thưởng (.xlsx) của chính sách hiện hành."""
    from thidua_workflow import spreadsheets
    from thidua_workflow.services import directory

    with context() as ctx:
        if unit is not None and unit not in directory.unit_names(ctx, ctx.clock.today(), [unit]):
            # A sheet pre-filled with a unit that is not there would be refused on every upload.
            raise InputRejected(f"Không có đơn vị '{unit}' trong tổ chức (--unit); không ghi tệp nào.")
        out_file.write_bytes(spreadsheets.nomination_template(ctx.policy, unit))
    out.print(f"Đã ghi mẫu danh sách vào {out_file}.")


CLI_PAGE = 100


@app.command("list")
@handled
def nominations_list(
    status: Annotated[NominationStatus | None, typer.Option(help="Lọc theo trạng thái.")] = None,
    unit: Annotated[str | None, typer.Option(help="Lọc theo đơn vị trình.")] = None,
    year: Annotated[int | None, typer.Option(help="Lọc theo năm của kỳ thi đua.")] = None,
    award_form: Annotated[str | None, typer.Option("--award", help="Lọc theo hình thức khen thưởng.")] = None,
    kind: Annotated[NomineeKind | None, typer.Option(help="Cá nhân / tập thể / hộ gia đình.")] = None,
    search: Annotated[str | None, typer.Option(help="Tìm theo tên, không phân biệt dấu.")] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            help="Sắp xếp theo: id, nominee, award_form, year, unit, status, updated_at ('-' trước để đảo chiều)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=0, help=f"Số hồ sơ hiển thị (mặc định {CLI_PAGE}; với --json: tất cả); 0 là tất cả."
        ),
    ] = None,
    offset: Annotated[int, typer.Option(min=0, help="Bỏ qua bao nhiêu hồ sơ đầu danh sách.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Danh sách hồ sơ, mặc định năm mới nhất trước, rồi theo hình thức khen và tên (thứ tự tiếng Việt)."""
    from rich.table import Table

    from thidua_workflow.domain.text import group_digits
    from thidua_workflow.services import directory, queries

    shown = limit if limit is not None else (0 if as_json else CLI_PAGE)
    filters = queries.NominationFilter(status, unit, year, award_form, kind, search)
    with context() as ctx:
        page = queries.page_nominations(ctx, filters, sort=sort, offset=offset, limit=shown or None)
        units = directory.unit_names(ctx, ctx.clock.today())
        awards = {code: f.name for p in ctx.policy.periods for code, f in p.award_forms.items()}
    if as_json:
        emit([r.to_dict() for r in page.rows])
        return
    table = Table("Số", "Đối tượng", "Hình thức", "Kỳ", "Đơn vị trình", "Trạng thái", title="Hồ sơ đề nghị")
    for r in page.rows:
        table.add_row(
            str(r.id),
            r.nominee,
            awards.get(r.award_form, r.award_form),
            r.period,
            units.get(r.unit, r.unit),
            r.status_label,
        )
    out.print(table)
    if page.complete:
        out.print(f"{group_digits(page.total)} hồ sơ.")
    elif not page.rows:
        out.print(
            f"Không có hồ sơ nào từ vị trí {group_digits(offset + 1)}; danh sách có {group_digits(page.total)} hồ sơ."
        )
    else:
        following = f"--offset {page.last} để xem tiếp, " if page.last < page.total else ""
        out.print(
            f"Hiển thị {group_digits(page.first)}–{group_digits(page.last)}/{group_digits(page.total)} hồ sơ; "
            f"dùng {following}--limit 0 để xem tất cả."
        )


@app.command("show")
@handled
def nominations_show(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    as_json: JsonFlag = False,
) -> None:
    """Trạng thái, các phiên bản hồ sơ, kết quả kiểm tra và toàn bộ lịch sử của một hồ sơ."""
    from thidua_workflow.services import queries

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
        ("Trạng thái", d.where or d.status_label),
        ("Kỳ", f"{d.period} (quy định: {d.policy_title})"),
        ("Đơn vị trình", d.submitting_unit_name),
        ("Đơn vị của đối tượng", nominee.get("unit_name") or nominee.get("unit") or "—"),
        ("Chức vụ", nominee.get("position") or "—"),
        ("Địa chỉ", nominee.get("address") or "—"),
        ("Phong trào", d.movement or "—"),
        ("Khối", d.bloc_name or "— (thủ tục đơn giản)"),
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
            out.print(f"  [{CHECK_MARKS[check['outcome']]}] {check['message']} — {check['article']}")
        for doc in dossier.documents:
            out.print(
                f"  tệp: {DocumentKind(doc.kind).label} · {doc.file_name} · {file_size(doc.size)}"
                f" · sha256 {doc.sha256[:12]}…"
            )
    if d.current_checks is not None:
        out.print("\n[bold]Kiểm tra lại điều kiện (thẩm định, dữ liệu hôm nay)[/]", markup=True)
        for check in d.current_checks:
            out.print(f"  [{CHECK_MARKS[check['outcome']]}] {check['message']} — {check['article']}")
        judged = [c for c in d.current_checks if c["outcome"] == "judgement"]
        if judged:
            out.print(
                "  Ghi kết quả: thidua nominations finding "
                f'{d.id} --rule <tiêu chuẩn> --result met|not_met --reason "…" --as <chuyên viên>'
            )
    if d.open_tasks:
        out.print("\n[bold]Đang chờ[/]", markup=True)
        for t in d.open_tasks:
            unit = f" ({t.unit_name})" if t.unit_name else ""
            out.print(
                f"  việc số {t.id}: {t.kind_label} — {t.role_label}{unit}, hạn {vietnamese_date(t.due_on)}"
            )
    out.print("\n[bold]Lịch sử[/]", markup=True)
    for e in d.timeline:
        out.print(
            f"  {e.at.astimezone(tz):%d/%m/%Y %H:%M} · {e.actor}{for_whom(e.on_behalf)} · {event_text(e.action, e.data)}"
        )
        if e.comment:
            out.print(f"      “{e.comment}”")


@app.command("withdraw")
@handled
def nominations_withdraw(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do rút hồ sơ.")],
    as_json: JsonFlag = False,
) -> None:
    """Đơn vị rút hồ sơ (trước khi có dự thảo quyết định)."""
    from thidua_workflow.services import nominations as nomination_service

    with context() as ctx:
        status = nomination_service.withdraw(ctx, actor, nomination_id, reason)
    if as_json:
        emit({"id": nomination_id, "status": status})
        return
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


@app.command("appraise")
@handled
def nominations_appraise(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    decision: Annotated[str, typer.Option(help="pass | return | reject")],
    comment: Annotated[str | None, typer.Option(help="Lý do (bắt buộc khi trả lại, không đạt).")] = None,
) -> None:
    """Thẩm định một hồ sơ: các điều kiện được kiểm tra lại với dữ liệu hiện có."""
    from thidua_workflow.services import tasks as task_service

    with context() as ctx:
        result = task_service.act_on_nomination(
            ctx, actor, nomination_id, decision, task_service.Payload(comment=comment)
        )
    out.print(f"Việc số {result.task_id} ({decision}): {result.summary}.")


@app.command("finding")
@handled
def nominations_finding(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ đang thẩm định.")],
    actor: AsUser,
    rule: Annotated[str, typer.Option(help="Tiêu chuẩn cần thẩm định (mã quy tắc, xem 'nominations show').")],
    result: Annotated[str, typer.Option(help="met (đạt) | not_met (không đạt)")],
    reason: Annotated[str, typer.Option(help="Lý do, căn cứ của kết quả (bắt buộc).")],
    as_json: JsonFlag = False,
) -> None:
    """Ghi kết quả thẩm định một tiêu chuẩn "cần thẩm định": đạt hoặc không đạt, có lý do."""
    from thidua_workflow.domain.vocabulary import rule_name
    from thidua_workflow.services import findings

    with context() as ctx:
        recorded = findings.record_finding(
            ctx, actor, nomination_id, rule, findings.parse_finding(result), reason
        )
    if as_json:
        emit(
            {
                "id": recorded.nomination_id,
                "rule": recorded.rule,
                "finding": recorded.finding.value,
                "reason": recorded.reason,
                "version": recorded.version,
            }
        )
        return
    out.print(
        f"Hồ sơ số {recorded.nomination_id}: {rule_name(recorded.rule)} — {recorded.finding.label.lower()} "
        f"({recorded.reason})."
    )


@app.command("resubmit")
@handled
def nominations_resubmit(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ bị trả lại.")],
    actor: AsUser,
    file: Annotated[Path, typer.Option(help="Tệp hồ sơ hoàn thiện.")],
) -> None:
    """Nộp lại hồ sơ đã hoàn thiện: một phiên bản mới, về lại nơi đã trả."""
    from thidua_workflow.services import tasks as task_service
    from thidua_workflow.services.evidence import DirectorySource

    dossier, _digest = read_data_file(file)
    payload = task_service.Payload(dossier=dossier, source=DirectorySource(file.parent))
    with context() as ctx:
        result = task_service.act_on_nomination(ctx, actor, nomination_id, "resubmit", payload)
    out.print(f"Việc số {result.task_id}: {result.summary}.")


@app.command("hold")
@handled
def nominations_hold(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    ground: Annotated[HoldGround, typer.Option(help="Căn cứ tạm dừng.")],
    reason: Annotated[str, typer.Option(help="Nội dung, văn bản căn cứ.")],
) -> None:
    """Tạm dừng xét hồ sơ (kỷ luật, điều tra, thanh tra, khiếu nại)."""
    from thidua_workflow.services import holds

    with context() as ctx:
        status = holds.hold(ctx, actor, nomination_id, ground, reason)
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")


@app.command("release")
@handled
def nominations_release(
    nomination_id: Annotated[int, typer.Argument(help="Số hồ sơ.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Kết luận, văn bản căn cứ.")],
) -> None:
    """Tiếp tục xét hồ sơ đã tạm dừng."""
    from thidua_workflow.services import holds

    with context() as ctx:
        status = holds.release(ctx, actor, nomination_id, reason)
    out.print(f"Hồ sơ số {nomination_id}: {NominationStatus(status).label}.")
