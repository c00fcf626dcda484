"""``thidua org``: the province's organisation (units, blocs, people) from its YAML file."""

from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import JsonFlag, read_data_file

app = typer.Typer(help="Tổ chức: tỉnh, đơn vị, khối thi đua, người dùng.", no_args_is_help=True)


@app.command("load")
@handled
def org_load(
    file: Annotated[Path, typer.Argument(help="Tệp tổ chức YAML.")],
    actor: Annotated[str | None, typer.Option("--as", help="Quản trị viên thực hiện (nếu đã có).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Nạp (cập nhật) tổ chức của tỉnh từ tệp YAML; chạy lại bao nhiêu lần cũng được."""
    from thidua_workflow.services import org as org_service

    data, _digest = read_data_file(file)
    with context() as ctx:
        report = org_service.load_organisation(ctx, data, actor_username=actor, source=file.name)
    if as_json:
        emit(report.to_dict())
        return
    out.print(f"Đã nạp tổ chức tỉnh {report.province} từ {file}:")
    for key, value in sorted(report.counts.items()):
        out.print(f"  {key}: {value}")
