"""The bloc round: the chair opens voting, members score and vote, the chair closes with the result.

Each member unit votes once on each nomination, never on its own unit's; the round's result (ranking,
votes, quota, the lead for Cờ thi đua) is computed by ``domain.bloc_round`` and recorded whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import bloc_round as tally_rules
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import NominationStatus, Role, RoundStatus, TaskKind, TaskStatus
from thidua_workflow.domain.policy import PolicyPeriod
from thidua_workflow.domain.text import TextError, clean_text
from thidua_workflow.errors import (
    Conflict,
    InputRejected,
    NotFound,
    NotPermitted,
    Problem,
    TransitionNotAllowed,
    ValidationFailed,
)
from thidua_workflow.services import audit, late_dossiers
from thidua_workflow.services.actors import actor_of, holder_names, load_actor, unit_name
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import membership_holds, today_of
from thidua_workflow.services.outbox import Stage, complete, wake
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.visibility import require_round, visible_rounds
from thidua_workflow.services.workflow import (
    ask_unit_to_complete,
    bloc_reviewer,
    chair_unit,
    close_open_tasks,
    finish_open_task,
    move,
    open_round_task,
    route,
)


@dataclass(frozen=True)
class RoundView:
    id: int
    bloc_id: str
    bloc_name: str
    period: str
    status: str
    criteria: list[dict[str, Any]]
    members: list[str]
    nominations: list[dict[str, Any]]
    votes_cast: dict[str, int]
    scores_cast: dict[str, int]
    chair: str | None
    preview: dict[str, Any] | None
    result: dict[str, Any]
    # Dossiers completed while the round voted: waiting for the chair, or sent on to a later round.
    late: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _round(session: Session, round_id: int) -> m.BlocRound:
    found = session.get(m.BlocRound, round_id)
    if found is None:
        raise NotFound("vòng bình xét", round_id)
    return found


def _require_status(bloc_round: m.BlocRound, *allowed: RoundStatus) -> None:
    if bloc_round.status not in {s.value for s in allowed}:
        raise TransitionNotAllowed(
            f"Vòng bình xét số {bloc_round.id} {RoundStatus(bloc_round.status).label.lower()}; "
            "không thực hiện được thao tác này."
        )


def _require_chair(session: Session, actor: Actor, bloc_round: m.BlocRound) -> str:
    chair = chair_unit(session, bloc_round.bloc_id, bloc_round.period_year)
    if chair is None or not actor.has(Role.BLOC_REPRESENTATIVE, chair):
        who = (
            ", ".join(holder_names(session, Role.BLOC_REPRESENTATIVE, chair))
            if chair
            else "chưa có trưởng khối"
        )
        raise NotPermitted(
            f"Chỉ đại diện đơn vị trưởng khối năm {bloc_round.period_year} ({unit_name(session, chair)}) "
            "thực hiện được; "
            f"người được xử lý: {who}."
        )
    return chair


def _member_unit(session: Session, actor: Actor, bloc_round: m.BlocRound) -> str:
    """The unit the actor represents in this round's electorate."""
    units = actor.units_for(Role.BLOC_REPRESENTATIVE) & set(bloc_round.members)
    if not units:
        raise NotPermitted(
            f"{actor.label} không đại diện đơn vị thành viên nào của vòng bình xét số {bloc_round.id}."
        )
    if len(units) > 1:
        raise InputRejected(
            f"{actor.label} đại diện nhiều đơn vị ({', '.join(sorted(unit_name(session, u) for u in units))}); "
            "không xác định được."
        )
    return next(iter(units))


def _items(session: Session, bloc_round: m.BlocRound) -> list[m.Nomination]:
    return list(
        session.scalars(
            select(m.Nomination)
            .where(
                m.Nomination.round_id == bloc_round.id,
                m.Nomination.status == NominationStatus.BLOC_REVIEW.value,
            )
            .order_by(m.Nomination.id)
        )
    )


