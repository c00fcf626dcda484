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

from flows.inline import run_inline
from tests.conftest import EXAMPLES, read_yaml
from tests.model.machine import Database
from tests.model.preludes import PRELUDES
from thidua_workflow.clock import FixedClock
from thidua_workflow.db.engine import make_engine
from thidua_workflow.db.migrate import upgrade
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.org import load_organisation
from thidua_workflow.settings import Settings

ORG_DAY = date(2019, 12, 2)


def _prepare(engine: Engine, url: str, data_dir: Path, start: str) -> date:
    """Migrate, load the organisation, play the prelude (stages inline); the day the prelude ends on."""
    upgrade(engine)
    clock = FixedClock(ORG_DAY)
    ctx = bootstrap(
        Settings(data_dir=data_dir, database_url=url),
        clock=clock,
        engine=engine,
        migrate=False,
        dispatcher=run_inline,
    )
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    if start != "org":
        PRELUDES[start](ctx, clock)
    return clock.today()


class SqliteCopies(Database):
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.templates: dict[str, tuple[Path, date]] = {}
        self.copy = folder / "example.db"

    def _template(self, start: str) -> tuple[Path, date]:
        if start not in self.templates:
            path = self.folder / f"template-{start}.db"
            url = f"sqlite:///{path}"
            engine = make_engine(url)
            day = _prepare(engine, url, self.folder / "data", start)
            engine.dispose()  # checkpoints the WAL into the file
            self.templates[start] = (path, day)
        return self.templates[start]

    def fresh(self, clock: FixedClock, dispatcher: Any, start: str) -> Context:
        template, day = self._template(start)
        clock.set(day)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, self.copy)
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
        self.tag = uuid.uuid4().hex[:8]
        self.templates: dict[str, tuple[str, date]] = {}
        self.copy = f"thidua_model_{self.tag}"

    def _template(self, start: str) -> tuple[str, date]:
        if start not in self.templates:
            name = f"thidua_model_{self.tag}_{start}"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.templates[start] = (name, date.min)  # dropped by close() even if the prelude fails
            url = self._url(name)
            engine = make_engine(url)
            day = _prepare(engine, url, self.folder / "data", start)
            engine.dispose()  # a template must have no connection when it is copied
            self.templates[start] = (name, day)
        return self.templates[start]

    def _url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def fresh(self, clock: FixedClock, dispatcher: Any, start: str) -> Context:
        template, day = self._template(start)
        clock.set(day)
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.copy}"'))
            conn.execute(text(f'CREATE DATABASE "{self.copy}" TEMPLATE "{template}"'))
        url = self._url(self.copy)
        settings = Settings(data_dir=self.folder / "data", database_url=url)
        return bootstrap(settings, clock=clock, engine=make_engine(url), migrate=False, dispatcher=dispatcher)

    def release(self, ctx: Context) -> None:
        ctx.close()

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.copy}" WITH (FORCE)'))
            for template, _ in self.templates.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        self.admin.dispose()
