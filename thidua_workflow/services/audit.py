"""The record: one append-only event per state change, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor

SYSTEM_LABEL = "Hệ thống"
_INSERT = insert(m.AuditEvent)


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
    """
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
        },
    )