def _members(session: Session, bloc_id: str, year: int) -> list[str]:
    """The bloc's members for ``year`` that still exist today (membership ends with the unit)."""
    return sorted(
        session.scalars(
            select(m.BlocMember.unit_id).where(
                m.BlocMember.bloc_id == bloc_id, membership_holds(year, today_of(session))
            )
        ).unique()
    )


def find_round(ctx: Context, bloc_id: str, period_code: str) -> int:
    with ctx.reader() as uow:
        found = uow.session.scalar(
            select(m.BlocRound.id).where(
                m.BlocRound.bloc_id == bloc_id, m.BlocRound.period_code == period_code
            )
        )
    if found is None:
        raise NotFound("vòng bình xét của khối cho kỳ", f"{bloc_id} {period_code}")
    return found


def open_voting(ctx: Context, username: str, round_id: int) -> RoundView:
    """The chair closes intake and opens scoring and voting: a task for every member unit."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        bloc_round = _round(session, round_id)
        chair = _require_chair(session, actor, bloc_round)
        _require_status(bloc_round, RoundStatus.COLLECTING)
        items = _items(session, bloc_round)
        if not items:
            raise InputRejected(f"Vòng bình xét số {round_id} chưa có hồ sơ nào đang chờ khối xét.")
        members = _members(session, bloc_round.bloc_id, bloc_round.period_year)
        bloc_round.members = members
        bloc_round.status = RoundStatus.VOTING.value
        bloc_round.voting_opened_at = now
        finish_open_task(session, actor, TaskKind.ROUND_OPEN, "open", at=now, round_id=round_id)
        for unit in members:
            open_round_task(session, ctx, bloc_round, TaskKind.ROUND_VOTE, at=now, unit_id=unit)
        open_round_task(session, ctx, bloc_round, TaskKind.ROUND_CLOSE, at=now, unit_id=chair)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="round_open_voting",
            entity_type="round",
            entity_id=round_id,
            from_state=RoundStatus.COLLECTING.value,
            to_state=RoundStatus.VOTING.value,
            data={"members": members, "nominations": [n.id for n in items]},
        )
        uow.commit()
    return show_round(ctx, round_id)


def return_dossier(ctx: Context, username: str, nomination_id: int, reason: str) -> str:
    """Before voting, the chair (or the deputy, for the chair's own unit) returns an incomplete dossier."""
    cleaned = reason_text(reason, required=True, field="reason")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        nomination = session.get(m.Nomination, nomination_id)
        if nomination is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        if nomination.round_id is None or nomination.bloc_id is None:
            raise TransitionNotAllowed(f"Hồ sơ số {nomination_id} không ở vòng bình xét của khối nào.")
        bloc_round = _round(session, nomination.round_id)
        _require_status(bloc_round, RoundStatus.COLLECTING)
        concerned = {u for u in (nomination.submitting_unit_id, nomination.nominee_unit_id) if u}
        reviewer, problem = bloc_reviewer(session, bloc_round.bloc_id, bloc_round.period_year, concerned)
        if reviewer is None or not actor.has(Role.BLOC_REPRESENTATIVE, reviewer):
            names = (
                ", ".join(holder_names(session, Role.BLOC_REPRESENTATIVE, reviewer)) if reviewer else problem
            )
            raise NotPermitted(
                f"Trả lại hồ sơ số {nomination_id} do đại diện {unit_name(session, reviewer)} thực hiện: {names}."
            )
        move(
            session,
            nomination,
            "bloc_return",
            actor=actor,
            at=now,
            comment=cleaned,
            data={"round": bloc_round.id},
        )
        nomination.returned_from = NominationStatus.BLOC_REVIEW.value
        ask_unit_to_complete(session, ctx, nomination, at=now)
        uow.commit()
        return nomination.status


def submit_scores(
    ctx: Context, username: str, round_id: int, scores: dict[str, dict[str, int]]
) -> dict[str, int]:
    """A member unit's score sheets: its self-assessment and its scores for the other members."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        bloc_round = _round(uow.session, round_id)
        _require_status(bloc_round, RoundStatus.VOTING)
        totals = _record_scores(uow.session, actor, bloc_round, scores, now)
        uow.commit()
        return totals


def cast_votes(
    ctx: Context, username: str, round_id: int, *, approve: set[int], reject: set[int]
) -> dict[str, Any]:
    """A member unit's votes; once on each nomination, never on its own; its task ends when all are cast."""
    return cast_ballot(ctx, username, round_id, scores=None, approve=approve, reject=reject)


def cast_ballot(
    ctx: Context,
    username: str,
    round_id: int,
    *,
    scores: dict[str, dict[str, int]] | None,
    approve: set[int],
    reject: set[int],
) -> dict[str, Any]:
    """A member unit's score sheets and votes as one act: a refusal of either stores neither."""
    now = ctx.clock.now()
    if approve & reject:
        raise InputRejected(f"Hồ sơ {sorted(approve & reject)} vừa đồng ý vừa không đồng ý.")
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        bloc_round = _round(uow.session, round_id)
        _require_status(bloc_round, RoundStatus.VOTING)
        if scores:
            _record_scores(uow.session, actor, bloc_round, scores, now)
        result = _record_votes(uow.session, actor, bloc_round, approve, reject, now)
        uow.commit()
        return result


def _record_scores(
    session: Session, actor: Actor, bloc_round: m.BlocRound, scores: dict[str, dict[str, int]], now: datetime
) -> dict[str, int]:
    round_id = bloc_round.id
    scorer = _member_unit(session, actor, bloc_round)
    criteria = {c["code"]: c for c in bloc_round.criteria}
    problems: list[Problem] = []
    totals: dict[str, int] = {}
    already = set(
        session.scalars(
            select(m.RoundScore.scored_unit_id).where(
                m.RoundScore.round_id == round_id, m.RoundScore.scorer_unit_id == scorer
            )
        )
    )
    for unit, points in scores.items():
        if unit not in bloc_round.members:
            problems.append(
                Problem(f"'{unit_name(session, unit)}' không phải thành viên khối", field=f"scores.{unit}")
            )
            continue
        # The unit and the criterion by the names the score sheet shows; the code beside for a file's author.
        scored = unit_name(session, unit)
        if unit in already:
            raise Conflict(
                f"{unit_name(session, scorer)} đã chấm điểm cho {unit_name(session, unit)} trong vòng này; "
                "không chấm lại được."
            )
        for code, value in points.items():
            spec = criteria.get(code)
            if spec is None:
                problems.append(
                    Problem(f"tiêu chí '{code}' không có trong bảng tiêu chí", field=f"scores.{unit}")
                )
            elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= int(spec["max"]):
                problems.append(
                    Problem(
                        f"{scored} — điểm tiêu chí '{spec['name']}' ({code}) phải từ 0 đến {spec['max']}",
                        field=f"scores.{unit}.{code}",
                    )
                )
        missing = [code for code in criteria if code not in points]
        if missing:
            named = ", ".join(f"'{criteria[code]['name']}' ({code})" for code in missing)
            problems.append(Problem(f"{scored} — thiếu điểm tiêu chí: {named}", field=f"scores.{unit}"))
        totals[unit] = sum(v for v in points.values() if isinstance(v, int))
    if problems:
        raise ValidationFailed(problems, "Bảng điểm bị từ chối, không lưu gì:")
    for unit, points in scores.items():
        session.add(
            m.RoundScore(
                round_id=round_id,
                scorer_unit_id=scorer,
                scored_unit_id=unit,
                points=points,
                total=totals[unit],
                cast_by_id=actor.person_id,
                cast_at=now,
            )
        )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="round_scores",
        entity_type="round",
        entity_id=round_id,
        data={"scorer": scorer, "totals": totals},
    )
    return totals


