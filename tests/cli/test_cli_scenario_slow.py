"""From the command line alone: examples/quang-binh/run-cli.sh on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import EXAMPLES, PG_URL, pg_url_for, require_postgres
from thidua_workflow.db.engine import make_engine

pytestmark = pytest.mark.slow
THIDUA = str(Path(sys.executable).parent / "thidua")
SCRIPT = EXAMPLES / "quang-binh" / "run-cli.sh"


def _run(env: dict[str, str]) -> list[dict[str, object]]:
    full = {**os.environ, **env, "THIDUA": THIDUA}
    done = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    listed = subprocess.run([THIDUA, "decisions", "list", "--json"], env=full, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    decisions: list[dict[str, object]] = json.loads(listed.stdout)
    return decisions


def _check(decisions: list[dict[str, object]]) -> None:
    issued = [(d["number_text"], d["award_form"]) for d in decisions if d["status"] == "issued"]
    assert issued == [
        ("162/QĐ-UBND", "bang_khen_tinh"),
        ("163/QĐ-UBND", "chien_si_thi_dua_tinh"),
        ("164/QĐ-UBND", "co_thi_dua_tinh"),
        ("165/QĐ-UBND", "tap_the_lao_dong_xuat_sac"),
        ("166/QĐ-UBND", "bang_khen_tinh"),
    ]
    assert [d["status"] for d in decisions].count("sent_back") == 1


def test_cli_scenario_on_sqlite(tmp_path: Path) -> None:
    _check(_run({"THIDUA_DATA_DIR": str(tmp_path / "data"), "THIDUA_DATABASE_URL": ""}))


def test_cli_scenario_on_postgresql(tmp_path: Path) -> None:
    require_postgres()
    schema = f"thidua_cli_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = pg_url_for(schema)
        _check(_run({"THIDUA_DATA_DIR": str(tmp_path / "data"), "THIDUA_DATABASE_URL": url}))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
