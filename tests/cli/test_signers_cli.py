"""``thidua signers``: a person's own token or remote account, set from the command line; a bad value
names its field and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_cli import thidua  # noqa: F401  (the fixture)
from tests.signing_keys import OwnToken


def test_signers_set_show_list_and_errors_name_the_field(thidua: Any, own_token: OwnToken) -> None:  # noqa: F811
    out = thidua("signers", "set", "pct.ubnd", "--kind", "pkcs11", "--module", "libsofthsm2.so", code=2)
    assert "Thư viện PKCS#11" in out or "pkcs11_module" in out
    assert "token_label" in out or "Nhãn thiết bị" in out
    assert "key_label" in out or "Nhãn khóa" in out
    assert json.loads(thidua("signers", "list", "--json")) == []
    out = thidua(
        "signers", "set", "pct.ubnd", "--kind", "remote", "--url", "ftp://ky.so", "--account", "a", code=2
    )
    assert "https://" in out
    thidua(
        "signers",
        "set",
        "pct.ubnd",
        "--kind",
        "pkcs11",
        "--module",
        own_token.config.module,
        "--token-label",
        own_token.config.token_label or "",
        "--key-label",
        own_token.config.key_label,
    )
    shown = json.loads(thidua("signers", "show", "pct.ubnd", "--json"))
    assert shown["kind"] == "pkcs11" and shown["key_label"] == own_token.config.key_label
    assert "thiết bị ký số" in thidua("signers", "list")
    assert json.loads(thidua("signers", "show", "ct.ubnd", "--json"))["kind"] == "seal"
    thidua("signers", "show", "nobody", code=2)


def test_a_signer_with_a_token_is_asked_the_pin(thidua: Any, own_token: OwnToken, tmp_path: Path) -> None:  # noqa: F811
    from typer.testing import CliRunner

    from thidua_workflow.cli import app

    config = own_token.config
    thidua(
        "signers",
        "set",
        "pct.ubnd",
        "--kind",
        "pkcs11",
        "--module",
        config.module,
        "--token-label",
        config.token_label or "",
        "--key-label",
        config.key_label,
    )
    result = CliRunner().invoke(
        app, ["decisions", "sign", "1", "--as", "pct.ubnd", "--secret-stdin"], input="\n"
    )
    # the PIN is asked before anything else: an empty one is refused (exit 2), nothing changes
    assert result.exit_code == 2 and "PIN" in result.output, result.output
