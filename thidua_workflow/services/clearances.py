"""Opinions and clearances (NĐ 152/2025 Điều 33 k2, Điều 34): one request per body the policy names.

The Ban's specialist sends the requests (the bodies the period's rule names for the award form, and the
enterprise clearances — tax, social insurance, environment, labour safety — when the nominee is an
enterprise or its head). Each request is a task of the Ban's specialists, due in the rule's working days
(Điều 34 k6: 10), reminded and escalated by the deadlines sweep. The specialist records the reply, with its
document; an adverse reply puts the nomination on hold with the body's ground (the holds of
``services/holds.py``: the Ban releases it when the matter is settled). A national proposal is not sent
while a request is unanswered or adverse.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import sha256_hex, sniff_media_type
from thidua_workflow.domain.authz import Actor, holds
from thidua_workflow.domain.enums import (
    ClearanceBody,
    ClearanceStatus,
    DocumentKind,
    HoldGround,
    NominationStatus,
    Role,
    TaskKind,
    TaskStatus,
)
from thidua_workflow.domain.lifecycle import HOLDABLE
from thidua_workflow.domain.policy import ClearanceRule
from thidua_workflow.domain.schemas import DocumentIn
from thidua_workflow.domain.text import TextError, clean_text, document_ref
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted, Problem, ValidationFailed
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context, award_name
from thidua_workflow.services.evidence import Evidence, stored
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import finish_task, move, new_task

# States in which opinions are asked: after the unit's dossier is in, before the award is decided.
ASKABLE = frozenset(
    {
        NominationStatus.APPRAISAL,
        NominationStatus.COUNCIL_VOTE,
        NominationStatus.COUNCIL_APPROVED,
        NominationStatus.BLOC_ENDORSED,
        NominationStatus.BLOC_REVIEW,
    }
)
MAX_REPLY_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class ClearanceView:
    id: int
    nomination_id: int
    nominee_name: str
    body: str
    body_label: str
    status: str
    status_label: str
    letter_ref: str | None
    due_on: date
    task_id: int | None
    reply_ref: str | None
    reply_on: date | None
    reply_text: str | None
    document_name: str | None
    document_sha256: str | None
    version: int

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due_on"] = self.due_on.isoformat()
        data["reply_on"] = self.reply_on.isoformat() if self.reply_on else None
        return data


def _specialist(actor: Actor) -> None:
    if not holds(actor, Role.APPRAISER):
        raise NotPermitted(
            f"Xin ý kiến và ghi nhận ý kiến của cơ quan do chuyên viên Ban Thi đua – Khen thưởng thực hiện; "
            f"{actor.label} không có vai trò này."
        )


def rule_of(ctx: Context, nomination: m.Nomination) -> ClearanceRule:
    steps = ctx.policy.period_by_code(nomination.policy_period).steps_2025
    if steps is None:
        raise InputRejected(
            f"Hồ sơ số {nomination.id} xét theo quy định giai đoạn {nomination.policy_period}: "
            "việc xin ý kiến theo Điều 33 khoản 2, Điều 34 Nghị định 152/2025/NĐ-CP chưa áp dụng."
        )
    return steps.clearances


def bodies_for(ctx: Context, nomination: m.Nomination, *, enterprise: bool) -> list[ClearanceBody]:
    """The bodies the rule names for the nomination's award form (and the enterprise clearances)."""
    rule = rule_of(ctx, nomination)
    named = list(rule.bodies.get(nomination.award_form, []))
    if enterprise:
        named += [b for b in rule.enterprise_bodies if b not in named]
    return named


def _ref(text: str | None, field: str) -> str | None:
    if not text:
        return None
    try:
        return document_ref(clean_text(text, max_length=200)) or None
    except TextError as exc:
        raise ValidationFailed([Problem(str(exc), field=field)], "Số văn bản bị từ chối:") from exc


