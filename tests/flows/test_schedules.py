"""Prefect's scheduler creates the runs of a scheduled deployment: the sweep, our one schedule.

Prefect 3.8.8's scheduler failed on SQLAlchemy 2.1 (its bulk insert carried the `state` hybrid property, so
no run was ever created and the sweep never ran): pyproject.toml allows SQLAlchemy 2.1 on the strength of
this test. The server is a real ``prefect server start`` (the session's test server is ephemeral and runs
no services), on SQLite as ``thidua serve`` keeps it and on PostgreSQL as the scale-out rehearsal does.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import pairwise
from pathlib import Path
from typing import cast
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import stages
from flows.serve import SWEEP_EVERY, deployments
from tests.conftest import PG_URL, ROOT, require_postgres

sys.path.insert(0, str(ROOT / "deployments"))
import scale_out

# Prefect's scheduler keeps at least this many future runs of each schedule (its `min_runs` setting).
MIN_RUNS = 3


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def scheduling_server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    """A Prefect server with its services on, its database on either backend; yields its API URL and log.

    Its main scheduler loops every 2 s instead of 60 s, so a missed "recent deployments" pass (5 s,
    easily missed on a loaded machine) costs seconds; both passes insert through the same code. The
    rehearsal's helper starts it because it waits up to 240 s for a loaded machine to migrate a new
    database. The error this test guards against is raised above the dialect, so PostgreSQL's half (a
    second server) runs with the slow tests.
    """
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS", "2")
    home = tmp_path / "prefect"
    home.mkdir()
    with ExitStack() as stack:
        if request.param == "sqlite":
            database = f"sqlite+aiosqlite:///{home / 'prefect.db'}"
        else:
            require_postgres()
            admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
            name = f"prefect_schedule_{uuid.uuid4().hex[:8]}"
            database = stack.enter_context(scale_out.database(admin, name, keep=False))
        env = stack.enter_context(scale_out.prefect_server(home, database))
        yield env["PREFECT_API_URL"], home / "server.log"


def scheduled_runs(deployment_id: UUID, timeout: float = 60) -> list[FlowRun]:
    """The deployment's flow runs, once there are any (or an empty list after ``timeout`` seconds)."""
    only_this = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(deployment_filter=only_this)
            if runs or time.monotonic() > deadline:
                return runs
            time.sleep(0.5)


def test_prefects_scheduler_creates_the_sweeps_runs(scheduling_server: tuple[str, Path]) -> None:
    api_url, log = scheduling_server
    sweep = next(d for d in deployments() if d.name == stages.sweep.name)
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        # apply returns the deployment's id itself when called from synchronous code.
        deployment_id = cast(UUID, sweep.apply())
        runs = scheduled_runs(deployment_id)
    assert len(runs) >= MIN_RUNS, "no runs scheduled; the server's log:\n" + log.read_text(errors="replace")
    assert all(run.auto_scheduled and run.state_type == StateType.SCHEDULED for run in runs)
    starts = sorted(run.expected_start_time for run in runs if run.expected_start_time is not None)
    assert len(starts) == len(runs)
    assert all(later - earlier == SWEEP_EVERY for earlier, later in pairwise(starts))
