"""Every path a person can walk: each person of the example organisation, and an anonymous visitor,
walks the web app over a fresh copy of the demo's database (issue 13).

The crawler (tests/web/crawler.py) follows every link shown and sends every form shown, empty and with
the values the page offers; any server error, dropped connection, broken download, refusal that is not
the Vietnamese page, or refused form that changed rows fails the walk, all findings listed at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES, read_yaml
from tests.web.crawler import Crawler, refusal_problems, route_pattern
from tests.web.demo_copy import DEMO_PASSWORD, DemoState, build_demo_state
from tests.web.html_forms import read_page
from thidua_workflow.services import accounts
from thidua_workflow.web.app import create_app

ORG = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
PEOPLE = [p["username"] for p in ORG["people"]]
OPERATORS = {p["username"] for p in ORG["people"] if "operator" in p.get("roles", [])}
RESET_FIELDS = ("code", "csrf_token", "new", "repeat", "username")
BACKENDS = ["sqlite", "postgresql"]
ANONYMOUS = "(khách)"


@pytest.fixture(scope="session")
def demo_states() -> Iterator[dict[str, DemoState]]:
    """The demo's state per backend, built the first time a walk on that backend asks for it (and its
    PostgreSQL template database dropped at the end)."""
    states: dict[str, DemoState] = {}
    yield states
    for state in states.values():
        state.drop()


@pytest.fixture
def demo_state(
    request: pytest.FixtureRequest,
    demo_states: dict[str, DemoState],
    tmp_path_factory: pytest.TempPathFactory,
    xdist_worker: str,
) -> DemoState:
    backend: str = request.param
    if backend not in demo_states:
        where = tmp_path_factory.mktemp(f"demo-{backend}")
        demo_states[backend] = build_demo_state(backend, where, xdist_worker)
    return demo_states[backend]


def walks() -> list[object]:
    # One xdist group per backend, so that a worker builds one demo state and walks everyone over it.
    # (With pytest 9.2 and xdist 3.8 here, loadgroup does not keep groups together: then each worker
    # builds the state of each backend it meets, once — slower, still correct.)
    return [
        pytest.param(backend, who, marks=pytest.mark.xdist_group(f"crawl-{backend}"), id=f"{backend}-{who}")
        for backend in BACKENDS
        for who in [ANONYMOUS, *PEOPLE]
    ]


@pytest.mark.parametrize(("demo_state", "who"), walks(), indirect=["demo_state"])
def test_every_link_and_form_shown_works(demo_state: DemoState, who: str, tmp_path: Path) -> None:
    started = time.perf_counter()
    with (
        demo_state.fresh_copy(tmp_path) as ctx,
        TestClient(create_app(ctx), base_url="http://testserver") as client,
    ):
        crawler = Crawler(client, ctx)
        if who == ANONYMOUS:
            crawler.walk("/", "/verify", "/tra-cuu", "/khong-co-trang-nay")
            assert "/reset-password" in crawler.patterns, "the reset page was not reached"
            assert ("/reset-password", "empty", *RESET_FIELDS) in crawler.sent
        else:
            # A token to list and revoke on the account page (and, for operators, on the accounts page).
            accounts.issue_token(ctx, who, "mã của lần duyệt")
            if who in OPERATORS:  # someone else signed in, whose sessions the operator may end
                accounts.start_session(ctx, next(p for p in PEOPLE if p != who), client="10.0.0.9")
            login = read_page(client.get("/login").text).forms[-1]
            credentials = {**login.csrf, "username": who, "password": DEMO_PASSWORD}
            signed_in = crawler.request("POST", "/login", data=credentials, follow_redirects=False)
            assert signed_in is not None and signed_in.status_code == 303, f"{who} cannot sign in"
            crawler.walk("/", "/khong-co-trang-nay")
            posted = {key[0] for key in crawler.sent}
            assert "/account/tokens/{id}/revoke" in posted or "/accounts/tokens/{id}/revoke" in posted
            if who in OPERATORS:
                assert {"/accounts/reset", "/accounts/end-sessions"} <= posted, posted
            crawler.finish()
    elapsed = time.perf_counter() - started
    print(f"{who}: {crawler.requests} requests, {len(crawler.patterns)} routes, {elapsed:.1f} s")
    assert not crawler.findings, f"{who} found:\n" + "\n".join(crawler.findings)


def html(status: int, main: str) -> httpx.Response:
    body = f'<!doctype html><html lang="vi"><body><main>{main}</main></body></html>'
    return httpx.Response(status, text=body, headers={"content-type": "text/html; charset=utf-8"})


def test_the_crawler_tells_a_bare_or_leaky_refusal_from_the_vietnamese_page() -> None:
    vietnamese = '<h1>Không tìm thấy trang</h1><div class="error-box"><p>Địa chỉ này không có.</p></div>'
    assert refusal_problems(html(404, vietnamese)) == []
    assert refusal_problems(httpx.Response(404, json={"detail": "Not Found"}))
    english = '<div class="error-box"><p>Field required: the value is missing.</p></div>'
    assert any("English" in p for p in refusal_problems(html(400, english)))
    for leak in ("qb-hoi-nguoi-mu", "[tep_minh_chung]", "gd.stc", "--next-chair", "award_form"):
        page = f'<div class="error-box"><p>Không thực hiện được: {leak} chưa đúng.</p></div>'
        assert any("codes" in p for p in refusal_problems(html(400, page))), leak
    assert any("error box" in p for p in refusal_problems(html(403, "<p>Lỗi</p>")))


def test_routes_are_told_apart_by_their_shape_not_their_ids() -> None:
    assert route_pattern("/nominations/12/files/9af3") == "/nominations/{id}/files/{id}"
    assert route_pattern("/nominations?status=&q=a") == "/nominations?q&status"
    assert route_pattern("/nominations/new") == "/nominations/new"
