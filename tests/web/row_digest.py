"""A digest of every table's rows, to tell that a refused request changed nothing.

Counts miss an update in place (a status flipped, a score overwritten); a digest of the rows, in key
order, does not. Tables are compared one by one so that a failure names the tables that moved.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.services.context import Context


def table_digests(ctx: Context, ignore: frozenset[str] = frozenset()) -> dict[str, str]:
    """One digest per table; `ignore` names columns ("table.column") a refusal may rightly change."""
    digests: dict[str, str] = {}
    with ctx.reader() as uow:
        for table in m.Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            columns = [c for c in table.columns if f"{table.name}.{c.name}" not in ignore]
            if not columns:  # the whole table ignored
                continue
            digest = hashlib.sha256()
            for row in uow.session.execute(select(*columns).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
            digests[table.name] = digest.hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
