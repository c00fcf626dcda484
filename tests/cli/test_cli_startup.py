"""Starting the CLI stays cheap: ``--help`` and ``policy show`` import neither the services nor the
heavy libraries behind them (the figures are in bench/cli_startup.py; no timing here). ``thidua --help``
lists the commands from the root's table without importing a command module; the table is checked here
against what the modules build, so it cannot drift from them."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import thidua_workflow.cli
from tests.conftest import EXAMPLES
from thidua_workflow.cli import ENTRIES, app
from thidua_workflow.cli._lazy import Entry

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


def test_the_root_help_imports_no_command_module_and_no_pydantic(tmp_path: Path) -> None:
    """`thidua --help` (and `thidua` alone) list the commands from the table: no command module, no domain
    model, no pydantic, settings, SQLAlchemy or Prefect."""
    codes, modules = run_fresh([["--help"], []], tmp_path)
    assert codes == [0, 2]
    assert loaded(modules, HEAVY + HELP_ALSO + ("pydantic", "pydantic_core", "thidua_workflow.domain")) == []
    cli = sorted(m for m in modules if m.startswith("thidua_workflow.cli."))
    assert cli == ["thidua_workflow.cli._context", "thidua_workflow.cli._lazy"]


def test_running_one_group_imports_only_its_module(tmp_path: Path) -> None:
    codes, modules = run_fresh([["db", "--help"]], tmp_path)
    assert codes == [0]
    commands = {f"thidua_workflow.cli.{e.module}" for e in ENTRIES}
    assert sorted(commands & modules) == ["thidua_workflow.cli.db"]


def first_paragraph(command: Any) -> str:
    return str(inspect.cleandoc(command.help or "").split("\n\n")[0])


def test_the_table_says_what_each_module_builds() -> None:
    """Each entry's name and summary are those of the command its module builds, as `add_typer` and
    `command` mount it; a group stays a group and a command a command."""
    root: Any = typer.main.get_command(app)
    ctx = root.make_context("thidua", ["--help"], resilient_parsing=True)
    for entry in ENTRIES:
        built = root.get_command(ctx, entry.name)
        listed = entry.listed()
        assert built.name == listed.name == entry.name
        assert first_paragraph(built) == entry.summary, entry.name
        assert (built.short_help, built.hidden, built.deprecated) == (None, False, False), entry.name
        assert not built.rich_help_panel, entry.name
        assert hasattr(built, "list_commands") == (entry.kind == "group"), entry.name


def test_every_typer_app_and_root_command_of_the_package_is_in_the_table() -> None:
    """A new command module (or a new app in one) without its line in the table fails here, not in use."""
    mounted = {(e.module, e.attribute) for e in ENTRIES}
    apps = set()
    for info in pkgutil.iter_modules(thidua_workflow.cli.__path__):
        module = importlib.import_module(f"thidua_workflow.cli.{info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, typer.Typer) and value is not app:
                apps.add((info.name, attribute))
    assert apps == {(e.module, e.attribute) for e in ENTRIES if e.kind == "group"}
    for source, attribute in mounted:
        assert callable(getattr(importlib.import_module(f"thidua_workflow.cli.{source}"), attribute))
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("width", ["80", "200"])
def test_the_listed_help_is_the_help_of_the_built_commands(
    width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`thidua --help` from the table reads as it does once every command is built."""
    monkeypatch.setenv("COLUMNS", width)
    lazy = CliRunner().invoke(app, ["--help"])
    assert lazy.exit_code == 0
    monkeypatch.setattr(Entry, "listed", Entry.build)  # the help lists each command as its module builds it
    built = CliRunner().invoke(app, ["--help"])
    assert built.exit_code == 0
    assert lazy.output == built.output
    for entry in ENTRIES:
        assert entry.name in lazy.output


def complete(shell: str, words: str) -> str:
    index = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    env = {"_THIDUA_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "COMP_CWORD": index}
    done = CliRunner().invoke(app, [], prog_name="thidua", env=env)
    assert done.exit_code == 0, done.output
    return done.output


def test_completion_lists_the_commands_and_completes_inside_a_group() -> None:
    assert complete("bash", "thidua po").split() == ["policy", "posting"]
    assert "Chính sách của tỉnh theo từng giai đoạn." in complete("zsh", "thidua pol")
    assert complete("bash", "thidua policy ").split() == ["show"]
    assert complete("bash", "thidua movements li").split() == ["list"]


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
    # No other group's module, and not the nomination models that the rules check but the policy does not.
    assert {m for m in modules if m.startswith("thidua_workflow.cli.")} <= {
        "thidua_workflow.cli._console",
        "thidua_workflow.cli._context",
        "thidua_workflow.cli._lazy",
        "thidua_workflow.cli._options",
        "thidua_workflow.cli.policy",
    }
    assert loaded(modules, ("thidua_workflow.domain.schemas", "thidua_workflow.domain.movements")) == []
