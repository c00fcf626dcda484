"""The dispatchers' side of the outbox: which wake-ups to hand over, to which flow run, and what came of it.

A dispatcher (``flows.inline``, ``flows.dispatch``) runs after the action's commit. It reads and records
here, each call in a transaction of its own, and holds no rows of the database: it gets
:class:`WakeupView` values, so nothing it does can load or change a row behind a service's back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.text import search_key
from thidua_workflow.services.context import Context
from thidua_workflow.services.outbox import Stage


@dataclass(frozen=True)
class WakeupView:
    """One wake-up as it stood when read."""

    id: int
    token: str
    kind: str
    ref_id: int
    created_at: datetime
    attempts: int
    delivered_at: datetime | None
    flow_run_id: str | None
    completed_at: datetime | None
    last_error: str | None


_COLUMNS = (
    m.Wakeup.id,
    m.Wakeup.token,
    m.Wakeup.kind,
    m.Wakeup.ref_id,
    m.Wakeup.created_at,
    m.Wakeup.attempts,
    m.Wakeup.delivered_at,
    m.Wakeup.flow_run_id,
    m.Wakeup.completed_at,
    m.Wakeup.last_error,
)


def read_wakeups(session: Session, *where: ColumnElement[bool]) -> list[WakeupView]:
    """The wake-ups that match, in the order they were written (plain columns: nothing to track)."""
    rows = session.execute(select(*_COLUMNS).where(*where).order_by(m.Wakeup.id))
    return [WakeupView(**row._asdict()) for row in rows]


def load(ctx: Context, wakeup_ids: list[int]) -> list[WakeupView]:
    with ctx.reader() as uow:
        return read_wakeups(uow.session, m.Wakeup.id.in_(wakeup_ids))


def mark_delivered(
    ctx: Context,
    wakeup_ids: list[int],
    *,
    flow_run_ids: dict[int, str] | None = None,
    error: str | None = None,
) -> None:
    """One more attempt: handed to its flow run (``flow_run_ids``), or not, and why (``error``)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        for wakeup in uow.session.scalars(select(m.Wakeup).where(m.Wakeup.id.in_(wakeup_ids))):
            wakeup.attempts += 1
            if error is None:
                wakeup.delivered_at = now
                wakeup.flow_run_id = (flow_run_ids or {}).get(wakeup.id)
                wakeup.last_error = None
            else:
                wakeup.last_error = error[:1000]
        uow.commit()


def due_for_delivery(ctx: Context, *, stale_after: timedelta) -> list[int]:
    """Never delivered, or delivered long ago and still not completed (its flow run died or was lost)."""
    now = ctx.clock.now()
    with ctx.reader() as uow:
        return list(
            uow.session.scalars(
                select(m.Wakeup.id)
                .where(
                    m.Wakeup.completed_at.is_(None),
                    (m.Wakeup.delivered_at.is_(None)) | (m.Wakeup.delivered_at < now - stale_after),
                )
                .order_by(m.Wakeup.id)
            )
        )


@dataclass(frozen=True)
class OpenRun:
    """The flow run most recently handed a wake-up of a stage that is still open, and how many it holds."""

    flow_run_id: str
    taken: int


def latest_open_run(
    ctx: Context,
    kind: str,
    *,
    besides: list[int],
    since: datetime,
    known_started: Collection[str] = (),
) -> OpenRun | None:
    """The run a burst of wake-ups of ``kind`` (other than ``besides``) may join, if any.

    A run that has not started has not completed its own wake-up, so the latest run with an open wake-up
    delivered after ``since`` is the candidate; if that run is one the caller has seen start
    (``known_started``), there is none to join (an older run is not looked for).
    """
    with ctx.reader() as uow:
        latest = uow.session.scalar(
            select(m.Wakeup.flow_run_id)
            .where(
                m.Wakeup.completed_at.is_(None),
                m.Wakeup.kind == kind,
                m.Wakeup.flow_run_id.is_not(None),
                m.Wakeup.id.not_in(besides),
                m.Wakeup.delivered_at >= since,
            )
            .order_by(m.Wakeup.delivered_at.desc(), m.Wakeup.id.desc())
            .limit(1)
        )
        if latest is None or latest in known_started:
            return None
        taken = uow.session.scalar(
            select(func.count())
            .select_from(m.Wakeup)
            .where(
                m.Wakeup.completed_at.is_(None),
                m.Wakeup.kind == kind,
                m.Wakeup.flow_run_id == latest,
            )
        )
    return OpenRun(latest, taken or 0)


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
