"""Reads of the embedded SQLite file through the standard library, for commands that must start fast.

Importing SQLAlchemy costs several times what the whole of ``thidua --help`` may cost. A command that
needs one fact from the database (``thidua policy show``: which province is current) asks here first.
Every function answers ``None`` when it cannot answer for certain — a PostgreSQL or unusual URL, no file
yet, a schema it does not know, any SQLite error — and the caller then asks the usual way (services,
which also bring the schema to head). So a wrong answer is never given, only a slow one.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (other databases, in-memory,
    query parameters, percent-escapes: SQLAlchemy's reading of those is left to SQLAlchemy)."""
    for prefix in _PREFIXES:
        if url.startswith(prefix):
            path = url.removeprefix(prefix)
            if not path or path == ":memory:" or any(c in path for c in "?%#"):
                return None
            return Path(path)
    return None


def active_province(url: str) -> str | None:
    """The one province not merged into another, read without SQLAlchemy (the same question as
    ``services.context.Context._current_province``); None when the file cannot say so for certain."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)) as db:
            rows = db.execute("SELECT id FROM provinces WHERE merged_into_id IS NULL").fetchall()
    except sqlite3.Error:
        return None
    if len(rows) != 1 or not isinstance(rows[0][0], str):
        return None
    return rows[0][0]
