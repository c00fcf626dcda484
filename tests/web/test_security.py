"""Sign-in, CSRF, escaping, and the forbidden cases: a crafted request fails as the hidden button would."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.integration.helpers import example, row_counts, submit_example
from tests.web.conftest import PASSWORD, Browser
from tests.web.html_forms import read_page
from thidua_workflow.services import accounts, queries, rounds
from thidua_workflow.services.context import Context


def main_text(response: httpx.Response) -> str:
    return read_page(response.text).main_text


def test_pages_need_a_signed_in_person_and_public_pages_do_not(app_client: Callable[..., Browser]) -> None:
    anonymous = app_client()
    for url in ("/", "/nominations", "/nominations/1", "/rounds/1", "/sessions", "/decisions/1", "/account"):
        response = anonymous.client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login?next=")
    for url in ("/verify", "/verify/ABCD-EFGH-JKLM-NPQR", "/tra-cuu", "/login"):
        assert anonymous.get(url).status_code == 200, url
    page = anonymous.get("/verify/ABCD-EFGH-JKLM-NPQR")
    assert "Không tìm thấy" in page.text


def test_sign_in_never_redirects_to_another_site(qb: Context, app_client: Callable[..., Browser]) -> None:
    accounts.set_password(qb, "mu.canbo", PASSWORD)
    b = app_client()
    b.get("/login?next=//evil.example/steal")
    response = b.post(
        "/login", {"username": "mu.canbo", "password": PASSWORD, "next": "//evil.example/steal"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    b.get("/")  # signing in gave the session a new CSRF token
    response = b.post("/logout")
    assert response.status_code == 303
    assert b.client.get("/", follow_redirects=False).status_code == 303  # signed out


def test_a_post_without_the_sessions_csrf_token_changes_nothing(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    nomination = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    clerk = app_client("mu.canbo")
    before = row_counts(qb)
    for token in (None, "forged-token"):
        data = {"reason": "Rút thử"} | ({"csrf_token": token} if token else {})
        response = clerk.post(f"/nominations/{nomination}/withdraw", data, csrf=False)
        assert response.status_code == 403
        assert "biểu mẫu không hợp lệ" in response.text
    assert row_counts(qb) == before
    assert queries.show_nomination(qb, nomination).status != "withdrawn"


def test_user_text_is_shown_as_text_never_as_markup(qb: Context, app_client: Callable[..., Browser]) -> None:
    data = example("hoi-nguoi-mu-2019")
    data["nominations"] = data["nominations"][:1]
    data["nominations"][0]["achievement"] = '<script>alert("x")</script> Thành tích & "trích dẫn"'
    nomination = submit_example(qb, "hoi-nguoi-mu-2019", data).nomination_ids[0]
    page = app_client("mu.canbo").get(f"/nominations/{nomination}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Thành tích &amp; &#34;trích dẫn&#34;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_a_unit_sees_only_its_own_dossiers_and_their_files(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    nomination = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    detail = queries.show_nomination(qb, nomination)
    sha = detail.dossiers[0].documents[0].sha256
    own = app_client("mu.canbo")
    assert own.get(f"/nominations/{nomination}").status_code == 200
    assert own.get(f"/nominations/{nomination}/files/{sha}").content.startswith(b"%PDF")
    # Another unit's clerk (who judges nothing): neither the dossier, its file, nor a line in the list.
    # The dossier and its file answer exactly as a missing one would (issue 14): no 403 to tell them apart.
    outsider = app_client("nct.canbo")
    for hidden, missing in [
        (f"/nominations/{nomination}", "/nominations/999999"),
        (f"/nominations/{nomination}/files/{sha}", f"/nominations/999999/files/{sha}"),
    ]:
        seen, absent = outsider.get(hidden), outsider.get(missing)
        assert seen.status_code == absent.status_code == 404
        assert main_text(seen).replace(str(nomination), "N") == main_text(absent).replace("999999", "N")
    assert "Hội Người mù" not in outsider.get("/nominations").text
    # Another member unit's representative judges the bloc's dossiers, so sees them.
    assert app_client("nct.chutich").get(f"/nominations/{nomination}").status_code == 200


def test_withdrawing_another_units_nomination_is_refused_like_the_missing_button(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    nomination = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    other_clerk = app_client("nct.canbo")
    page = other_clerk.get(f"/nominations/{nomination}")
    assert "Rút hồ sơ này" not in page.text
    before = row_counts(qb)
    response = other_clerk.post(f"/nominations/{nomination}/withdraw", {"reason": "Không phải của tôi"})
    missing = other_clerk.post("/nominations/999999/withdraw", {"reason": "Không phải của tôi"})
    assert response.status_code == missing.status_code == 404  # as a dossier that is not there
    assert main_text(response).replace(str(nomination), "N") == main_text(missing).replace("999999", "N")
    assert row_counts(qb) == before


def test_a_representative_cannot_vote_on_its_own_units_nomination_by_a_crafted_form(
    qb: Context, clock: object, app_client: Callable[..., Browser]
) -> None:
    from datetime import date

    from thidua_workflow.clock import FixedClock

    assert isinstance(clock, FixedClock)
    own = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    submit_example(qb, "hoi-nguoi-cao-tuoi-2019")
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    clock.set(date(2019, 12, 17))
    rounds.open_voting(qb, "nct.chutich", round_id)
    rep = app_client("mu.chutich")
    rep.get(f"/rounds/{round_id}")
    before = row_counts(qb)
    response = rep.post(f"/rounds/{round_id}/act", {f"vote__{own}": "yes"})
    assert response.status_code in (400, 403)
    assert "đơn vị" in response.text
    assert row_counts(qb) == before


def test_council_pages_are_for_the_province_bodies(qb: Context, app_client: Callable[..., Browser]) -> None:
    clerk = app_client("mu.canbo")
    assert clerk.get("/sessions").status_code == 403
    assert "Phiên họp Hội đồng" not in clerk.get("/").text.split("<main>")[0]
