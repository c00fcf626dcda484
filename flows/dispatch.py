"""Delivering wake-ups: each becomes a Prefect flow run of its stage, named for what it is.

``deliver_deployments`` starts runs of the served deployments (``thidua serve``, or workers of a work pool)
with ``run_deployment``; the idempotency key makes a repeated delivery the same flow run, and the attempt
number in it lets the sweep start a fresh run when an earlier one died. ``deliver_in_process`` runs the
flow in this process (tests, small set-ups). If the Prefect API cannot be reached, the action that woke the
stage is already saved; the wake-up stays pending and the sweep delivers it when the API is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from flows import stages as stage_flows
from thidua_workflow.clock import SystemClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.text import search_key
from thidua_workflow.services import outbox
from thidua_workflow.services.context import Context, Dispatcher
from thidua_workflow.services.outbox import Stage
from thidua_workflow.services.stages import load, mark_delivered, run_inline

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


def run_name(ctx: Context, stage: Stage, ref_id: int) -> str:
    """Readable flow-run names: 'qb-khoi-hoi-dac-thu-2019-tong-ket', 'quyet-dinh-162-qd-ubnd-2020'."""
    with ctx.reader() as uow:
        s = uow.session
        if stage is Stage.ROUND_CLOSED and (r := s.get(m.BlocRound, ref_id)):
            phase = "so-ket" if r.period_code.endswith("-H1") else "tong-ket"
            return _slug(f"{r.bloc_id}-{r.period_code.removesuffix('-H1')}-{phase}")
        if stage is Stage.DECISION_ISSUED and (d := s.get(m.Decision, ref_id)) and d.number_text:
            return _slug(f"quyet-dinh-{d.number_text}-{d.year}")
        if stage is Stage.SESSION_CLOSED and (c := s.get(m.CouncilSession, ref_id)):
            return _slug(f"hoi-dong-phien-{c.id}-{c.opened_at.astimezone(ctx.clock.tz):%Y-%m-%d}")
        if stage is Stage.INTAKE and (sub := s.get(m.Submission, ref_id)):
            return _slug(f"tiep-nhan-to-trinh-{sub.id}-{sub.unit_id}")
    return _slug(f"{stage.value}-{ref_id}")


def _slug(text: str) -> str:
    return "-".join(search_key(text).replace("/", "-").replace("_", "-").split())


def deliver_deployments(ctx: Context, wakeup_ids: list[int], *, wait: bool = False) -> list[str]:
    """Start a flow run of the stage's deployment for each wake-up; problems are returned, not raised."""
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    problems = []
    for wakeup in load(ctx, wakeup_ids):
        if wakeup.completed_at is not None:
            continue
        stage = Stage(wakeup.kind)
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
    with ctx.reader() as uow:
        due = [w.id for w in outbox.due_for_delivery(uow.session, ctx.clock.now(), stale_after=STALE_AFTER)]
    if due:
        if ctx.settings.dispatch == "flow":
            deliver_in_process(ctx, due)
        else:
            deliver_deployments(ctx, due)
    return len(due)
