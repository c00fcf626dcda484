"""thidua-workflow as a Prefect plugin: the Blocks an operator edits in the Prefect UI.

Declared under the ``prefect.collections`` entry point, so Prefect imports this module at start-up and
its server registers the Blocks like any integration's. Secrets stay secrets (shown masked).
"""

from __future__ import annotations

from typing import ClassVar

from prefect.blocks.core import Block
from pydantic import Field, SecretStr


class ThiduaDatabase(Block):
    """The thidua-workflow database (SQLite file or PostgreSQL)."""

    _block_type_name: ClassVar[str] = "Thidua Database"
    _block_type_slug: ClassVar[str] = "thidua-database"
    _description: ClassVar[str] = "Cơ sở dữ liệu thi đua – khen thưởng (URL SQLAlchemy, giữ bí mật)."

    url: SecretStr = Field(description="e.g. postgresql://user:password@host:5432/thidua")


class ThiduaNotifications(Block):
    """Where e-mails go out: an Apprise e-mail URL without recipient."""

    _block_type_name: ClassVar[str] = "Thidua Notifications"
    _block_type_slug: ClassVar[str] = "thidua-notifications"
    _description: ClassVar[str] = "Máy chủ thư gửi thông báo việc cần xử lý, nhắc hạn, kết quả."

    mail_url: SecretStr = Field(
        description="e.g. mailtos://user:password@smtp.example.vn?from=thiduakhenthuong@…"
    )


class ThiduaSigningKey(Block):
    """The PKCS#12 key that signs issued PDFs (certificates, decisions)."""

    _block_type_name: ClassVar[str] = "Thidua Signing Key"
    _block_type_slug: ClassVar[str] = "thidua-signing-key"
    _description: ClassVar[str] = "Khóa ký số (PKCS#12, mã hóa base64) và mật khẩu để ký văn bản PDF."

    pkcs12_base64: SecretStr = Field(description="the .p12 file, base64-encoded")
    password: SecretStr = Field(default=SecretStr(""), description="the .p12 file's password")


__all__ = ["ThiduaDatabase", "ThiduaNotifications", "ThiduaSigningKey"]
