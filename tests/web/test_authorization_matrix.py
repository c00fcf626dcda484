"""The authorization matrix through the JSON API: at each stage, every role tries the action; only the
people the law names succeed, everyone else gets 403 and nothing changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import row_counts, submit_example
from tests.web.conftest import Browser
from tests.web.test_api import with_files
from thidua_workflow import demo
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.enums import Choice
from thidua_workflow.services import accounts, council, decisions, queries, rounds
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.context import Context

# One person per role, with own and other unit where the role is a unit's.
PEOPLE = [
    "mu.canbo",  # clerk of Hội Người mù
    "nct.canbo",  # clerk of Hội Người cao tuổi
    "mu.chutich",  # head and bloc representative of Hội Người mù
    "nct.chutich",  # representative of Hội Người cao tuổi, the bloc's chair in 2019
    "cv.tdkt1",  # appraiser
    "gd.snv",  # council member
    "tb.tdkt",  # council secretary (and member)
    "pct.ubnd",  # decision signer (Vice Chairman)
    "vt.ubnd",  # registrar
    "quantri",  # operator
]


def test_only_the_people_the_law_names_may_act_at_each_stage(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    api = app_client().client
    headers = {u: {"Authorization": f"Bearer {accounts.issue_token(qb, u, 'ma trận').token}"} for u in PEOPLE}

    def attempt(method: str, url: str, body: dict[str, Any], allowed: set[str]) -> None:
        """Everyone else first (each refused, nothing stored), then one allowed person succeeds."""
        for user in PEOPLE:
            if user in allowed:
                continue
            before = row_counts(qb)
            response = api.request(method, url, json=body, headers=headers[user])
            # 404 for whoever may not even see the dossier (it answers as a missing one, issue 14).
            refused = (403, "NotPermitted") if response.status_code == 403 else (404, "NotFound")
            assert (response.status_code, response.json()["error"]) == refused, (user, url, response.text)
            assert row_counts(qb) == before, (user, url)
        winner = sorted(allowed)[0]
        done: httpx.Response = api.request(method, url, json=body, headers=headers[winner])
        assert done.status_code in (200, 201), (winner, url, done.text)

    def task_of(user: str, kind: str, **match: int) -> int:
        return next(
            t.id
            for t in task_service.list_tasks(qb, user)
            if t.kind == kind and all(getattr(t, k) == v for k, v in match.items())
        )

    # Submitting: only the unit's own clerk.
    body = json.loads(json.dumps(with_files("hoi-nguoi-mu-2019")))
    attempt("POST", "/api/nominations", body, {"mu.canbo"})
    submit_example(qb, "hoi-nguoi-cao-tuoi-2019")
    mine = queries.list_nominations(qb, unit="qb-hoi-nguoi-mu")
    person = next(n.id for n in mine if n.nominee_kind == "person")
    # Withdrawing: only the submitting unit's clerk.
    attempt("POST", f"/api/nominations/{person}/withdraw", {"reason": "Để năm sau."}, {"mu.canbo"})

    # The bloc: the chair opens; each member unit votes only through its own representative's task.
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    clock.set(date(2019, 12, 17))
    opening = task_of("nct.chutich", "round_open")
    attempt("POST", f"/api/tasks/{opening}/act", {"decision": "open"}, {"nct.chutich"})
    clock.set(date(2019, 12, 19))
    items = [n["id"] for n in rounds.show_round(qb, round_id).nominations if n["status"] == "bloc_review"]
    own = {n.id for n in queries.list_nominations(qb, unit="qb-hoi-nguoi-mu")}
    vote = task_of("mu.chutich", "round_vote")
    attempt(
        "POST",
        f"/api/tasks/{vote}/act",
        {"decision": "vote", "approve": [i for i in items if i not in own]},
        {"mu.chutich"},
    )
    for unit, (user, sheet) in demo.REPRESENTATIVES.items():
        if unit == "qb-hoi-nguoi-mu":
            continue
        theirs = {n.id for n in queries.list_nominations(qb, unit=unit)}
        scores = read_yaml(EXAMPLES / "quang-binh" / "round-2019" / f"{sheet}.yaml")
        task_service.act(
            qb,
            user,
            task_of(user, "round_vote"),
            "vote",
            task_service.Payload(scores=scores, approve=set(items) - theirs),
        )
    clock.set(date(2019, 12, 20))
    closing = task_of("nct.chutich", "round_close")
    body = {"decision": "close", "next_chair": "qb-lien-minh-htx", "next_deputy": "qb-hoi-chu-thap-do"}
    attempt("POST", f"/api/tasks/{closing}/act", body, {"nct.chutich"})

    # Appraisal: the Ban's appraisers (not the units, the council or the leaders).
    clock.set(date(2020, 1, 8))
    appraisals = [t for t in task_service.list_tasks(qb, "cv.tdkt1") if t.kind == "appraise"]
    assert appraisals
    attempt("POST", f"/api/tasks/{appraisals[0].id}/act", {"decision": "pass"}, {"cv.tdkt1"})
    for t in appraisals[1:]:
        task_service.act(qb, "cv.tdkt1", t.id, "pass")

    # The council: the secretary opens; each member casts only their own ballot.
    clock.set(date(2020, 1, 15))
    opening = task_of("tb.tdkt", "session_open")
    attempt("POST", f"/api/tasks/{opening}/act", {"decision": "open"}, {"tb.tdkt"})
    session_id = council.list_sessions(qb)[-1].id
    council.record_attendance(qb, "tb.tdkt", session_id, demo.COUNCIL)
    needs = [i["nomination"] for i in council.show_session(qb, session_id).items if i["needs_vote"]]
    ballot = task_of("gd.snv", "council_vote", session_id=session_id)
    attempt("POST", f"/api/tasks/{ballot}/act", {"decision": "vote", "approve": needs}, {"gd.snv"})
    for member in demo.COUNCIL:
        if member != "gd.snv":
            council.cast_ballot(qb, member, session_id, dict.fromkeys(needs, Choice.YES))
    closing = task_of("tb.tdkt", "session_close", session_id=session_id)
    attempt("POST", f"/api/tasks/{closing}/act", {"decision": "close"}, {"tb.tdkt"})

    # The decision: a signer signs (never one listed in it), the registrar numbers it.
    clock.set(date(2020, 1, 20))
    draft = next(d for d in decisions.list_decisions(qb) if d.award_form == "bang_khen_tinh")
    signing = task_of("pct.ubnd", "decision_sign", decision_id=draft.id)
    attempt("POST", f"/api/tasks/{signing}/act", {"decision": "sign"}, {"pct.ubnd"})
    registering = task_of("vt.ubnd", "decision_register", decision_id=draft.id)
    attempt("POST", f"/api/tasks/{registering}/act", {"decision": "register", "number": 162}, {"vt.ubnd"})
    assert decisions.show_decision(qb, draft.id).status == "issued"


# --- issue 22: the office's pages: who may see the dashboard, reassign, revoke, read a session's record ---


def test_the_office_pages_answer_only_the_people_they_are_for(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    from thidua_workflow.services import delegation

    clock.set(date(2020, 5, 15))
    nid = submit_example(qb, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    task = next(t.id for t in task_service.list_tasks(qb, "cv.tdkt1") if t.nomination_id == nid)
    given = delegation.delegate(
        qb,
        "cv.tdkt1",
        from_username="cv.tdkt1",
        to_username="tb.tdkt",
        role="appraiser",
        starts_on=date(2020, 5, 15),
        ends_on=date(2020, 5, 20),
        reason="Nghỉ phép.",
    )
    province = {"cv.tdkt1", "gd.snv", "tb.tdkt", "pct.ubnd", "vt.ubnd", "quantri"}
    for user in PEOPLE:
        browser = app_client(user)
        dash = browser.get("/dashboard")
        assert dash.status_code == (200 if user in province else 403), (user, dash.status_code)
        record = browser.get(f"/audit/nomination/{nid}")
        assert record.status_code == (200 if user in province else 404), (user, record.status_code)
        before = row_counts(qb)
        if user != "quantri":
            refused = browser.post("/tasks/reassign", {"task": [task], "to": "cv.tdkt2", "reason": "Thử."})
            assert refused.status_code == 303  # the page shows each item's refusal
            assert "Chỉ người quản trị" in browser.get("/").text, user
            assert row_counts(qb) == before, user
        if user not in ("cv.tdkt1", "tb.tdkt", "quantri"):
            stranger = browser.post(f"/delegations/{given.id}/revoke", {"reason": "Không phải của tôi."})
            assert stranger.status_code == 404, (user, stranger.status_code)
            assert row_counts(qb) == before, user