def _record_votes(
    session: Session,
    actor: Actor,
    bloc_round: m.BlocRound,
    approve: set[int],
    reject: set[int],
    now: datetime,
) -> dict[str, Any]:
    round_id = bloc_round.id
    voter = _member_unit(session, actor, bloc_round)
    items = {n.id: n for n in _items(session, bloc_round)}
    cast = set(
        session.scalars(
            select(m.RoundVote.nomination_id).where(
                m.RoundVote.round_id == round_id, m.RoundVote.voter_unit_id == voter
            )
        )
    )
    due = {n.id for n in items.values() if voter not in {n.submitting_unit_id, n.nominee_unit_id}}
    if not approve | reject and due - cast:
        raise InputRejected(
            "Phiếu chưa có ý kiến nào: chọn Đồng ý hoặc Không đồng ý cho từng hồ sơ rồi gửi lại."
        )
    for nomination_id in sorted(approve | reject):
        nomination = items.get(nomination_id)
        if nomination is None:
            raise InputRejected(f"Hồ sơ số {nomination_id} không nằm trong vòng bình xét số {round_id}.")
        if voter in {nomination.submitting_unit_id, nomination.nominee_unit_id}:
            raise NotPermitted(
                f"{unit_name(session, voter)} không bỏ phiếu cho hồ sơ số {nomination_id} của chính đơn vị mình."
            )
        if nomination_id in cast:
            raise Conflict(
                f"{unit_name(session, voter)} đã bỏ phiếu cho hồ sơ số {nomination_id}; không bỏ phiếu lại."
            )
    for nomination_id in sorted(approve | reject):
        session.add(
            m.RoundVote(
                round_id=round_id,
                voter_unit_id=voter,
                nomination_id=nomination_id,
                approve=nomination_id in approve,
                cast_by_id=actor.person_id,
                cast_at=now,
            )
        )
    remaining = sorted(due - cast - approve - reject)
    if not remaining:
        finish_open_task(
            session, actor, TaskKind.ROUND_VOTE, "vote", at=now, round_id=round_id, unit_id=voter
        )
    audit.record(
        session,
        at=now,
        actor=actor,
        action="round_votes",
        entity_type="round",
        entity_id=round_id,
        data={"voter": voter, "approve": sorted(approve), "reject": sorted(reject)},
    )
    return {
        "voter": voter,
        "remaining": remaining,
        "remaining_names": [f"số {i} ({items[i].nominee_name})" for i in remaining],
    }


