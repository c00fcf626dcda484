"""Public posting before the council (NĐ 152/2025 Điều 44 k2).

For the award forms the period's rule lists (orders, honorary titles and Chiến sĩ thi đua toàn quốc, as
the article names them, and any form the province adds), the list of nominees is published on the
public look-up page for at least 10 working days before the council meets (not under the simplified
procedure). Anyone may comment or complain through the public form (no account; a few per address and
hour); staff enter those received by letter, telephone or in person. Each comment is a task of the Ban's
specialists and is answered; the comments and answers go into the council's minutes. The council votes
on such a nomination only from the day its window ends and once every comment on it is answered; other
award forms (a provincial Bằng khen, unless the province lists it) are never held back by posting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor, holds_any
from thidua_workflow.domain.enums import (
    CommentChannel,
    NominationStatus,
    Procedure,
    Role,
    TaskKind,
    TaskStatus,
)
from thidua_workflow.domain.policy import PublicPosting as PostingRule
from thidua_workflow.domain.text import TextError, clean_text, vietnamese_date
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted, Problem, ValidationFailed
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context, award_name
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import finish_task, new_task

# Before the council has voted: the states a nomination may be posted in.
POSTABLE = frozenset(
    {
        NominationStatus.BLOC_REVIEW,
        NominationStatus.BLOC_ENDORSED,
        NominationStatus.APPRAISAL,
        NominationStatus.COUNCIL_VOTE,
    }
)


class TooManyComments(InputRejected):
    """The public form's throttle: too many comments from one address within the hour."""


@dataclass(frozen=True)
class CommentView:
    id: int
    posting_id: int
    nomination_id: int | None
    nominee_name: str | None
    channel: str
    channel_label: str
    author_name: str
    contact: str | None
    body: str
    received_at: datetime
    answer: str | None
    answered_at: datetime | None
    version: int

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        data["answered_at"] = self.answered_at.isoformat() if self.answered_at else None
        return data


@dataclass(frozen=True)
class PostingView:
    id: int
    title: str
    published_on: date
    ends_on: date
    article: str
    items: list[dict[str, Any]]
    comments: list[CommentView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "published_on": self.published_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "article": self.article,
            "items": self.items,
            "comments": [c.to_dict() for c in self.comments],
        }


def rule_for(ctx: Context, nomination: m.Nomination) -> PostingRule | None:
    """The posting rule when the nomination's award form must be posted; None when it need not be."""
    steps = ctx.policy.period_by_code(nomination.policy_period).steps_2025
    if steps is None or nomination.procedure == Procedure.SIMPLIFIED.value:
        return None
    rule = steps.public_posting
    return rule if nomination.award_form in rule.award_forms else None


def _staff(actor: Actor) -> None:
    if not (holds_any(actor, (Role.APPRAISER, Role.COUNCIL_SECRETARY))):
        raise NotPermitted(
            "Công khai danh sách và trả lời ý kiến do chuyên viên Ban Thi đua – Khen thưởng hoặc thường trực "
            f"Hội đồng thực hiện; {actor.label} không có vai trò này."
        )


def publish(
    ctx: Context, username: str, nomination_ids: list[int], *, title: str | None = None
) -> PostingView:
    """Post the nominations' list from today; the window ends ``working_days`` working days later."""
    if not nomination_ids:
        raise InputRejected("Chọn ít nhất một hồ sơ để công khai.")
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _staff(actor)
        rules: list[PostingRule] = []
        nominations = []
        for nomination_id in sorted(set(nomination_ids)):
            nomination = session.get(m.Nomination, nomination_id)
            if nomination is None:
                raise NotFound("hồ sơ đề nghị", nomination_id)
            rule = rule_for(ctx, nomination)
            if rule is None:
                raise InputRejected(
                    f"Hồ sơ số {nomination_id} ({award_name(session, nomination.award_form)}) không thuộc diện "
                    "công khai trước khi họp Hội đồng theo quy định của tỉnh (Điều 44 khoản 2 Nghị định "
                    "152/2025/NĐ-CP; thủ tục đơn giản không công khai)."
                )
            status = NominationStatus(nomination.status)
            if status not in POSTABLE:
                raise InputRejected(
                    f"Hồ sơ số {nomination_id} đang '{status.label}': chỉ công khai trước khi Hội đồng biểu quyết."
                )
            if _posted(session, nomination_id, today):
                raise Conflict(f"Hồ sơ số {nomination_id} đang được công khai; không công khai lại.")
            rules.append(rule)
            nominations.append(nomination)
        days = max(r.working_days for r in rules)
        ends = ctx.calendar.add_working_days(today, days)
        text = title or f"Danh sách đề nghị khen thưởng công khai từ ngày {today:%d/%m/%Y}"
        try:
            cleaned = clean_text(text, max_length=300)
        except TextError as exc:
            raise ValidationFailed([Problem(str(exc), field="title")], "Tiêu đề bị từ chối:") from exc
        posting = m.PublicPosting(
            title=cleaned,
            policy_period=nominations[0].policy_period,
            published_on=today,
            ends_on=ends,
            created_at=now,
            created_by_id=actor.person_id,
        )
        session.add(posting)
        session.flush()
        for nomination in nominations:
            session.add(m.PostingItem(posting_id=posting.id, nomination_id=nomination.id))
            audit.record(
                session,
                at=now,
                actor=actor,
                action="public_posting",
                entity_type="nomination",
                entity_id=nomination.id,
                from_state=nomination.status,
                to_state=nomination.status,
                data={"posting": posting.id, "from": today.isoformat(), "until": ends.isoformat()},
            )
        audit.record(
            session,
            at=now,
            actor=actor,
            action="posting_publish",
            entity_type="posting",
            entity_id=posting.id,
            data={
                "nominations": [n.id for n in nominations],
                "ends_on": ends.isoformat(),
                "article": rules[0].article,
            },
        )
        uow.commit()
        posting_id = posting.id
    return show(ctx, posting_id)


