"""Prefect's own tools run our flows (make test-slow): `prefect deploy` of deployments/prefect.yaml onto a
process work pool, a `prefect worker` process, and a person's action carried on by it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.dispatch import dispatcher
from flows.local_server import QUIET, prefect_server
from tests.conftest import ROOT
from tests.flows.prefect_cli import POOL, prefect
from tests.integration.helpers import submit_example
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.stages import pending

pytestmark = pytest.mark.slow


def test_prefect_deploy_and_a_process_worker_carry_an_action_on(
    qb: Context, database_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "prefect"
    home.mkdir()
    with prefect_server(home) as api_url:
        env = {**os.environ, **QUIET, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home)}
        prefect("work-pool", "create", POOL, "--type", "process", env=env)
        prefect("--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml", env=env)
        deployments = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=30).json()
        assert sorted(d["name"] for d in deployments) == [
            "thidua-bloc-round",
            "thidua-council-session",
            "thidua-decision",
            "thidua-intake",
            "thidua-mail",
            "thidua-sweep",
        ]
        worker_env = {
            **env,
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "THIDUA_DATA_DIR": str(qb.settings.data_dir),
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_DISPATCH": "inline",
            "THIDUA_AS_OF": "2019-12-05",
        }
        log = (home / "worker.log").open("ab")
        worker = subprocess.Popen(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--name", "may-1"],
            cwd=ROOT,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            problems: list[str] = []
            qb.dispatcher = dispatcher("deployment", wait=True, on_problem=problems.append)
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                nomination = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
            assert problems == []
            assert pending(qb) == []
            assert show_nomination(qb, nomination).status == "bloc_review"
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
            log.close()
        assert "may-1" in (home / "worker.log").read_text(errors="replace")