def _tally(
    session: Session, ctx: Context, bloc_round: m.BlocRound, order: list[int] | None, leader: str | None
) -> tuple[tally_rules.RoundResult, list[m.Nomination]]:
    period = ctx.policy.period_by_code(bloc_round.policy_period)
    items = _items(session, bloc_round)
    nominations = [
        tally_rules.RoundNomination(
            id=n.id,
            award_form=n.award_form,
            submitting_unit=n.submitting_unit_id,
            nominee_unit=n.nominee_unit_id,
            name=n.nominee_name,
            leads_bloc=period.award_forms[n.award_form].leads_bloc
            if n.award_form in period.award_forms
            else False,
        )
        for n in items
    ]
    sheets = [
        tally_rules.ScoreSheet(s.scorer_unit_id, s.scored_unit_id, s.total)
        for s in session.scalars(select(m.RoundScore).where(m.RoundScore.round_id == bloc_round.id))
    ]
    ballots = [
        tally_rules.Ballot(v.voter_unit_id, v.nomination_id, v.approve)
        for v in session.scalars(select(m.RoundVote).where(m.RoundVote.round_id == bloc_round.id))
    ]
    women_first, women_article = _women_first(session, period, items)
    result = tally_rules.tally(
        list(bloc_round.members),
        nominations,
        sheets,
        ballots,
        period.bloc,
        order=order,
        leader=leader,
        women_first=women_first,
        women_article=women_article,
    )
    return result, items


