"""Shared fixtures: one migrated database per backend per run, emptied between tests.

Service tests run on SQLite and on PostgreSQL. PostgreSQL is the one at THIDUA_TEST_PG_URL (default
127.0.0.1:5432, user postgres, database test); each run works in its own schema, dropped at the end,
because the server outlives the run. When CI=true an unreachable PostgreSQL fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, text

from flows.inline import run_inline
from tests.signing_keys import own_token, remote_service, softhsm_dir, test_ca
from thidua_workflow.clock import FixedClock
from thidua_workflow.db.engine import make_engine
from thidua_workflow.db.migrate import upgrade
from thidua_workflow.db.models import Base
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.org import load_organisation
from thidua_workflow.settings import Settings

# The tests' certificates point at the test app (127.0.0.1): allowed here and in every process they start.
os.environ.setdefault("THIDUA_VERIFY_URL_LOCAL", "true")
# The council's ballot secret (issue 15), for every context and process the tests start; a test that needs
# none builds its Settings with ballot_secret=None.
TEST_BALLOT_SECRET = "test-ballot-secret-0123456789abcdef0123456789abcdef"
os.environ.setdefault("THIDUA_BALLOT_SECRET", TEST_BALLOT_SECRET)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
__all__ = ["own_token", "remote_service", "softhsm_dir", "test_ca"]  # fixtures for every test directory
PG_URL = os.environ.get("THIDUA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> str | None:
    try:
        engine = make_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def require_postgres() -> None:
    """PostgreSQL is part of the suite: in CI an unreachable server fails the run; on a developer's
    machine without one, the PostgreSQL half of each test is skipped with the reason."""
    problem = _pg_reachable()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL at {PG_URL} must be reachable in CI: {problem}")
    pytest.skip(f"PostgreSQL not reachable at {PG_URL} outside CI ({problem})")


@pytest.fixture(scope="session")
def pg_schema(xdist_worker: str) -> Iterator[str]:
    """A schema of its own for this run (and worker) on the shared PostgreSQL server, dropped at the end."""
    require_postgres()
    schema = f"thidua_test_{xdist_worker}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pg_url_for(schema: str) -> str:
    """A URL another process (a flow run, the CLI) can use to reach the same schema."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_schema_engine(pg_schema: str) -> Iterator[Engine]:
    engine = make_engine(PG_URL, schema=pg_schema)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def xdist_worker(request: pytest.FixtureRequest) -> str:
    """The xdist worker's name ('gw0', …), or 'main' without xdist."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the main file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "thidua.db"
        shutil.copy(sqlite_template, path)
        sqlite_engine = make_engine(f"sqlite:///{path}")
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    pg: Engine = request.getfixturevalue("pg_schema_engine")
    yield pg
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with pg.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(date(2019, 12, 5))


@pytest.fixture
def database_url(engine: Engine, request: pytest.FixtureRequest) -> str:
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    return pg_url_for(request.getfixturevalue("pg_schema"))


@pytest.fixture
def ctx(engine: Engine, database_url: str, tmp_path: Path, clock: FixedClock) -> Context:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    return bootstrap(settings, clock=clock, engine=engine, migrate=False, dispatcher=run_inline)


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def qb(ctx: Context) -> Context:
    """The context with Quảng Bình's organisation loaded."""
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    return ctx
