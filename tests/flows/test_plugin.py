"""thidua-workflow as a Prefect plugin: the Blocks are found through the entry point and feed the settings."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from thidua_workflow.config import resolve_settings
from thidua_workflow.errors import ConfigurationError
from thidua_workflow.plugin import ThiduaDatabase, ThiduaNotifications


def test_the_collection_entry_point_names_the_blocks_module() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="prefect.collections")}
    assert found["thidua_workflow"] == "thidua_workflow.plugin"


def test_blocks_keep_secrets_and_resolve_the_configuration(
    prefect_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ThiduaDatabase(url="postgresql://thidua:mat-khau@db/thidua").save("thidua-test", overwrite=True)
    ThiduaNotifications(mail_url="mailto://127.0.0.1:2525?from=a@b.vn").save("thidua-test", overwrite=True)
    assert "mat-khau" not in repr(ThiduaDatabase.load("thidua-test"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    monkeypatch.delenv("THIDUA_MAIL_URL", raising=False)
    monkeypatch.setenv("THIDUA_DATABASE_BLOCK", "thidua-test")
    monkeypatch.setenv("THIDUA_MAIL_BLOCK", "thidua-test")
    settings = resolve_settings()
    assert settings.database_url == "postgresql://thidua:mat-khau@db/thidua"
    assert settings.mail_url == "mailto://127.0.0.1:2525?from=a@b.vn"
    # The environment wins over a Block, so one machine can be pointed elsewhere.
    monkeypatch.setenv("THIDUA_DATABASE_URL", "sqlite:///khac.db")
    assert resolve_settings().database_url == "sqlite:///khac.db"
    monkeypatch.setenv("THIDUA_DATABASE_BLOCK", "khong-co")
    monkeypatch.delenv("THIDUA_DATABASE_URL")
    with pytest.raises(ConfigurationError, match="khong-co"):
        resolve_settings()
