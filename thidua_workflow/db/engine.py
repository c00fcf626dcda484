"""Engines for the two supported databases, with the settings each needs to be safe under concurrency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from thidua_workflow.errors import ConfigurationError

READONLY = "thidua_readonly"


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3, the driver we install."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, echo: bool = False, schema: str | None = None) -> Engine:
    """An engine for ``url``; ``schema`` confines a PostgreSQL connection to one schema (tests)."""
    url = normalise_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, echo)
    if backend == "postgresql":
        connect_args: dict[str, Any] = {"connect_timeout": 10}
        if schema:
            connect_args["options"] = f"-csearch_path={schema}"
        return create_engine(
            url, echo=echo, pool_pre_ping=True, connect_args=connect_args, pool_size=10, max_overflow=20
        )
    raise ConfigurationError(f"Cơ sở dữ liệu '{backend}' chưa được hỗ trợ (dùng SQLite hoặc PostgreSQL).")


def _sqlite_engine(url: str, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take over transaction control so that writers can BEGIN IMMEDIATE (see _begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN: a second writer waits instead of failing later
        # with SQLITE_BUSY_SNAPSHOT, and then reads the first one's committed result.
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


def readonly_bind(engine: Engine) -> Engine:
    """The same engine, marked so that SQLite opens a plain (shared) read transaction."""
    return engine.execution_options(**{READONLY: True})