def request(
    ctx: Context,
    username: str,
    nomination_id: int,
    *,
    enterprise: bool = False,
    extra: list[ClearanceBody] | None = None,
    letter_ref: str | None = None,
) -> list[ClearanceView]:
    """Send the requests the rule names (plus ``extra``): one row and one task each, due in 10 working days."""
    ref = _ref(letter_ref, "letter_ref")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _specialist(actor)
        nomination = session.get(m.Nomination, nomination_id)
        if nomination is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        status = NominationStatus(nomination.status)
        if status not in ASKABLE:
            raise InputRejected(
                f"Hồ sơ số {nomination_id} đang '{status.label}': chỉ xin ý kiến khi hồ sơ đang được xét "
                "(trước khi khen thưởng)."
            )
        rule = rule_of(ctx, nomination)
        bodies = bodies_for(ctx, nomination, enterprise=enterprise)
        bodies += [b for b in (extra or []) if b not in bodies]
        if not bodies:
            raise InputRejected(
                f"Quy định không nêu cơ quan nào phải xin ý kiến cho '{award_name(session, nomination.award_form)}' "
                f"({rule.article}); chọn cơ quan cần xin ý kiến."
            )
        asked = set(
            session.scalars(
                select(m.ClearanceRequest.body).where(m.ClearanceRequest.nomination_id == nomination_id)
            )
        )
        repeated = [b.label for b in bodies if b.value in asked]
        if repeated:
            raise Conflict(f"Hồ sơ số {nomination_id} đã xin ý kiến {', '.join(repeated)}; không gửi lại.")
        made = []
        for body in bodies:
            task = new_task(
                session,
                ctx,
                TaskKind.CLEARANCE,
                Role.APPRAISER,
                at=now,
                policy_period=nomination.policy_period,
                nomination_id=nomination.id,
            )
            task.due_on = ctx.calendar.add_working_days(
                now.astimezone(ctx.clock.tz).date(), rule.reply_working_days
            )
            row = m.ClearanceRequest(
                nomination_id=nomination.id,
                body=body.value,
                status=ClearanceStatus.OPEN.value,
                letter_ref=ref,
                requested_at=now,
                requested_by_id=actor.person_id,
                due_on=task.due_on,
                task_id=task.id,
            )
            session.add(row)
            made.append(body.value)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="clearance_request",
            entity_type="nomination",
            entity_id=nomination.id,
            from_state=nomination.status,
            to_state=nomination.status,
            data={"bodies": made, "letter": ref, "article": rule.article},
        )
        uow.commit()
    return [c for c in list_for(ctx, nomination_id) if c.body in made]


def reply(
    ctx: Context,
    username: str,
    request_id: int,
    *,
    favourable: bool,
    reply_on: date,
    text: str | None,
    reply_ref: str | None = None,
    document: tuple[str, bytes] | None = None,
    expected_version: int | None = None,
) -> ClearanceView:
    """Record a body's reply and its document; an adverse one holds the nomination with the ground."""
    ref = _ref(reply_ref, "reply_ref")
    cleaned = reason_text(text, required=not favourable, field="reply_text")
    evidence = _evidence(document) if document is not None else None
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _specialist(actor)
        row = session.get(m.ClearanceRequest, request_id)
        if row is None:
            raise NotFound("yêu cầu xin ý kiến", request_id)
        if expected_version is not None and row.version != expected_version:
            raise Conflict(f"Yêu cầu xin ý kiến số {request_id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        if row.status != ClearanceStatus.OPEN.value:
            raise Conflict(
                f"Ý kiến của {ClearanceBody(row.body).label} cho hồ sơ số {row.nomination_id} đã được ghi nhận "
                f"({ClearanceStatus(row.status).label})."
            )
        requested = row.requested_at.astimezone(ctx.clock.tz).date()
        if reply_on > today or reply_on < requested:
            raise ValidationFailed(
                [
                    Problem(
                        f"ngày {reply_on:%d/%m/%Y} phải từ ngày gửi xin ý kiến ({requested:%d/%m/%Y}) đến hôm nay",
                        field="reply_on",
                    )
                ],
                "Ngày văn bản trả lời bị từ chối, không lưu gì:",
            )
        nomination = session.get(m.Nomination, row.nomination_id)
        assert nomination is not None
        status = ClearanceStatus.FAVOURABLE if favourable else ClearanceStatus.ADVERSE
        row.status = status.value
        row.reply_on = reply_on
        row.reply_ref = ref
        row.reply_text = cleaned
        row.answered_at = now
        row.answered_by_id = actor.person_id
        if evidence is not None:
            row.document_sha256 = evidence.sha256
            row.document_name = evidence.file_name
        task = session.get(m.Task, row.task_id) if row.task_id else None
        if task is not None and task.status == TaskStatus.OPEN.value:
            finish_task(task, actor, status.value, cleaned, now)
        body = ClearanceBody(row.body)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="clearance_reply",
            entity_type="nomination",
            entity_id=nomination.id,
            from_state=nomination.status,
            to_state=nomination.status,
            comment=cleaned,
            data={
                "body": body.value,
                "status": status.value,
                "reply": ref,
                "on": reply_on.isoformat(),
                "document": row.document_sha256,
            },
        )
        if not favourable:
            _hold(session, actor, nomination, body, cleaned or "", now)
        with stored(ctx.store, session, [evidence] if evidence is not None else []):
            uow.commit()
        return _view(row, nomination)


