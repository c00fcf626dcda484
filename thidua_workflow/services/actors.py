"""Who is acting: a person with their role grants, read in the same transaction as the action."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session, aliased

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor, Grant, Principal
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import NotPermitted
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import grant_holds, today_of
from thidua_workflow.services.uow import read_columns

# Built once: every service call starts here, and a statement object that is reused keeps its
# SQLAlchemy cache key, so each call pays for neither building the expression nor keying it again.
_ACTOR = (
    select(
        m.Person.id,
        m.Person.username,
        m.Person.full_name,
        m.Person.unit_id,
        m.Person.active,
        m.RoleGrant.role,
        m.RoleGrant.unit_id.label("grant_unit"),
        m.RoleGrant.title,
    )
    .outerjoin(
        m.RoleGrant,
        and_(
            m.RoleGrant.person_id == m.Person.id,
            m.RoleGrant.valid_from <= bindparam("on", type_=Date()),
            or_(m.RoleGrant.ends_on.is_(None), m.RoleGrant.ends_on >= bindparam("on", type_=Date())),
        ),
    )
    .where(m.Person.username == bindparam("username"))
    .order_by(m.RoleGrant.id)
)


# --- issue 22: the grants a person holds today by delegation -------------------------------------------
_FROM = aliased(m.Person)
_ON = bindparam("on", type_=Date())
_DELEGATED = (
    select(
        m.Delegation.role,
        m.Delegation.unit_id,
        _FROM.id,
        _FROM.full_name,
        _FROM.username,
        _FROM.unit_id.label("from_unit"),
    )
    .join(_FROM, _FROM.id == m.Delegation.from_person_id)
    .where(
        m.Delegation.to_person_id == bindparam("person_id"),
        m.Delegation.revoked_at.is_(None),
        m.Delegation.starts_on <= _ON,
        m.Delegation.ends_on >= _ON,
        _FROM.active.is_(True),
        # the delegator still holds the role today: a delegation ends with the authority it hands on
        exists().where(
            m.RoleGrant.person_id == _FROM.id,
            m.RoleGrant.role == m.Delegation.role,
            or_(m.Delegation.unit_id.is_(None), m.RoleGrant.unit_id == m.Delegation.unit_id),
            m.RoleGrant.valid_from <= _ON,
            or_(m.RoleGrant.ends_on.is_(None), m.RoleGrant.ends_on >= _ON),
        ),
    )
    .order_by(m.Delegation.id)
)


def delegated_grants(session: Session, person_id: int, on: date) -> tuple[Grant, ...]:
    """The grants held on ``on`` by delegation, each naming the person they are held for."""
    rows = read_columns(session, _DELEGATED, {"person_id": person_id, "on": on}).all()
    return tuple(
        Grant(Role(r.role), r.unit_id, None, Principal(r.id, r.full_name, r.username, r.from_unit))
        for r in rows
    )


def load_actor(session: Session, username: str) -> Actor:
    """The person and the grants that hold on the transaction's day, in one statement: authority is
    dated, so a Chairman whose province has merged acts for nobody after the merger.

    Plain columns rather than entities: the actor is an immutable value read in the caller's transaction,
    so there is nothing to track in the identity map, and building it costs no ORM bookkeeping.
    """
    rows = read_columns(session, _ACTOR, {"username": username, "on": today_of(session)}).all()
    if not rows or not rows[0].active:
        raise NotPermitted(f"Người dùng '{username}' không tồn tại hoặc đã bị khóa.")
    first = rows[0]
    own = tuple(Grant(Role(r.role), r.grant_unit, r.title) for r in rows if r.role is not None)
    return Actor(
        person_id=first.id,
        username=first.username,
        full_name=first.full_name,
        unit_id=first.unit_id,
        grants=own + delegated_grants(session, first.id, today_of(session)),
    )


def read_actor(ctx: Context, username: str) -> Actor:
    """The person and their grants, read in a transaction of their own: who is signed in to a page or
    calls the API (a person made inactive since is refused at once)."""
    with ctx.reader() as uow:
        return load_actor(uow.session, username)


def actor_of(person: m.Person) -> Actor:
    """The person as the record names them (e.g. who signed a decision), with every grant they were
    ever given: a label for events, never a check of authority (that is ``load_actor``'s)."""
    return Actor(
        person_id=person.id,
        username=person.username,
        full_name=person.full_name,
        unit_id=person.unit_id,
        grants=tuple(Grant(Role(g.role), g.unit_id, g.title) for g in person.grants),
    )


def _holding(column: Any, role: Role, unit_id: str | None, on: date) -> Select[Any]:
    """One column of the active people holding ``role`` on ``on`` (for ``unit_id`` when given)."""
    query = (
        select(column)
        .join(m.RoleGrant, m.RoleGrant.person_id == m.Person.id)
        .where(m.RoleGrant.role == role.value, m.Person.active.is_(True), grant_holds(on))
        .order_by(column)
    )
    return query if unit_id is None else query.where(m.RoleGrant.unit_id == unit_id)


def holders(session: Session, role: Role, unit_id: str | None = None) -> list[str]:
    """Usernames of the active people holding ``role`` today (for ``unit_id`` when given)."""
    query = _holding(m.Person.username, role, unit_id, today_of(session))
    return list(dict.fromkeys(session.scalars(query)))


def holder_names(session: Session, role: Role, unit_id: str | None = None) -> list[str]:
    """The full names of the people ``holders`` lists: messages name people, not their logins."""
    query = _holding(m.Person.full_name, role, unit_id, today_of(session))
    return list(dict.fromkeys(session.scalars(query)))


def unit_name(session: Session, unit_id: str | None) -> str:
    """A unit's current name for a message ("Hội Người mù tỉnh Quảng Bình"); its id if it has none."""
    if not unit_id:
        return "—"
    name = session.scalar(
        select(m.UnitName.name)
        .where(m.UnitName.unit_id == unit_id)
        .order_by(m.UnitName.valid_from.desc())
        .limit(1)
    )
    return name or unit_id
