"""``thidua policy``: the province's policy per period, each figure with its source."""

from __future__ import annotations

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import JsonFlag

app = typer.Typer(help="Chính sách của tỉnh theo từng giai đoạn.", no_args_is_help=True)


@app.command("show")
@handled
def policy_show(as_json: JsonFlag = False) -> None:
    """Các giá trị của chính sách theo giai đoạn, mỗi giá trị với nguồn và mức xác nhận."""
    with context() as ctx:
        policy = ctx.policy
    if as_json:
        emit(policy.model_dump(mode="json"))
        return
    from thidua_workflow.policy_report import render_policy

    out.print(render_policy(policy))