def _posted(session: Session, nomination_id: int, today: date) -> bool:
    return (
        session.scalar(
            select(m.PostingItem.id)
            .join(m.PublicPosting, m.PublicPosting.id == m.PostingItem.posting_id)
            .where(m.PostingItem.nomination_id == nomination_id, m.PublicPosting.ends_on >= today)
            .limit(1)
        )
        is not None
    )


def gate(ctx: Context, session: Session, nomination: m.Nomination, today: date) -> str | None:
    """Why the council may not vote on the nomination today (None: it may). Names the date and article."""
    rule = rule_for(ctx, nomination)
    if rule is None:
        return None
    posting = session.scalar(
        select(m.PublicPosting)
        .join(m.PostingItem, m.PostingItem.posting_id == m.PublicPosting.id)
        .where(m.PostingItem.nomination_id == nomination.id)
        .order_by(m.PublicPosting.ends_on.desc())
        .limit(1)
    )
    who = f"Hồ sơ số {nomination.id} ({nomination.nominee_name})"
    if posting is None:
        return (
            f"{who} chưa được công khai danh sách; Hội đồng chỉ xét sau khi công khai ít nhất "
            f"{rule.working_days} ngày làm việc ({rule.article})."
        )
    if today < posting.ends_on:
        return (
            f"{who} đang công khai từ ngày {posting.published_on:%d/%m/%Y}; Hội đồng chỉ biểu quyết từ ngày "
            f"{posting.ends_on:%d/%m/%Y} (đủ {rule.working_days} ngày làm việc, {rule.article})."
        )
    unanswered = session.scalar(
        select(func.count(m.PublicComment.id)).where(
            m.PublicComment.posting_id == posting.id,
            (m.PublicComment.nomination_id == nomination.id) | m.PublicComment.nomination_id.is_(None),
            m.PublicComment.answer.is_(None),
        )
    )
    if unanswered:
        return (
            f"{who}: còn {unanswered} ý kiến, khiếu nại về danh sách công khai chưa được trả lời; "
            f"phải xử lý và báo cáo Hội đồng trước ({rule.article})."
        )
    return None


def _body(text: str, field_name: str, *, limit: int, required: bool = True) -> str | None:
    try:
        value = clean_text(text or "", multiline=field_name == "body", max_length=limit)
    except TextError as exc:
        raise ValidationFailed(
            [Problem(str(exc), field=field_name)], "Ý kiến bị từ chối, không lưu gì:"
        ) from exc
    if required and not value:
        raise ValidationFailed(
            [Problem("không được để trống", field=field_name)], "Ý kiến bị từ chối, không lưu gì:"
        )
    return value or None


