"""``thidua movements``, ``thidua registrations``, ``thidua pledges``: the year around the awards —
emulation movements, units' registrations (đăng ký thi đua) and blocs' yearly pledges (giao ước)."""

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag, read_data_file
from thidua_workflow.domain.movements import MovementDocumentKind, ReviewStage
from thidua_workflow.errors import InputRejected, ValidationFailed

movements_app = typer.Typer(help="Phong trào thi đua.", no_args_is_help=True)
registrations_app = typer.Typer(help="Đăng ký thi đua của các đơn vị.", no_args_is_help=True)
pledges_app = typer.Typer(help="Giao ước thi đua hằng năm của khối.", no_args_is_help=True)


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise InputRejected(f"Không đọc được tệp {file}: {exc.strerror}.") from exc


# --- movements ------------------------------------------------------------------------------------


@movements_app.command("launch")
@handled
def movements_launch(
    file: Annotated[
        Path, typer.Argument(help="Tệp YAML/JSON của phong trào (tài liệu kèm theo tính từ thư mục của tệp).")
    ],
    actor: AsUser,
    as_json: JsonFlag = False,
) -> None:
    """Ghi nhận một phong trào đã phát động, với các đơn vị tham gia và tài liệu (kế hoạch, quyết định)."""
    from thidua_workflow.services import movements
    from thidua_workflow.services.evidence import DirectorySource

    data, _digest = read_data_file(file)
    with context() as ctx:
        movement_id = movements.launch(ctx, actor, data, source=DirectorySource(file.parent))
        view = movements.show_movement(ctx, movement_id)
    if as_json:
        emit(view)
        return
    out.print(f"Đã ghi nhận phong trào số {movement_id}: {view['name']} ({len(view['units'])} đơn vị).")


