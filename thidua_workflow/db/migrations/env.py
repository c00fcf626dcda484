"""Alembic environment: the engine comes from the caller (see ``thidua_workflow.db.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from thidua_workflow.db.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through thidua_workflow.db.migrate (thidua db upgrade)")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
