"""Accounts and sessions as a security reviewer checks them (issue 14, OWASP ASVS level 1): sessions that
end, throttling no stranger can abuse, real passwords, the Secure cookie and no-store, no 403-vs-404
oracle, and operator-started password resets — through the pages and the JSON API, on both databases."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import COUNCIL, row_counts, submit_example, to_council
from tests.web.conftest import PASSWORD, Browser
from tests.web.html_forms import read_page
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain import passwords
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import Conflict, InputRejected, NotPermitted
from thidua_workflow.services import accounts, council, decisions, rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation
from thidua_workflow.web.app import create_app

NEW_PASSWORD = "song-nhat-le-mua-thu"
CODE = re.compile(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}")


@pytest.fixture
def open_client(qb: Context) -> Iterator[Callable[..., Browser]]:
    """Browsers over one app, each from the address given (the default TestClient peer otherwise)."""
    apps: dict[str, Any] = {}
    clients: list[TestClient] = []

    def make(address: str = "testclient", base_url: str = "http://testserver") -> Browser:
        if "app" not in apps:
            apps["app"] = create_app(qb)
        client = TestClient(apps["app"], base_url=base_url, client=(address, 50000))
        clients.append(client)
        return Browser(client)

    yield make
    for client in clients:
        client.close()


def sign_in(b: Browser, username: str, password: str = PASSWORD) -> httpx.Response:
    b.get("/login")
    response = b.post("/login", {"username": username, "password": password})
    b.get("/")
    return response


def signed_in_as(b: Browser) -> str | None:
    """Whose session the browser holds: the name on the page, or None when it is asked to sign in."""
    response = b.client.get("/account", follow_redirects=False)
    if response.status_code != 200:
        return None
    return read_page(response.text).main_text.split(" Tên đăng nhập: ")[1].split()[0]


def main_text(response: httpx.Response) -> str:
    return read_page(response.text).main_text


# --- 1. sessions live on the server ----------------------------------------------------------------


def test_a_cookie_copied_before_logout_opens_nothing_after_it(
    qb: Context, app_client: Callable[..., Browser], open_client: Callable[..., Browser]
) -> None:
    b = app_client("mu.canbo")
    copied = dict(b.client.cookies)
    assert b.post("/logout").status_code == 303
    thief = open_client()
    thief.client.cookies.update(copied)
    response = thief.client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert signed_in_as(thief) is None


def test_a_password_change_ends_the_accounts_other_sessions_and_keeps_this_one(
    qb: Context, app_client: Callable[..., Browser], open_client: Callable[..., Browser]
) -> None:
    here = app_client("mu.canbo")
    elsewhere = open_client("10.1.1.9")
    assert sign_in(elsewhere, "mu.canbo").status_code == 303
    bystander = app_client("nct.canbo")
    page = here.get("/account")
    assert "10.1.1.9" in page.text  # the person sees where else they are signed in
    changed = here.post(
        "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    assert signed_in_as(here) == "mu.canbo"
    assert signed_in_as(elsewhere) is None
    assert signed_in_as(bystander) == "nct.canbo"
    assert sign_in(open_client(), "mu.canbo", NEW_PASSWORD).status_code == 303


def test_a_person_ends_their_other_sessions_from_the_account_page(
    qb: Context, app_client: Callable[..., Browser], open_client: Callable[..., Browser]
) -> None:
    here = app_client("mu.canbo")
    first, second = open_client("10.1.1.8"), open_client("10.1.1.9")
    sign_in(first, "mu.canbo")
    sign_in(second, "mu.canbo")
    sessions = accounts.list_sessions(qb, "mu.canbo")
    one = next(s.id for s in sessions if s.client_address == "10.1.1.8")
    here.get("/account")
    assert here.post(f"/account/sessions/{one}/end").status_code == 303
    assert signed_in_as(first) is None and signed_in_as(second) == "mu.canbo"
    # Someone else's session is not theirs to end: it answers as one that does not exist.
    other = app_client("nct.canbo")
    other.get("/account")
    mine = accounts.list_sessions(qb, "mu.canbo")[0].id
    assert other.post(f"/account/sessions/{mine}/end").status_code == 404
    here.get("/account")
    assert here.post("/account/sessions/end-others").status_code == 303
    assert signed_in_as(second) is None and signed_in_as(here) == "mu.canbo"


def test_an_account_made_inactive_is_signed_out_and_stays_out_when_made_active_again(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    b = app_client("mu.canbo")
    org = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
    person = next(p for p in org["people"] if p["username"] == "mu.canbo")
    person["active"] = False
    load_organisation(qb, org)
    assert signed_in_as(b) is None
    person["active"] = True
    load_organisation(qb, org)
    assert signed_in_as(b) is None  # the session ended with the account; a new sign-in is needed


def test_a_session_ends_after_the_idle_time_and_after_the_absolute_time(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    assert (qb.settings.web_idle_minutes, qb.settings.web_session_hours) == (30, 10)
    idle = app_client("mu.canbo")
    clock.advance(timedelta(minutes=31))
    assert signed_in_as(idle) is None
    busy = app_client("nct.canbo")
    for _ in range(29):  # a request every 20 minutes keeps it alive… for 9 h 40 min
        clock.advance(timedelta(minutes=20))
        assert signed_in_as(busy) == "nct.canbo"
    clock.advance(timedelta(minutes=20))  # …but not past 10 hours after signing in
    assert signed_in_as(busy) is None


def test_tokens_are_listed_and_revoked_by_their_owner_and_by_an_operator(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    api = app_client().client
    first = accounts.issue_token(qb, "mu.canbo", "phần mềm văn bản")
    second = accounts.issue_token(qb, "mu.canbo", "bảng tính")
    stranger = accounts.issue_token(qb, "nct.canbo", "của người khác")
    own = {"Authorization": f"Bearer {first.token}"}
    listed = api.get("/api/tokens", headers=own).json()
    assert [(t["id"], t["label"], t["revoked_at"]) for t in listed] == [
        (first.id, "phần mềm văn bản", None),
        (second.id, "bảng tính", None),
    ]
    assert "token" not in listed[0]
    # Not the owner's token, nor anyone's: the same answer.
    foreign = api.post(f"/api/tokens/{stranger.id}/revoke", headers=own)
    missing = api.post("/api/tokens/999999/revoke", headers=own)
    assert foreign.status_code == missing.status_code == 404
    assert api.get("/api/tokens?owner=nct.canbo", headers=own).status_code == 403
    revoked = api.post(f"/api/tokens/{second.id}/revoke", headers=own)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert api.get("/api/me", headers={"Authorization": f"Bearer {second.token}"}).status_code == 401
    # The operator: sees anyone's tokens, revokes them through the API and on the accounts page.
    operator = {"Authorization": f"Bearer {accounts.issue_token(qb, 'quantri', 'vận hành').token}"}
    theirs = api.get("/api/tokens?owner=nct.canbo", headers=operator).json()
    assert [t["id"] for t in theirs] == [stranger.id]
    assert api.post(f"/api/tokens/{stranger.id}/revoke", headers=operator).status_code == 200
    page = app_client("quantri").get("/accounts")
    assert f"/accounts/tokens/{first.id}/revoke" in page.text
    b = app_client("quantri")
    b.get("/accounts")
    assert b.post(f"/accounts/tokens/{first.id}/revoke").status_code == 303
    assert api.get("/api/me", headers=own).status_code == 401
    # The owner on the account page.
    owner_page = app_client("mu.canbo").get("/account")
    assert "Đã thu hồi" in owner_page.text
    # The accounts page is the operators'.
    assert app_client("mu.canbo").get("/accounts").status_code == 403


# --- 2. throttling ---------------------------------------------------------------------------------


def test_failures_from_one_address_hold_up_that_address_only_and_say_the_same_for_every_name(
    qb: Context, open_client: Callable[..., Browser], monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.set_password(qb, "mu.canbo", PASSWORD)
    verified: list[str] = []
    real_verify = accounts._verify

    def counted(digest: str, password: str) -> bool:
        verified.append(digest)
        return real_verify(digest, password)

    monkeypatch.setattr(accounts, "_verify", counted)
    stranger = open_client("203.0.113.7")
    stranger.get("/login")
    answers: dict[str, list[tuple[int, str]]] = {}
    for name in ("mu.canbo", "khong.co.ai"):
        answers[name] = []
        for _ in range(accounts.FREE_FAILURES + 2):
            verified.clear()
            response = stranger.post("/login", {"username": name, "password": "sai-mat-khau-roi"})
            answers[name].append((response.status_code, main_text(response).replace(name, "NAME")))
            # One Argon2 check for a known name and for an unknown one (none once held up).
            assert len(verified) == (1 if response.status_code == 401 else 0)
        assert answers[name][0][0] == 401 and accounts.SIGN_IN_FAILED in answers[name][0][1]
    # …and an unknown one exactly the same, page for page, throttled alike.
    assert answers["mu.canbo"] == answers["khong.co.ai"]
    assert answers["mu.canbo"][-1][0] == 429 and "thử lại sau" in answers["mu.canbo"][-1][1]
    # Even the right password waits, from that address…
    held = stranger.post("/login", {"username": "mu.canbo", "password": PASSWORD})
    assert held.status_code == 429
    # …while the owner, from their own machine, gets in at once.
    owner = open_client("198.51.100.20")
    assert sign_in(owner, "mu.canbo").status_code == 303
    assert signed_in_as(owner) == "mu.canbo"


def test_the_wait_grows_with_each_failure_and_a_success_clears_it(qb: Context, clock: FixedClock) -> None:
    accounts.set_password(qb, "mu.canbo", PASSWORD)
    waits: list[int] = []
    free = 0
    while len(waits) < 4:
        try:
            accounts.authenticate(qb, "mu.canbo", "sai-mat-khau-roi", client="203.0.113.7")
        except accounts.Throttled as exc:
            waits.append(int(re.findall(r"sau (\d+) giây", exc.message)[0]))
            clock.advance(timedelta(seconds=waits[-1]))
        except NotPermitted:
            free += 0 if waits else 1
    assert free == accounts.FREE_FAILURES + 1
    assert waits == sorted(waits) and waits[-1] >= 4 * waits[0] - 4
    assert accounts.authenticate(qb, "mu.canbo", PASSWORD, client="203.0.113.7").username == "mu.canbo"
    with pytest.raises(NotPermitted) as fresh:  # a success wipes the count
        accounts.authenticate(qb, "mu.canbo", "sai-mat-khau-roi", client="203.0.113.7")
    assert not isinstance(fresh.value, accounts.Throttled)


def test_the_client_address_comes_from_a_trusted_proxy_only(
    qb: Context, open_client: Callable[..., Browser], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qb.settings, "web_trusted_proxies", "127.0.0.1, 10.0.0.0/8")
    accounts.set_password(qb, "mu.canbo", PASSWORD)
    proxy = open_client("127.0.0.1")
    proxy.get("/login")
    for _ in range(accounts.FREE_FAILURES + 1):
        proxy.post(
            "/login",
            {"username": "mu.canbo", "password": "sai-mat-khau-roi"},
            headers={"X-Forwarded-For": "203.0.113.7, 10.2.3.4"},
        )
    # The failures were counted for the client the proxy named (past the inner proxy 10.2.3.4)…
    held = proxy.post(
        "/login", {"username": "mu.canbo", "password": PASSWORD}, headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert held.status_code == 429
    # …so the owner behind the same proxy is not held up;
    fine = proxy.post(
        "/login", {"username": "mu.canbo", "password": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.20"}
    )
    assert fine.status_code == 303
    assert [s.client_address for s in accounts.list_sessions(qb, "mu.canbo")] == ["198.51.100.20"]
    # and a stranger who is no proxy cannot name another address to dodge the wait.
    direct = open_client("203.0.113.7")
    direct.get("/login")
    dodged = direct.post(
        "/login", {"username": "mu.canbo", "password": PASSWORD}, headers={"X-Forwarded-For": "192.0.2.1"}
    )
    assert dodged.status_code == 429


# --- 3. passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("1111111111", passwords.TOO_SHORT),
        ("111111111111", passwords.REPEATED),
        ("abcabcabcabc", passwords.REPEATED),
        ("123456789012", passwords.SEQUENTIAL),
        ("Password1234", passwords.COMMON),
        ("Mật khẩu 2020", passwords.COMMON),
        ("mu.canbo.2020", passwords.ACCOUNT),
        ("{full_name} 1975", passwords.ACCOUNT),
    ],
)
def test_a_weak_password_is_refused_naming_the_rule(
    qb: Context, app_client: Callable[..., Browser], password: str, rule: str
) -> None:
    b = app_client("mu.canbo")
    full_name = b.get("/account").text.split("<h1>")[1].split("</h1>")[0]
    password = password.format(full_name=full_name)
    before = row_counts(qb)
    response = b.post("/account/password", {"current": PASSWORD, "new": password, "repeat": password})
    assert response.status_code == 400
    assert rule in main_text(response)
    assert row_counts(qb) == before
    assert sign_in(app_client(), "mu.canbo").status_code == 303  # the old password still works


def test_the_demo_password_and_the_tests_password_pass_the_rules() -> None:
    from thidua_workflow.demo import DEMO_PASSWORD

    for org in ("quang-binh", "quang-tri-2025"):
        for person in read_yaml(EXAMPLES / org / "org.yaml")["people"]:
            for good in (DEMO_PASSWORD, PASSWORD, NEW_PASSWORD):
                passwords.check_password(good, username=person["username"], full_name=person["full_name"])


# --- 4. the Secure cookie, trusted proxies, no-store -----------------------------------------------


def session_cookie(response: httpx.Response) -> str:
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "thidua_session" in v)


def test_the_session_cookie_is_secure_over_https_directly_or_through_a_trusted_proxy(
    qb: Context, open_client: Callable[..., Browser], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qb.settings, "web_trusted_proxies", "127.0.0.1")
    accounts.set_password(qb, "mu.canbo", PASSWORD)
    plain = open_client()
    assert "secure" not in session_cookie(plain.get("/login")).lower()
    tls = open_client(base_url="https://testserver")
    assert "; secure" in session_cookie(tls.get("/login")).lower()
    signed = sign_in(tls, "mu.canbo")
    assert "; secure" in session_cookie(signed).lower() and "httponly" in session_cookie(signed).lower()
    proxied = open_client("127.0.0.1")
    answer = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "; secure" in session_cookie(answer).lower()
    untrusted = open_client("203.0.113.7")
    answer = untrusted.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "secure" not in session_cookie(answer).lower()


def test_pages_and_api_answers_are_not_stored_by_browsers_or_proxies(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    b = app_client("mu.canbo")
    for url in ("/", "/account", "/nominations", "/login"):
        assert b.get(url).headers["cache-control"] == "no-store", url
    api = app_client().client
    token = accounts.issue_token(qb, "mu.canbo", "kiểm tra").token
    for url in ("/api/me", "/api/tasks", "/api/nominations/999999"):
        response = api.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.headers["cache-control"] == "no-store", url
    assert "no-store" not in api.get("/static/style.css").headers.get("cache-control", "")


# --- 5. another unit's things answer as missing ones -----------------------------------------------


def test_posting_on_another_units_dossier_answers_as_on_a_missing_one(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    nomination = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    outsider = app_client("nct.canbo")
    outsider.get("/")
    before = row_counts(qb)
    for action, data in [("appraise", {"decision": "pass"}), ("resubmit", {"achievement": "x"})]:
        hidden = outsider.post(f"/nominations/{nomination}/{action}", data)
        missing = outsider.post(f"/nominations/999999/{action}", data)
        assert hidden.status_code == missing.status_code == 404, action
        assert main_text(hidden).replace(str(nomination), "N") == main_text(missing).replace("999999", "N")
    assert row_counts(qb) == before
    # A dossier the person may see but has no task on still says so.
    appraiser = app_client("cv.tdkt1")
    appraiser.get("/")
    nothing = appraiser.post(f"/nominations/{nomination}/appraise", {"decision": "pass"})
    assert nothing.status_code == 409 and "không có việc nào" in main_text(nothing)


def test_a_task_one_may_not_see_answers_as_a_missing_one_in_the_api(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    clock.set(date(2020, 5, 15))
    submit_example(qb, "hoi-lhtn-2020-dot-xuat")  # ad hoc: straight to the appraisers
    api = app_client().client
    appraiser = {"Authorization": f"Bearer {accounts.issue_token(qb, 'cv.tdkt1', 'a').token}"}
    clerk = {"Authorization": f"Bearer {accounts.issue_token(qb, 'htx.canbo', 'b').token}"}
    task = api.get("/api/tasks", headers=appraiser).json()[0]["id"]
    before = row_counts(qb)
    hidden = api.post(f"/api/tasks/{task}/act", json={"decision": "pass"}, headers=clerk)
    missing = api.post("/api/tasks/999999/act", json={"decision": "pass"}, headers=clerk)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace(str(task), "N") == missing.json()["message"].replace(
        "999999", "N"
    )
    assert row_counts(qb) == before


def test_a_draft_decision_answers_as_a_missing_one_to_who_may_not_see_drafts(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL)
    needs = [i["nomination"] for i in view.items if i["needs_vote"]]
    for member in COUNCIL:
        council.cast_ballot(qb, member, view.id, dict.fromkeys(needs, Choice.YES))
    council.close_session(qb, "tb.tdkt", view.id, proposal_ref="12/TTr-SNV")
    draft = next(d.id for d in decisions.list_decisions(qb) if d.status == "draft")
    api = app_client().client
    clerk = {"Authorization": f"Bearer {accounts.issue_token(qb, 'mu.canbo', 'c').token}"}
    hidden = api.get(f"/api/decisions/{draft}", headers=clerk)
    missing = api.get("/api/decisions/999999", headers=clerk)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace(str(draft), "N") == missing.json()["message"].replace(
        "999999", "N"
    )
    page = app_client("mu.canbo")
    seen, absent = page.get(f"/decisions/{draft}"), page.get("/decisions/999999")
    assert seen.status_code == absent.status_code == 404
    assert main_text(seen).replace(str(draft), "N") == main_text(absent).replace("999999", "N")
    assert app_client("cv.tdkt1").get(f"/decisions/{draft}").status_code == 200


# --- 6. operator-started password reset ------------------------------------------------------------


def test_an_operator_hands_over_a_one_time_code_that_sets_a_new_password_and_ends_sessions(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser], open_client: Callable[..., Browser]
) -> None:
    forgot = app_client("mu.canbo")  # still signed in somewhere, then forgets the password
    operator = app_client("quantri")
    operator.get("/accounts")
    page = operator.post("/accounts/reset", {"username": "mu.canbo"})
    assert page.status_code == 200
    code = CODE.findall(page.text)[0]
    assert code not in str(row_counts(qb))  # only its hash is kept (checked below through the service)
    person = open_client()
    person.get("/reset-password")
    weak = person.post(
        "/reset-password",
        {"username": "mu.canbo", "code": code, "new": "111111111111", "repeat": "111111111111"},
    )
    assert weak.status_code == 400 and passwords.REPEATED in main_text(weak)
    wrong = person.post(
        "/reset-password",
        {"username": "nct.canbo", "code": code, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and accounts.RESET_REFUSED in main_text(wrong)
    done = person.post(
        "/reset-password", {"username": "mu.canbo", "code": code, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert signed_in_as(forgot) is None
    assert sign_in(open_client(), "mu.canbo", NEW_PASSWORD).status_code == 303
    person.get("/reset-password")
    again = person.post(
        "/reset-password",
        {"username": "mu.canbo", "code": code, "new": NEW_PASSWORD + "!", "repeat": NEW_PASSWORD + "!"},
    )
    assert again.status_code == 400 and "đã được dùng" in main_text(again)
    # A code not used in time is refused as expired; a newer code makes an older one useless.
    late = accounts.issue_reset(qb, "mu.canbo", by="quantri")
    clock.advance(timedelta(hours=qb.settings.password_reset_hours, seconds=1))
    expired = person.post(
        "/reset-password",
        {"username": "mu.canbo", "code": late.code, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert expired.status_code == 400 and "hết hạn" in main_text(expired)
    older = accounts.issue_reset(qb, "mu.canbo", by=None)
    newer = accounts.issue_reset(qb, "mu.canbo", by=None)
    with pytest.raises(InputRejected, match="hết hạn"):
        accounts.redeem_reset(qb, "mu.canbo", older.code, "mot-mat-khau-khac-han")
    assert (
        accounts.redeem_reset(qb, "mu.canbo", newer.code.lower(), "mot-mat-khau-khac-han").username
        == "mu.canbo"
    )
    # Only an operator may issue a code.
    clerk = app_client("nct.canbo")
    clerk.get("/account")
    assert clerk.post("/accounts/reset", {"username": "mu.canbo"}).status_code == 403


def test_one_reset_code_used_twice_at_once_sets_one_password(qb: Context) -> None:
    issued = accounts.issue_reset(qb, "mu.canbo", by="quantri")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(password: str) -> None:
        barrier.wait()
        try:
            accounts.redeem_reset(qb, "mu.canbo", issued.code, password)
            outcomes[password] = "set"
        except (InputRejected, Conflict) as exc:
            outcomes[password] = type(exc).__name__

    threads = [threading.Thread(target=attempt, args=(p,)) for p in ("mot-mat-khau-khac-han", NEW_PASSWORD)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()).count("set") == 1, outcomes
    winner = next(p for p, o in outcomes.items() if o == "set")
    loser = next(p for p in outcomes if p != winner)
    assert accounts.authenticate(qb, "mu.canbo", winner).username == "mu.canbo"
    with pytest.raises(NotPermitted):
        accounts.authenticate(qb, "mu.canbo", loser)


def test_another_blocs_round_answers_as_a_missing_one(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    org = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
    org["people"].append(
        {
            "username": "snv.vanthu",
            "full_name": "Lê Thị Ngoài Khối",
            "unit": "qb-so-noi-vu",
            "position": "Văn thư",
            "roles": ["unit_clerk"],
        }
    )
    load_organisation(qb, org)
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    outsider = app_client("snv.vanthu")
    seen, absent = outsider.get(f"/rounds/{round_id}"), outsider.get("/rounds/999999")
    assert seen.status_code == absent.status_code == 404
    assert main_text(seen).replace(str(round_id), "N") == main_text(absent).replace("999999", "N")
    api = app_client().client
    token = {"Authorization": f"Bearer {accounts.issue_token(qb, 'snv.vanthu', 'd').token}"}
    hidden, missing = (
        api.get(f"/api/rounds/{round_id}", headers=token),
        api.get("/api/rounds/999999", headers=token),
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace(str(round_id), "N") == missing.json()["message"].replace(
        "999999", "N"
    )
    assert app_client("mu.canbo").get(f"/rounds/{round_id}").status_code == 200
