"""What the database holds, as one hash per table: two equal digests mean no row changed."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.services.context import Context

TABLES = list(m.Base.metadata.sorted_tables)


def _canonical(value: Any) -> str:
    """A text for a column value that is the same on SQLite and PostgreSQL for the same data."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_canonical(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return repr(value)


def _postgres_query() -> str:
    """One statement for every table: PostgreSQL hashes each table's rows (as text, by primary key)."""
    parts = []
    for table in TABLES:
        order = ", ".join(f't."{c.name}"' for c in table.primary_key.columns)
        parts.append(f'(SELECT md5(string_agg(t::text, chr(10) ORDER BY {order})) FROM "{table.name}" t)')
    return "SELECT " + ",\n ".join(parts)


POSTGRES_DIGESTS = _postgres_query()


def table_digests(ctx: Context) -> dict[str, str]:
    """Every table's rows, ordered by primary key, hashed: read in one transaction (on PostgreSQL in one
    statement, which matters: the model takes two digests per step)."""
    digests: dict[str, str] = {}
    with ctx.reader() as uow:
        connection = uow.session.connection()
        if connection.dialect.name == "postgresql":
            row = connection.exec_driver_sql(POSTGRES_DIGESTS).one()
            return {table.name: str(value) for table, value in zip(TABLES, row, strict=True)}
        for table in TABLES:
            query = select(table).order_by(*table.primary_key.columns)
            h = hashlib.sha256()
            for row in connection.execute(query):
                h.update(_canonical(tuple(row)).encode())
                h.update(b"\n")
            digests[table.name] = h.hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def max_audit_id(ctx: Context) -> int:
    with ctx.reader() as uow:
        from sqlalchemy import func

        return int(uow.session.scalar(select(func.max(m.AuditEvent.id))) or 0)


def audit_events_after(ctx: Context, after_id: int) -> list[m.AuditEvent]:
    """The audit events written since ``after_id``, oldest first (detached, read-only)."""
    with ctx.reader() as uow:
        rows = list(
            uow.session.scalars(
                select(m.AuditEvent).where(m.AuditEvent.id > after_id).order_by(m.AuditEvent.id)
            )
        )
        uow.session.expunge_all()
        return rows
