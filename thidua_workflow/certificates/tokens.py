"""A signer's own key on a PKCS#11 token (USB token of a licensed CA, an HSM, SoftHSM2 in tests and the
demo), through pyHanko's PKCS#11 signer.

The process that signs loads the token's module: for the web app that is the web server, so a USB token
must be plugged into the server machine (or the key kept in a network HSM). The PIN is passed in for one
signing and never kept: the session is logged out and closed when the ``with`` block ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from thidua_workflow.errors import ConfigurationError, InputRejected

if TYPE_CHECKING:
    from pyhanko.sign.pkcs11 import PKCS11Signer


@dataclass(frozen=True)
class TokenConfig:
    """Where a person's key is: the module, the token (by label or slot number), the key's label."""

    module: str
    key_label: str
    token_label: str | None = None
    slot: int | None = None
    cert_label: str | None = None  # default: the key's label


@dataclass(frozen=True)
class Pin:
    """A token PIN for one signing; its repr never shows it."""

    value: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.value:
            raise InputRejected("Chưa nhập mã PIN của thiết bị ký số (pin).")


def module_problem(path: str) -> str | None:
    """Why a PKCS#11 module path cannot be loaded, or None."""
    if not os.path.isabs(path):
        return f"đường dẫn thư viện PKCS#11 phải là đường dẫn tuyệt đối: '{path}'"
    if not Path(path).is_file():
        return f"không thấy thư viện PKCS#11 '{path}' trên máy chủ"
    return None


@contextmanager
def token_signer(config: TokenConfig, pin: Pin) -> Iterator[PKCS11Signer]:
    """A pyHanko signer over the token, logged in with ``pin`` for the ``with`` block only."""
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    problem = module_problem(config.module)
    if problem is not None:
        raise ConfigurationError(f"Thiết bị ký số: {problem}.")
    criteria = TokenCriteria(label=config.token_label) if config.token_label else None
    try:
        session = open_pkcs11_session(
            config.module, slot_no=config.slot, token_criteria=criteria, user_pin=pin.value
        )
    except pkcs11.exceptions.PinIncorrect as exc:
        raise InputRejected("Mã PIN của thiết bị ký số không đúng; chưa ký, không có gì thay đổi.") from exc
    except pkcs11.exceptions.PinLocked as exc:
        raise InputRejected("Thiết bị ký số đã khóa PIN (nhập sai quá số lần); liên hệ nơi cấp.") from exc
    except (SigningError, pkcs11.exceptions.PKCS11Error) as exc:
        where = f"nhãn '{config.token_label}'" if config.token_label else f"khe {config.slot}"
        raise ConfigurationError(
            f"Không mở được thiết bị ký số ({where}): {exc or type(exc).__name__}."
        ) from exc
    try:
        yield PKCS11Signer(
            session,
            key_label=config.key_label,
            cert_label=config.cert_label or config.key_label,
            other_certs_to_pull=None,  # the CA chain kept on the token, embedded with the signature
        )
    finally:
        session.close()


# --- SoftHSM2: a software token for the tests and the demo -------------------------------------------------

SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


def softhsm_module() -> str | None:
    """The SoftHSM2 PKCS#11 module if ``softhsm2`` is installed."""
    return next((p for p in SOFTHSM_MODULES if Path(p).is_file()), None)


@dataclass(frozen=True)
class SoftToken:
    config: TokenConfig
    conf_file: Path  # SOFTHSM2_CONF must name it in every process that opens the token


def softhsm_conf(directory: Path) -> Path:
    """A SoftHSM2 configuration keeping its tokens under ``directory``."""
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    return conf


def create_soft_token(
    directory: Path,
    *,
    label: str,
    pin: str,
    key_pkcs8_der: bytes,
    chain_der: list[bytes],
    key_label: str,
) -> SoftToken:
    """A new SoftHSM2 token under ``directory`` holding one private key and its certificate chain
    (the signer's certificate first). ``SOFTHSM2_CONF`` is set for this process."""
    import subprocess

    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    module = softhsm_module()
    if module is None:
        raise ConfigurationError("Chưa cài softhsm2 (apt-get install softhsm2).")
    conf = softhsm_conf(directory)
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", pin + "-so"],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    key = serialization.load_der_private_key(key_pkcs8_der, password=None)
    pkcs1 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    library = pkcs11.lib(module)
    library.reinitialize()  # the module read SOFTHSM2_CONF when first loaded: read it again
    token = library.get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        attributes = decode_rsa_private_key(pkcs1)
        attributes.update(
            {
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.SIGN: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.PRIVATE: True,
            }
        )
        session.create_object(attributes)
        for index, der in enumerate(chain_der):
            certificate = decode_x509_certificate(der)
            certificate.update(
                {
                    Attribute.TOKEN: True,
                    Attribute.LABEL: key_label if index == 0 else f"ca-{index}",
                    Attribute.ID: b"\x01" if index == 0 else bytes([0x10 + index]),
                }
            )
            session.create_object(certificate)
    return SoftToken(TokenConfig(module=module, key_label=key_label, token_label=label), conf)
