"""The demo's database, built once per test session and handed out as fresh copies.

The crawler signs in as every person of the example organisation; each starts from the state
`thidua demo --without-prefect` leaves (a whole cycle, passwords set) with the 2020 work left open on top
(tests/web/work_in_progress.py), untouched by the others.
Building it takes a while, copying it is quick: SQLite copies its file, PostgreSQL clones a template
database (CREATE DATABASE … TEMPLATE), and the files the demo stored are copied beside it.
"""

from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from sqlalchemy import text
from sqlalchemy.engine import make_url

from flows.inline import run_inline
from tests.conftest import EXAMPLES, PG_URL, require_postgres
from tests.web.work_in_progress import add_work_in_progress
from thidua_workflow.clock import FixedClock
from thidua_workflow.db.engine import make_engine
from thidua_workflow.demo import DEMO_PASSWORD, WEB_AS_OF, run_demo
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.settings import Settings

__all__ = ["DEMO_PASSWORD", "DemoState", "build_demo_state"]


def _database_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _admin_execute(statement: str) -> None:
    """CREATE/DROP DATABASE cannot run inside a transaction: an autocommit connection to the test database."""
    engine = make_engine(PG_URL)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class DemoState:
    """Where the demo's finished state lives: a data directory and, on PostgreSQL, a template database."""

    backend: str
    data_dir: Path
    template: str | None  # the PostgreSQL template database's name

    @contextmanager
    def fresh_copy(self, where: Path) -> Iterator[Context]:
        """A context over a private copy of the demo's state, its clock on the web app's 'today'."""
        data_dir = where / "data"
        shutil.copytree(self.data_dir, data_dir)
        database: str | None = None
        if self.template is None:
            url = f"sqlite:///{data_dir / 'thidua.db'}"
        else:
            database = f"{self.template[:-4]}_{uuid.uuid4().hex[:8]}"
            _admin_execute(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
            url = _database_url(database)
        settings = Settings(data_dir=data_dir, database_url=url, verify_url_local=True)
        ctx = bootstrap(settings, clock=FixedClock(WEB_AS_OF), dispatcher=run_inline, migrate=False)
        try:
            yield ctx
        finally:
            ctx.close()
            if database is not None:
                _admin_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def drop(self) -> None:
        if self.template is not None:
            _admin_execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


def build_demo_state(backend: str, where: Path, worker: str) -> DemoState:
    """Run the demo inline, as `thidua demo --without-prefect` does, into `where` (and a new database)."""
    data_dir = where / "data"
    template: str | None = None
    url: str | None = None
    if backend == "postgresql":
        require_postgres()
        template = f"thidua_crawl_{worker}_{uuid.uuid4().hex[:8]}_tpl"
        _admin_execute(f'CREATE DATABASE "{template}"')
        url = _database_url(template)
    settings = Settings(data_dir=data_dir, database_url=url)
    run_demo(settings, EXAMPLES / "quang-binh", Console(file=io.StringIO()), with_prefect=False)
    clock = FixedClock(WEB_AS_OF)
    settings = settings.model_copy(
        update={"database_url": url or f"sqlite:///{data_dir / 'thidua.db'}", "verify_url_local": True}
    )
    ctx = bootstrap(settings, clock=clock, dispatcher=run_inline, migrate=False)
    try:
        add_work_in_progress(ctx, clock)
    finally:
        ctx.close()
    if url is not None:
        # A template must have no connection left: the demo's engine is gone with its context, and the
        # server is told to drop any pooled one (run_demo closed its context).
        _admin_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{template}' AND pid <> pg_backend_pid()"
        )
    return DemoState(backend=backend, data_dir=data_dir, template=template)
