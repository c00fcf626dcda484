"""Serve every deployment from one process: the stage flows, mail, and the scheduled sweep.

The same deployments are declared in ``deployments/prefect.yaml`` for Prefect's own ``prefect deploy`` with
a process work pool and workers on other machines (README, "Scale out").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from prefect import Flow, serve
from prefect.deployments.runner import RunnerDeployment

from flows import stages

SWEEP_EVERY = timedelta(minutes=10)


def deployments() -> list[RunnerDeployment]:
    stage_flows: list[Flow[..., Any]] = [
        stages.intake,
        stages.bloc_round,
        stages.council_session,
        stages.decision,
        stages.send_mail,
    ]
    # to_deployment returns the deployment itself when called from synchronous code.
    found = [cast(RunnerDeployment, f.to_deployment(name=f.name, tags=["thidua"])) for f in stage_flows]
    sweep = stages.sweep.to_deployment(name=stages.sweep.name, interval=SWEEP_EVERY, tags=["thidua"])
    found.append(cast(RunnerDeployment, sweep))
    return found


def serve_all(limit: int | None = None) -> None:
    """Blocks until interrupted; ``limit`` caps concurrent flow runs (Prefect's default otherwise).

    The runner looks for new flow runs four times a second (Prefect's setting counts whole seconds): a
    stage a person is waiting for starts a little sooner, for a cheap query to the API.
    """
    serve(*deployments(), limit=limit, print_starting_message=False, query_seconds=0.25)


if __name__ == "__main__":
    serve_all()
