"""Races at scale (make test-slow): many people on one task, the same through the JSON API."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import Conflict, ThiduaError
from thidua_workflow.services import accounts
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation
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
