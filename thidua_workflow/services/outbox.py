"""The transactional outbox: stages to run next, written in the same transaction as the action.

A service that completes a stage calls :func:`wake`; after the unit of work commits, the context hands
the new wake-ups to its dispatcher (run inline, or as Prefect flow runs). A stage marks its wake-up
completed in the stage's own transaction, so a wake-up is pending until its work is really done.
The dispatchers' reads and records after the commit are in ``services.delivery``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.services.uow import PENDING_KEY


class Stage(StrEnum):
    INTAKE = "intake"  # a submission's nominations to their bloc round or to appraisal
    ROUND_CLOSED = "round_closed"  # apply a closed bloc round's result
    SESSION_CLOSED = "session_closed"  # decide the council's items, draft the decisions
    DECISION_ISSUED = "decision_issued"  # decide everyone listed, record their awards
    NOTIFY = "notify"  # send queued e-mails


def wake(session: Session, stage: Stage, ref_id: int, at: datetime) -> m.Wakeup | None:
    """Ask for ``stage`` on ``ref_id``, unless the same request is already waiting."""
    waiting = session.scalar(
        select(m.Wakeup).where(
            m.Wakeup.kind == stage.value, m.Wakeup.ref_id == ref_id, m.Wakeup.completed_at.is_(None)
        )
    )
    if waiting is not None:
        return None
    wakeup = m.Wakeup(token=uuid.uuid4().hex, kind=stage.value, ref_id=ref_id, created_at=at)
    session.add(wakeup)
    session.flush()
    session.info.setdefault(PENDING_KEY, []).append(wakeup.id)
    return wakeup


def complete(session: Session, stage: Stage, ref_id: int, at: datetime) -> None:
    """Mark done every open wake-up of this stage and subject (inside the stage's transaction)."""
    for wakeup in session.scalars(
        select(m.Wakeup).where(
            m.Wakeup.kind == stage.value, m.Wakeup.ref_id == ref_id, m.Wakeup.completed_at.is_(None)
        )
    ):
        wakeup.completed_at = at