def _women_first(
    session: Session, period: PolicyPeriod, items: list[m.Nomination]
) -> tuple[frozenset[int], str]:
    """The nominations of a woman, or of a collective with at least the policy's share of women, as their
    current dossier declares them, where the period's law puts them first among equals (NĐ 152/2025 Điều
    4 khoản 6: the policy's ``uu_tien_nu`` rule); none in earlier periods."""
    setting = period.rules.get("uu_tien_nu")
    if setting is None or not items:
        return frozenset(), ""
    share = Fraction(str(setting.params.get("women_share_collective", "0.7")))
    rows = session.execute(
        select(m.DossierVersion.nomination_id, m.DossierVersion.declared)
        .join(
            m.Nomination,
            (m.Nomination.id == m.DossierVersion.nomination_id)
            & (m.Nomination.current_version == m.DossierVersion.number),
        )
        .where(m.Nomination.id.in_([n.id for n in items]))
    )
    chosen = set()
    for nomination_id, declared in rows:
        members = declared.get("members") or {}
        women, total = members.get("women"), members.get("total")
        if declared.get("woman") is True or (
            isinstance(women, int)
            and isinstance(total, int)
            and total > 0
            and Fraction(women, total) >= share
        ):
            chosen.add(nomination_id)
    return frozenset(chosen), setting.article


def close_round(
    ctx: Context,
    username: str,
    round_id: int,
    *,
    next_chair: str,
    next_deputy: str,
    order: list[int] | None = None,
    leader: str | None = None,
    tie_reason: str | None = None,
    reasons: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The chair closes the round and records its result; the round stage then sends the endorsed
    nominations to appraisal and rejects the others with their reasons."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        bloc_round = _round(session, round_id)
        _require_chair(session, actor, bloc_round)
        _require_status(bloc_round, RoundStatus.VOTING)
        for unit, label in ((next_chair, "next_chair"), (next_deputy, "next_deputy")):
            if unit not in bloc_round.members:
                raise ValidationFailed([Problem(f"'{unit}' không phải thành viên khối", field=label)])
        if next_chair == next_deputy:
            raise ValidationFailed([Problem("trưởng khối và phó khối phải khác nhau", field="next_deputy")])
        if (order or leader) and not reason_text(tie_reason, required=False, field="tie_reason"):
            raise ValidationFailed(
                [Problem("quyết định thứ tự khi bằng điểm cần ghi lý do", field="tie_reason")]
            )
        result, items = _tally(session, ctx, bloc_round, order, leader)
        extra = {k: _clean_reason(v, f"reasons.{k}") for k, v in (reasons or {}).items()}
        by_id = {n.id: n for n in items}
        for nomination_id in extra:
            if nomination_id not in by_id:
                raise InputRejected(f"Hồ sơ số {nomination_id} không nằm trong vòng bình xét số {round_id}.")
        for outcome in result.outcomes.values():
            # The chair's own words join the computed reason; the round stage applies them.
            outcome.reason = "; ".join(r for r in (outcome.reason, extra.get(outcome.nomination_id)) if r)
        officers = session.scalar(
            select(m.BlocOfficers).where(
                m.BlocOfficers.bloc_id == bloc_round.bloc_id,
                m.BlocOfficers.year == bloc_round.period_year + 1,
            )
        )
        if officers is None:
            session.add(
                m.BlocOfficers(
                    bloc_id=bloc_round.bloc_id,
                    year=bloc_round.period_year + 1,
                    chair_unit_id=next_chair,
                    deputy_unit_id=next_deputy,
                )
            )
        else:
            officers.chair_unit_id = next_chair
            officers.deputy_unit_id = next_deputy
        data = result.to_dict()
        data["next_officers"] = {
            "year": bloc_round.period_year + 1,
            "chair": next_chair,
            "deputy": next_deputy,
        }
        if order or leader:
            data["tie_break"] = {"order": order, "leader": leader, "reason": tie_reason}
        # A dossier completed while the round voted, not yet decided on by the chair: to the next round.
        data["deferred"] = late_dossiers.defer_undecided(session, bloc_round, at=now)
        bloc_round.status = RoundStatus.CLOSED.value
        bloc_round.closed_at = now
        bloc_round.closed_by_id = actor.person_id
        bloc_round.result = data
        finish_open_task(session, actor, TaskKind.ROUND_CLOSE, "close", at=now, round_id=round_id)
        close_open_tasks(session, at=now, round_id=round_id)
        wake(session, Stage.ROUND_CLOSED, round_id, now)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="round_close",
            entity_type="round",
            entity_id=round_id,
            from_state=RoundStatus.VOTING.value,
            to_state=RoundStatus.CLOSED.value,
            comment=tie_reason,
            data=data,
        )
        uow.commit()
        return data


