"""Small helpers the service tests share: submitting example files, counting what was stored."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.conftest import EXAMPLES, read_yaml
from thidua_workflow import demo
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.nominations import SubmitResult, submit
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.tasks import act, list_tasks

QB_NOMINATIONS = EXAMPLES / "quang-binh" / "nominations"
QT = EXAMPLES / "quang-tri-2025"
QT_NOMINATIONS = QT / "nominations"
COUNCIL_QT = ["ct.ubnd.qt", "tb.tdkt.qt"]  # the new province's council in the example

# Which clerk submits each example file.
CLERKS = {
    "hoi-nguoi-cao-tuoi-2019": "nct.canbo",
    "hoi-nguoi-mu-2019": "mu.canbo",
    "lien-minh-htx-2019": "htx.canbo",
    "hoi-chu-thap-do-2019": "ctd.canbo",
    "hoi-nha-bao-2019": "nhabao.canbo",
    "hoi-vhnt-2019": "vhnt.canbo",
    "hoi-luat-gia-2019": "luatgia.canbo",
    "hoi-lhtn-2020-dot-xuat": "lhtn.canbo",
}


def example(name: str) -> dict[str, Any]:
    data = read_yaml(QB_NOMINATIONS / f"{name}.yaml")
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def submit_example(
    ctx: Context, name: str, data: dict[str, Any] | None = None, user: str | None = None
) -> SubmitResult:
    return submit(
        ctx,
        user or CLERKS[name],
        data if data is not None else example(name),
        DirectorySource(QB_NOMINATIONS),
    )


def row_counts(ctx: Context) -> dict[str, int]:
    with ctx.reader() as uow:
        return {
            table.name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in m.Base.metadata.sorted_tables
        }


def blob_files(ctx: Context) -> list[Path]:
    root = ctx.store.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- moving nominations through the bodies ----------------------------------------------------------

ROUND_SCORES = EXAMPLES / "quang-binh" / "round-2019"
REPRESENTATIVES = demo.REPRESENTATIVES
COUNCIL = demo.COUNCIL


def example_scores(sheet: str) -> dict[str, dict[str, int]]:
    data = read_yaml(ROUND_SCORES / f"{sheet}.yaml")
    return {unit: {code: int(points) for code, points in row.items()} for unit, row in data.items()}


def open_round(ctx: Context, *names: str) -> int:
    """Submit the example files and open the bloc's 2019 round for voting."""
    from thidua_workflow.services import rounds

    for name in names:
        submit_example(ctx, name)
    round_id = rounds.find_round(ctx, "qb-khoi-hoi-dac-thu", "2019")
    rounds.open_voting(ctx, "nct.chutich", round_id)
    return round_id


def vote_round(
    ctx: Context, round_id: int, *, against: frozenset[int] | set[int] = frozenset(), scores: bool = True
) -> None:
    """Every member scores (the example sheets) and votes yes on what it may, except ``against``."""
    from thidua_workflow.services import rounds

    items = [n["id"] for n in rounds.show_round(ctx, round_id).nominations if n["status"] == "bloc_review"]
    with ctx.reader() as uow:
        concerned = {
            n.id: {n.submitting_unit_id, n.nominee_unit_id}
            for n in uow.session.scalars(select(m.Nomination).where(m.Nomination.id.in_(items)))
        }
    for unit, (user, sheet) in REPRESENTATIVES.items():
        if scores:
            rounds.submit_scores(ctx, user, round_id, example_scores(sheet))
        mine = [i for i in items if unit not in concerned[i]]
        rounds.cast_votes(
            ctx, user, round_id, approve=set(mine) - set(against), reject=set(mine) & set(against)
        )


def close_round(ctx: Context, round_id: int, **kwargs: Any) -> dict[str, Any]:
    from thidua_workflow.services import rounds

    return rounds.close_round(
        ctx,
        "nct.chutich",
        round_id,
        next_chair="qb-lien-minh-htx",
        next_deputy="qb-hoi-chu-thap-do",
        **kwargs,
    )


def judge_all(ctx: Context, user: str, nomination_id: int, finding: str = "met") -> list[str]:
    """Record a finding on every criterion of the dossier still marked "cần thẩm định" (issue 18)."""
    from thidua_workflow.domain.enums import Finding
    from thidua_workflow.services import findings

    judged = []
    for check in findings.pending_criteria(ctx, user, nomination_id):
        findings.record_finding(ctx, user, nomination_id, check.rule, Finding(finding), "Đã xác minh hồ sơ.")
        judged.append(check.rule)
    return judged


def appraise_all(ctx: Context, user: str = "cv.tdkt1") -> None:
    from thidua_workflow.services import tasks

    for view in tasks.list_tasks(ctx, user):
        if view.kind == "appraise":
            judge_all(ctx, user, view.nomination_id or 0)
            tasks.act(ctx, user, view.id, "pass")