def _comment(
    ctx: Context,
    session: Session,
    posting_id: int,
    nomination_id: int | None,
    *,
    channel: CommentChannel,
    author_name: str,
    contact: str | None,
    body: str,
    client_address: str | None,
    actor: Actor | None,
    now: datetime,
) -> m.PublicComment:
    posting = session.get(m.PublicPosting, posting_id)
    if posting is None:
        raise NotFound("danh sách công khai", posting_id)
    today = now.astimezone(ctx.clock.tz).date()
    if today < posting.published_on:
        raise InputRejected(f"Danh sách số {posting_id} chưa công khai.")
    if channel is CommentChannel.WEB and today > posting.ends_on:
        raise InputRejected(
            f"Thời hạn nhận ý kiến về danh sách số {posting_id} đã hết ngày {posting.ends_on:%d/%m/%Y}."
        )
    if nomination_id is None:
        raise ValidationFailed(
            [Problem("chọn người/tập thể trong danh sách mà ý kiến nói đến", field="nomination")],
            "Ý kiến bị từ chối, không lưu gì:",
        )
    if (
        session.scalar(
            select(m.PostingItem.id).where(
                m.PostingItem.posting_id == posting_id, m.PostingItem.nomination_id == nomination_id
            )
        )
        is None
    ):
        raise InputRejected(f"Hồ sơ số {nomination_id} không có trong danh sách công khai số {posting_id}.")
    name = _body(author_name, "author_name", limit=200)
    assert name is not None
    text = _body(body, "body", limit=4000)
    assert text is not None
    comment = m.PublicComment(
        posting_id=posting_id,
        nomination_id=nomination_id,
        channel=channel.value,
        author_name=name,
        contact=_body(contact or "", "contact", limit=300, required=False),
        body=text,
        received_at=now,
        client_address=client_address,
        entered_by_id=actor.person_id if actor else None,
    )
    session.add(comment)
    session.flush()
    new_task(
        session,
        ctx,
        TaskKind.POSTING_ANSWER,
        Role.APPRAISER,
        at=now,
        policy_period=posting.policy_period,
        nomination_id=nomination_id,
    )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="posting_comment",
        entity_type="posting",
        entity_id=posting_id,
        data={"comment": comment.id, "nomination": nomination_id, "channel": channel.value},
    )
    return comment


def submit_public_comment(
    ctx: Context,
    posting_id: int,
    nomination_id: int | None,
    *,
    author_name: str,
    contact: str | None,
    body: str,
    client_address: str,
) -> int:
    """A comment from the public form (no account): at most ``comments_per_hour`` per address and hour."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        posting = session.get(m.PublicPosting, posting_id)
        if posting is None:
            raise NotFound("danh sách công khai", posting_id)
        steps = ctx.policy.period_by_code(posting.policy_period).steps_2025
        limit = steps.public_posting.comments_per_hour if steps else 5
        recent = session.scalar(
            select(func.count(m.PublicComment.id)).where(
                m.PublicComment.client_address == client_address,
                m.PublicComment.received_at > now - timedelta(hours=1),
            )
        )
        if (recent or 0) >= limit:
            raise TooManyComments(
                f"Đã nhận {recent} ý kiến từ địa chỉ này trong một giờ qua (tối đa {limit}); xin gửi lại sau."
            )
        comment = _comment(
            ctx,
            session,
            posting_id,
            nomination_id,
            channel=CommentChannel.WEB,
            author_name=author_name,
            contact=contact,
            body=body,
            client_address=client_address,
            actor=None,
            now=now,
        )
        uow.commit()
        return comment.id


def enter_comment(
    ctx: Context,
    username: str,
    posting_id: int,
    nomination_id: int | None,
    *,
    author_name: str,
    contact: str | None,
    body: str,
) -> int:
    """A comment or complaint received by letter, telephone or in person, entered by staff."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _staff(actor)
        comment = _comment(
            ctx,
            session,
            posting_id,
            nomination_id,
            channel=CommentChannel.STAFF,
            author_name=author_name,
            contact=contact,
            body=body,
            client_address=None,
            actor=actor,
            now=now,
        )
        uow.commit()
        return comment.id


def answer(
    ctx: Context, username: str, comment_id: int, text: str, *, expected_version: int | None = None
) -> CommentView:
    cleaned = reason_text(text, required=True, field="answer")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _staff(actor)
        comment = session.get(m.PublicComment, comment_id)
        if comment is None:
            raise NotFound("ý kiến", comment_id)
        if expected_version is not None and comment.version != expected_version:
            raise Conflict(f"Ý kiến số {comment_id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        if comment.answer is not None:
            raise Conflict(f"Ý kiến số {comment_id} đã được trả lời.")
        comment.answer = cleaned
        comment.answered_at = now
        comment.answered_by_id = actor.person_id
        task = session.scalar(
            select(m.Task)
            .where(
                m.Task.kind == TaskKind.POSTING_ANSWER.value,
                m.Task.status == TaskStatus.OPEN.value,
                (m.Task.nomination_id == comment.nomination_id)
                if comment.nomination_id is not None
                else m.Task.nomination_id.is_(None),
            )
            .order_by(m.Task.id)
            .limit(1)
        )
        if task is not None:
            finish_task(task, actor, "answer", cleaned, now)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="posting_answer",
            entity_type="posting",
            entity_id=comment.posting_id,
            comment=cleaned,
            data={"comment": comment.id, "nomination": comment.nomination_id},
        )
        uow.commit()
        return _comment_view(session, comment)


def _comment_view(session: Session, c: m.PublicComment) -> CommentView:
    nomination = session.get(m.Nomination, c.nomination_id) if c.nomination_id else None
    return CommentView(
        id=c.id,
        posting_id=c.posting_id,
        nomination_id=c.nomination_id,
        nominee_name=nomination.nominee_name if nomination else None,
        channel=c.channel,
        channel_label=CommentChannel(c.channel).label,
        author_name=c.author_name,
        contact=c.contact,
        body=c.body,
        received_at=c.received_at,
        answer=c.answer,
        answered_at=c.answered_at,
        version=c.version,
    )


