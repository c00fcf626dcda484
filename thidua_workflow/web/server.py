"""Running the web app: built from the resolved settings, served by uvicorn (a Prefect dependency)."""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import uvicorn
from fastapi import FastAPI

from flows.inline import run_inline
from thidua_workflow.services.context import Context, Dispatcher, bootstrap
from thidua_workflow.settings import Settings
from thidua_workflow.web.app import create_app

log = logging.getLogger(__name__)


def in_background(dispatch: Dispatcher) -> Dispatcher:
    """Deliver wake-ups after the response, not during it: a person never waits for the next stage.

    The action is already committed with its wake-up (the outbox), so a delivery that fails here is
    retried by the sweep. One worker keeps deliveries in commit order, and takes together whatever
    queued while it was busy (a burst of submissions is delivered in a few steps, not one each); each
    carries the caller's context (Prefect's settings live in context variables). One per Context.
    """
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thidua-dispatch")
    queued: list[int] = []
    lock = threading.Lock()

    def deliver(ctx: Context, wakeup_ids: list[int]) -> None:
        with lock:
            queued.extend(wakeup_ids)

        def run() -> None:
            with lock:
                taken = queued[:]
                queued.clear()
            if not taken:
                return  # an earlier run took these along
            try:
                dispatch(ctx, taken)
            except Exception:  # the sweep redelivers; the log says why it has to
                log.exception("wake-ups %s not delivered; the sweep will retry", taken)

        worker.submit(contextvars.copy_context().run, run)

    return deliver


def web_context(settings: Settings, on_problem: Callable[[str], None] | None = None) -> Context:
    """The web app's context: stages follow people's actions as ``THIDUA_DISPATCH`` says, after the
    response has gone."""
    dispatch: Dispatcher = run_inline
    if settings.dispatch != "inline":
        from flows.dispatch import dispatcher  # Prefect: loaded only when the stages run as flow runs

        dispatch = dispatcher(settings.dispatch, on_problem=on_problem)
    return bootstrap(settings, dispatcher=in_background(dispatch))


def build_app(settings: Settings, on_problem: Callable[[str], None] | None = None) -> FastAPI:
    return create_app(web_context(settings, on_problem))


def run(app: FastAPI, host: str, port: int) -> None:
    uvicorn.run(
        app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False
    )  # X-Forwarded-* are read by the app itself, only from THIDUA_WEB_TRUSTED_PROXIES (web.app)