def _evidence(document: tuple[str, bytes]) -> Evidence:
    """The reply's scan: a PDF or an image, within 25 MB, named as uploaded."""
    name, content = document
    media_type = sniff_media_type(content[:16]) if content else None
    if media_type is None or len(content) > MAX_REPLY_BYTES:
        raise ValidationFailed(
            [Problem("tệp phải là PDF hoặc ảnh, không rỗng, không quá 25 MB", field="document")],
            "Văn bản trả lời bị từ chối, không lưu gì:",
        )
    file_name = clean_text(Path(name).name, max_length=200) or "van-ban-tra-loi.pdf"
    return Evidence(
        DocumentIn(kind=DocumentKind.KHAC, file=file_name), content, sha256_hex(content), media_type
    )


def _hold(
    session: Session, actor: Actor, nomination: m.Nomination, body: ClearanceBody, ground: str, now: Any
) -> None:
    """The adverse reply holds the nomination (as ``holds.hold`` does), keeping the other requests open."""
    current = NominationStatus(nomination.status)
    if current not in HOLDABLE:
        return  # already on hold, or past the point a hold applies: the reply is on record all the same
    move(
        session,
        nomination,
        "hold",
        actor=actor,
        at=now,
        comment=f"{body.label} không đồng ý: {ground}",
        data={"ground": HoldGround.ADVERSE_OPINION.value, "body": body.value},
    )
    nomination.held_from = current.value
    for task in session.scalars(
        select(m.Task).where(
            m.Task.nomination_id == nomination.id,
            m.Task.status == TaskStatus.OPEN.value,
            m.Task.kind != TaskKind.CLEARANCE.value,
        )
    ):
        task.status = TaskStatus.CANCELLED.value
        task.completed_at = now


def _view(row: m.ClearanceRequest, nomination: m.Nomination) -> ClearanceView:
    return ClearanceView(
        id=row.id,
        nomination_id=row.nomination_id,
        nominee_name=nomination.nominee_name,
        body=row.body,
        body_label=ClearanceBody(row.body).label,
        status=row.status,
        status_label=ClearanceStatus(row.status).label,
        letter_ref=row.letter_ref,
        due_on=row.due_on,
        task_id=row.task_id,
        reply_ref=row.reply_ref,
        reply_on=row.reply_on,
        reply_text=row.reply_text,
        document_name=row.document_name,
        document_sha256=row.document_sha256,
        version=row.version,
    )


def list_for(
    ctx: Context, nomination_id: int | None = None, *, open_only: bool = False
) -> list[ClearanceView]:
    query = (
        select(m.ClearanceRequest, m.Nomination)
        .join(m.Nomination, m.Nomination.id == m.ClearanceRequest.nomination_id)
        .order_by(m.ClearanceRequest.id)
    )
    if nomination_id is not None:
        query = query.where(m.ClearanceRequest.nomination_id == nomination_id)
    if open_only:
        query = query.where(m.ClearanceRequest.status == ClearanceStatus.OPEN.value)
    with ctx.reader() as uow:
        return [_view(row, n) for row, n in uow.session.execute(query)]


def problems(session: Session, nomination_id: int) -> list[str]:
    """What stops a proposal going on: requests unanswered or answered adversely."""
    found = []
    for row in session.scalars(
        select(m.ClearanceRequest).where(m.ClearanceRequest.nomination_id == nomination_id)
    ):
        if row.status != ClearanceStatus.FAVOURABLE.value:
            found.append(
                f"{ClearanceBody(row.body).label}: {ClearanceStatus(row.status).label.lower()}"
                + (
                    f" (hạn trả lời {row.due_on:%d/%m/%Y})"
                    if row.status == ClearanceStatus.OPEN.value
                    else ""
                )
            )
    return found