def _clean_reason(text: str, field: str) -> str:
    try:
        return clean_text(text, multiline=True, max_length=2000)
    except TextError as exc:
        raise ValidationFailed([Problem(str(exc), field=field)]) from exc


def show_round(
    ctx: Context, round_id: int, *, preview: bool = True, viewer: Actor | None = None
) -> RoundView:
    """The round with its nominations, who has voted and scored, and (while voting) the result so far.

    With ``viewer``, only if that person may see the round (NotPermitted otherwise).
    """
    with ctx.reader() as uow:
        session = uow.session
        bloc_round = _round(session, round_id)
        if viewer is not None:
            require_round(session, viewer, bloc_round)
        bloc = session.get(m.Bloc, bloc_round.bloc_id)
        items = list(
            session.scalars(
                select(m.Nomination).where(m.Nomination.round_id == round_id).order_by(m.Nomination.id)
            )
        )
        votes: dict[str, int] = {}
        for v in session.scalars(select(m.RoundVote).where(m.RoundVote.round_id == round_id)):
            votes[v.voter_unit_id] = votes.get(v.voter_unit_id, 0) + 1
        sheets: dict[str, int] = {}
        for s in session.scalars(select(m.RoundScore).where(m.RoundScore.round_id == round_id)):
            sheets[s.scorer_unit_id] = sheets.get(s.scorer_unit_id, 0) + 1
        preview_data = None
        if preview and bloc_round.status == RoundStatus.VOTING.value:
            try:
                preview_data = _tally(session, ctx, bloc_round, None, None)[0].to_dict()
            except tally_rules.TieUnresolved as exc:
                preview_data = {"tie": exc.message}
        return RoundView(
            id=bloc_round.id,
            bloc_id=bloc_round.bloc_id,
            bloc_name=bloc.name if bloc else bloc_round.bloc_id,
            period=bloc_round.period_label,
            status=bloc_round.status,
            criteria=list(bloc_round.criteria),
            members=list(bloc_round.members),
            nominations=[
                {
                    "id": n.id,
                    "nominee": n.nominee_name,
                    "award_form": n.award_form,
                    "unit": n.submitting_unit_id,
                    "status": n.status,
                    "deferred_from": n.deferred_from_round_id,
                }
                for n in items
            ],
            votes_cast=votes,
            scores_cast=sheets,
            chair=chair_unit(session, bloc_round.bloc_id, bloc_round.period_year),
            preview=preview_data,
            result=dict(bloc_round.result),
            late=_late(session, round_id),
        )


