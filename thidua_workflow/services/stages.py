"""The stages that follow a person's action: what each one does, and running one or a batch of them.

Each stage is one transaction that re-reads the database and marks its wake-up completed, so running it
twice, or again after a crash, changes nothing more. Who runs them is the dispatcher's business, a layer
above the services: ``flows.inline`` in the acting process, ``flows.dispatch`` as Prefect flow runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.errors import Conflict, DatabaseUnavailable
from thidua_workflow.services import council, decisions, nominations, notifications, rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.delivery import WakeupView, read_wakeups
from thidua_workflow.services.outbox import Stage, complete

log = logging.getLogger(__name__)


def _notify(ctx: Context, _ref_id: int) -> object:
    counts = notifications.send_pending(ctx)
    with ctx.uow() as uow:
        complete(uow.session, Stage.NOTIFY, 0, ctx.clock.now())
        uow.commit()
    return counts


def decision_stage(ctx: Context, decision_id: int) -> dict[str, object]:
    """Decide everyone listed, issue their certificates and the decision's documents, then complete.

    Each step is idempotent, and the wake-up completes only after the last: a crash anywhere is
    finished by the next run.
    """
    decided = decisions.apply_issue(ctx, decision_id)
    from thidua_workflow.services import certificates  # ReportLab: loaded by the runs that render only

    report = certificates.issue(ctx, decision_id)
    with ctx.uow() as uow:
        complete(uow.session, Stage.DECISION_ISSUED, decision_id, ctx.clock.now())
        uow.commit()
    return {"decided": decided, **report.to_dict()}


STAGES: dict[Stage, Callable[[Context, int], object]] = {
    Stage.INTAKE: nominations.route_submission,
    Stage.ROUND_CLOSED: rounds.apply_result,
    Stage.SESSION_CLOSED: council.apply_result,
    Stage.DECISION_ISSUED: decision_stage,
    Stage.NOTIFY: _notify,
}


def run_stage(ctx: Context, stage: Stage, ref_id: int) -> object:
    return STAGES[stage](ctx, ref_id)


@dataclass
class Batch:
    """What one run of a stage did: each subject's result, and the subjects that failed (with why)."""

    done: dict[int, object] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)


def run_batch(ctx: Context, stage: Stage, first: int, joined_ids: list[int]) -> Batch:
    """Run ``stage`` for ``first``, then for each subject that joined the run and is still waiting.

    A flow run of a stage also takes the wake-ups handed to it before it started (``flows.dispatch``), so
    a burst of submissions, or of rounds closed one after another, costs one flow run, not one each.
    ``first`` always runs (a re-run of a stage changes nothing); a subject done meanwhile by another run
    is skipped. A conflict with another writer is tried again (the stage re-reads everything); a subject
    that still fails is recorded on its wake-up, stays pending for the sweep, and does not stop the others.
    """
    batch = Batch()
    for ref_id in dict.fromkeys([first, *joined_ids]):
        if ref_id != first and not _waiting(ctx, stage, ref_id):
            continue
        for attempt in range(1, RETRIES + 1):
            try:
                batch.done[ref_id] = run_stage(ctx, stage, ref_id)
                break
            except (Conflict, DatabaseUnavailable) as exc:
                if not _waiting(ctx, stage, ref_id):
                    break  # another run did it in the meantime
                if attempt == RETRIES:
                    _failed(ctx, stage, ref_id, exc, batch)
                else:
                    time.sleep(0.2 * attempt)
            except Exception as exc:
                _failed(ctx, stage, ref_id, exc, batch)
                break
    return batch


RETRIES = 3


def _failed(ctx: Context, stage: Stage, ref_id: int, exc: Exception, batch: Batch) -> None:
    log.error("stage %s of %s failed", stage.value, ref_id, exc_info=exc)
    message = f"{type(exc).__name__}: {exc}"
    batch.failed[ref_id] = message
    with ctx.uow() as uow:
        for wakeup in uow.session.scalars(
            select(m.Wakeup).where(
                m.Wakeup.kind == stage.value, m.Wakeup.ref_id == ref_id, m.Wakeup.completed_at.is_(None)
            )
        ):
            wakeup.last_error = message[:1000]
        uow.commit()


def joined(ctx: Context, stage: Stage, flow_run_id: str) -> list[int]:
    """The subjects whose wake-ups were handed to this flow run and are not done yet."""
    with ctx.reader() as uow:
        return list(
            uow.session.scalars(
                select(m.Wakeup.ref_id)
                .where(
                    m.Wakeup.kind == stage.value,
                    m.Wakeup.flow_run_id == flow_run_id,
                    m.Wakeup.completed_at.is_(None),
                )
                .order_by(m.Wakeup.id)
            )
        )


def _waiting(ctx: Context, stage: Stage, ref_id: int) -> bool:
    with ctx.reader() as uow:
        found = uow.session.scalar(
            select(m.Wakeup.id)
            .where(m.Wakeup.kind == stage.value, m.Wakeup.ref_id == ref_id, m.Wakeup.completed_at.is_(None))
            .limit(1)
        )
    return found is not None


def pending(ctx: Context) -> list[WakeupView]:
    """Every stage still waiting to run (or to finish), oldest first."""
    with ctx.reader() as uow:
        return read_wakeups(uow.session, m.Wakeup.completed_at.is_(None))
