"""The inline dispatcher: each stage runs in the acting process, right after the action's commit.

The dispatcher for ``THIDUA_DISPATCH=inline`` and for a flow run's own context (a stage that queues mail
sends it inside that run). It lives with the Prefect dispatchers (``flows.dispatch``) but imports nothing
of Prefect, so a command or a page that runs its stages inline does not pay for loading it.
"""

from __future__ import annotations

from thidua_workflow.services.context import Context
from thidua_workflow.services.delivery import load, mark_delivered
from thidua_workflow.services.outbox import Stage
from thidua_workflow.services.stages import run_stage


def run_inline(ctx: Context, wakeup_ids: list[int]) -> None:
    """Run each stage right here, after the action's commit.

    A failing stage leaves its wake-up pending (the sweep, or the next run, tries again) and is raised,
    so that the person who acted learns that their action was saved but what follows did not run.
    """
    for wakeup in load(ctx, wakeup_ids):
        if wakeup.completed_at is not None:
            continue
        try:
            run_stage(ctx, Stage(wakeup.kind), wakeup.ref_id)
        except Exception as exc:
            mark_delivered(ctx, [wakeup.id], error=f"{type(exc).__name__}: {exc}")
            raise
        mark_delivered(ctx, [wakeup.id])
