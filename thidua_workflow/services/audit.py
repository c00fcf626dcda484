"""The record: one append-only event per state change, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor

SYSTEM_LABEL = "Hệ thống"


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
) -> m.AuditEvent:
    event = m.AuditEvent(
        at=at,
        actor_id=actor.person_id if actor else None,
        actor_label=actor.label if actor else SYSTEM_LABEL,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )
    session.add(event)
    return event
