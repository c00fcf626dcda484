"""The schema comes from Alembic, matches the models, and keeps the audit log append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from thidua_workflow.db import models as m
from thidua_workflow.db.migrate import HEAD, current_revision, ensure_schema, head_revision
from thidua_workflow.services.context import Context


def test_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)
    assert ensure_schema(engine) is False
    assert head_revision(engine) == HEAD, "a new migration: set migrate.HEAD to its revision"


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), m.Base.metadata
        )
    assert diff == []


def test_audit_events_cannot_be_changed_or_deleted(ctx: Context) -> None:
    with ctx.uow() as uow:
        uow.session.add(
            m.AuditEvent(
                at=datetime.now(UTC), actor_label="x", action="probe", entity_type="t", entity_id="1", data={}
            )
        )
        uow.commit()
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), ctx.engine.begin() as conn:
            conn.execute(text(statement))
    with ctx.engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_events")).scalars().all() == ["probe"]


def test_sqlite_runs_with_wal_and_foreign_keys(ctx: Context) -> None:
    if ctx.engine.dialect.name != "sqlite":
        return
    with ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 10_000
