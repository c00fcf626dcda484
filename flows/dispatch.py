"""Delivering wake-ups: each becomes a Prefect flow run of its stage, named for what it is.

``deliver_deployments`` starts runs of the served deployments (``thidua serve``, or workers of a work pool)
with ``run_deployment``; the idempotency key makes a repeated delivery the same flow run, and the attempt
number in it lets the sweep start a fresh run when an earlier one died. ``deliver_in_process`` runs the
flow in this process (tests, small set-ups). If the Prefect API cannot be reached, the action that woke the
stage is already saved; the wake-up stays pending and the sweep delivers it when the API is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from flows import stages as stage_flows
from flows.inline import run_inline
from thidua_workflow.clock import SystemClock
from thidua_workflow.services.context import Context, Dispatcher
from thidua_workflow.services.delivery import (
    WakeupView,
    due_for_delivery,
    latest_open_run,
    load,
    mark_delivered,
    run_name,
)
from thidua_workflow.services.outbox import Stage

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient

log = logging.getLogger(__name__)

# Stage → (flow, its parameter name). The deployment of each flow is named like the flow.
FLOWS: dict[Stage, tuple[Any, str | None]] = {
    Stage.INTAKE: (stage_flows.intake, "submission_id"),
    Stage.ROUND_CLOSED: (stage_flows.bloc_round, "round_id"),
    Stage.SESSION_CLOSED: (stage_flows.council_session, "session_id"),
    Stage.DECISION_ISSUED: (stage_flows.decision, "decision_id"),
    Stage.NOTIFY: (stage_flows.send_mail, None),
}
STALE_AFTER = timedelta(minutes=10)
# Stages whose wake-ups may join a run that has not started. A council session closes alone; mail has one
# wake-up at most. Decisions signed in a row share a run: one process pool renders them one after another,
# which on one machine beats runs that fight over its cores (THIDUA_STAGE_BATCH=1 spreads them over workers).
JOINABLE = frozenset({Stage.INTAKE, Stage.ROUND_CLOSED, Stage.DECISION_ISSUED})


def deployment_name(stage: Stage) -> str:
    name = FLOWS[stage][0].name
    return f"{name}/{name}"


def parameters(ctx: Context, stage: Stage, ref_id: int) -> dict[str, Any]:
    """The flow's parameters; a replayed date travels with them so the flow run keeps the same clock."""
    key = FLOWS[stage][1]
    params: dict[str, Any] = {key: ref_id} if key else {}
    if not isinstance(ctx.clock, SystemClock):
        params["as_of"] = ctx.clock.today().isoformat()
    return params


def deliver_deployments(ctx: Context, wakeup_ids: list[int], *, wait: bool = False) -> list[str]:
    """Start a flow run of the stage's deployment for each wake-up; problems are returned, not raised.

    A wake-up joins the latest run of its stage if that run has not started yet (it takes the subjects that
    joined it when it starts: ``flows.stages``), so a burst costs a few flow runs instead of one each;
    wake-ups delivered together join in one step.
    """
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    problems = []
    todo = [w for w in load(ctx, wakeup_ids) if w.completed_at is None]
    while todo:
        wakeup = todo[0]
        stage = Stage(wakeup.kind)
        if not wait and stage in JOINABLE:
            joined = join_waiting_run(ctx, [w for w in todo if w.kind == wakeup.kind])
            if joined:
                todo = [w for w in todo if w.id not in joined]
                continue
        todo = todo[1:]
        try:
            flow_run = cast(
                "FlowRun",
                run_deployment(
                    deployment_name(stage),
                    parameters=parameters(ctx, stage, wakeup.ref_id),
                    flow_run_name=run_name(ctx, stage, wakeup.ref_id),
                    idempotency_key=f"thidua-{wakeup.token}-{wakeup.attempts}",
                    timeout=None if wait else 0,
                    poll_interval=0.5,
                    as_subflow=False,
                ),
            )
        except Exception as exc:  # the API is down or unknown: the wake-up waits for the sweep
            message = f"{type(exc).__name__}: {exc}"
            mark_delivered(ctx, [wakeup.id], error=message)
            problems.append(f"{stage.value} {wakeup.ref_id}: {message}")
            log.warning("thidua: wake-up %s not delivered (%s); the sweep will retry", wakeup.id, message)
            continue
        mark_delivered(ctx, [wakeup.id], flow_run_ids={wakeup.id: str(flow_run.id)})
        if wait and flow_run.state is not None and not flow_run.state.is_completed():
            problems.append(f"{stage.value} {wakeup.ref_id}: flow run {flow_run.name} {flow_run.state.name}")
    return problems


