"""The organisation as the pages show it: units by the name they bear on a day, people by their role.

Reads only, each in a transaction of its own; what a page needs in one statement, never a row at a time.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Role
from thidua_workflow.domain.text import sort_key
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import grant_holds, today_of


def unit_names(ctx: Context, on: date, units: Collection[str] | None = None) -> dict[str, str]:
    """Each unit's name on ``on`` by its id: of ``units``, or of every unit when None."""
    query = select(m.UnitName.unit_id, m.UnitName.name).where(
        m.UnitName.valid_from <= on,
        (m.UnitName.valid_until.is_(None)) | (m.UnitName.valid_until >= on),
    )
    if units is not None:
        query = query.where(m.UnitName.unit_id.in_(units))
    with ctx.reader() as uow:
        return dict(uow.session.execute(query).all())


def people_with_role(ctx: Context, role: Role, units: Collection[str]) -> list[tuple[str, str]]:
    """(username, full name) of everyone granted ``role`` for one of ``units``, by username."""
    with ctx.reader() as uow:
        rows = uow.session.execute(
            select(m.Person.username, m.Person.full_name)
            .join(m.RoleGrant, m.RoleGrant.person_id == m.Person.id)
            .where(
                m.RoleGrant.role == role.value,
                m.RoleGrant.unit_id.in_(units),
                grant_holds(today_of(uow.session)),
            )
            .order_by(m.Person.username)
        )
        return [(username, name) for username, name in rows]


def units_within(ctx: Context, on: date, roots: Collection[str]) -> list[tuple[str, str]]:
    """(id, name) of ``roots`` and every unit under them, in Vietnamese order of the names: the units a
    clerk of ``roots`` may name as a nominee's own unit (the rule "thuộc đơn vị trình")."""
    with ctx.reader() as uow:
        parents = dict(
            uow.session.execute(
                select(m.Unit.id, m.Unit.parent_id).where(m.Unit.dissolved_on.is_(None))
            ).all()
        )
    wanted = set(roots)
    for unit in parents:
        seen: set[str] = set()
        current: str | None = unit
        while current is not None and current not in seen and current not in wanted:
            seen.add(current)
            current = parents.get(current)
        if current in wanted:
            wanted.add(unit)
    names = unit_names(ctx, on, wanted)
    return sorted(((u, names.get(u, u)) for u in wanted), key=lambda pair: sort_key(pair[1]))


def person_names(ctx: Context) -> dict[str, str]:
    """Everyone's full name by username: narrations name people, not their logins."""
    with ctx.reader() as uow:
        return dict(uow.session.execute(select(m.Person.username, m.Person.full_name)).all())
