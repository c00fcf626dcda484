"""Sending the queued e-mails through Apprise (Prefect's own notification library).

``THIDUA_MAIL_URL`` (or the ``thidua-notifications`` Prefect Block) is an Apprise e-mail URL without the
recipient, e.g. ``mailto://127.0.0.1:2525?from=thidua@tinh.gov.vn&smtp=127.0.0.1`` or
``mailtos://user:password@smtp.example.vn?from=…``; each notification adds its own ``to=``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise


def with_recipient(base_url: str, address: str) -> str:
    parts = urlsplit(base_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "to"] + [("to", address)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def send_one(base_url: str, address: str, subject: str, body: str) -> bool:
    client = apprise.Apprise()
    if not client.add(with_recipient(base_url, address)):
        raise ValueError("THIDUA_MAIL_URL không phải địa chỉ Apprise hợp lệ")
    return bool(client.notify(title=subject, body=body, body_format=apprise.NotifyFormat.TEXT))