def join_waiting_run(ctx: Context, wakeups: list[WakeupView]) -> set[int]:
    """Hand wake-ups of one stage, in order, to the latest run of that stage if it has not started, as many
    as it has room for (``THIDUA_STAGE_BATCH``); the ids it took.

    A run reads what joined it only once Prefect has recorded it Running. So: record the join, then look;
    if the run is still Scheduled or Pending, it will see the join. If it has moved on, it may have missed
    it, and the wake-ups get runs of their own (at worst both do it; a stage done twice changes nothing).
    A run whose worker died with it stays Pending: joins stop after ``PENDING_JOINABLE``, and what joined
    it before is redelivered by the sweep, as the run's own subject is (never to a run that old).
    """
    ids = [w.id for w in wakeups]
    run = latest_open_run(
        ctx,
        wakeups[0].kind,
        besides=ids,
        since=ctx.clock.now() - STALE_AFTER,  # the sweep's redelivery: a new run
        known_started=_seen_started,
    )
    if run is None:
        return set()
    chosen = ids[: max(0, ctx.settings.stage_batch - run.taken)]
    if not chosen:
        return set()
    mark_delivered(ctx, chosen, flow_run_ids=dict.fromkeys(chosen, run.flow_run_id))
    return set(chosen) if _not_started(run.flow_run_id) else set()


def _not_started(flow_run_id: str) -> bool:
    """Scheduled, or Pending for less than ``PENDING_JOINABLE`` (a worker took it and is starting its
    process; one stuck Pending longer may have died with its worker). Any doubt (API error): no."""
    from prefect.client.schemas.objects import StateType

    if flow_run_id in _seen_started:
        return False  # a run that was taken does not come back (our deployments do not retry)
    try:
        state = api_client().read_flow_run(UUID(flow_run_id)).state
    except Exception:
        return False
    if state is not None and state.type is StateType.SCHEDULED:
        return True
    if state is not None and state.type is StateType.PENDING:
        return bool(datetime.now(UTC) - state.timestamp < PENDING_JOINABLE)
    if len(_seen_started) > 10_000:
        _seen_started.clear()
    _seen_started.add(flow_run_id)
    return False


PENDING_JOINABLE = timedelta(seconds=30)
_seen_started: set[str] = set()
_clients: dict[str, SyncPrefectClient] = {}
_clients_lock = threading.Lock()


def api_client() -> SyncPrefectClient:
    """One Prefect client per API for this process: a new one costs ~20 ms (its TLS context), a read ~3 ms."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    url = str(PREFECT_API_URL.value())
    with _clients_lock:
        if (client := _clients.get(url)) is None:
            client = _clients[url] = get_client(sync_client=True).__enter__()
    return client


def deliver_in_process(ctx: Context, wakeup_ids: list[int]) -> list[str]:
    """Run each stage's flow here and now: a real flow run, reported to the configured Prefect API."""
    problems = []
    for wakeup in load(ctx, wakeup_ids):
        if wakeup.completed_at is not None:
            continue
        stage = Stage(wakeup.kind)
        flow, _key = FLOWS[stage]
        try:
            flow.with_options(flow_run_name=run_name(ctx, stage, wakeup.ref_id))(
                **parameters(ctx, stage, wakeup.ref_id)
            )
        except Exception as exc:
            mark_delivered(ctx, [wakeup.id], error=f"{type(exc).__name__}: {exc}")
            problems.append(f"{stage.value} {wakeup.ref_id}: {exc}")
            continue
        mark_delivered(ctx, [wakeup.id])
    return problems


def dispatcher(
    mode: str, *, wait: bool = False, on_problem: Callable[[str], None] | None = None
) -> Dispatcher:
    """The context's dispatcher for a ``THIDUA_DISPATCH`` mode."""
    if mode == "inline":
        return run_inline

    def dispatch(ctx: Context, wakeup_ids: list[int]) -> None:
        problems = (
            deliver_deployments(ctx, wakeup_ids, wait=wait)
            if mode == "deployment"
            else deliver_in_process(ctx, wakeup_ids)
        )
        for problem in problems:
            if on_problem is not None:
                on_problem(problem)

    return dispatch


def redeliver(ctx: Context) -> int:
    """The sweep's part: deliver what is pending, and again what was delivered but never completed.

    Delivered as the installation is configured (``THIDUA_DISPATCH``): served deployments, or flow runs
    in this process.
    """
    due = due_for_delivery(ctx, stale_after=STALE_AFTER)
    if due:
        if ctx.settings.dispatch == "flow":
            deliver_in_process(ctx, due)
        else:
            deliver_deployments(ctx, due)
    return len(due)
