"""One Prefect test server for the whole run (its tests are grouped on one xdist worker)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from thidua_workflow.services.context import Context

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/flows/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("prefect"))


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def flows_ctx(
    prefect_api: str, qb: Context, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Context:
    """Quảng Bình loaded; each stage runs as a real Prefect flow run in this process, on this database."""
    from flows.dispatch import dispatcher

    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("THIDUA_DISPATCH", "flow")

    def fail(problem: str) -> None:
        raise AssertionError(f"stage flow failed: {problem}")

    qb.dispatcher = dispatcher("flow", on_problem=fail)
    qb.settings = qb.settings.model_copy(update={"dispatch": "flow"})
    return qb