def to_council(ctx: Context, *names: str) -> None:
    """Example files through the bloc round and appraisal: each nomination awaits the council."""
    round_id = open_round(ctx, *names)
    vote_round(ctx, round_id)
    close_round(ctx, round_id)
    appraise_all(ctx)


# --- invariant: every open task can be acted on ------------------------------------------------------

# The state a task's subject must be in for its decision to be possible.
_NOMINATION_STATE = {
    "appraise": "appraisal",
    "complete_dossier": "returned",
    "late_dossier": "bloc_review",
}
_ROUND_STATE = {
    "round_open": "collecting",
    "round_vote": "voting",
    "round_close": "voting",
    "late_dossier": "voting",
}
_SESSION_STATE = {"council_vote": "open", "session_close": "open"}
_DECISION_STATE = {"decision_sign": {"draft"}, "decision_register": {"signed"}}


def tasks_nobody_can_act_on(ctx: Context) -> list[str]:
    """Every open task whose subject is not in the state it acts on, or that no active person may take
    (holding its role, for its unit or as the named person, and free of a conflict of interest)."""
    from thidua_workflow.domain.authz import conflict_of_interest
    from thidua_workflow.domain.enums import UNIT_SCOPED_ROLES, Role
    from thidua_workflow.services.actors import holders, load_actor
    from thidua_workflow.services.workflow import subject_of

    found = []
    with ctx.reader() as uow:
        session = uow.session
        for task in session.scalars(select(m.Task).where(m.Task.status == "open").order_by(m.Task.id)):
            name = f"việc số {task.id} ({task.kind})"
            nomination = session.get(m.Nomination, task.nomination_id) if task.nomination_id else None
            wanted = _NOMINATION_STATE.get(task.kind)
            if wanted and (nomination is None or nomination.status != wanted):
                found.append(f"{name}: hồ sơ ở '{nomination.status if nomination else None}'")
            if task.kind == "late_dossier" and nomination is not None and nomination.round_id is not None:
                found.append(f"{name}: hồ sơ đã thuộc vòng số {nomination.round_id}")
            if task.kind in _ROUND_STATE:
                bloc_round = session.get(m.BlocRound, task.round_id) if task.round_id else None
                status = bloc_round.status if bloc_round else None
                if status != _ROUND_STATE[task.kind]:
                    found.append(f"{name}: vòng bình xét ở '{status}'")
            if task.kind in _SESSION_STATE:
                council = session.get(m.CouncilSession, task.session_id) if task.session_id else None
                status = council.status if council else None
                if status != _SESSION_STATE[task.kind]:
                    found.append(f"{name}: phiên họp ở '{status}'")
            if task.kind in _DECISION_STATE:
                decision = session.get(m.Decision, task.decision_id) if task.decision_id else None
                if decision is None or decision.status not in _DECISION_STATE[task.kind]:
                    found.append(f"{name}: quyết định ở '{decision.status if decision else None}'")
            role = Role(task.assignee_role)
            people = holders(session, role, task.assignee_unit_id if role in UNIT_SCOPED_ROLES else None)
            if task.assignee_person_id is not None:
                person = session.get(m.Person, task.assignee_person_id)
                people = [p for p in people if person is not None and p == person.username]
            if nomination is not None and task.kind in ("appraise", "late_dossier"):  # judging it
                people = [
                    p
                    for p in people
                    if conflict_of_interest(load_actor(session, p), subject_of(nomination)) is None
                ]
            if not people:
                found.append(f"{name}: không ai được xử lý")
    return found


def assert_every_open_task_has_someone(ctx: Context) -> None:
    stuck = tasks_nobody_can_act_on(ctx)
    assert not stuck, "\n".join(stuck)


def merge_2025(ctx: Context, clock: FixedClock) -> None:
    clock.set(date(2025, 7, 1))
    load_organisation(ctx, read_yaml(QT / "org.yaml"))


def in_flight_2025(ctx: Context, clock: FixedClock) -> int:
    """A Quảng Bình ad-hoc nomination appraised in June 2025, awaiting the council on 30/6; then the merger."""
    clock.set(date(2025, 6, 10))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    clock.set(date(2025, 6, 16))
    data = read_yaml(QT_NOMINATIONS / "hoi-nguoi-mu-2025-dot-xuat.yaml")
    nomination: int = submit(ctx, "mu.canbo", data, DirectorySource(QT_NOMINATIONS)).nomination_ids[0]
    clock.set(date(2025, 6, 24))
    task = next(t.id for t in list_tasks(ctx, "cv.tdkt1") if t.nomination_id == nomination)
    judge_all(ctx, "cv.tdkt1", nomination)
    act(ctx, "cv.tdkt1", task, "pass")
    merge_2025(ctx, clock)
    return nomination
