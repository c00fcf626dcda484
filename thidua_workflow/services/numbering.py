"""Numbers that must be unique and gap-free (decision numbers per issuing body and year).

The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers) in the same
transaction that uses the number, so a rolled-back signing gives its number back; a UNIQUE constraint on
the numbered rows backs it up.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m


def allocate(session: Session, scope: str, year: int) -> int:
    counter = session.scalar(
        select(m.Counter).where(m.Counter.scope == scope, m.Counter.year == year).with_for_update()
    )
    if counter is None:
        try:
            with session.begin_nested():
                session.add(m.Counter(scope=scope, year=year, value=0))
        except IntegrityError:
            pass  # another transaction created it first; lock theirs below
        counter = session.scalar(
            select(m.Counter).where(m.Counter.scope == scope, m.Counter.year == year).with_for_update()
        )
        assert counter is not None
    counter.value += 1
    session.flush()
    return counter.value
