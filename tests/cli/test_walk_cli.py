"""Regressions for a unit clerk's CLI commands, found walking the roles' manual: each failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from thidua_workflow.cli import app

runner = CliRunner()


def test_a_template_for_a_unit_that_does_not_exist_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nominations template --unit qb-khong-co` wrote a sheet pre-filled with a unit every upload refuses."""
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["org", "load", str(EXAMPLES / "quang-binh" / "org.yaml")]).exit_code == 0
    wrong = tmp_path / "sai.xlsx"
    refused = runner.invoke(app, ["nominations", "template", str(wrong), "--unit", "qb-khong-co"])
    assert refused.exit_code == 2, refused.output
    assert "Không có đơn vị 'qb-khong-co'" in refused.output and "--unit" in refused.output
    assert not wrong.exists()
    right = tmp_path / "mau.xlsx"
    done = runner.invoke(app, ["nominations", "template", str(right), "--unit", "qb-hoi-nguoi-mu"])
    assert done.exit_code == 0, done.output
    cells = {
        str(v) for ws in load_workbook(right) for row in ws.iter_rows(values_only=True) for v in row if v
    }
    assert "qb-hoi-nguoi-mu" in cells


def test_a_file_nested_too_deep_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`nominations submit` of a YAML of 5000 nested brackets printed a RecursionError traceback."""
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["org", "load", str(EXAMPLES / "quang-binh" / "org.yaml")]).exit_code == 0
    deep = tmp_path / "danh-sach.yaml"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    refused = runner.invoke(
        app, ["--as-of", "2019-12-05", "nominations", "submit", str(deep), "--as", "mu.canbo"]
    )
    assert refused.exit_code == 2, refused.output
    assert "lồng nhau quá sâu" in refused.output and "Traceback" not in refused.output
