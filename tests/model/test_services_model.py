"""The model test: random people, random actions, every invariant after every step, on both databases.

``make test`` runs a bounded, deterministic exploration (about two minutes per database); ``make
test-slow`` a longer one with another fixed seed. THIDUA_MODEL_EXAMPLES and THIDUA_MODEL_STEPS set the
size, THIDUA_MODEL_SEED a seed (``random`` for a fresh one each run) to explore further by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import get_state_machine_test

from tests.conftest import PG_URL, require_postgres
from tests.model.databases import PostgresCopies, SqliteCopies
from tests.model.machine import STATS, Database, ServiceMachine
from tests.signing_keys import OwnToken


@pytest.fixture(params=["sqlite", "postgresql"], scope="module")
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp(f"model-{request.param}")
    if request.param == "sqlite":
        yield SqliteCopies(folder)
        return
    require_postgres()
    copies = PostgresCopies(PG_URL, folder)
    try:
        yield copies
    finally:
        copies.close()


def _run(database: Database, token: OwnToken, *, examples: int, steps: int, seed: int) -> None:
    """Hypothesis's own seed for the run: fixed (the same run everywhere, CI included) unless
    THIDUA_MODEL_SEED=random asks for a fresh one, which Hypothesis prints if the run fails."""
    examples = int(os.environ.get("THIDUA_MODEL_EXAMPLES", examples))
    steps = int(os.environ.get("THIDUA_MODEL_STEPS", steps))
    chosen = os.environ.get("THIDUA_MODEL_SEED", str(seed))
    machine = type("Machine", (ServiceMachine,), {"database": database, "token": token})
    config = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,  # no example database: a run is exactly what its seed says
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        # THIDUA_MODEL_SHRINK=0 reports the first failure as found (faster while exploring).
        phases=[p for p in Phase if os.environ.get("THIDUA_MODEL_SHRINK") != "0" or p is not Phase.shrink],
    )
    test = get_state_machine_test(machine, settings=config)
    if chosen != "random":
        test = hypothesis.seed(int(chosen))(test)
    try:
        test()
    finally:
        if os.environ.get("THIDUA_MODEL_STATS"):
            for (rule, outcome), count in sorted(STATS.items()):
                print(f"{rule:22} {outcome:24} {count}")
            STATS.clear()


# Sizes: about two minutes per database in `make test` on the project's 2-core machines (PostgreSQL
# takes about twice as long per step), five to eight in `make test-slow`.
BOUNDED = {"sqlite": 32, "postgresql": 16}
LONG = {"sqlite": 120, "postgresql": 60}


def test_model_bounded(database: Database, own_token: OwnToken, request: pytest.FixtureRequest) -> None:
    _run(database, own_token, examples=BOUNDED[_backend(request)], steps=60, seed=13)


@pytest.mark.slow
def test_model_long(database: Database, own_token: OwnToken, request: pytest.FixtureRequest) -> None:
    _run(database, own_token, examples=LONG[_backend(request)], steps=80, seed=20201)


def _backend(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["database"])
