"""``thidua policy show`` answers what a service context answers, reading the province from the SQLite file
without SQLAlchemy where it can and through the services where it cannot."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua_workflow.cli import app
from thidua_workflow.cli.policy import current_policy
from thidua_workflow.db.sqlite_peek import active_province, sqlite_file
from thidua_workflow.services.context import Context

runner = CliRunner()
BUNDLED = Path(__file__).resolve().parents[2] / "thidua_workflow" / "policies"


def test_the_policy_is_the_one_a_context_reads(qb: Context) -> None:
    """On SQLite the province comes from the file; on PostgreSQL from a context: the same policy."""
    url = qb.settings.effective_database_url
    expected = "quang-binh" if qb.engine.dialect.name == "sqlite" else None
    assert active_province(url) == expected
    assert current_policy(qb.settings) == qb.policy


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////srv/thidua/thidua.db", Path("/srv/thidua/thidua.db")),
        ("sqlite+pysqlite:///data/thidua.db", Path("data/thidua.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///thidua.db?mode=ro", None),
        ("sqlite:///th%C3%AC.db", None),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", None),
    ],
)
def test_only_plain_sqlite_urls_are_read_directly(url: str, path: Path | None) -> None:
    assert sqlite_file(url) == path


def _provinces(path: Path, rows: list[tuple[str, str | None]]) -> str:
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE provinces (id TEXT PRIMARY KEY, merged_into_id TEXT)")
        db.executemany("INSERT INTO provinces VALUES (?, ?)", rows)
        db.commit()
    return f"sqlite:///{path}"


def test_a_merged_province_gives_way_to_the_one_it_joined(tmp_path: Path) -> None:
    url = _provinces(tmp_path / "a.db", [("quang-binh", "quang-tri"), ("quang-tri", None)])
    assert active_province(url) == "quang-tri"


@pytest.mark.parametrize(
    "rows", [[], [("quang-binh", None), ("quang-tri", None)]], ids=["no province", "two provinces"]
)
def test_no_certain_answer_is_left_to_the_services(
    tmp_path: Path, rows: list[tuple[str, str | None]]
) -> None:
    assert active_province(_provinces(tmp_path / "a.db", rows)) is None


def test_a_missing_file_or_table_is_left_to_the_services(tmp_path: Path) -> None:
    assert active_province(f"sqlite:///{tmp_path / 'none.db'}") is None
    with closing(sqlite3.connect(tmp_path / "empty.db")) as db:
        db.execute("CREATE TABLE other (id TEXT)")
    assert active_province(f"sqlite:///{tmp_path / 'empty.db'}") is None


def test_without_an_organisation_the_services_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    monkeypatch.delenv("THIDUA_POLICY_PATH", raising=False)
    result = runner.invoke(app, ["policy", "show"])
    assert result.exit_code == 1
    assert "Chưa nạp tổ chức của tỉnh: chạy 'thidua org load FILE.yaml' trước." in result.output


def test_a_policy_file_needs_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    monkeypatch.setenv("THIDUA_POLICY_PATH", str(BUNDLED / "quang-tri.yaml"))
    result = runner.invoke(app, ["policy", "show"])
    assert result.exit_code == 0, result.output
    assert "(quang-tri)" in result.output.splitlines()[0]
    assert not (tmp_path / "data" / "thidua.db").exists()
