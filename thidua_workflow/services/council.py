"""Council sessions with secret ballots.

Secrecy is in storage, not only on screen: who took part is in ``council_session_members``; the ballot
is sealed under the session's key, which is not in the database, and stored apart with nothing but its
session (``services/ballots.py``). Nothing is counted while the session is open: the close opens the
sealed ballots in memory, writes the tallies and deletes the ballots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import identity
from thidua_workflow.domain.authz import Actor, conflict_of_interest, require_role
from thidua_workflow.domain.enums import (
    Choice,
    CommendationType,
    NominationStatus,
    NomineeKind,
    Role,
    SessionStatus,
    TaskKind,
    TaskStatus,
)
from thidua_workflow.domain.text import TextError, clean_text, document_ref, position_and_unit
from thidua_workflow.errors import (
    Conflict,
    InputRejected,
    NotFound,
    NotPermitted,
    Problem,
    TransitionNotAllowed,
    ValidationFailed,
)
from thidua_workflow.services import audit, ballots
from thidua_workflow.services.actors import actor_of, load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import grant_holds, today_of
from thidua_workflow.services.outbox import Stage, complete, wake
from thidua_workflow.services.uow import read_columns
from thidua_workflow.services.workflow import close_open_tasks, finish_open_task, move, new_task, subject_of


class PostingWindowOpen(InputRejected):
    """The council may not yet vote on a nomination under public posting (NĐ 152/2025 Điều 44 k2)."""


class QuorumNotMet(InputRejected):
    """Too few members present or taking part: the session cannot decide."""


@dataclass(frozen=True)
class SessionView:
    id: int
    title: str
    status: str
    members_total: int
    present: int
    voted: int
    items: list[dict[str, Any]]
    result: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _session(session: Session, session_id: int) -> m.CouncilSession:
    found = session.get(m.CouncilSession, session_id)
    if found is None:
        raise NotFound("phiên họp Hội đồng", session_id)
    return found


def _require_open(council: m.CouncilSession) -> None:
    if council.status != SessionStatus.OPEN.value:
        raise TransitionNotAllowed(
            f"Phiên họp số {council.id} đã kết thúc; không thực hiện được thao tác này."
        )


def _current_period_code(ctx: Context) -> str:
    return ctx.policy.period_for(ctx.clock.today()).code


def council_members(session: Session, on: date | None = None) -> list[m.Person]:
    """The council's members on ``on`` (default: the transaction's day): those whose grant holds then
    (quorum and thresholds count them; a member whose province merged is no longer one)."""
    return list(
        session.scalars(
            select(m.Person)
            .join(m.RoleGrant, m.RoleGrant.person_id == m.Person.id)
            .where(
                m.RoleGrant.role == Role.COUNCIL_MEMBER.value,
                m.Person.active.is_(True),
                grant_holds(on or today_of(session)),
            )
            .order_by(m.Person.id)
        ).unique()
    )


def ensure_session_open_task(session: Session, ctx: Context, at: datetime) -> None:
    """One pending 'convene the council' task for the secretaries while work waits and no session is open."""
    if session_open_task_needed(session):
        open_session_task(session, ctx, at)


# Built once (see ``actors._ACTOR``): asked on every appraisal that passes. The role (always the
# secretaries' for this kind) lets the inbox index find a pending task without scanning the open ones.
_CONVENING = select(
    or_(
        select(m.CouncilSession.id).where(m.CouncilSession.status == SessionStatus.OPEN.value).exists(),
        select(m.Task.id)
        .where(
            m.Task.status == TaskStatus.OPEN.value,
            m.Task.assignee_role == Role.COUNCIL_SECRETARY.value,
            m.Task.kind == TaskKind.SESSION_OPEN.value,
        )
        .exists(),
    )
)


def session_open_task_needed(session: Session) -> bool:
    """Whether nobody has been asked to convene the council yet: no session is open, no task pending.

    One statement; a caller may ask before its own writes when they cannot change the answer.
    """
    return not read_columns(session, _CONVENING).scalar()


def open_session_task(session: Session, ctx: Context, at: datetime) -> m.Task:
    """The secretaries' task to convene the council (see :func:`ensure_session_open_task`)."""
    return new_task(
        session,
        ctx,
        TaskKind.SESSION_OPEN,
        Role.COUNCIL_SECRETARY,
        at=at,
        policy_period=_current_period_code(ctx),
    )


