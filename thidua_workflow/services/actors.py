"""Who is acting: a person with their role grants, read in the same transaction as the action."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor, Grant
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import NotPermitted


def load_actor(session: Session, username: str) -> Actor:
    person = session.scalar(
        select(m.Person).options(selectinload(m.Person.grants)).where(m.Person.username == username)
    )
    if person is None or not person.active:
        raise NotPermitted(f"Người dùng '{username}' không tồn tại hoặc đã bị khóa.")
    return actor_of(person)


def actor_of(person: m.Person) -> Actor:
    return Actor(
        person_id=person.id,
        username=person.username,
        full_name=person.full_name,
        unit_id=person.unit_id,
        grants=tuple(Grant(Role(g.role), g.unit_id, g.title) for g in person.grants),
    )


def holders(session: Session, role: Role, unit_id: str | None = None) -> list[str]:
    """Usernames of the active people holding ``role`` (for ``unit_id`` when given)."""
    query = (
        select(m.Person.username)
        .join(m.RoleGrant, m.RoleGrant.person_id == m.Person.id)
        .where(m.RoleGrant.role == role.value, m.Person.active.is_(True))
        .order_by(m.Person.username)
    )
    if unit_id is not None:
        query = query.where(m.RoleGrant.unit_id == unit_id)
    return list(session.scalars(query).unique())
