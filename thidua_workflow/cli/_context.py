"""The settings and the service context a command runs with.

``open_context`` is the CLI's one call of ``services.context.bootstrap``: every command that needs the
database comes through it, so how the context is assembled (its dispatcher) is decided here alone. The
services, SQLAlchemy and Prefect are imported when a command opens a context, not when the CLI starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thidua_workflow.services.context import Context
    from thidua_workflow.settings import Settings


class State:
    """The root options (``thidua --as-of …``), set before the command runs."""

    as_of: date | None = None


STATE = State()


def settings() -> Settings:
    from thidua_workflow.config import resolve_settings

    values: dict[str, Any] = {}
    if STATE.as_of:
        values["as_of"] = STATE.as_of
    return resolve_settings(**values)


def open_context(current: Settings, *, migrate: bool = True, dispatch: bool = True) -> Context:
    """Open the database and assemble the services' context. With ``dispatch``, the stages that follow
    an action run as ``THIDUA_DISPATCH`` says (inline, or as Prefect flow runs); without, the command
    only reads or migrates and never dispatches."""
    from thidua_workflow.cli._console import warn
    from thidua_workflow.services.context import Dispatcher, bootstrap

    chosen: Dispatcher | None = None
    if dispatch and current.dispatch == "inline":
        from flows.inline import run_inline

        chosen = run_inline
    elif dispatch:
        from flows.dispatch import dispatcher

        chosen = dispatcher(current.dispatch, on_problem=warn)
    return bootstrap(current, migrate=migrate, dispatcher=chosen)


@contextmanager
def context(current: Settings | None = None) -> Iterator[Context]:
    """The context of one command (with the settings it resolved already, if any), closed (its engine
    disposed) when the command is done."""
    ctx = open_context(current or settings())
    try:
        yield ctx
    finally:
        ctx.close()