def _needs_vote(ctx: Context, nomination: m.Nomination) -> bool:
    period = ctx.policy.period_by_code(nomination.policy_period)
    return period.award_form(nomination.award_form).council_vote is not None


# --- NĐ 152/2025 steps (issue 19) ---


def national_forms(ctx: Context) -> frozenset[str]:
    """Award forms the province proposes to the centre: after the council, a proposal, not a decision."""
    return frozenset(
        code for period in ctx.policy.periods for code, form in period.award_forms.items() if form.national
    )


def _admissible(
    ctx: Context, session: Session, nominations: list[m.Nomination], now: datetime
) -> tuple[list[m.Nomination], list[str]]:
    """The nominations this session takes: not a national award already approved (it goes to the centre),
    not one whose public posting window is still open (Điều 44 k2): those wait, with the reason."""
    from thidua_workflow.services import posting

    today = now.astimezone(ctx.clock.tz).date()
    national = national_forms(ctx)
    taken, held_back = [], []
    for n in nominations:
        if n.status == NominationStatus.COUNCIL_APPROVED.value:
            if n.award_form not in national:
                taken.append(n)
            continue
        reason = posting.gate(ctx, session, n, today)
        if reason is None:
            taken.append(n)
        else:
            held_back.append(reason)
    return taken, held_back


def open_session(ctx: Context, username: str, *, title: str | None = None) -> SessionView:
    """The secretary convenes: every nomination awaiting the council, every member a ballot task."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.COUNCIL_SECRETARY)
        if session.scalar(
            select(m.CouncilSession.id).where(m.CouncilSession.status == SessionStatus.OPEN.value)
        ):
            raise Conflict("Đang có một phiên họp Hội đồng chưa kết thúc.")
        in_decisions = (
            select(m.DecisionItem.nomination_id)
            .join(m.Decision, m.Decision.id == m.DecisionItem.decision_id)
            .where(m.Decision.status != "sent_back")
        )
        nominations = list(
            session.scalars(
                select(m.Nomination)
                .where(
                    (m.Nomination.status == NominationStatus.COUNCIL_VOTE.value)
                    | (
                        (m.Nomination.status == NominationStatus.COUNCIL_APPROVED.value)
                        & m.Nomination.id.not_in(in_decisions)
                    )
                )
                .order_by(m.Nomination.id)
            )
        )
        nominations, held_back = _admissible(ctx, session, nominations, now)
        if not nominations:
            if held_back:
                raise PostingWindowOpen(" ".join(held_back))
            raise InputRejected("Không có hồ sơ nào chờ Hội đồng xem xét.")
        members = council_members(session)
        if not members:
            raise InputRejected("Tỉnh chưa có thành viên Hội đồng (vai trò council_member).")
        salt, key = ballots.new_session_key(ctx.settings)  # refused here without a ballot secret
        council = m.CouncilSession(
            title=title
            or f"Phiên họp Hội đồng Thi đua – Khen thưởng ngày {now.astimezone(ctx.clock.tz):%d/%m/%Y}",
            status=SessionStatus.OPEN.value,
            members_total=len(members),
            opened_at=now,
            opened_by_id=actor.person_id,
            result={"held_back": held_back} if held_back else {},
            ballot_salt=salt,
            ballot_check=key.check,
        )
        session.add(council)
        session.flush()
        any_vote = False
        for n in nominations:
            needs = n.status == NominationStatus.COUNCIL_VOTE.value and _needs_vote(ctx, n)
            any_vote = any_vote or needs
            session.add(m.SessionItem(session_id=council.id, nomination_id=n.id, needs_vote=needs))
        period = _current_period_code(ctx)
        for person in members:
            session.add(m.SessionMember(session_id=council.id, person_id=person.id))
            if any_vote:
                new_task(
                    session,
                    ctx,
                    TaskKind.COUNCIL_VOTE,
                    Role.COUNCIL_MEMBER,
                    at=now,
                    policy_period=period,
                    session_id=council.id,
                    person_id=person.id,
                )
        new_task(
            session,
            ctx,
            TaskKind.SESSION_CLOSE,
            Role.COUNCIL_SECRETARY,
            at=now,
            policy_period=period,
            session_id=council.id,
        )
        finish_open_task(session, actor, TaskKind.SESSION_OPEN, "open", at=now)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="session_open",
            entity_type="session",
            entity_id=council.id,
            to_state=SessionStatus.OPEN.value,
            data={
                "members_total": len(members),
                "nominations": [n.id for n in nominations],
                "held_back": held_back,
            },
        )
        uow.commit()
        session_id = council.id
    return show_session(ctx, session_id)


def record_attendance(ctx: Context, username: str, session_id: int, present: list[str]) -> SessionView:
    """The secretary records who is present; the others may vote only in writing."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.COUNCIL_SECRETARY)
        council = _session(session, session_id)
        _require_open(council)
        rows = _participants(session, session_id)
        by_username = {person.username: row for row, person in rows}
        unknown = sorted(set(present) - set(by_username))
        if unknown:
            raise InputRejected(f"Không phải thành viên Hội đồng của phiên họp: {', '.join(unknown)}.")
        for name, row in by_username.items():
            here = name in present
            if row.voted == "in_person" and not here:
                raise Conflict(f"'{name}' đã bỏ phiếu trực tiếp; không ghi vắng mặt được.")
            if row.voted == "written" and here:
                raise Conflict(f"'{name}' đã có phiếu gửi bằng văn bản; không ghi có mặt được.")
            row.present = here
        audit.record(
            session,
            at=now,
            actor=actor,
            action="session_attendance",
            entity_type="session",
            entity_id=session_id,
            data={"present": sorted(present)},
        )
        uow.commit()
    return show_session(ctx, session_id)


