"""Issue 13 items 5 and 9 in the web app and the API: a dossier completed while its bloc votes, and a
dossier page that tells where the dossier is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from flows.inline import run_inline
from tests.integration.helpers import (
    assert_every_open_task_has_someone,
    example,
    submit_example,
    vote_round,
)
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import accounts, queries, rounds, tasks
from thidua_workflow.services.context import Context

BLOC_NAME = "Khối thi đua các hội đặc thù"


@pytest.fixture
def voted_with_a_returned_dossier(qb: Context, clock: FixedClock) -> tuple[int, int]:
    """The 2019 round: Hội Nhà báo's dossier returned before voting opened; every member has voted."""
    for name in ("hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019", "hoi-nha-bao-2019"):
        submit_example(qb, name)
    returned = next(n.id for n in queries.list_nominations(qb, unit="qb-hoi-nha-bao"))
    rounds.return_dossier(qb, "nct.chutich", returned, "Thành tích chưa cụ thể; bổ sung số liệu.")
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    rounds.open_voting(qb, "nct.chutich", round_id)
    vote_round(qb, round_id)
    clock.advance(timedelta(days=10))
    return round_id, returned


def complete_on_the_page(clerk: Browser, nomination_id: int) -> str:
    page = clerk.get(f"/nominations/{nomination_id}").text
    assert f'action="/nominations/{nomination_id}/resubmit"' in page
    response = clerk.post(
        f"/nominations/{nomination_id}/resubmit",
        {"achievement": example("hoi-nha-bao-2019-hoan-thien")["achievement"], "note": "Bổ sung số liệu."},
    )
    assert response.status_code == 303, response.text  # was 409: the round no longer took dossiers
    return clerk.get(response.headers["location"]).text


def test_the_clerk_completes_and_the_chair_adds_it_on_the_pages(
    qb: Context, app_client: Callable[..., Browser], voted_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voted_with_a_returned_dossier
    page = complete_on_the_page(app_client("nhabao.canbo"), returned)
    assert "chờ trưởng khối quyết định đưa vào phiếu hay chuyển sang vòng sau" in page
    assert_every_open_task_has_someone(qb)

    chair = app_client("nct.chutich")
    inbox = chair.get("/").text
    assert "Xét hồ sơ hoàn thiện sau khi khối mở bỏ phiếu" in inbox
    assert f'href="/nominations/{returned}#viec"' in inbox
    # The round page lists it for the chair, and still offers closing the round (the chair's other task).
    round_page = chair.get(f"/rounds/{round_id}").text
    assert "Hồ sơ hoàn thiện sau khi mở bỏ phiếu" in round_page
    assert "Kết thúc bình xét" in round_page
    dossier = chair.get(f"/nominations/{returned}").text
    assert 'name="decision" value="add"' in dossier and 'name="decision" value="defer"' in dossier
    refused = chair.post(f"/nominations/{returned}/late", {"decision": "add", "comment": ""})
    assert refused.status_code == 400
    added = chair.post(
        f"/nominations/{returned}/late", {"decision": "add", "comment": "Bổ sung kịp trước họp."}
    )
    assert added.status_code == 303, added.text
    shown = chair.get(f"/nominations/{returned}").text
    assert "Trưởng khối đưa hồ sơ đã hoàn thiện vào phiếu bình xét đang bỏ phiếu" in shown
    assert "Lý do: Bổ sung kịp trước họp." in shown
    assert f"vòng bình xét số {round_id}" in shown
    assert_every_open_task_has_someone(qb)

    # A member that had voted gets a ballot offering this dossier alone, and votes on it.
    member = app_client("mu.chutich")
    ballot = member.get(f"/rounds/{round_id}").text
    assert re.findall(r'name="vote__(\d+)" value="yes"', ballot) == [str(returned)]
    assert "Đơn vị bạn đã bỏ phiếu" in ballot
    voted = member.post(f"/rounds/{round_id}/act", {f"vote__{returned}": "yes"})
    assert voted.status_code == 303, voted.text
    assert rounds.show_round(qb, round_id).votes_cast["qb-hoi-nguoi-mu"] == 3
    assert not [t for t in tasks.list_tasks(qb, "mu.chutich") if t.kind == "round_vote"]


def test_the_chair_defers_it_through_the_api(
    qb: Context, app_client: Callable[..., Browser], voted_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voted_with_a_returned_dossier
    complete_on_the_page(app_client("nhabao.canbo"), returned)
    token = accounts.issue_token(qb, "nct.chutich", "kiểm thử").token
    client = app_client().client
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/tasks", headers=headers).json()
    task = next(t for t in listed if t["kind"] == "late_dossier")
    assert (task["nomination_id"], task["round_id"], task["decisions"]) == (
        returned,
        round_id,
        ["add", "defer"],
    )
    empty = client.post(
        f"/api/tasks/{task['id']}/act", json={"decision": "defer", "comment": ""}, headers=headers
    )
    assert empty.status_code == 400, empty.text
    wrong = client.post(f"/api/tasks/{task['id']}/act", json={"decision": "vote"}, headers=headers)
    assert wrong.status_code == 400, wrong.text
    done = client.post(
        f"/api/tasks/{task['id']}/act",
        json={"decision": "defer", "comment": "Khối đã họp xong; xét ở vòng sau."},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    assert "vòng bình xét sau" in done.json()["summary"]
    detail = client.get(f"/api/nominations/{returned}", headers=headers).json()
    assert (detail["status"], detail["round_id"], detail["deferred_from_round"]) == (
        "bloc_review",
        None,
        round_id,
    )
    page = app_client("nhabao.canbo").get(f"/nominations/{returned}").text
    assert "Trưởng khối chuyển hồ sơ sang vòng bình xét sau của khối" in page
    assert "Khối đã họp xong; xét ở vòng sau." in page
    assert_every_open_task_has_someone(qb)


def test_the_dossier_page_tells_where_a_submitted_dossier_is(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """Item 9: the page said "Đã nộp" although the dossier had moved to the bloc (or was moving)."""
    clock.set(date(2019, 12, 5))
    # As in the served app: the routing stage runs after the clerk's request has been answered.
    waiting: list[int] = []
    qb.dispatcher = lambda _ctx, ids: waiting.extend(ids)
    clerk = app_client("mu.canbo")
    nomination_id = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    lead = _lead(clerk.get(f"/nominations/{nomination_id}").text)
    assert lead == f"Đã nộp — đang chuyển đến {BLOC_NAME}"
    run_inline(qb, waiting)
    page = clerk.get(f"/nominations/{nomination_id}").text
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    assert _lead(page) == f"Khối thi đua đang xét — {BLOC_NAME}, vòng bình xét số {round_id}"
    assert "Đã nộp" not in _lead(page)
    assert "qb-khoi-hoi-dac-thu" not in page
    # The bloc's members read the same sentence.
    assert _lead(app_client("nct.chutich").get(f"/nominations/{nomination_id}").text) == _lead(page)


def _lead(page: str) -> str:
    found = re.search(r'<p class="lead"><span class="status[^"]*">([^<]*)</span>', page)
    assert found, page
    return found.group(1)
