"""A fresh copy of the database with Quảng Bình's organisation loaded, made fast for every example.

Loading the organisation is done once per test session into a template; each Hypothesis example then gets
a copy: SQLite copies the file, PostgreSQL creates a database from the template (``CREATE DATABASE …
TEMPLATE``), which copies the files too.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import EXAMPLES, read_yaml
from tests.model.machine import Database
from thidua_workflow.clock import FixedClock
from thidua_workflow.db.engine import make_engine
from thidua_workflow.db.migrate import upgrade
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.org import load_organisation
from thidua_workflow.settings import Settings

ORG_DAY = date(2019, 12, 2)


def _load_org(engine: Engine, url: str, data_dir: Path) -> None:
    upgrade(engine)
    ctx = bootstrap(
        Settings(data_dir=data_dir, database_url=url),
        clock=FixedClock(ORG_DAY),
        engine=engine,
        migrate=False,
        dispatcher=None,
    )
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))


class SqliteCopies(Database):
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        url = f"sqlite:///{self.template}"
        engine = make_engine(url)
        _load_org(engine, url, folder / "data")
        engine.dispose()  # checkpoints the WAL into the file
        self.copy = folder / "example.db"

    def fresh(self, clock: FixedClock, dispatcher: Any) -> Context:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.template, self.copy)
        url = f"sqlite:///{self.copy}"
        settings = Settings(data_dir=self.folder / "data", database_url=url)
        return bootstrap(settings, clock=clock, engine=make_engine(url), migrate=False, dispatcher=dispatcher)

    def release(self, ctx: Context) -> None:
        ctx.close()


class PostgresCopies(Database):
    """Databases of their own on the test server (named for this run), dropped by ``close``."""

    def __init__(self, admin_url: str, folder: Path) -> None:
        self.folder = folder
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.base = make_url(admin_url)
        tag = uuid.uuid4().hex[:8]
        self.template = f"thidua_model_tpl_{tag}"
        self.copy = f"thidua_model_{tag}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.template}"'))
        url = self._url(self.template)
        engine = make_engine(url)
        _load_org(engine, url, folder / "data")
        engine.dispose()  # a template must have no connection when it is copied

    def _url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def fresh(self, clock: FixedClock, dispatcher: Any) -> Context:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.copy}"'))
            conn.execute(text(f'CREATE DATABASE "{self.copy}" TEMPLATE "{self.template}"'))
        url = self._url(self.copy)
        settings = Settings(data_dir=self.folder / "data", database_url=url)
        return bootstrap(settings, clock=clock, engine=make_engine(url), migrate=False, dispatcher=dispatcher)

    def release(self, ctx: Context) -> None:
        ctx.close()

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.copy}" WITH (FORCE)'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self.admin.dispose()