def _participants(session: Session, session_id: int) -> list[tuple[m.SessionMember, m.Person]]:
    rows = session.execute(
        select(m.SessionMember, m.Person)
        .join(m.Person, m.Person.id == m.SessionMember.person_id)
        .where(m.SessionMember.session_id == session_id)
        .order_by(m.Person.id)
    )
    return [(member, person) for member, person in rows]


def _participation(session: Session, session_id: int, person_id: int, who: str) -> m.SessionMember:
    """The member's row in the session, if they have not voted yet."""
    row = session.scalar(
        select(m.SessionMember).where(
            m.SessionMember.session_id == session_id, m.SessionMember.person_id == person_id
        )
    )
    if row is None:
        raise NotPermitted(f"{who} không có tên trong phiên họp số {session_id}.")
    if row.voted:
        raise Conflict(f"{who} đã bỏ phiếu trong phiên họp số {session_id}.")
    return row


def _voter_subject_conflict(voter: Actor, nomination: m.Nomination) -> str | None:
    return conflict_of_interest(voter, subject_of(nomination))


def _vote_items(session: Session, session_id: int) -> list[int]:
    """The nominations put to the vote, in the order a sealed ballot lists its choices."""
    return list(
        session.scalars(
            select(m.SessionItem.nomination_id)
            .where(m.SessionItem.session_id == session_id, m.SessionItem.needs_vote.is_(True))
            .order_by(m.SessionItem.nomination_id)
        )
    )


def _apply_ballot(
    ctx: Context,
    session: Session,
    council: m.CouncilSession,
    voter: Actor,
    choices: Mapping[int, Choice],
) -> None:
    """Check the ballot is complete and allowed, then store it sealed: nothing is counted before the close."""
    key = ballots.session_key(ctx.settings, council)
    items = {
        item.nomination_id: item
        for item in session.scalars(
            select(m.SessionItem).where(
                m.SessionItem.session_id == council.id, m.SessionItem.needs_vote.is_(True)
            )
        )
    }
    expected: set[int] = set()
    for nomination_id in items:
        nomination = session.get(m.Nomination, nomination_id)
        assert nomination is not None
        reason = _voter_subject_conflict(voter, nomination)
        if reason is None:
            expected.add(nomination_id)
        elif nomination_id in choices:
            raise NotPermitted(f"Không bỏ phiếu cho hồ sơ số {nomination_id}: {reason} (tách bạch nhiệm vụ).")
    unknown = sorted(set(choices) - set(items))
    _posting_refusal(ctx, session, unknown)
    if unknown:
        raise InputRejected(
            f"Hồ sơ {unknown} không có trong phiên họp số {council.id} (hoặc không cần bỏ phiếu)."
        )
    missing = sorted(expected - set(choices))
    if missing:
        raise InputRejected(
            f"Phiếu chưa đủ: thiếu ý kiến cho hồ sơ {missing} (đồng ý / không đồng ý / không biểu quyết)."
        )
    ballots.store(session, council.id, ballots.seal(key, council.id, sorted(items), choices))


