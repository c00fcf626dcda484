"""Alembic, driven from code: ``thidua db upgrade`` and every command that needs the schema call it.

Alembic is imported only when it has work to do: every process (a flow run included) checks the schema
when it opens the database, and an up-to-date one is told by one SELECT against ``HEAD``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0015"  # the newest revision under migrations/versions (a unit test holds it to Alembic's head)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def _stored_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no table yet: a new database
        return None
    return found[0] if len(found) == 1 else None


def ensure_schema(engine: Engine) -> bool:
    """Bring the schema to head; True when something was applied."""
    if _stored_revision(engine) == HEAD:
        return False
    upgrade(engine)
    return True
