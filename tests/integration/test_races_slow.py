"""Races at scale (make test-slow): many people on one task, through the services and the JSON API;
concurrent signatures and the numbers they take."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text

from tests.conftest import EXAMPLES, PG_URL, read_yaml
from tests.integration.helpers import example, judge_all, row_counts, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.db.engine import make_engine
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import Conflict, DatabaseUnavailable, ThiduaError
from thidua_workflow.services import accounts, council, decisions
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.tasks import Payload, act, list_tasks
from thidua_workflow.web.app import create_app

pytestmark = pytest.mark.slow
ACTORS = 20


def _with_appraisers(ctx: Context, n: int) -> list[str]:
    """The Quảng Bình organisation with ``n`` appraisers in the Ban Thi đua – Khen thưởng."""
    data = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
    names = [f"cv.tdkt{i}" for i in range(1, n + 1)]
    known = {p["username"] for p in data["people"]}
    for i, username in enumerate(names, start=1):
        if username not in known:
            data["people"].append(
                {
                    "username": username,
                    "full_name": f"Chuyên viên Thử Nghiệm {i}",
                    "unit": "qb-ban-tdkt",
                    "roles": ["appraiser"],
                }
            )
    load_organisation(ctx, data)
    return names


def _one_appraisal_task(ctx: Context, clock: FixedClock) -> tuple[int, int]:
    clock.set(date(2020, 5, 15))
    nomination = submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    task = next(v.id for v in list_tasks(ctx, "cv.tdkt1") if v.nomination_id == nomination)
    judge_all(ctx, "cv.tdkt1", nomination)  # the household's criterion needs its finding first (issue 18)
    return nomination, task


def _decisive_events(ctx: Context, nomination: int) -> int:
    with ctx.reader() as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(m.AuditEvent)
                .where(
                    m.AuditEvent.entity_id == str(nomination),
                    m.AuditEvent.action.in_(["appraisal_pass", "appraisal_return", "appraisal_reject"]),
                )
            )
            or 0
        )


def test_twenty_people_act_on_one_task_exactly_one_wins(ctx: Context, clock: FixedClock) -> None:
    people = _with_appraisers(ctx, ACTORS)
    nomination, task = _one_appraisal_task(ctx, clock)
    barrier = threading.Barrier(ACTORS)
    outcomes: dict[str, Any] = {}

    def attempt(user: str, decision: str) -> None:
        barrier.wait()
        try:
            comment = None if decision == "pass" else "Thiếu xác nhận của địa phương."
            outcomes[user] = act(ctx, user, task, decision, Payload(comment=comment)).decision
        except ThiduaError as exc:
            outcomes[user] = exc

    threads = [
        threading.Thread(target=attempt, args=(user, ("pass", "return", "reject")[i % 3]))
        for i, user in enumerate(people)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    winners = [o for o in outcomes.values() if isinstance(o, str)]
    losers = [o for o in outcomes.values() if isinstance(o, ThiduaError)]
    assert len(outcomes) == ACTORS
    assert len(winners) == 1, outcomes
    assert len(losers) == ACTORS - 1 and all(isinstance(o, Conflict) for o in losers), outcomes
    assert _decisive_events(ctx, nomination) == 1


def test_twenty_api_clients_on_one_task_get_one_200_and_nineteen_409(ctx: Context, clock: FixedClock) -> None:
    people = _with_appraisers(ctx, ACTORS)
    nomination, task = _one_appraisal_task(ctx, clock)
    tokens = [accounts.issue_token(ctx, user, "đua").token for user in people]
    app = create_app(ctx)
    barrier = threading.Barrier(ACTORS)
    statuses: list[int] = []

    def attempt(token: str) -> None:
        with TestClient(app) as client:
            barrier.wait()
            response = client.post(
                f"/api/tasks/{task}/act",
                json={"decision": "pass"},
                headers={"Authorization": f"Bearer {token}"},
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(token,)) for token in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(statuses) == [200] + [409] * (ACTORS - 1)
    assert _decisive_events(ctx, nomination) == 1


COUNCIL_QT = ["ct.ubnd.qt", "tb.tdkt.qt"]


def test_eight_decisions_signed_at_once_take_eight_consecutive_numbers(
    ctx: Context, clock: FixedClock
) -> None:
    """Quảng Trị numbers its decisions at signing: concurrent signatures never share or skip a number,
    and every decision's certificates carry golden-book numbers 1…n."""
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-tri-2025" / "org.yaml"))
    assert ctx.policy.decisions.numbering == "system"
    drafts = []
    for i in range(8):
        clock.set(date(2020, 5, 15))
        data = example("hoi-lhtn-2020-dot-xuat")
        data["nominations"][0]["nominee"]["name"] = f"Hộ ông Hoàng Văn Thiện Nguyện {i + 1}"
        nomination = submit_example(ctx, "hoi-lhtn-2020-dot-xuat", data).nomination_ids[0]
        task = next(v.id for v in list_tasks(ctx, "cv.tdkt1") if v.nomination_id == nomination)
        judge_all(ctx, "cv.tdkt1", nomination)
        act(ctx, "cv.tdkt1", task, "pass")
        clock.set(date(2026, 3, 2))  # the new province's council (Quảng Bình's ended on 30/6/2025)
        view = council.open_session(ctx, "tb.tdkt.qt")
        council.record_attendance(ctx, "tb.tdkt.qt", view.id, COUNCIL_QT)
        needs = [item["nomination"] for item in view.items if item["needs_vote"]]
        for member in COUNCIL_QT:
            council.cast_ballot(ctx, member, view.id, dict.fromkeys(needs, Choice.YES))
        council.close_session(ctx, "tb.tdkt.qt", view.id)
        drafts += [d.id for d in decisions.list_decisions(ctx) if d.status == "draft" and d.id not in drafts]
    assert len(drafts) == 8
    barrier = threading.Barrier(len(drafts))
    failures: list[BaseException] = []

    def sign(decision_id: int) -> None:
        barrier.wait()
        try:
            decisions.sign(ctx, "ct.ubnd.qt", decision_id)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=sign, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures
    issued = [decisions.show_decision(ctx, d) for d in drafts]
    assert sorted(int(str(d.number_text).split("/")[0]) for d in issued) == list(range(1, 9))
    with ctx.reader() as uow:
        for d in issued:
            books = sorted(
                uow.session.scalars(select(m.Certificate.ordinal).where(m.Certificate.decision_id == d.id))
            )
            assert books == list(range(1, len(d.items) + 1)), d.id


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # a server that can drop a connection
@pytest.mark.parametrize("cut_at", [1, 3, 7, 10, 13])  # reading, then at points of the write (of 13)
def test_a_connection_dropped_mid_transaction_leaves_all_or_nothing(
    qb: Context, clock: FixedClock, cut_at: int
) -> None:
    """The database drops the connection at the n-th statement of an appraisal: the person gets a clear
    error to retry, nothing of the action is stored, and the retry goes through whole."""
    nomination, task = _one_appraisal_task(qb, clock)
    before = row_counts(qb)
    admin = make_engine(PG_URL)
    seen = {"n": 0}

    def cut(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen["n"] += 1
        if seen["n"] == cut_at:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.begin() as kill:
                kill.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(qb.engine, "before_cursor_execute", cut)
    try:
        with pytest.raises(DatabaseUnavailable, match="thử lại"):
            act(qb, "cv.tdkt1", task, "pass")
    finally:
        event.remove(qb.engine, "before_cursor_execute", cut)
        admin.dispose()
    assert row_counts(qb) == before
    assert show_nomination(qb, nomination).status == "appraisal"
    assert act(qb, "cv.tdkt1", task, "pass").decision == "pass"  # the retry, on a fresh connection
    assert _decisive_events(qb, nomination) == 1
