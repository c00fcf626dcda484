"""``thidua db``: the database schema's revision, and bringing it to the newest."""

import typer

from thidua_workflow.cli._console import handled, out
from thidua_workflow.cli._context import open_context, settings

app = typer.Typer(help="Cơ sở dữ liệu.", no_args_is_help=True)


@app.command("upgrade")
@handled
def db_upgrade() -> None:
    """Đưa lược đồ cơ sở dữ liệu lên phiên bản mới nhất."""
    from thidua_workflow.db.migrate import current_revision, upgrade

    ctx = open_context(settings(), migrate=False, dispatch=False)
    try:
        upgrade(ctx.engine)
        out.print(
            f"Lược đồ CSDL ở phiên bản {current_revision(ctx.engine)} ({ctx.engine.url.render_as_string()})."
        )
    finally:
        ctx.close()


@app.command("current")
@handled
def db_current() -> None:
    """Phiên bản lược đồ hiện tại và mới nhất."""
    from thidua_workflow.db.migrate import current_revision, head_revision

    ctx = open_context(settings(), migrate=False, dispatch=False)
    try:
        out.print(f"hiện tại: {current_revision(ctx.engine)} · mới nhất: {head_revision(ctx.engine)}")
    finally:
        ctx.close()
