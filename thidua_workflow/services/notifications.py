"""What people are told: a task arrives, a task is due soon or late, a nomination is returned or decided,
someone delegates work to them.

Each person chooses per kind of event (``KINDS``) how: by mail, in the app (the bell) or both, and for mail
at once or in a daily digest (``NoticeChoice``; without a choice: both, at once). Everything is written in
the same transaction as the event (so none is lost and none is sent for an action that was rolled back);
mail is sent later by the flows, or inline by the CLI (``thidua_workflow.mail``); the daily sweep folds the
held digest mail into one letter per person (``collect_digests``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update
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

# The kinds of event a person chooses a channel for (the ``reason`` of what is queued), in their words.
KINDS: dict[str, str] = {
    "task": "Có việc mới cần xử lý",
    "due_soon": "Việc sắp đến hạn",
    "overdue": "Việc quá hạn",
    "returned": "Hồ sơ bị trả lại",
    "rejected": "Hồ sơ không được khen thưởng",
    "decided": "Hồ sơ đã có quyết định khen thưởng",
    "delegation": "Được ủy quyền xử lý việc",
}
CHANNELS = {"both": "Thư và trong ứng dụng", "mail": "Chỉ thư điện tử", "app": "Chỉ trong ứng dụng"}
CADENCES = {"immediate": "Gửi ngay", "digest": "Gộp một thư mỗi ngày"}
DEFAULT = ("both", "immediate")


def _choices(session: Session, people: list[m.Person], kind: str) -> dict[int, tuple[str, str]]:
    if not people:
        return {}
    rows = session.execute(
        select(m.NoticeChoice.person_id, m.NoticeChoice.channel, m.NoticeChoice.cadence).where(
            m.NoticeChoice.kind == kind, m.NoticeChoice.person_id.in_([p.id for p in people])
        )
    )
    return {r.person_id: (r.channel, r.cadence) for r in rows}


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
    link: str | None = None,
) -> int:
    choices = _choices(session, people, reason)
    if link is None and nomination_id is not None:
        link = f"/nominations/{nomination_id}"
    mailed = False
    for person in people:
        channel, cadence = choices.get(person.id, DEFAULT)
        if channel in ("app", "both"):
            session.add(
                m.AppNotice(
                    person_id=person.id,
                    kind=reason,
                    subject=subject,
                    body=body,
                    link=link or "/",
                    created_at=at,
                )
            )
        if channel not in ("mail", "both"):
            continue
        held = cadence == "digest"
        mailed = mailed or (bool(person.email) and not held)
        session.add(
            m.Notification(
                person_id=person.id,
                address=person.email,
                subject=subject,
                body=body if held else f"Kính gửi {person.full_name},\n\n{body}{SIGNATURE}",
                reason=reason,
                task_id=task_id,
                nomination_id=nomination_id,
                created_at=at,
                status=("digest" if held else "pending") if person.email else "no_address",
            )
        )
    if mailed:
        session.flush()
        wake(session, Stage.NOTIFY, 0, at)
    return len(people)


def notice(
    session: Session,
    people: list[m.Person],
    kind: str,
    subject: str,
    body: str,
    at: datetime,
    *,
    link: str | None = None,
) -> int:
    """Tell ``people`` of an event of ``kind`` (one of ``KINDS``), each by the channel they chose."""
    return _queue(session, people, f"[Thi đua – Khen thưởng] {subject}", body, kind, at, link=link)


def task_arrived(session: Session, task: m.Task, subject_text: str, at: datetime) -> int:
    kind = TaskKind(task.kind)
    people = _people_for(session, task.assignee_role, task.assignee_unit_id, task.assignee_person_id)
    body = f"Có việc mới cần anh/chị xử lý: {kind.label}.\n{subject_text}\nHạn xử lý: {vietnamese_date(task.due_on)}."
    return _queue(
        session, people, f"[Thi đua – Khen thưởng] {kind.label}", body, "task", at, task_id=task.id, link="/"
    )


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


# --- issue 22: digests, the bell, each person's choices ---------------------------------------------------


def collect_digests(ctx: Context) -> int:
    """Fold each person's held mail of the days before today into one letter (the daily digest)."""
    now = ctx.clock.now()
    start = datetime.combine(ctx.clock.today(), time(0), tzinfo=ctx.clock.tz)
    letters = 0
    with ctx.uow() as uow:
        session = uow.session
        held = session.scalars(
            select(m.Notification)
            .where(m.Notification.status == "digest", m.Notification.created_at < start)
            .order_by(m.Notification.person_id, m.Notification.id)
        ).all()
        by_person: dict[int, list[m.Notification]] = {}
        for note in held:
            by_person.setdefault(note.person_id or 0, []).append(note)
        for person_id, notes in by_person.items():
            person = session.get(m.Person, person_id)
            if person is None or not person.email:
                for note in notes:
                    note.status = "no_address"
                continue
            parts = [
                f"{i}. {n.subject.removeprefix('[Thi đua – Khen thưởng] ')}\n{n.body}"
                for i, n in enumerate(notes, 1)
            ]
            session.add(
                m.Notification(
                    person_id=person.id,
                    address=person.email,
                    subject=f"[Thi đua – Khen thưởng] Tóm tắt: {len(notes)} thông báo",
                    body=f"Kính gửi {person.full_name},\n\n" + "\n\n".join(parts) + SIGNATURE,
                    reason="digest",
                    created_at=now,
                    status="pending",
                )
            )
            for note in notes:
                note.status = "digested"
            letters += 1
        uow.commit()
    return letters