@movements_app.command("list")
@handled
def movements_list(
    year: Annotated[int | None, typer.Option(help="Chỉ các phong trào diễn ra trong năm này.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Các phong trào thi đua."""
    from thidua_workflow.services import movements

    with context() as ctx:
        rows = movements.list_movements(ctx, year)
    if as_json:
        emit(rows)
        return
    for r in rows:
        out.print(
            f"{r['code']}: {r['name']} — {r['launcher']}; {r['method_label']}; "
            f"{r['starts_on']:%d/%m/%Y}–{r['ends_on']:%d/%m/%Y}"
        )


@movements_app.command("show")
@handled
def movements_show(
    code: Annotated[str, typer.Argument(help="Mã phong trào.")], as_json: JsonFlag = False
) -> None:
    """Một phong trào: phạm vi, thời hạn, đơn vị, tài liệu, các vòng sơ kết, tổng kết."""
    from thidua_workflow.services import movements

    with context() as ctx:
        view = movements.show_movement(ctx, code)
    if as_json:
        emit(view)
        return
    out.print(
        f"{view['name']} ({view['code']}) — phát động ngày {view['launched_on']:%d/%m/%Y} bởi {view['launcher']}"
    )
    out.print(f"  {view['method_label']}; phạm vi: {view['scope_label']}; thời hạn: {view['duration_label']}")
    if view["registration_deadline"]:
        out.print(f"  Hạn đăng ký thi đua: {view['registration_deadline']:%d/%m/%Y}")
    out.print("  Đơn vị: " + ", ".join(u["name"] for u in view["units"]))
    for d in view["documents"]:
        out.print(f"  {d['kind_label']}: {d['file_name']} (SHA-256 {d['sha256'][:12]}…)")
    for r in view["reviews"]:
        out.print(f"  {r['stage_label']}: vòng bình xét số {r['round']} ({r['bloc']}, {r['period']})")


@movements_app.command("attach")
@handled
def movements_attach(
    code: Annotated[str, typer.Argument(help="Mã phong trào.")],
    file: Annotated[Path, typer.Argument(help="Tệp PDF hoặc ảnh.")],
    actor: AsUser,
    kind: Annotated[MovementDocumentKind, typer.Option(help="Loại tài liệu.")] = MovementDocumentKind.PLAN,
    number: Annotated[str | None, typer.Option(help="Số văn bản.")] = None,
) -> None:
    """Đính kèm tài liệu của phong trào (kế hoạch, quyết định phát động, …), lưu kèm SHA-256."""
    from thidua_workflow.services import movements

    document = movements.NewDocument(kind, file.name, _read(file), number=number)
    with context() as ctx:
        digest = movements.attach_document(ctx, actor, code, document)
    out.print(f"Đã đính kèm {file.name} (SHA-256 {digest}).")


@movements_app.command("review")
@handled
def movements_review(
    code: Annotated[str, typer.Argument(help="Mã phong trào.")],
    round_id: Annotated[int, typer.Argument(help="Số vòng bình xét của khối.")],
    actor: AsUser,
    stage: Annotated[ReviewStage, typer.Option(help="Sơ kết hay tổng kết.")] = ReviewStage.YEAR_END,
) -> None:
    """Gắn một vòng bình xét của khối làm sơ kết / tổng kết của phong trào."""
    from thidua_workflow.services import movements

    with context() as ctx:
        movements.link_review(ctx, actor, code, round_id, stage)
    out.print(f"Vòng bình xét số {round_id} là {stage.label.lower()} của phong trào {code}.")


@movements_app.command("results")
@handled
def movements_results(
    code: Annotated[str, typer.Argument(help="Mã phong trào.")], as_json: JsonFlag = False
) -> None:
    """Những người, tập thể được khen thưởng trong phong trào (quyết định đã ban hành)."""
    from thidua_workflow.services import movements

    with context() as ctx:
        rows = movements.movement_results(ctx, code)
    if as_json:
        emit(rows)
        return
    for r in rows:
        out.print(f"{r['name']} — {r['award_name']} (Quyết định số {r['decision_number'] or '…'})")
    out.print(f"{len(rows)} người, tập thể được khen thưởng.")


@movements_app.command("form-0601")
@handled
def movements_form_0601(
    year: Annotated[int, typer.Option(help="Năm báo cáo (01/12 năm trước – 30/11).")],
    province: Annotated[str | None, typer.Option(help="Mã tỉnh (mặc định: tỉnh đang hoạt động).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Số liệu biểu 0601.N/BNV-TĐKT (Số phong trào thi đua) của năm báo cáo."""
    from thidua_workflow.domain.movements import FORM_0601_ROWS
    from thidua_workflow.services import movements

    with context() as ctx:
        table = movements.form_0601(ctx, province or ctx.policy.province, year)
    if as_json:
        emit(table)
        return
    out.print(f"Biểu 0601.N/BNV-TĐKT năm {year}: mã số | cột 1 | 2 | 3 | 4")
    for code, label in FORM_0601_ROWS:
        cells = table[code]
        out.print(f"  {code} {label}: {cells['1']} | {cells['2']} | {cells['3']} | {cells['4']}")


# --- registrations --------------------------------------------------------------------------------


@registrations_app.command("submit")
@handled
def registrations_submit(
    file: Annotated[Path, typer.Argument(help="Bản đăng ký YAML/JSON, hoặc .xlsx theo mẫu.")],
    actor: AsUser,
    as_json: JsonFlag = False,
) -> None:
    """Nộp (hoặc, trước hạn và trước khi trưởng khối tổng hợp, thay) bản đăng ký thi đua của đơn vị."""
    from thidua_workflow.services import registrations

    sheet = None
    if file.suffix.lower() == ".xlsx":
        from thidua_workflow import registration_sheet

        raw = _read(file)
        sheet = registration_sheet.read_registration_workbook(raw)
        data, digest = sheet.data, hashlib.sha256(raw).hexdigest()
    else:
        data, digest = read_data_file(file)
    with context() as ctx:
        try:
            registration_id = registrations.register(
                ctx, actor, data, source_name=file.name, source_sha256=digest
            )
        except ValidationFailed as exc:
            if sheet is None:
                raise
            raise ValidationFailed(sheet.locate(exc.problems), exc.message.splitlines()[0]) from exc
    if as_json:
        emit({"registration": registration_id})
        return
    out.print(f"Đã nhận bản đăng ký thi đua số {registration_id} ({len(data.get('lines', []))} dòng).")


@registrations_app.command("template")
@handled
def registrations_template(
    movement: Annotated[str, typer.Argument(help="Mã phong trào.")],
    out_file: Annotated[Path, typer.Argument(help="Tệp .xlsx sẽ ghi.")],
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị điền sẵn.")] = None,
) -> None:
    """Ghi mẫu bản đăng ký thi đua (.xlsx) của một phong trào."""
    from datetime import date

    from thidua_workflow import registration_sheet
    from thidua_workflow.services import movements

    with context() as ctx:
        view = movements.show_movement(ctx, movement)
        period = ctx.policy.period_for(date(view["ends_on"].year, 12, 31))
        out_file.write_bytes(registration_sheet.registration_template(period, view["code"], unit))
    out.print(f"Đã ghi mẫu đăng ký vào {out_file}.")


@registrations_app.command("list")
@handled
def registrations_list(
    movement: Annotated[str, typer.Argument(help="Mã phong trào.")], as_json: JsonFlag = False
) -> None:
    """Các bản đăng ký thi đua của một phong trào."""
    from thidua_workflow.services import registrations

    with context() as ctx:
        rows = registrations.list_registrations(ctx, movement)
        awards = ctx.award_names()
    if as_json:
        emit(rows)
        return
    for r in rows:
        out.print(f"{r['unit_name']} — {r['status_label']}")
        for line in r["lines"]:
            out.print(
                f"  {line['name']} ({line['kind_label']}): {awards.get(line['award_form'], line['award_form'])}"
            )


@registrations_app.command("collect")
@handled
def registrations_collect(
    movement: Annotated[str, typer.Argument(help="Mã phong trào.")],
    actor: AsUser,
    bloc: Annotated[str, typer.Option(help="Mã khối thi đua.")],
    as_json: JsonFlag = False,
) -> None:
    """Trưởng khối tổng hợp bản đăng ký của các thành viên (từ đó không sửa được nữa)."""
    from thidua_workflow.services import directory, registrations

    with context() as ctx:
        result = registrations.collect(ctx, actor, movement, bloc)
        names = directory.unit_names(ctx, ctx.clock.today())
    if as_json:
        emit(result)
        return
    out.print(f"Đã tổng hợp {len(result['collected'])} bản đăng ký.")
    if result["missing"]:
        out.print("Chưa đăng ký: " + "; ".join(names.get(u, u) for u in result["missing"]))


# --- pledges --------------------------------------------------------------------------------------


@pledges_app.command("draw-up")
@handled
def pledges_draw_up(
    file: Annotated[
        Path, typer.Argument(help="Tệp YAML/JSON: bloc, year, title, criteria [{code, name, max}].")
    ],
    actor: AsUser,
) -> None:
    """Trưởng khối lập bản giao ước thi đua của năm (bảng tiêu chí chấm điểm và điểm chuẩn)."""
    from thidua_workflow.services import pledges

    data, _digest = read_data_file(file)
    with context() as ctx:
        pledge_id = pledges.draw_up(ctx, actor, data)
    out.print(
        f"Đã lập bản giao ước số {pledge_id}; các đơn vị thành viên ký: thidua pledges sign {pledge_id} TỆP."
    )


@pledges_app.command("sign")
@handled
def pledges_sign(
    pledge_id: Annotated[int, typer.Argument(help="Số bản giao ước.")],
    file: Annotated[Path, typer.Argument(help="Bản giao ước đã ký, đóng dấu (PDF hoặc ảnh).")],
    actor: AsUser,
    unit: Annotated[str | None, typer.Option(help="Đơn vị ký (khi người ký đại diện nhiều đơn vị).")] = None,
) -> None:
    """Đơn vị thành viên ký giao ước, kèm bản đã ký; khi đủ chữ ký, giao ước thành bảng điểm của năm."""
    from thidua_workflow.services import movements, pledges

    document = movements.NewDocument(MovementDocumentKind.OTHER, file.name, _read(file))
    with context() as ctx:
        result = pledges.sign(ctx, actor, pledge_id, document, unit=unit)
    left = len(result["remaining"])
    out.print(f"Đã ký thay {result['unit']}; " + (f"còn {left} đơn vị chưa ký." if left else "đã đủ chữ ký."))


@pledges_app.command("show")
@handled
def pledges_show(
    pledge_id: Annotated[int, typer.Argument(help="Số bản giao ước.")], as_json: JsonFlag = False
) -> None:
    """Một bản giao ước: tiêu chí, điểm chuẩn, chữ ký của từng đơn vị."""
    from thidua_workflow.services import pledges

    with context() as ctx:
        view = pledges.show_pledge(ctx, pledge_id)
    if as_json:
        emit(view)
        return
    out.print(f"{view['title']} — {view['status_label']}")
    for c in view["criteria"]:
        out.print(f"  {c['name']}: {c['max']} điểm")
    for member in view["members"]:
        mark = f"đã ký {member['signed_at']:%d/%m/%Y}" if member["signed_at"] else "chưa ký"
        out.print(f"  {member['name']}: {mark}")
