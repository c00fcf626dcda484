"""The one place configuration is resolved, for every entry point (CLI, web, flows), so they agree.

Environment first (``THIDUA_*``); then, where a Prefect Block is named (``THIDUA_DATABASE_BLOCK``,
``THIDUA_MAIL_BLOCK``, ``THIDUA_BALLOT_SECRET_BLOCK``), the Block's secret fills in the database URL, the
mail URL or the ballot secret. Prefect is imported only when a Block is named.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import SecretStr

from thidua_workflow.errors import ConfigurationError
from thidua_workflow.settings import Settings


def resolve_settings(**overrides: Any) -> Settings:
    settings = Settings(**overrides)
    updates: dict[str, Any] = {}
    if settings.database_block and not settings.database_url:
        updates["database_url"] = _block_secret("database", settings.database_block)
    if settings.mail_block and not settings.mail_url:
        updates["mail_url"] = _block_secret("mail", settings.mail_block)
    if settings.signing_block and not settings.signing_key_path:
        updates["signing_key_base64"] = _block_secret("signing", settings.signing_block)
        updates["signing_key_password"] = _block_secret("signing-password", settings.signing_block)
    if settings.ballot_secret_block and not settings.ballot_secret and not settings.ballot_secret_path:
        updates["ballot_secret"] = SecretStr(_block_secret("ballot", settings.ballot_secret_block))
    return settings.model_copy(update=updates) if updates else settings


def _block_secret(kind: str, name: str) -> str:
    from thidua_workflow.plugin import ThiduaDatabase, ThiduaNotifications, ThiduaSigningKey

    try:
        if kind == "ballot":
            from prefect.blocks.system import Secret

            return str(cast(Secret[str], Secret.load(name)).get())
        if kind == "database":
            database = cast(ThiduaDatabase, ThiduaDatabase.load(name))
            return database.url.get_secret_value()
        if kind.startswith("signing"):
            key = cast(ThiduaSigningKey, ThiduaSigningKey.load(name))
            secret = key.password if kind == "signing-password" else key.pkcs12_base64
            return secret.get_secret_value()
        mail = cast(ThiduaNotifications, ThiduaNotifications.load(name))
        return mail.mail_url.get_secret_value()
    except Exception as exc:
        raise ConfigurationError(f"Không đọc được Block Prefect '{name}' ({kind}): {exc}") from exc