def _view(ctx: Context, session: Session, posting: m.PublicPosting, *, with_comments: bool) -> PostingView:
    rows = session.execute(
        select(m.Nomination)
        .join(m.PostingItem, m.PostingItem.nomination_id == m.Nomination.id)
        .where(m.PostingItem.posting_id == posting.id)
        .order_by(m.Nomination.award_form, m.Nomination.nominee_order_key, m.Nomination.id)
    ).scalars()
    items = [
        {
            "nomination": n.id,
            "name": n.nominee_name,
            "position": n.nominee_position,
            "unit": n.nominee_unit_name,
            "award": award_name(session, n.award_form),
        }
        for n in rows
    ]
    steps = ctx.policy.period_by_code(posting.policy_period).steps_2025
    comments = []
    if with_comments:
        comments = [
            _comment_view(session, c)
            for c in session.scalars(
                select(m.PublicComment)
                .where(m.PublicComment.posting_id == posting.id)
                .order_by(m.PublicComment.id)
            )
        ]
    return PostingView(
        id=posting.id,
        title=posting.title,
        published_on=posting.published_on,
        ends_on=posting.ends_on,
        article=steps.public_posting.article if steps else "Điều 44 khoản 2 Nghị định 152/2025/NĐ-CP",
        items=items,
        comments=comments,
    )


def show(ctx: Context, posting_id: int, *, with_comments: bool = True) -> PostingView:
    with ctx.reader() as uow:
        posting = uow.session.get(m.PublicPosting, posting_id)
        if posting is None:
            raise NotFound("danh sách công khai", posting_id)
        return _view(ctx, uow.session, posting, with_comments=with_comments)


def list_postings(ctx: Context, *, current_only: bool = False) -> list[PostingView]:
    """Every posting (staff), or those open today (the public page: no comments shown)."""
    today = ctx.clock.today()
    query = select(m.PublicPosting).order_by(m.PublicPosting.id.desc())
    if current_only:
        query = query.where(m.PublicPosting.published_on <= today, m.PublicPosting.ends_on >= today)
    with ctx.reader() as uow:
        return [
            _view(ctx, uow.session, p, with_comments=not current_only) for p in uow.session.scalars(query)
        ]


def minutes_lines(ctx: Context, session: Session, nomination_ids: list[int]) -> list[str]:
    """The posting, the comments and their answers, as the council's minutes report them (Điều 44 k2)."""
    if not nomination_ids:
        return []
    postings = list(
        session.scalars(
            select(m.PublicPosting)
            .join(m.PostingItem, m.PostingItem.posting_id == m.PublicPosting.id)
            .where(m.PostingItem.nomination_id.in_(nomination_ids))
            .distinct()
            .order_by(m.PublicPosting.id)
        )
    )
    lines = []
    for posting in postings:
        names = [
            n.nominee_name
            for n in session.scalars(
                select(m.Nomination)
                .join(m.PostingItem, m.PostingItem.nomination_id == m.Nomination.id)
                .where(m.PostingItem.posting_id == posting.id, m.Nomination.id.in_(nomination_ids))
                .order_by(m.Nomination.id)
            )
        ]
        comments = list(
            session.scalars(
                select(m.PublicComment)
                .where(m.PublicComment.posting_id == posting.id)
                .order_by(m.PublicComment.id)
            )
        )
        lines.append(
            f"Danh sách số {posting.id} ({', '.join(names)}) được công khai trên trang tra cứu công khai từ "
            f"{vietnamese_date(posting.published_on)} đến {vietnamese_date(posting.ends_on)} theo Điều 44 khoản 2 "
            f"Nghị định 152/2025/NĐ-CP; nhận {len(comments)} ý kiến, khiếu nại."
        )
        for c in comments:
            about = session.get(m.Nomination, c.nomination_id) if c.nomination_id else None
            target = f" về {about.nominee_name}" if about else ""
            lines.append(
                f"- Ý kiến của {c.author_name}{target} ({CommentChannel(c.channel).label.lower()}): {c.body} "
                f"— Trả lời: {(c.answer or 'chưa trả lời').rstrip('.')}."
            )
    return lines


def vote_gate(ctx: Context, nomination_id: int) -> str | None:
    """Why the council may not vote on the nomination today (None: it may), for pages and commands."""
    today = ctx.clock.now().astimezone(ctx.clock.tz).date()
    with ctx.reader() as uow:
        nomination = uow.session.get(m.Nomination, nomination_id)
        if nomination is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        return gate(ctx, uow.session, nomination, today)