@dataclass(frozen=True)
class NoticeView:
    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read: bool


def unread_count(ctx: Context, person_id: int) -> int:
    """The bell's number: read on every page, from the (person, read_at) index alone."""
    with ctx.reader() as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(m.AppNotice)
                .where(m.AppNotice.person_id == person_id, m.AppNotice.read_at.is_(None))
            )
            or 0
        )


def list_notices(ctx: Context, person_id: int, *, limit: int = 100) -> list[NoticeView]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(m.AppNotice)
            .where(m.AppNotice.person_id == person_id)
            .order_by(m.AppNotice.id.desc())
            .limit(limit)
        ).all()
        return [
            NoticeView(
                r.id,
                r.kind,
                r.subject.removeprefix("[Thi đua – Khen thưởng] "),
                r.body,
                r.link,
                r.created_at,
                r.read_at is not None,
            )
            for r in rows
        ]


def mark_read(ctx: Context, person_id: int, notice_ids: list[int] | None = None) -> int:
    """Mark the person's notices read (all of them without ``notice_ids``); only their own."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        query = update(m.AppNotice).where(m.AppNotice.person_id == person_id, m.AppNotice.read_at.is_(None))
        if notice_ids is not None:
            query = query.where(m.AppNotice.id.in_(notice_ids))
        result = uow.session.execute(query.values(read_at=now))
        count = getattr(result, "rowcount", 0)
        uow.commit()
        return int(count or 0)


def choices_of(ctx: Context, person_id: int) -> dict[str, tuple[str, str]]:
    """The person's choice for every kind (the default where they made none)."""
    with ctx.reader() as uow:
        rows = uow.session.execute(
            select(m.NoticeChoice.kind, m.NoticeChoice.channel, m.NoticeChoice.cadence).where(
                m.NoticeChoice.person_id == person_id
            )
        )
        found = {r.kind: (r.channel, r.cadence) for r in rows}
    return {kind: found.get(kind, DEFAULT) for kind in KINDS}


def choose(ctx: Context, person_id: int, chosen: dict[str, tuple[str, str]]) -> int:
    """Save the person's choices; an unknown kind, channel or cadence is refused whole."""
    from thidua_workflow.errors import Problem, ValidationFailed

    problems = [
        Problem(
            f"{KINDS.get(kind, 'loại thông báo không có trong danh sách')}: chưa chọn nhận qua đâu "
            "(thư, trong ứng dụng hoặc cả hai) và gửi ngay hay gộp mỗi ngày"
        )
        for kind, (channel, cadence) in chosen.items()
        if kind not in KINDS or channel not in CHANNELS or cadence not in CADENCES
    ]
    if problems:
        raise ValidationFailed(problems, "Lựa chọn nhận thông báo bị từ chối, không lưu gì:")
    with ctx.uow() as uow:
        for kind, (channel, cadence) in chosen.items():
            row = uow.session.get(m.NoticeChoice, (person_id, kind))
            if row is None:
                uow.session.add(
                    m.NoticeChoice(person_id=person_id, kind=kind, channel=channel, cadence=cadence)
                )
            elif (row.channel, row.cadence) != (channel, cadence):
                row.channel, row.cadence = channel, cadence
        uow.commit()
    return len(chosen)
