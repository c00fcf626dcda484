"""E-mails people get: a task arrives, a task is due soon or late, a nomination is returned or decided.

They are queued as rows in the same transaction as the event (so none is lost and none is sent for an
action that was rolled back) and sent later by the flows, or inline by the CLI (``thidua_workflow.mail``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import NominationStatus, Role, TaskKind
from thidua_workflow.domain.text import vietnamese_date
from thidua_workflow.services.context import Context, award_name
from thidua_workflow.services.dated import grant_holds, today_of
from thidua_workflow.services.outbox import Stage, wake

MAX_ATTEMPTS = 5
log = logging.getLogger(__name__)
SIGNATURE = "\n\n— Hệ thống quản lý thi đua, khen thưởng (thư tự động, xin không trả lời)."
UNIT_SCOPED = (Role.BLOC_REPRESENTATIVE, Role.UNIT_CLERK)


def _people_for(session: Session, role: str, unit_id: str | None, person_id: int | None) -> list[m.Person]:
    if person_id is not None:
        person = session.get(m.Person, person_id)
        return [person] if person is not None and person.active else []
    query = (
        select(m.Person)
        .join(m.RoleGrant, m.RoleGrant.person_id == m.Person.id)
        .where(m.RoleGrant.role == role, m.Person.active.is_(True), grant_holds(today_of(session)))
    )
    if Role(role) in UNIT_SCOPED and unit_id is not None:
        query = query.where(m.RoleGrant.unit_id == unit_id)
    return list(session.scalars(query.order_by(m.Person.id)).unique())


def _queue(
    session: Session,
    people: list[m.Person],
    subject: str,
    body: str,
    reason: str,
    at: datetime,
    *,
    task_id: int | None = None,
    nomination_id: int | None = None,
) -> int:
    for person in people:
        session.add(
            m.Notification(
                person_id=person.id,
                address=person.email,
                subject=subject,
                body=f"Kính gửi {person.full_name},\n\n{body}{SIGNATURE}",
                reason=reason,
                task_id=task_id,
                nomination_id=nomination_id,
                created_at=at,
                status="pending" if person.email else "no_address",
            )
        )
    if any(p.email for p in people):
        session.flush()
        wake(session, Stage.NOTIFY, 0, at)
    return len(people)


def task_arrived(session: Session, task: m.Task, subject_text: str, at: datetime) -> int:
    kind = TaskKind(task.kind)
    people = _people_for(session, task.assignee_role, task.assignee_unit_id, task.assignee_person_id)
    body = f"Có việc mới cần anh/chị xử lý: {kind.label}.\n{subject_text}\nHạn xử lý: {vietnamese_date(task.due_on)}."
    return _queue(session, people, f"[Thi đua – Khen thưởng] {kind.label}", body, "task", at, task_id=task.id)


def task_due(session: Session, task: m.Task, subject_text: str, at: datetime, *, overdue: bool) -> int:
    kind = TaskKind(task.kind)
    people = _people_for(session, task.assignee_role, task.assignee_unit_id, task.assignee_person_id)
    if overdue:
        operators = _people_for(session, Role.OPERATOR.value, None, None)
        subject = f"[Thi đua – Khen thưởng] QUÁ HẠN: {kind.label}"
        body = f"Việc '{kind.label}' đã quá hạn ({vietnamese_date(task.due_on)}).\n{subject_text}"
        return _queue(session, people + operators, subject, body, "overdue", at, task_id=task.id)
    subject = f"[Thi đua – Khen thưởng] Sắp đến hạn: {kind.label}"
    body = f"Việc '{kind.label}' đến hạn {vietnamese_date(task.due_on)}.\n{subject_text}"
    return _queue(session, people, subject, body, "due_soon", at, task_id=task.id)


def nomination_changed(
    session: Session, nomination: m.Nomination, status: NominationStatus, comment: str | None, at: datetime
) -> int:
    """The submitting unit's clerks hear when a nomination is returned, rejected or decided."""
    if status not in (NominationStatus.RETURNED, NominationStatus.REJECTED, NominationStatus.DECIDED):
        return 0
    people = _people_for(session, Role.UNIT_CLERK.value, nomination.submitting_unit_id, None)
    reason = f"\nLý do: {comment}" if comment else ""
    body = (
        f"Hồ sơ số {nomination.id} ({nomination.nominee_name} — {award_name(session, nomination.award_form)}, "
        f"{nomination.period_label}): "
        f"{status.label.lower()}.{reason}"
    )
    subject = f"[Thi đua – Khen thưởng] Hồ sơ số {nomination.id}: {status.label}"
    return _queue(session, people, subject, body, status.value, at, nomination_id=nomination.id)


# --- issue 18: a decree about to lapse -----------------------------------------------------------------
LAPSE_ROLES = (Role.OPERATOR, Role.APPRAISER, Role.COUNCIL_SECRETARY)
LAPSE_EVERY_DAYS = 7  # once a week while the warning holds: a reminder, not a flood


def policy_lapse(session: Session, warnings: list[str], at: datetime) -> int:
    """Operators and the Ban's staff hear, weekly, that a period lapses soon (or has) with no successor."""
    if not warnings:
        return 0
    recent = session.scalar(
        select(m.Notification.id)
        .where(
            m.Notification.reason == "policy_lapse",
            m.Notification.created_at > at - timedelta(days=LAPSE_EVERY_DAYS),
        )
        .limit(1)
    )
    if recent is not None:
        return 0
    people = {p.id: p for role in LAPSE_ROLES for p in _people_for(session, role.value, None, None)}
    body = "\n\n".join(warnings)
    subject = "[Thi đua – Khen thưởng] Quy định sắp hết hiệu lực: cần cấu hình chính sách"
    return _queue(session, list(people.values()), subject, body, "policy_lapse", at)


def send_pending(ctx: Context, *, limit: int = 500) -> dict[str, int]:
    """Send what is queued and record how it went; without a mail server configured, mark it skipped.

    Delivery bookkeeping, not an action on a nomination: no audit event (the event that queued the mail
    has one).
    """
    from thidua_workflow.mail import send_one

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
                if note.attempts >= MAX_ATTEMPTS:
                    note.status = "failed"
                counts["failed"] += 1
        uow.commit()
    if counts["failed"]:
        log.warning("thidua mail: %s", counts)
    return counts
