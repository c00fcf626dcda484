"""Sending the queued e-mails through Apprise (Prefect's own notification library).

``THIDUA_MAIL_URL`` (or the ``thidua-notifications`` Prefect Block) is an Apprise e-mail URL without the
recipient, e.g. ``mailto://127.0.0.1:2525?from=thidua@tinh.gov.vn&smtp=127.0.0.1`` or
``mailtos://user:password@smtp.example.vn?from=…``; each notification adds its own ``to=``.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise
from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.services.context import Context

log = logging.getLogger(__name__)


def with_recipient(base_url: str, address: str) -> str:
    parts = urlsplit(base_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "to"] + [("to", address)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def send_one(base_url: str, address: str, subject: str, body: str) -> bool:
    client = apprise.Apprise()
    if not client.add(with_recipient(base_url, address)):
        raise ValueError("THIDUA_MAIL_URL không phải địa chỉ Apprise hợp lệ")
    return bool(client.notify(title=subject, body=body, body_format=apprise.NotifyFormat.TEXT))


def send_pending(ctx: Context, *, limit: int = 500) -> dict[str, int]:
    """Send what is pending; without a mail server configured, pending mail is marked skipped."""
    base_url = ctx.settings.mail_url
    now = ctx.clock.now()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    with ctx.uow() as uow:
        pending = uow.session.scalars(
            select(m.Notification)
            .where(m.Notification.status == "pending")
            .order_by(m.Notification.id)
            .limit(limit)
        ).all()
        for note in pending:
            if not base_url:
                note.status = "skipped"
                note.last_error = "chưa cấu hình máy chủ thư (THIDUA_MAIL_URL)"
                counts["skipped"] += 1
                continue
            note.attempts += 1
            try:
                ok = send_one(base_url, note.address or "", note.subject, note.body)
            except Exception as exc:  # a broken mail server must not stop the workflow
                ok = False
                note.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if ok:
                note.status = "sent"
                note.sent_at = now
                counts["sent"] += 1
            else:
                note.last_error = note.last_error or "máy chủ thư từ chối"
                if note.attempts >= 5:
                    note.status = "failed"
                counts["failed"] += 1
        uow.commit()
    if counts["failed"]:
        log.warning("thidua mail: %s", counts)
    return counts
