"""Scale out on Prefect's own tools (make test-slow): the operators' rehearsal, deployments/scale_out.py.

A Prefect server on PostgreSQL, `prefect deploy`, two `prefect worker` processes as on two machines; a round
of 100 nominations runs through them, one worker is killed (SIGKILL, with its flow runs) in the middle,
and every nomination is still decided exactly once, with one certificate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL, ROOT

sys.path.insert(0, str(ROOT / "deployments"))
import scale_out

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_workers_share_a_round_and_losing_one_loses_nothing(engine: object, tmp_path: Path) -> None:
    said: list[str] = []
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    report = scale_out.rehearse(admin, tmp_path, say=said.append)
    assert report.problems == [], "\n".join(said)
    assert all(runs > 0 for runs in report.flow_runs_per_worker.values()), report.flow_runs_per_worker
    assert set(report.flow_runs_per_worker) == {"may-1", "may-2"}
    assert report.nominations == 100
    assert report.decided_once == report.certificates > 0
    assert [line[:2] for line in said] == ["1.", "2.", "3.", "4.", "5.", "6."]
