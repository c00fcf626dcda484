"""Starting the CLI stays cheap: ``--help`` and ``policy show`` import neither the services nor the
heavy libraries behind them (the figures are in bench/cli_startup.py; no timing here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from thidua_workflow.cli import app

# What a command imports when it opens a service context, renders a PDF or serves the web app.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "prefect",
    "reportlab",
    "fastapi",
    "openpyxl",
    "flows",
    "thidua_workflow.services",
    "thidua_workflow.db.models",
    "thidua_workflow.web",
    "thidua_workflow.certificates",
)
# --help reads no settings, file or policy (pydantic itself comes with typer's own parsing of options).
HELP_ALSO = ("pydantic_settings", "yaml", "thidua_workflow.settings", "thidua_workflow.domain.policy")

RUN = """
import json, sys
from thidua_workflow.cli import app
codes = []
for args in json.loads(sys.argv[1]):
    try:
        app(args, prog_name="thidua")
    except SystemExit as exc:
        codes.append(exc.code)
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def run_fresh(argv_list: list[list[str]], data_dir: Path) -> tuple[list[int], set[str]]:
    """Run the commands in one fresh interpreter; their exit codes and every module it imported."""
    env = {**os.environ, "THIDUA_DATA_DIR": str(data_dir)}
    env.pop("THIDUA_DATABASE_URL", None)
    env.pop("THIDUA_POLICY_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(argv_list)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    return report["codes"], set(report["modules"])


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_help_of_every_group_imports_no_service_and_no_settings(tmp_path: Path) -> None:
    groups = ["db", "org", "nominations", "tasks", "policy", "rounds", "sessions", "decisions"]
    groups += ["certificates", "users"]
    codes, modules = run_fresh([["--help"], *([g, "--help"] for g in groups)], tmp_path)
    assert codes == [0] * (len(groups) + 1)
    assert "thidua_workflow.cli.nominations" in modules  # the whole command tree was built
    assert loaded(modules, HEAVY + HELP_ALSO) == []


@pytest.mark.parametrize("as_json", [False, True])
def test_policy_show_reads_the_province_without_the_services(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    data = tmp_path / "data"
    # The organisation is loaded in this process, through the services, as an operator would first.
    monkeypatch.setenv("THIDUA_DATA_DIR", str(data))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    monkeypatch.delenv("THIDUA_POLICY_PATH", raising=False)
    loading = CliRunner().invoke(app, ["org", "load", str(EXAMPLES / "quang-binh" / "org.yaml")])
    assert loading.exit_code == 0, loading.output
    codes, modules = run_fresh([["policy", "show", *(["--json"] if as_json else [])]], data)
    assert codes == [0]
    assert loaded(modules, HEAVY) == []
    assert "thidua_workflow.domain.policy" in modules
