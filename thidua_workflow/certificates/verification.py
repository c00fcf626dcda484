"""Verification codes: a keyed hash of the certificate's canonical record, so a code cannot be guessed,
enumerated or forged without the province's key, and any change to the record changes the code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

CODE_PATTERN = re.compile(r"\b([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})\b")
KEYWORD_PATTERN = re.compile(rb"thidua-verify:([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})")


def canonical(record: dict[str, Any]) -> bytes:
    """One byte string per record: NFC text, sorted keys, no spaces."""

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return value

    return json.dumps(norm(record), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def code_for(key: bytes, record: dict[str, Any]) -> str:
    """80 bits of HMAC-SHA256 in base32, as four groups: 'ABCD-EFGH-JKLM-NPQR'."""
    digest = hmac.new(key, canonical(record), hashlib.sha256).digest()
    text = base64.b32encode(digest[:10]).decode()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def normalise_code(text: str) -> str | None:
    compact = re.sub(r"[^A-Za-z2-7]", "", text).upper()
    if len(compact) != 16:
        return None
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def code_in_pdf(data: bytes) -> str | None:
    """The code a certificate PDF carries in its metadata (the QR holds it too)."""
    found = KEYWORD_PATTERN.search(data)
    return found.group(1).decode() if found else None


def local_host(url_template: str) -> str | None:
    """The host of a verification address if no citizen's phone could reach it (loopback, a private or
    link-local address, a name without a domain), else None: a QR code printed on a certificate is for life."""
    host = urlsplit(url_template.replace("{code}", "code")).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return (
            host
            if host == "localhost" or "." not in host or host.endswith((".local", ".localhost"))
            else None
        )
    if address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified:
        return host
    return None
