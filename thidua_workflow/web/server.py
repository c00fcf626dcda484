"""Running the web app: built from the resolved settings, served by uvicorn (a Prefect dependency)."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.settings import Settings
from thidua_workflow.web.app import create_app


def web_context(settings: Settings, on_problem: Callable[[str], None] | None = None) -> Context:
    """The web app's context: stages follow people's actions as ``THIDUA_DISPATCH`` says."""
    ctx = bootstrap(settings)
    if settings.dispatch != "inline":
        from flows.dispatch import dispatcher

        ctx.dispatcher = dispatcher(settings.dispatch, on_problem=on_problem)
    return ctx


def build_app(settings: Settings, on_problem: Callable[[str], None] | None = None) -> FastAPI:
    return create_app(web_context(settings, on_problem))


def run(app: FastAPI, host: str, port: int) -> None:
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