def _posting_refusal(ctx: Context, session: Session, nomination_ids: list[int]) -> None:
    """A vote on a nomination whose public posting has not run its course is refused with the date and
    article (Điều 44 k2), not merely as outside the session."""
    from thidua_workflow.services import posting

    today = ctx.clock.now().astimezone(ctx.clock.tz).date()
    for nomination_id in nomination_ids:
        nomination = session.get(m.Nomination, nomination_id)
        if nomination is None or nomination.status != NominationStatus.COUNCIL_VOTE.value:
            continue
        reason = posting.gate(ctx, session, nomination, today)
        if reason is not None:
            raise PostingWindowOpen(reason)


def cast_ballot(ctx: Context, username: str, session_id: int, choices: Mapping[int, Choice]) -> None:
    """A present member's secret ballot: once, complete, never on their own unit's nominations."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.COUNCIL_MEMBER)
        council = _session(session, session_id)
        _require_open(council)
        row = _participation(session, session_id, actor.person_id, actor.label)
        if not row.present:
            raise NotPermitted(
                f"{actor.label} chưa được ghi nhận có mặt; thành viên vắng mặt gửi phiếu bằng văn bản cho thường trực."
            )
        _apply_ballot(ctx, session, council, actor, choices)
        row.voted = "in_person"
        finish_open_task(
            session,
            actor,
            TaskKind.COUNCIL_VOTE,
            "vote",
            at=now,
            session_id=session_id,
            person_id=actor.person_id,
        )
        audit.record(
            session,
            at=now,
            actor=actor,
            action="council_ballot",
            entity_type="session",
            entity_id=session_id,
            data={"mode": "in_person"},
        )
        uow.commit()


def enter_written_ballot(
    ctx: Context, username: str, session_id: int, member: str, choices: Mapping[int, Choice]
) -> None:
    """The secretary enters an absent member's written ballot (phiếu gửi bằng văn bản)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.COUNCIL_SECRETARY)
        council = _session(session, session_id)
        _require_open(council)
        voter = load_actor(session, member)
        row = _participation(session, session_id, voter.person_id, voter.label)
        if row.present:
            raise InputRejected(f"{voter.label} có mặt: tự bỏ phiếu, không nhập phiếu văn bản.")
        _apply_ballot(ctx, session, council, voter, choices)
        row.voted = "written"
        finish_open_task(
            session,
            actor,
            TaskKind.COUNCIL_VOTE,
            "written_ballot",
            at=now,
            session_id=session_id,
            person_id=voter.person_id,
        )
        audit.record(
            session,
            at=now,
            actor=actor,
            action="council_written_ballot",
            entity_type="session",
            entity_id=session_id,
            data={"member": member, "mode": "written"},
        )
        uow.commit()


