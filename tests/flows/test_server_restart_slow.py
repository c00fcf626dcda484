"""The Prefect server stops in the middle of a round and starts again (make test-slow, PostgreSQL).

People go on acting while it is down: their actions are stored (the outbox keeps the wake-ups), they
are told the next step will follow; when the server is back, the sweep delivers what waited and the
round completes through real flow runs of the served deployments.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

from flows.dispatch import dispatcher, redeliver
from flows.local_server import free_port, prefect_server, runner
from tests.integration.helpers import close_round, open_round, vote_round
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import list_nominations
from thidua_workflow.services.stages import pending

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_round_survives_the_prefect_server_going_down_and_coming_back(
    qb: Context, clock: FixedClock, database_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "prefect"
    home.mkdir()
    port = free_port()
    flow_env = {
        "THIDUA_DATA_DIR": str(qb.settings.data_dir),
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_DISPATCH": "inline",
        "THIDUA_AS_OF": "2019-12-20",
    }
    problems: list[str] = []
    qb.dispatcher = dispatcher("deployment", wait=True, on_problem=problems.append)
    qb.settings = qb.settings.model_copy(update={"dispatch": "deployment"})

    with (
        prefect_server(home, port) as api_url,
        temporary_settings(updates={PREFECT_API_URL: api_url}),  # a busy server's 503s are retried
        runner(api_url, home, flow_env),
    ):
        # Up: the units submit, each intake is a flow run of the served deployment.
        round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
        assert problems == [] and pending(qb) == []
    # The server goes down (the runner first, then the server) in the middle of the round; the clients
    # give up at once instead of retrying for a minute.
    with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_CLIENT_MAX_RETRIES: 0}):
        clock.set(date(2019, 12, 20))
        vote_round(qb, round_id)  # votes wake nothing
        close_round(qb, round_id)  # the round's stage cannot be started now
        assert rounds.show_round(qb, round_id).status == "closed"
        assert [w.kind for w in pending(qb)] == ["round_closed"]
        assert problems and "round_closed" in problems[0]
        waiting = {n.status for n in list_nominations(qb, unit="qb-hoi-nguoi-mu")}
        assert waiting == {"bloc_review"}  # stored, not yet moved on

    # The server comes back on the same database; the sweep delivers the waiting stage.
    with (
        prefect_server(home, port) as api_url,
        temporary_settings(updates={PREFECT_API_URL: api_url}),
        runner(api_url, home, flow_env),
    ):
        assert redeliver(qb) == 1  # a flow run of the round's deployment, not waited for
        deadline = time.monotonic() + 120
        while pending(qb) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert pending(qb) == []
    moved = {n.status for n in list_nominations(qb, unit="qb-hoi-nguoi-mu")}
    assert moved == {"appraisal"}
    outcomes = rounds.show_round(qb, round_id).result["outcomes"]
    assert {o["nomination"] for o in outcomes} == {
        n["id"] for n in rounds.show_round(qb, round_id).nominations
    }
