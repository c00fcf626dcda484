"""``thidua reports``: the Ministry's statistical report forms (TT 02/2023/TT-BNV and its predecessor)."""

from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, err, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag, read_data_file

app = typer.Typer(help="Biểu mẫu báo cáo thống kê thi đua, khen thưởng (Bộ Nội vụ).", no_args_is_help=True)

Year = Annotated[int, typer.Option(help="Năm báo cáo (kỳ từ 01/12 năm trước đến 30/11 năm này).")]


@app.command("list")
@handled
def reports_list(year: Year, as_json: JsonFlag = False) -> None:
    """Các biểu áp dụng cho năm báo cáo và nguồn số liệu của từng biểu."""
    from thidua_workflow.services import statistics

    period, forms = statistics.list_forms(year)
    start, end = period.bounds(year)
    rows = [
        {
            "key": key,
            "code": spec.code,
            "title": spec.title,
            "entered": spec.kind in statistics.ENTERED_KINDS,
            "origin": statistics.origin_text(spec.kind),
        }
        for key, spec in forms
    ]
    if as_json:
        emit({"circular": period.circular, "start": start.isoformat(), "end": end.isoformat(), "forms": rows})
        return
    out.print(f"{period.circular} — năm {year} (từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}):")
    for r in rows:
        out.print(f"  {r['key']}  {r['code']}  {r['title']} ({r['origin']})")


@app.command("show")
@handled
def reports_show(
    key: Annotated[str, typer.Argument(help="Mã biểu, vd. 0603.")],
    year: Year,
    actor: AsUser,
    as_json: JsonFlag = False,
) -> None:
    """Số liệu từng ô của một biểu."""
    from thidua_workflow.services import statistics

    with context() as ctx:
        report = statistics.build_form(ctx, actor, year, key)
    if as_json:
        emit(
            {
                "code": report.spec.code,
                "year": year,
                "origin": report.origin,
                "figures": report.figures,
                "entered": report.entered,
                "notes": report.notes,
                "version": report.entered_version,
            }
        )
        return
    out.print(f"Biểu số {report.spec.code} năm {year}: {report.spec.title}")
    columns = report.spec.columns
    out.print("  Mã  " + " ".join(f"{c.key:>6}" for c in columns))
    for row in report.spec.data_rows:
        assert row.code is not None
        out.print(
            f"  {row.code:>3} "
            + " ".join(f"{report.cell(row.code, c.key):>6}" for c in columns)
            + f"  {row.label}"
        )
    for note in report.notes:
        out.print(f"  Ghi chú: {note}")


@app.command("export")
@handled
def reports_export(
    year: Year,
    actor: AsUser,
    folder: Annotated[Path, typer.Option("--out", help="Thư mục ghi các tệp .xlsx và .pdf.")],
    key: Annotated[str | None, typer.Option("--form", help="Chỉ một biểu (mã, vd. 0603).")] = None,
) -> None:
    """Xuất các biểu của năm báo cáo ra .xlsx và .pdf."""
    from thidua_workflow.services import statistics

    folder.mkdir(parents=True, exist_ok=True)
    with context() as ctx:
        keys = [key] if key else [k for k, _ in statistics.list_forms(year)[1]]
        for k in keys:
            for fmt in ("xlsx", "pdf"):
                name, data, _media = statistics.export_form(ctx, actor, year, k, fmt)
                (folder / name).write_bytes(data)
                err.print(f"Đã ghi {folder / name}")


@app.command("enter")
@handled
def reports_enter(
    key: Annotated[str, typer.Argument(help="Mã biểu, vd. 0601.")],
    year: Year,
    actor: AsUser,
    figures_file: Annotated[Path, typer.Option("--figures", help="Tệp YAML: mã dòng → {cột: số}.")],
    version: Annotated[
        int | None, typer.Option(help="Phiên bản số liệu đang sửa (bỏ trống khi nhập lần đầu).")
    ] = None,
) -> None:
    """Nhập số liệu hệ thống không có: biểu tổ chức, công chức; phần bổ sung của biểu khen thưởng cấp Nhà nước."""
    from thidua_workflow.errors import InputRejected
    from thidua_workflow.services import statistics

    data, _digest = read_data_file(figures_file)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputRejected(f"Tệp {figures_file} phải là bảng: mã dòng → {{cột: số}}.")
    figures = {str(row): {str(col): value for col, value in cells.items()} for row, cells in data.items()}
    with context() as ctx:
        new = statistics.enter_figures(ctx, actor, year, key, figures, expected_version=version)
    out.print(f"Đã lưu số liệu biểu {key} năm {year} (phiên bản {new}).")