def close_session(
    ctx: Context, username: str, session_id: int, *, proposal_ref: str | None = None
) -> dict[str, Any]:
    """Close the count: quorum and participation must hold; the session stage then decides each
    nomination against its threshold and drafts the decisions."""
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    try:  # the Sở Nội vụ's Tờ trình the decision will cite: one line, its number as NĐ 30/2020 writes it
        proposal_ref = document_ref(clean_text(proposal_ref or "", max_length=300)) or None
    except TextError as exc:
        raise ValidationFailed(
            [Problem(str(exc), field="proposal_ref")], "Số Tờ trình của Sở Nội vụ bị từ chối, không lưu gì:"
        ) from exc
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.COUNCIL_SECRETARY)
        council = _session(session, session_id)
        _require_open(council)
        rules = ctx.policy.period_for(today).council
        present = (
            session.scalar(
                select(func.count()).where(
                    m.SessionMember.session_id == session_id, m.SessionMember.present.is_(True)
                )
            )
            or 0
        )
        voted = (
            session.scalar(
                select(func.count()).where(
                    m.SessionMember.session_id == session_id, m.SessionMember.voted.is_not(None)
                )
            )
            or 0
        )
        total = council.members_total
        items = list(session.scalars(select(m.SessionItem).where(m.SessionItem.session_id == session_id)))
        any_vote = any(i.needs_vote for i in items)
        if Fraction(present, total) < rules.quorum:
            raise QuorumNotMet(
                f"Phiên họp không đủ túc số: {present}/{total} thành viên có mặt, cần từ {float(rules.quorum):.0%} "
                f"({rules.source}). Không có gì thay đổi."
            )
        if any_vote and Fraction(voted, total) < rules.participation_award_sessions:
            raise QuorumNotMet(
                f"Phiên họp xét khen thưởng cần từ {float(rules.participation_award_sessions):.0%} thành viên "
                f"tham gia bỏ phiếu (kể cả phiếu văn bản): mới có {voted}/{total} ({rules.source}). Không có gì thay đổi."
            )
        # The count, in memory; a session opened before ballots were sealed (no salt) was counted per vote.
        if council.ballot_salt is not None:
            counts = ballots.count_and_discard(
                session,
                ballots.session_key(ctx.settings, council),
                session_id,
                _vote_items(session, session_id),
                voted,
            )
            for item in items:
                if item.nomination_id in counts:
                    tally = counts[item.nomination_id]
                    item.yes, item.no, item.abstain = tally["yes"], tally["no"], tally["abstain"]
        council.status = SessionStatus.CLOSED.value
        council.closed_at = now
        council.closed_by_id = actor.person_id
        council.proposal_ref = proposal_ref
        council.result = {"members_total": total, "present": present, "voted": voted}
        finish_open_task(session, actor, TaskKind.SESSION_CLOSE, "close", at=now, session_id=session_id)
        close_open_tasks(session, at=now, session_id=session_id)
        if _waiting_outside(session, session_id, national_forms(ctx)):
            # Reached the council while this session sat (appraised, sent back, released): the next
            # session must be convened, and the secretaries asked to.
            ensure_session_open_task(session, ctx, now)
        wake(session, Stage.SESSION_CLOSED, session_id, now)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="session_close",
            entity_type="session",
            entity_id=session_id,
            from_state=SessionStatus.OPEN.value,
            to_state=SessionStatus.CLOSED.value,
            data=council.result,
        )
        uow.commit()
    # Run inline, the session stage has already drafted; on Prefect it follows shortly.
    return show_session(ctx, session_id).result


def _waiting_outside(session: Session, session_id: int, national: frozenset[str] = frozenset()) -> bool:
    """Whether a nomination awaits the council that this session does not decide (and no draft lists)."""
    in_decisions = (
        select(m.DecisionItem.nomination_id)
        .join(m.Decision, m.Decision.id == m.DecisionItem.decision_id)
        .where(m.Decision.status != "sent_back")
    )
    on_agenda = select(m.SessionItem.nomination_id).where(m.SessionItem.session_id == session_id)
    found = session.scalar(
        select(m.Nomination.id)
        .where(
            m.Nomination.status.in_(
                [NominationStatus.COUNCIL_VOTE.value, NominationStatus.COUNCIL_APPROVED.value]
            ),
            m.Nomination.id.not_in(on_agenda),
            m.Nomination.id.not_in(in_decisions),
            ~(
                (m.Nomination.status == NominationStatus.COUNCIL_APPROVED.value)
                & m.Nomination.award_form.in_(sorted(national))
            ),
        )
        .limit(1)
    )
    return found is not None


def close_summary(session_id: int, result: dict[str, Any]) -> str:
    """What the secretary is told after closing: the drafts if the session stage has already run (inline),
    otherwise that the count follows (on Prefect the stage runs a moment later)."""
    drafts = result.get("decisions")
    if drafts is None:
        return f"phiên họp số {session_id} kết thúc; kết quả và dự thảo quyết định sẽ có sau ít phút"
    if not drafts:
        return f"phiên họp số {session_id} kết thúc; không có dự thảo quyết định nào"
    return f"phiên họp số {session_id} kết thúc; đã lập {len(drafts)} dự thảo quyết định"