def _late(session: Session, round_id: int) -> list[dict[str, Any]]:
    """The round's late dossiers: those its chair must decide on, and those deferred from it."""
    waiting = session.execute(
        select(m.Nomination, m.Task.assignee_unit_id)
        .join(m.Task, m.Task.nomination_id == m.Nomination.id)
        .where(
            m.Task.kind == TaskKind.LATE_DOSSIER.value,
            m.Task.round_id == round_id,
            m.Task.status == TaskStatus.OPEN.value,
        )
        .order_by(m.Nomination.id)
    ).all()
    deferred = session.scalars(
        select(m.Nomination).where(m.Nomination.deferred_from_round_id == round_id).order_by(m.Nomination.id)
    ).all()
    rows = [
        {
            "id": n.id,
            "nominee": n.nominee_name,
            "award_form": n.award_form,
            "unit": n.submitting_unit_id,
            "state": "waiting",
            "decides": unit,
            "next_round": None,
        }
        for n, unit in waiting
    ]
    rows += [
        {
            "id": n.id,
            "nominee": n.nominee_name,
            "award_form": n.award_form,
            "unit": n.submitting_unit_id,
            "state": "deferred",
            "decides": None,
            "next_round": n.round_id,
        }
        for n in deferred
    ]
    return rows


def voted_on(ctx: Context, round_id: int, unit_id: str) -> set[int]:
    """The nominations a member unit has already voted on in the round (its ballot offers the others)."""
    with ctx.reader() as uow:
        return set(
            uow.session.scalars(
                select(m.RoundVote.nomination_id).where(
                    m.RoundVote.round_id == round_id, m.RoundVote.voter_unit_id == unit_id
                )
            )
        )


def list_rounds(ctx: Context, *, viewer: Actor | None = None) -> list[dict[str, Any]]:
    """Every round, oldest first; with ``viewer``, the ones that person may see."""
    with ctx.reader() as uow:
        rows = uow.session.scalars(select(m.BlocRound).order_by(m.BlocRound.id)).all()
        if viewer is not None:
            rows = visible_rounds(uow.session, viewer, rows)
        names = dict(
            uow.session.execute(
                select(m.Bloc.id, m.Bloc.name).where(m.Bloc.id.in_({r.bloc_id for r in rows}))
            ).all()
        )
        return [
            {
                "id": r.id,
                "bloc": r.bloc_id,
                "bloc_name": names.get(r.bloc_id, r.bloc_id),
                "period": r.period_label,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in rows
        ]


def apply_result(ctx: Context, round_id: int) -> dict[str, Any]:
    """The round stage: move each nomination as the closed round decided. Idempotent (re-reads)."""
    now = ctx.clock.now()
    moved = {"endorsed": 0, "rejected": 0}
    with ctx.uow() as uow:
        session = uow.session
        bloc_round = _round(session, round_id)
        _require_status(bloc_round, RoundStatus.CLOSED)
        chair = session.get(m.Person, bloc_round.closed_by_id) if bloc_round.closed_by_id else None
        actor = actor_of(chair) if chair else None
        for outcome in bloc_round.result.get("outcomes", []):
            nomination = session.get(m.Nomination, outcome["nomination"])
            if nomination is None or nomination.status != NominationStatus.BLOC_REVIEW.value:
                continue  # already applied, or withdrawn or held meanwhile
            data = {
                "round": round_id,
                "yes": outcome["yes"],
                "electorate": outcome["electorate"],
                "rank": outcome["rank"],
            }
            if outcome["endorsed"]:
                move(
                    session,
                    nomination,
                    "bloc_endorse",
                    actor=actor,
                    at=now,
                    comment=outcome["reason"] or None,
                    data=data,
                )
                move(session, nomination, "forward_to_appraisal", actor=None, at=now)
                route(session, ctx, nomination, at=now, to_appraisal=True)
                moved["endorsed"] += 1
            else:
                move(
                    session,
                    nomination,
                    "bloc_reject",
                    actor=actor,
                    at=now,
                    comment=outcome["reason"],
                    data=data,
                )
                moved["rejected"] += 1
        complete(session, Stage.ROUND_CLOSED, round_id, now)
        uow.commit()
    return moved
