"""The organisation on a date: which grants hold, which units and blocs still exist.

Every unit of work carries the day its services act on (the context's clock, ``TODAY_KEY`` in
``session.info``), so that code deep in a transaction asks "who holds this role today" without each
caller passing the date. A grant holds on a day from its ``valid_from`` to its ``ends_on`` (the
organisation load keeps ``ends_on`` at the earlier of the grant's own end and its body's last day);
a unit exists until it is dissolved or its province merged into another (unless it was taken over by
the new province, which moves it there).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m

TODAY_KEY = "thidua_today"  # session.info: a callable giving the day the transaction acts on


def today_of(session: Session) -> date:
    """The day this transaction acts on: the context's clock (every unit of work puts it in)."""
    today: Callable[[], date] | None = session.info.get(TODAY_KEY)
    if today is None:
        raise RuntimeError("session without the day it acts on: open it with ctx.uow() or ctx.reader()")
    return today()


def grant_holds(on: date) -> ColumnElement[bool]:
    """SQL: the role grant holds on ``on``."""
    return and_(
        m.RoleGrant.valid_from <= on,
        or_(m.RoleGrant.ends_on.is_(None), m.RoleGrant.ends_on >= on),
    )


def _unit_ended_by(on: date) -> ColumnElement[bool]:
    return and_(m.Unit.dissolved_on.is_not(None), m.Unit.dissolved_on <= on)


def _province_ended_by(on: date) -> ColumnElement[bool]:
    return and_(m.Province.merged_on.is_not(None), m.Province.merged_on <= on)


def units_existing(on: date) -> ColumnElement[bool]:
    """SQL over ``m.Unit``: ids of the units that exist on ``on``."""
    ended = (
        select(m.Unit.id)
        .join(m.Province, m.Province.id == m.Unit.province_id)
        .where(or_(_unit_ended_by(on), _province_ended_by(on)))
    )
    return m.Unit.id.not_in(ended)


def blocs_existing(on: date) -> ColumnElement[bool]:
    """SQL over ``m.Bloc``: the blocs whose province still exists on ``on``."""
    ended = select(m.Province.id).where(_province_ended_by(on))
    return m.Bloc.province_id.not_in(ended)


def membership_holds(year: int, on: date) -> ColumnElement[bool]:
    """SQL over ``m.BlocMember``: the unit is a member in ``year`` and, on ``on``, it and its bloc still
    exist (membership ends with the unit; a bloc ends with its province)."""
    return and_(
        m.BlocMember.from_year <= year,
        or_(m.BlocMember.to_year.is_(None), m.BlocMember.to_year >= year),
        m.BlocMember.unit_id.in_(select(m.Unit.id).where(units_existing(on))),
        m.BlocMember.bloc_id.in_(select(m.Bloc.id).where(blocs_existing(on))),
    )
