"""The record: one append-only event per state change, written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor, Principal, relied_on

SYSTEM_LABEL = "Hệ thống"
_INSERT = insert(m.AuditEvent)

# Issue 22: while a delegate acts on a task delegated to them, (delegate's person id, the principal).
_ACTING_FOR: ContextVar[tuple[int, Principal] | None] = ContextVar("thidua_acting_for", default=None)


@contextmanager
def acting_for(delegate_id: int, principal: Principal | None) -> Iterator[None]:
    """Every event the delegate's action writes in this block records whom they acted for."""
    if principal is None:
        yield
        return
    token = _ACTING_FOR.set((delegate_id, principal))
    try:
        yield
    finally:
        _ACTING_FOR.reset(token)


def principal_of(actor: Actor | None) -> Principal | None:
    """Whom ``actor`` is acting for right now (None: for themselves)."""
    found = _ACTING_FOR.get()
    if actor is None or found is None or found[0] != actor.person_id:
        # Not on a delegated task: a delegate acting straight on the dossier (or the fund, the register)
        # by a delegated grant still acts for its delegator.
        return relied_on(actor)
    return found[1]


def record(
    session: Session,
    *,
    at: datetime,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: object,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append the event in the session's transaction, right away.

    Events are never read back, changed or deleted by the action that writes them, so they bypass the
    identity map: a plain INSERT on the session's connection instead of an entity for the flush to track.
    Nothing pending is flushed by it (the action's own changes are flushed together at commit).
    A delegate's action (``acting_for``) names the person it was done for.
    """
    principal = principal_of(actor)
    session.connection().execute(
        _INSERT,
        {
            "at": at,
            "actor_id": actor.person_id if actor else None,
            "actor_label": actor.record_label if actor else SYSTEM_LABEL,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "from_state": from_state,
            "to_state": to_state,
            "comment": comment,
            "data": data or {},
            "on_behalf_of_id": principal.person_id if principal else None,
            "on_behalf_of_label": principal.record_label if principal else None,
        },
    )
