"""One Settings object, built at each entry point (CLI, web, flows) and passed down; never at import."""

from __future__ import annotations

import os
from datetime import date
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from thidua_workflow.clock import Clock, ShiftedClock, SystemClock


def default_data_dir() -> Path:
    """The user's data directory (XDG); the demo points THIDUA_DATA_DIR at a project-local .thidua/."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "thidua-workflow"


def proxy_networks(text: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """THIDUA_WEB_TRUSTED_PROXIES read: each comma-separated item an address or a network."""
    return tuple(ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THIDUA_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in the data directory"
    )
    policy_path: Path | None = Field(
        default=None,
        description="Province policy YAML; default the bundled policy named by the organisation",
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    as_of: date | None = Field(default=None, description="Replay the system as if today were this date")
    max_evidence_bytes: int = 25 * 1024 * 1024
    sql_echo: bool = False
    mail_url: str | None = Field(default=None, description="Apprise e-mail URL without recipient")
    dispatch: Literal["inline", "flow", "deployment"] = Field(
        default="inline",
        description="how a stage follows an action: inline in this process, as a Prefect flow run in this "
        "process, or as a flow run of the served deployments (thidua serve, Prefect workers)",
    )
    stage_batch: int = Field(
        default=100,
        ge=1,
        description="how many submissions, closed rounds or issued decisions one flow run of their stage "
        "may take when they arrive before it starts; 1: a run each (most spread over workers)",
    )
    certificate_key: str | None = Field(
        default=None,
        description="secret for verification codes; default a random key kept in the data directory "
        "(set the same value on every machine that issues certificates)",
    )
    verify_url: str = Field(
        default="http://127.0.0.1:8000/verify/{code}",
        description="what a certificate's QR code points at: the public address of the verification page",
    )
    verify_url_local: bool = Field(
        default=False,
        description="allow a loopback or private verification address on issued certificates (demos, "
        "tests); otherwise registering a decision is refused until THIDUA_VERIFY_URL is public",
    )
    web_secret: str | None = Field(
        default=None,
        description="key that signs the web app's session cookies; default a random key kept in the data "
        "directory (set the same value on every web server behind one address)",
    )
    web_secure_cookies: bool = Field(
        default=False,
        description="always mark the session cookie Secure (it is anyway on a request that came over HTTPS, "
        "directly or through a trusted proxy)",
    )
    web_idle_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        description="a web session ends after this many minutes without a request",
    )
    web_session_hours: int = Field(
        default=10, ge=1, le=24 * 7, description="a web session ends this many hours after signing in"
    )
    web_trusted_proxies: str = Field(
        default="",
        description="addresses or networks (comma-separated, e.g. 127.0.0.1,10.0.0.0/8) of the reverse proxies "
        "whose X-Forwarded-For and X-Forwarded-Proto are believed; from anyone else they are ignored",
    )
    password_reset_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 30,
        description="how long a password reset code an operator issued stays valid",
    )
    ballot_secret: SecretStr | None = Field(
        default=None,
        description="secret that seals the council's ballots (at least 32 characters, e.g. 64 hex digits); "
        "keep it away from the database and its backups. Without it (or THIDUA_BALLOT_SECRET_PATH, "
        "THIDUA_BALLOT_SECRET_BLOCK) no council session opens",
    )
    ballot_secret_path: Path | None = Field(
        default=None,
        description="file holding the ballot secret, outside the data directory and the database's folder",
    )
    ballot_secret_block: str | None = Field(
        default=None, description="name of a Prefect 'Secret' Block holding the ballot secret"
    )
    emblem_path: Path | None = Field(default=None, description="the national emblem image for certificates")
    printer_offset_mm: tuple[float, float] = Field(
        default=(0.0, 0.0), description="x, y shift for pre-printed blanks"
    )
    signing_key_path: Path | None = Field(default=None, description="PKCS#12 file that signs issued PDFs")
    signing_key_password: str | None = None
    signing_key_base64: str | None = Field(default=None, description="the PKCS#12 file itself (from a Block)")
    signing_block: str | None = Field(
        default=None, description="name of a 'thidua-signing-key' Prefect Block"
    )
    trust_roots_path: Path | None = Field(
        default=None,
        description="PEM file of the root CA certificates that signers' certificates must chain to "
        "(Vietnam's national root CA; the demo's test CA) for the verification page to call them trusted",
    )
    database_block: str | None = Field(default=None, description="name of a 'thidua-database' Prefect Block")
    mail_block: str | None = Field(default=None, description="name of a 'thidua-notifications' Prefect Block")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("web_trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        proxy_networks(value)
        return value

    @property
    def trusted_proxies(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return proxy_networks(self.web_trusted_proxies)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'thidua.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    def make_clock(self) -> Clock:
        tz = ZoneInfo(self.timezone)
        return ShiftedClock(self.as_of, tz) if self.as_of else SystemClock(tz)
