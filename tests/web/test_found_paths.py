"""Regressions for what trying the web app as each role found (issue 13): each failed before its fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from tests.conftest import EXAMPLES
from tests.integration.helpers import COUNCIL, to_council
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.demo import Scenario
from thidua_workflow.domain.enums import Choice, DecisionStatus
from thidua_workflow.services import accounts, council, decisions, queries, tasks
from thidua_workflow.services.context import Context
from thidua_workflow.services.stages import run_inline
from thidua_workflow.web.app import HTTP_PAGES, SERVER_ERROR


def test_an_issued_decisions_preview_downloads_under_its_vietnamese_name(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    Scenario(qb, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    issued = [d for d in decisions.list_decisions(qb) if d.status == DecisionStatus.ISSUED.value]
    assert issued
    registrar = app_client("vt.ubnd")
    for view in issued:
        response = registrar.get(f"/decisions/{view.id}/preview.pdf")
        assert response.status_code == 200, response.text
        assert response.content.startswith(b"%PDF")
        disposition = response.headers["content-disposition"]
        # "162/QĐ-UBND": the name keeps its Đ in filename*, and a plain ASCII fallback is sent beside it.
        assert disposition.startswith('inline; filename="quyet-dinh-')
        assert "filename*=UTF-8''quyet-dinh-" in disposition and "%C4%90" in disposition
        disposition.encode("latin-1")
    # The same connection still answers afterwards (the failed header used to reset it).
    assert registrar.get(f"/decisions/{issued[0].id}").status_code == 200


@pytest.mark.parametrize("door", ["session-page", "api-task"])
def test_closing_a_session_whose_count_runs_later_tells_the_secretary_so(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser], door: str
) -> None:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    # As on Prefect: the session stage runs after the secretary's request has been answered.
    waiting: list[int] = []
    qb.dispatcher = lambda _ctx, ids: waiting.extend(ids)
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL)
    choices = {i["nomination"]: Choice.YES for i in view.items if i["needs_vote"]}
    for member in COUNCIL:
        council.cast_ballot(qb, member, view.id, choices)
    secretary = app_client("tb.tdkt")
    if door == "session-page":
        secretary.get(f"/sessions/{view.id}")
        response = secretary.post(f"/sessions/{view.id}/close", {"proposal": "12/TTr-SNV"})
        assert response.status_code == 303, response.text
        told = secretary.get(response.headers["location"]).text
    else:
        task = next(
            t for t in tasks.list_tasks(qb, "tb.tdkt", session_id=view.id) if t.kind == "session_close"
        )
        token = accounts.issue_token(qb, "tb.tdkt", "kiểm thử").token
        response = secretary.client.post(
            f"/api/tasks/{task.id}/act",
            json={"decision": "close", "proposal_ref": "12/TTr-SNV"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        told = response.json()["summary"]
    assert "kết quả và dự thảo quyết định sẽ có sau ít phút" in told
    run_inline(qb, waiting)
    assert len(council.show_session(qb, view.id).result["decisions"]) == 3


@pytest.mark.parametrize("who", [None, "mu.canbo"], ids=["anonymous", "clerk"])
def test_an_unknown_address_answers_a_browser_with_the_vietnamese_page(
    app_client: Callable[..., Browser], who: str | None
) -> None:
    browser = app_client(who)
    response = browser.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang" in response.text and 'href="/"' in response.text
    assert "detail" not in response.text and "Not Found" not in response.text
    wrong_method = browser.client.put("/login")
    assert wrong_method.status_code == 405 and "Thao tác này không dùng được" in wrong_method.text


def test_the_api_keeps_json_for_unknown_addresses(app_client: Callable[..., Browser]) -> None:
    response = app_client().client.get("/api/khong-co")
    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "message": HTTP_PAGES[404][1]}


def test_an_unexpected_error_is_the_vietnamese_page_and_is_logged(
    qb: Context,
    app_client: Callable[..., Browser],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(queries, "list_nominations", broken)
    browser = app_client("mu.canbo")
    response = browser.get("/nominations")
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.text and "Internal Server Error" not in response.text
    assert "Đăng xuất" in response.text  # still the signed-in page frame
    assert any("unhandled error" in r.message for r in caplog.records)
    token = accounts.issue_token(qb, "mu.canbo", "kiểm thử").token
    api = browser.client.get("/api/nominations", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 500
    assert api.json() == {"error": "ServerError", "message": SERVER_ERROR}


def test_the_secret_ballot_makes_no_choice_for_the_member(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL[:9])
    for who in (COUNCIL[0], "tb.tdkt"):  # a member's own ballot; the secretary's written-ballot form
        page = app_client(who).get(f"/sessions/{view.id}").text
        radios = re.findall(r'<input type="radio" name="ballot__\d+"[^>]*>', page)
        assert radios, page
        assert not [r for r in radios if "checked" in r]
    # A ballot left blank is refused with the reason, and nothing is counted.
    member = app_client(COUNCIL[0])
    member.get(f"/sessions/{view.id}")
    refused = member.post(f"/sessions/{view.id}/vote", {})
    assert refused.status_code == 400 and "Phiếu chưa đủ" in refused.text
    assert council.show_session(qb, view.id).voted == 0