def _decide_item(
    ctx: Context,
    session: Session,
    nomination: m.Nomination,
    item: m.SessionItem,
    total: int,
    voted: int,
    now: datetime,
) -> str:
    status = NominationStatus(nomination.status)
    if status is NominationStatus.ON_HOLD:
        return "held"
    if status in (NominationStatus.WITHDRAWN, NominationStatus.REJECTED):
        return status.value
    data = {"session": item.session_id, "yes": item.yes, "no": item.no, "abstain": item.abstain}
    award = ctx.policy.period_by_code(nomination.policy_period).award_form(nomination.award_form)
    if not item.needs_vote or award.council_vote is None:
        if status is NominationStatus.COUNCIL_VOTE:
            move(
                session,
                nomination,
                "council_approve",
                actor=None,
                at=now,
                comment="Không cần Hội đồng bỏ phiếu; theo đề xuất thẩm định.",
                data=data,
            )
        return "approved"
    threshold = award.council_vote
    denominator = {"all_members": total, "participants": voted, "votes_cast": item.yes + item.no}[
        threshold.denominator
    ]
    data["denominator"] = denominator
    if threshold.met(item.yes, denominator):
        move(session, nomination, "council_approve", actor=None, at=now, data=data)
        return "approved"
    reason = (
        f"{item.yes}/{denominator} phiếu đồng ý, cần {threshold.describe()} "
        f"({'tổng số thành viên Hội đồng' if threshold.denominator == 'all_members' else threshold.denominator}; "
        f"{threshold.source})"
    )
    move(session, nomination, "council_reject", actor=None, at=now, comment=reason, data=data)
    return "rejected"


def list_order(n: m.Nomination) -> tuple[object, ...]:
    return (*identity.list_order(NomineeKind(n.nominee_kind), n.nominee_name), n.id)


def nominee_detail(n: m.Nomination) -> str | None:
    if n.nominee_kind == NomineeKind.PERSON.value:
        return position_and_unit(n.nominee_position, n.nominee_unit_name)  # the unit named once
    if n.nominee_kind == NomineeKind.HOUSEHOLD.value:
        return n.nominee_address
    return None


def _ad_hoc_achievement(session: Session, n: m.Nomination) -> str:
    """An ad-hoc nomination's achievement as its dossier states it (without the final stop); "" for others."""
    if n.commendation_type != CommendationType.AD_HOC.value:
        return ""
    text = session.scalar(
        select(m.DossierVersion.achievement).where(
            m.DossierVersion.nomination_id == n.id, m.DossierVersion.number == n.current_version
        )
    )
    return (text or "").strip().rstrip(".")


def _draft_decisions(
    ctx: Context,
    session: Session,
    council: m.CouncilSession,
    approved: list[m.Nomination],
    actor: Actor | None,
    now: datetime,
    proposal_ref: str | None,
) -> list[m.Decision]:
    # An ad-hoc award names its achievement itself: one decision per achievement (the reason line).
    groups: dict[tuple[str, str, str], list[m.Nomination]] = {}
    for n in approved:
        groups.setdefault((n.award_form, n.policy_period, _ad_hoc_achievement(session, n)), []).append(n)
    today = now.astimezone(ctx.clock.tz).date()
    drafts = []
    for (form, period_code, achievement), members in sorted(groups.items()):
        period = ctx.policy.period_by_code(period_code)
        award = period.award_form(form)
        labels = sorted({n.period_label for n in members})
        reason = achievement or ctx.policy.decisions.reason.format(period=", ".join(labels))
        decision = m.Decision(
            session_id=council.id,
            award_form=form,
            award_name=award.name,
            policy_period=period_code,
            status="draft",
            issuing_body=ctx.policy.issuing_body,
            province_id=ctx.policy.province,
            reason_line=reason,
            legal_basis=ctx.policy.basis_lines(today, period),  # the draft's; re-chosen when issued
            proposal_ref=proposal_ref,
            created_at=now,
        )
        session.add(decision)
        for ordinal, n in enumerate(sorted(members, key=list_order), start=1):
            decision.items.append(
                m.DecisionItem(
                    nomination_id=n.id,
                    ordinal=ordinal,
                    nominee_kind=n.nominee_kind,
                    nominee_name=n.nominee_name,
                    nominee_detail=nominee_detail(n),
                    reward_amount=ctx.policy.reward_amount(award, NomineeKind(n.nominee_kind), today),
                )
            )
            move(session, n, "draft_decision", actor=actor, at=now, data={"session": council.id})
        session.flush()
        new_task(
            session,
            ctx,
            TaskKind.DECISION_SIGN,
            Role.DECISION_SIGNER,
            at=now,
            policy_period=period_code,
            decision_id=decision.id,
        )
        drafts.append(decision)
    return drafts


