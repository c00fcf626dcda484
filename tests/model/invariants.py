"""What must hold after every step of the model, whatever the people did.

Each check reads the database afresh and raises AssertionError naming what is wrong. The checks that depend
only on the database (tasks, states, numbers) run when a step changed some row; the tallies are compared
with the ballots the model saw accepted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.enums import (
    DecisionStatus,
    NominationStatus,
    RoundStatus,
    SessionStatus,
    TaskKind,
    TaskStatus,
)
from thidua_workflow.services import tasks
from thidua_workflow.services.ballots import session_key, unseal
from thidua_workflow.services.context import Context
from thidua_workflow.services.outbox import Stage

S = NominationStatus


@dataclass
class Ballots:
    """The ballots the model saw accepted: what the stored tallies must add up to."""

    # (round, nomination) -> [yes, no]
    round_votes: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    # (session, nomination) -> Counter of "yes" / "no" / "abstain"
    council_votes: dict[tuple[int, int], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def ballots_in(ctx: Context) -> Ballots:
    """The ballots already in the database when an example starts (those of its prelude)."""
    ballots = Ballots()
    with ctx.reader() as uow:
        for v in uow.session.scalars(select(m.RoundVote)):
            ballots.round_votes[(v.round_id, v.nomination_id)][0 if v.approve else 1] += 1
        for item in uow.session.scalars(select(m.SessionItem)):
            counts = ballots.council_votes[(item.session_id, item.nomination_id)]
            counts.update(yes=item.yes, no=item.no, abstain=item.abstain)
    for (session_id, nomination_id), counts in sealed_counts(
        ctx
    ).items():  # an open session's: not counted yet
        ballots.council_votes[(session_id, nomination_id)].update(counts)
    return ballots


def sealed_counts(ctx: Context) -> dict[tuple[int, int], Counter[str]]:
    """The sealed ballots of the open sessions, opened with the ballot secret the tests hold, counted."""
    found: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    with ctx.reader() as uow:
        session = uow.session
        for council in session.scalars(
            select(m.CouncilSession).where(m.CouncilSession.ballot_salt.is_not(None))
        ):
            sealed = list(
                session.scalars(select(m.SealedBallot.sealed).where(m.SealedBallot.session_id == council.id))
            )
            if not sealed:
                continue
            key = session_key(ctx.settings, council)
            items = sorted(
                session.scalars(
                    select(m.SessionItem.nomination_id).where(
                        m.SessionItem.session_id == council.id, m.SessionItem.needs_vote.is_(True)
                    )
                )
            )
            for ballot in sealed:
                for nomination_id, choice in unseal(key, council.id, items, ballot).items():
                    found[(council.id, nomination_id)][choice.value] += 1
    return found


# Which kinds of open task make sense for a nomination in each state (task kinds with a nomination).
TASK_STATES = {
    TaskKind.APPRAISE.value: {S.APPRAISAL},
    TaskKind.COMPLETE_DOSSIER.value: {S.RETURNED},
    TaskKind.LATE_DOSSIER.value: {S.BLOC_REVIEW},
}


def everyone_can_act(ctx: Context, usernames: list[str]) -> None:
    """Invariant 2: every open task is in the inbox (``tasks.list_tasks``) of at least one active person."""
    with ctx.reader() as uow:
        open_ids = set(uow.session.scalars(select(m.Task.id).where(m.Task.status == TaskStatus.OPEN.value)))
        active = set(uow.session.scalars(select(m.Person.username).where(m.Person.active.is_(True))))
    if not open_ids:
        return
    seen: set[int] = set()
    for username in usernames:
        if username in active:
            seen.update(v.id for v in tasks.list_tasks(ctx, username))
        if open_ids <= seen:
            return
    orphans = sorted(open_ids - seen)
    with ctx.reader() as uow:
        rows = uow.session.scalars(select(m.Task).where(m.Task.id.in_(orphans)))
        described = [
            f"task {t.id} {t.kind} role={t.assignee_role} unit={t.assignee_unit_id} "
            f"person={t.assignee_person_id} nomination={t.nomination_id}"
            for t in rows
        ]
    raise AssertionError(f"open tasks nobody may act on: {described}")


def states_agree(ctx: Context) -> None:
    """Invariant 3: tasks, nominations, rounds, sessions and decisions agree with the lifecycle table.

    - an open task on a nomination is of a kind its state calls for; round, session and decision tasks
      are open only while their subject is in the state they act on;
    - each nomination's audit history is a path of the table from 'draft' (every event's from-state is the
      previous to-state, every arrow is in the table or a release) ending in its current state;
    - a nomination in a decision ('in_decision') is listed on exactly one live decision, and every item of
      a draft or signed decision is a nomination in that state.
    """
    problems: list[str] = []
    with ctx.reader() as uow:
        session = uow.session
        nominations = {n.id: n for n in session.scalars(select(m.Nomination))}
        rounds = {r.id: r for r in session.scalars(select(m.BlocRound))}
        councils = {c.id: c for c in session.scalars(select(m.CouncilSession))}
        decisions = {d.id: d for d in session.scalars(select(m.Decision))}
        for t in session.scalars(select(m.Task).where(m.Task.status == TaskStatus.OPEN.value)):
            if t.kind in TASK_STATES:
                n = nominations.get(t.nomination_id or 0)
                if n is None or S(n.status) not in TASK_STATES[t.kind]:
                    problems.append(
                        f"open {t.kind} task {t.id} on nomination {t.nomination_id} in {n and n.status}"
                    )
            elif t.kind == TaskKind.ROUND_OPEN.value:
                r = rounds.get(t.round_id or 0)
                if r is None or r.status != RoundStatus.COLLECTING.value:
                    problems.append(f"open round_open task {t.id} on round {t.round_id} in {r and r.status}")
            elif t.kind in (TaskKind.ROUND_VOTE.value, TaskKind.ROUND_CLOSE.value):
                r = rounds.get(t.round_id or 0)
                if r is None or r.status != RoundStatus.VOTING.value:
                    problems.append(f"open {t.kind} task {t.id} on round {t.round_id} in {r and r.status}")
            elif t.kind in (TaskKind.COUNCIL_VOTE.value, TaskKind.SESSION_CLOSE.value):
                c = councils.get(t.session_id or 0)
                if c is None or c.status != SessionStatus.OPEN.value:
                    problems.append(
                        f"open {t.kind} task {t.id} on session {t.session_id} in {c and c.status}"
                    )
            elif t.kind == TaskKind.DECISION_SIGN.value:
                d = decisions.get(t.decision_id or 0)
                if d is None or d.status != DecisionStatus.DRAFT.value:
                    problems.append(f"open sign task {t.id} on decision {t.decision_id} in {d and d.status}")
            elif t.kind == TaskKind.DECISION_REGISTER.value:
                d = decisions.get(t.decision_id or 0)
                if d is None or d.status != DecisionStatus.SIGNED.value:
                    problems.append(
                        f"open register task {t.id} on decision {t.decision_id} in {d and d.status}"
                    )

        history: dict[int, list[m.AuditEvent]] = defaultdict(list)
        for e in session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.entity_type == "nomination").order_by(m.AuditEvent.id)
        ):
            history[int(e.entity_id)].append(e)
        for n in nominations.values():
            problems.extend(_path_problems(n, history.get(n.id, [])))

        live = {DecisionStatus.DRAFT.value, DecisionStatus.SIGNED.value, DecisionStatus.ISSUED.value}
        listed: dict[int, list[int]] = defaultdict(list)
        for item, status in session.execute(
            select(m.DecisionItem, m.Decision.status).join(
                m.Decision, m.Decision.id == m.DecisionItem.decision_id
            )
        ):
            n = nominations[item.nomination_id]
            if status in live:
                listed[n.id].append(item.decision_id)
            if (
                status in (DecisionStatus.DRAFT.value, DecisionStatus.SIGNED.value)
                and n.status != S.IN_DECISION
            ):
                problems.append(
                    f"nomination {n.id} in {n.status} is listed on {status} decision {item.decision_id}"
                )
        for n in nominations.values():
            if n.status == S.IN_DECISION and len(listed.get(n.id, [])) != 1:
                problems.append(f"nomination {n.id} in_decision is on live decisions {listed.get(n.id, [])}")
    if problems:
        raise AssertionError("states disagree with the lifecycle:\n  " + "\n  ".join(problems))


def _path_problems(n: m.Nomination, events: list[m.AuditEvent]) -> list[str]:
    state: S | None = S.DRAFT
    for e in events:
        if e.action == "record_finding":
            # The appraiser's finding on a criterion "cần thẩm định": no move, and only while appraised.
            if state is not S.APPRAISAL or e.from_state or e.to_state:
                return [f"nomination {n.id}: finding (event {e.id}) recorded in {state}"]
            continue
        if e.action == "appraisal_pass" and any(
            c.get("outcome") == "judgement" for c in e.data.get("checks", [])
        ):
            return [f"nomination {n.id}: passed at appraisal (event {e.id}) with a criterion still unjudged"]
        if e.from_state != (state.value if state else None):
            return [f"nomination {n.id}: event {e.id} {e.action} from {e.from_state} but it was in {state}"]
        target = S(e.to_state) if e.to_state else None
        if not lifecycle.can_name(e.action) and e.action != "release" and target is state:
            continue  # a step on the record that moves nothing (a handover, an opinion asked, a posting)
        if e.action == "release":
            if state is not S.ON_HOLD or target not in lifecycle.RELEASE_TARGETS | {S.COUNCIL_APPROVED}:
                return [f"nomination {n.id}: release {state} -> {target}"]
        elif not lifecycle.can_name(e.action) or lifecycle.get(e.action).target is not target:
            return [f"nomination {n.id}: event {e.id} {e.action} -> {target} is no arrow of the table"]
        elif state is None or not lifecycle.can(e.action, state):
            return [f"nomination {n.id}: event {e.id} {e.action} not allowed from {state}"]
        state = target
    if state is None or state.value != n.status:
        return [f"nomination {n.id} is {n.status} but its history ends in {state}"]
    return []


def next_step_exists(ctx: Context) -> None:
    """No live nomination is left where nothing will move it: some task, open round or session, or pending
    stage stands for its next step (a nomination on hold waits for a release: always possible)."""
    problems: list[str] = []
    with ctx.reader() as uow:
        session = uow.session
        open_tasks = list(session.scalars(select(m.Task).where(m.Task.status == TaskStatus.OPEN.value)))
        task_on = {(t.kind, t.nomination_id) for t in open_tasks}
        task_for_decision = {(t.kind, t.decision_id) for t in open_tasks}
        convening = any(t.kind == TaskKind.SESSION_OPEN.value for t in open_tasks)
        pending = {
            (w.kind, w.ref_id)
            for w in session.scalars(select(m.Wakeup).where(m.Wakeup.completed_at.is_(None)))
        }
        rounds = {r.id: r for r in session.scalars(select(m.BlocRound))}
        open_session = session.scalar(
            select(m.CouncilSession.id).where(m.CouncilSession.status == SessionStatus.OPEN.value)
        )
        closing = {sid for kind, sid in pending if kind == Stage.SESSION_CLOSED.value}
        in_session = set(
            session.scalars(
                select(m.SessionItem.nomination_id).where(
                    m.SessionItem.session_id.in_([*closing, open_session or 0]),
                    m.SessionItem.outcome.is_(None),
                )
            )
        )
        decision_of = {
            i.nomination_id: d
            for i, d in session.execute(
                select(m.DecisionItem, m.Decision).join(
                    m.Decision, m.Decision.id == m.DecisionItem.decision_id
                )
            )
            if d.status != DecisionStatus.SENT_BACK.value
        }
        for n in session.scalars(select(m.Nomination)):
            status = S(n.status)
            if status is S.SUBMITTED:
                ok = (Stage.INTAKE.value, n.submission_id) in pending
            elif status is S.BLOC_REVIEW and n.round_id is None:
                # Completed while its round voted: the chair decides, or it waits, shown on the round it
                # left, for the bloc's next round.
                ok = (TaskKind.LATE_DOSSIER.value, n.id) in task_on or n.deferred_from_round_id is not None
            elif status is S.BLOC_REVIEW:
                r = rounds.get(n.round_id or 0)
                ok = r is not None and (
                    r.status != RoundStatus.CLOSED.value or (Stage.ROUND_CLOSED.value, r.id) in pending
                )
            elif status is S.APPRAISAL:
                ok = (TaskKind.APPRAISE.value, n.id) in task_on
            elif status is S.RETURNED:
                ok = (TaskKind.COMPLETE_DOSSIER.value, n.id) in task_on
            elif status is S.COUNCIL_VOTE or (status is S.COUNCIL_APPROVED and n.id not in decision_of):
                ok = convening or open_session is not None or n.id in in_session
            elif status is S.IN_DECISION:
                d = decision_of.get(n.id)
                ok = d is not None and (
                    (
                        d.status == DecisionStatus.DRAFT.value
                        and (TaskKind.DECISION_SIGN.value, d.id) in task_for_decision
                    )
                    or (
                        d.status == DecisionStatus.SIGNED.value
                        and (TaskKind.DECISION_REGISTER.value, d.id) in task_for_decision
                    )
                    or (Stage.DECISION_ISSUED.value, d.id) in pending
                )
            elif status is S.BLOC_ENDORSED:
                ok = False  # the round stage moves it on in the same transaction
            else:
                ok = True
            if not ok:
                problems.append(f"nomination {n.id} in {status.value} has no next step")
    if problems:
        raise AssertionError("nominations left with nothing to move them:\n  " + "\n  ".join(problems))


def tallies_match(ctx: Context, ballots: Ballots) -> None:
    """Invariant 4: the stored tallies are the ballots accepted — the bloc's votes, a round's result at its
    close, the council's: while a session is open its sealed ballots (opened with the secret the tests hold)
    and no tally at all; once closed its counts per item (as recorded at the close) and no sealed ballot."""
    problems: list[str] = []
    sealed = sealed_counts(ctx)
    with ctx.reader() as uow:
        session = uow.session
        stored: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        for v in session.scalars(select(m.RoundVote)):
            stored[(v.round_id, v.nomination_id)][0 if v.approve else 1] += 1
        expected = {k: v for k, v in ballots.round_votes.items() if v != [0, 0]}
        if dict(stored) != expected:
            problems.append(f"bloc votes stored {dict(stored)} != accepted {expected}")
        for r in session.scalars(select(m.BlocRound).where(m.BlocRound.status == RoundStatus.CLOSED.value)):
            for outcome in r.result.get("outcomes", []):
                yes = ballots.round_votes.get((r.id, outcome["nomination"]), [0, 0])[0]
                if outcome["yes"] != yes:
                    problems.append(
                        f"round {r.id} result: nomination {outcome['nomination']} {outcome['yes']} yes, cast {yes}"
                    )
        status = dict(session.execute(select(m.CouncilSession.id, m.CouncilSession.status)).all())
        for item in session.scalars(select(m.SessionItem)):
            counts = ballots.council_votes.get((item.session_id, item.nomination_id), Counter())
            want = (counts["yes"], counts["no"], counts["abstain"])
            if status[item.session_id] == SessionStatus.OPEN.value:
                opened = sealed.get((item.session_id, item.nomination_id), Counter())
                if (item.yes, item.no, item.abstain) != (0, 0, 0):
                    problems.append(
                        f"session {item.session_id} is open but has a tally for {item.nomination_id}"
                    )
                got = (opened["yes"], opened["no"], opened["abstain"])
            else:
                if (item.session_id, item.nomination_id) in sealed:
                    problems.append(f"session {item.session_id} is closed but sealed ballots remain")
                got = (item.yes, item.no, item.abstain)
            if got != want:
                problems.append(
                    f"session {item.session_id} nomination {item.nomination_id}: stored {got}, cast {want}"
                )
        for c in session.scalars(
            select(m.CouncilSession).where(m.CouncilSession.status == SessionStatus.CLOSED.value)
        ):
            for entry in c.result.get("items", []):
                counts = ballots.council_votes.get((c.id, entry["nomination"]), Counter())
                if (entry["yes"], entry["no"], entry["abstain"]) != (
                    counts["yes"],
                    counts["no"],
                    counts["abstain"],
                ):
                    problems.append(
                        f"session {c.id} result for {entry['nomination']}: {entry}, cast {dict(counts)}"
                    )
    if problems:
        raise AssertionError("tallies differ from the ballots:\n  " + "\n  ".join(problems))


def numbers_unique(ctx: Context) -> None:
    """Invariant 5: a decision number is used once per register (issuing body) and year; issued ones have one."""
    with ctx.reader() as uow:
        seen: dict[tuple[str, int, int], int] = {}
        for d in uow.session.scalars(select(m.Decision).where(m.Decision.number.is_not(None))):
            assert d.year is not None and d.number is not None
            key = (d.issuing_body, d.year, d.number)
            if key in seen:
                raise AssertionError(f"decisions {seen[key]} and {d.id} share number {key}")
            seen[key] = d.id
        for d in uow.session.scalars(
            select(m.Decision).where(m.Decision.status == DecisionStatus.ISSUED.value)
        ):
            if d.number is None or d.decision_date is None:
                raise AssertionError(f"issued decision {d.id} has no number or date")


def done_for_whom_by_delegation(ctx: Context) -> None:
    """Issue 22: an event that names whom it was done for was recorded by a delegate of that person, on a
    day their delegation held (and not after it was revoked); and a task done for someone says so."""
    with ctx.reader() as uow:
        session = uow.session
        delegated = session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.on_behalf_of_id.is_not(None))
        ).all()
        grants = session.scalars(select(m.Delegation)).all()
        for e in delegated:
            day = e.at.astimezone(ctx.clock.tz).date()
            assert any(
                d.from_person_id == e.on_behalf_of_id
                and d.to_person_id == e.actor_id
                and d.starts_on <= day <= d.ends_on
                and (d.revoked_at is None or d.revoked_at > e.at)
                for d in grants
            ), f"event {e.id} ({e.action}) for person {e.on_behalf_of_id} without a delegation holding"
        for t in session.scalars(select(m.Task).where(m.Task.on_behalf_of_id.is_not(None))):
            assert t.completed_by_id is not None and t.completed_by_id != t.on_behalf_of_id, t.id
