"""What a flow run needs: the project's context, built from the one configuration every entry point uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flows.inline import run_inline
from thidua_workflow.config import resolve_settings
from thidua_workflow.services.context import Context, bootstrap


@contextmanager
def flow_context(as_of: date | None = None) -> Iterator[Context]:
    """A context for one flow run: stages it triggers (e-mail) run inline, inside this flow run.

    ``as_of`` replays a past date (the demo's 2019–2020 scenario); production runs leave it empty.
    """
    ctx = bootstrap(resolve_settings(**({"as_of": as_of} if as_of else {})), dispatcher=run_inline)
    try:
        yield ctx
    finally:
        ctx.close()