def show_session(ctx: Context, session_id: int) -> SessionView:
    """Quorum and participation always; the tally only once the session is closed."""
    with ctx.reader() as uow:
        session = uow.session
        council = _session(session, session_id)
        rows = _participants(session, session_id)
        closed = council.status == SessionStatus.CLOSED.value
        items = []
        for item in session.scalars(
            select(m.SessionItem).where(m.SessionItem.session_id == session_id).order_by(m.SessionItem.id)
        ):
            n = session.get(m.Nomination, item.nomination_id)
            assert n is not None
            entry: dict[str, Any] = {
                "nomination": n.id,
                "nominee": n.nominee_name,
                "award_form": n.award_form,
                "needs_vote": item.needs_vote,
                "status": n.status,
            }
            if closed:
                entry.update(
                    {"yes": item.yes, "no": item.no, "abstain": item.abstain, "outcome": item.outcome}
                )
            items.append(entry)
        return SessionView(
            id=council.id,
            title=council.title,
            status=council.status,
            members_total=council.members_total,
            present=sum(1 for r, _p in rows if r.present),
            voted=sum(1 for r, _p in rows if r.voted),
            items=items,
            result=dict(council.result),
        )


def list_sessions(ctx: Context) -> list[SessionView]:
    with ctx.reader() as uow:
        ids = list(uow.session.scalars(select(m.CouncilSession.id).order_by(m.CouncilSession.id)))
    return [show_session(ctx, i) for i in ids]


def apply_result(ctx: Context, session_id: int) -> dict[str, Any]:
    """The session stage: each item against its threshold, then one draft decision per award form."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        council = _session(session, session_id)
        if council.status != SessionStatus.CLOSED.value:
            raise TransitionNotAllowed(f"Phiên họp số {session_id} chưa kết thúc.")
        secretary = session.get(m.Person, council.closed_by_id) if council.closed_by_id else None
        actor = actor_of(secretary) if secretary else None
        total = int(council.result["members_total"])
        voted = int(council.result["voted"])
        outcomes = []
        approved: list[m.Nomination] = []
        for item in session.scalars(
            select(m.SessionItem).where(m.SessionItem.session_id == session_id).order_by(m.SessionItem.id)
        ):
            nomination = session.get(m.Nomination, item.nomination_id)
            assert nomination is not None
            if item.outcome is None:
                item.outcome = _decide_item(ctx, session, nomination, item, total, voted, now)
                if nomination.status == NominationStatus.COUNCIL_APPROVED.value and (
                    nomination.award_form not in national_forms(ctx)  # proposed to the centre instead
                ):
                    approved.append(nomination)
            outcomes.append(
                {
                    "nomination": nomination.id,
                    "yes": item.yes,
                    "no": item.no,
                    "abstain": item.abstain,
                    "needs_vote": item.needs_vote,
                    "outcome": item.outcome,
                }
            )
        drafts = _draft_decisions(ctx, session, council, approved, actor, now, council.proposal_ref)
        known = list(council.result.get("decisions", []))
        council.result = {**council.result, "items": outcomes, "decisions": known + [d.id for d in drafts]}
        complete(session, Stage.SESSION_CLOSED, session_id, now)
        uow.commit()
    ballots.reclaim(ctx.engine)  # the ballots counted at the close: their space, out of the files
    return dict(council.result)


def participation(ctx: Context, session_id: int) -> list[dict[str, Any]]:
    """Every council member: present or not, ballot in or not — never what the ballot said."""
    with ctx.reader() as uow:
        session = uow.session
        council = _session(session, session_id)
        rows = {person.id: member for member, person in _participants(session, session_id)}
        convened = council.opened_at.astimezone(ctx.clock.tz).date()  # the council of that day
        return [
            {
                "username": p.username,
                "name": p.full_name,
                "present": bool(rows[p.id].present) if p.id in rows else False,
                "voted": bool(rows[p.id].voted) if p.id in rows else False,
            }
            for p in council_members(session, convened)
        ]
