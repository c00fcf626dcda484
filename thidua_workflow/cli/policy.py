"""``thidua policy``: the province's policy per period, each figure with its source.

``policy show`` reads the policy without the services: the policy file, or the bundled policy of the
province read from the SQLite file by the standard library (``db.sqlite_peek``). Only when that cannot
answer (PostgreSQL, no database yet, no or several provinces) does it open a service context, which gives
the same answer or the same error as every other command, at the cost of importing SQLAlchemy.
"""

from typing import TYPE_CHECKING

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context, settings
from thidua_workflow.cli._options import JsonFlag

if TYPE_CHECKING:
    from thidua_workflow.domain.policy import Policy
    from thidua_workflow.settings import Settings

app = typer.Typer(help="Chính sách của tỉnh theo từng giai đoạn.", no_args_is_help=True)


@app.command("show")
@handled
def policy_show(as_json: JsonFlag = False) -> None:
    """Các giá trị của chính sách theo giai đoạn, mỗi giá trị với nguồn và mức xác nhận."""
    current = settings()
    policy = current_policy(current)
    if as_json:
        emit(policy.model_dump(mode="json"))
        return
    from thidua_workflow.policy_report import render_policy

    out.print(render_policy(policy, current.make_clock().today()))


def current_policy(current: "Settings") -> "Policy":
    """What ``Context.policy`` answers, checked the same way, without a context where possible."""
    from thidua_workflow.db.sqlite_peek import active_province
    from thidua_workflow.domain.policy import bundled_policy, load_policy
    from thidua_workflow.domain.rules import check_policy

    if current.policy_path is not None:
        policy = load_policy(current.policy_path)
    else:
        province = active_province(current.effective_database_url)
        if province is None:
            with context(current) as ctx:
                return ctx.policy
        policy = bundled_policy(province)
    check_policy(policy)
    return policy
