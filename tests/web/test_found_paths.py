"""Regressions for what trying the web app as each role found (issue 13): each failed before its fix."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest

from flows.inline import run_inline
from tests.conftest import EXAMPLES
from tests.integration.helpers import COUNCIL, example_scores, row_counts, submit_example, to_council
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.demo import Scenario
from thidua_workflow.domain.enums import Choice, DecisionStatus
from thidua_workflow.services import accounts, council, decisions, queries, rounds, tasks
from thidua_workflow.services.context import Context
from thidua_workflow.web.app import HTTP_PAGES, SERVER_ERROR
from thidua_workflow.web.core import DATE_PATTERN, parse_typed_date, typed_date

BLOC_NAME = "Khối thi đua các hội đặc thù"


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
    assert '"detail"' not in response.text and "Not Found" not in response.text
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

    monkeypatch.setattr(queries, "page_nominations", broken)  # the list page and the API both read pages
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


@pytest.fixture
def voting_with_a_returned_dossier(qb: Context) -> tuple[int, int]:
    """The 2019 round voting, with Hội Nhà báo's dossier returned by the chair before it opened."""
    for name in ("hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019", "hoi-nha-bao-2019"):
        submit_example(qb, name)
    returned = next(n.id for n in queries.list_nominations(qb, unit="qb-hoi-nha-bao"))
    rounds.return_dossier(qb, "nct.chutich", returned, "Thành tích chưa cụ thể; bổ sung số liệu.")
    round_id = rounds.find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    rounds.open_voting(qb, "nct.chutich", round_id)
    return round_id, returned


def test_a_refused_bloc_ballot_stores_neither_its_scores_nor_its_votes(
    qb: Context, app_client: Callable[..., Browser], voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    task = next(t for t in tasks.list_tasks(qb, "khkt.chutich") if t.kind == "round_vote")
    others = [n["id"] for n in rounds.show_round(qb, round_id).nominations if n["id"] != returned]
    token = accounts.issue_token(qb, "khkt.chutich", "kiểm thử").token
    before = row_counts(qb)
    refused = app_client().client.post(
        f"/api/tasks/{task.id}/act",
        json={"decision": "vote", "scores": example_scores("lien-hiep-khkt"), "approve": [*others, returned]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 400 and "không nằm trong vòng" in refused.json()["message"]
    assert row_counts(qb) == before
    # The same unit can then send its whole ballot: nothing half-stored blocks it.
    accepted = tasks.act(
        qb,
        "khkt.chutich",
        task.id,
        "vote",
        tasks.Payload(scores=example_scores("lien-hiep-khkt"), approve=set(others)),
    )
    assert accepted.summary == "đã bỏ phiếu đủ"


def test_the_bloc_ballot_offers_only_what_is_on_it_and_refuses_a_blank_one(
    qb: Context, app_client: Callable[..., Browser], voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    member = app_client("khkt.chutich")
    page = member.get(f"/rounds/{round_id}").text
    assert f'name="vote__{returned}"' not in page
    offered = sorted(int(i) for i in set(re.findall(r'name="vote__(\d+)"', page)))
    assert offered and returned not in offered
    scores = {
        f"score__{unit}__{code}": str(points)
        for unit, row in example_scores("lien-hiep-khkt").items()
        for code, points in row.items()
    }
    before = row_counts(qb)
    blank = member.post(f"/rounds/{round_id}/act", scores)
    assert blank.status_code == 400 and "Phiếu chưa có ý kiến nào" in blank.text
    assert row_counts(qb) == before
    # A stale page's tick on the returned dossier is not held against the rest of the ballot.
    votes = {f"vote__{i}": "yes" for i in offered[:1]} | {f"vote__{returned}": "yes"}
    sent = member.post(f"/rounds/{round_id}/act", scores | votes)
    assert sent.status_code == 303, sent.text
    told = member.get(sent.headers["location"]).text
    left = offered[1:]
    assert "[" not in told.split("Đã xử lý", 1)[1].split("</p>", 1)[0]
    assert all(f"số {i} (" in told for i in left)


def test_a_score_that_is_no_number_names_the_unit_scored_not_its_code(
    qb: Context, app_client: Callable[..., Browser], voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, _returned = voting_with_a_returned_dossier
    member = app_client("khkt.chutich")
    page = member.get(f"/rounds/{round_id}").text
    field = re.search(r'name="(score__([a-z0-9-]+)__[a-z0-9_]+)"', page)
    assert field is not None
    before = row_counts(qb)
    refused = member.post(f"/rounds/{round_id}/act", {field.group(1): "tám mươi"})
    assert refused.status_code == 400
    told = html.unescape(refused.text).split("Điểm 'tám mươi' của ", 1)[1].split("<", 1)[0]
    assert field.group(2) not in told and "(" in told
    assert row_counts(qb) == before


def test_members_see_no_running_tally_until_the_chair_closes(
    qb: Context, app_client: Callable[..., Browser], voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    round_id, returned = voting_with_a_returned_dossier
    offered = [n["id"] for n in rounds.show_round(qb, round_id).nominations if n["id"] != returned]
    rounds.cast_ballot(
        qb,
        "htx.chutich",
        round_id,
        scores=example_scores("lien-minh-htx"),
        approve=set(),
        reject=set(offered),
    )
    member = app_client("khkt.chutich").get(f"/rounds/{round_id}").text
    assert "Kết quả tạm tính" not in member and "/9" not in member and "Không</span>" not in member
    chair = app_client("nct.chutich").get(f"/rounds/{round_id}").text
    assert "Kết quả tạm tính" in chair and "0/9" in chair


def test_the_round_list_names_blocs_not_their_codes(
    app_client: Callable[..., Browser], voting_with_a_returned_dossier: tuple[int, int]
) -> None:
    listing = app_client("khkt.chutich").get("/rounds").text
    assert "qb-khoi-hoi-dac-thu" not in listing and BLOC_NAME in listing


def test_the_api_documents_every_answer_it_gives(qb: Context, app_client: Callable[..., Browser]) -> None:
    document = app_client().client.get("/api/openapi.json").json()
    components = document["components"]["schemas"]
    assert {"error", "message", "problems"} <= set(components["ErrorOut"]["properties"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "404", "409", "503"} <= codes, f"{method} {path}: {sorted(codes)}"
            # The public look-up's answers: a movement's results are public like the awardees.
            public = path.startswith(("/api/verify", "/api/awardees")) or (
                path.startswith("/api/movements/") and path.endswith("/results")
            )
            assert public or {"401", "403"} <= codes, f"{method} {path}: {sorted(codes)}"
            assert "$ref" in str(operation["responses"]["400"]["content"]), f"{method} {path}"
    # A request valid by the schema but not by the rules gets the documented body.
    submitted = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    token = accounts.issue_token(qb, "mu.canbo", "kiểm thử").token
    before = row_counts(qb)
    refused = app_client().client.post(
        f"/api/nominations/{submitted}/withdraw",
        json={"reason": ""},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 400, refused.text
    assert set(refused.json()) <= {"error", "message", "problems"} and refused.json()["message"]
    assert row_counts(qb) == before


@pytest.mark.parametrize(
    ("typed", "read"),
    [("05/01/2020", date(2020, 1, 5)), ("5/1/2020", date(2020, 1, 5)), ("2020-01-05", date(2020, 1, 5))],
)
def test_dates_are_typed_day_first(typed: str, read: date) -> None:
    assert parse_typed_date(typed) == read
    assert typed_date(typed) == "05/01/2020"


@pytest.mark.parametrize("typed", ["01/13/2020", "31/02/2020", "2020/01/05", "hôm qua"])
def test_a_date_that_is_no_day_first_date_is_not_read(typed: str) -> None:
    assert parse_typed_date(typed) is None
    assert typed_date(typed) == typed  # shown back as typed, for the person to correct


def test_date_fields_take_dd_mm_yyyy_whatever_the_browsers_locale(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    clerk = app_client("mu.canbo")
    page = clerk.get("/nominations/new").text
    assert 'type="date"' not in page
    for name in ("to_trinh_date", "bien_ban_date", "evidence_date"):
        assert re.search(
            rf'<input type="text"[^>]*pattern="{re.escape(DATE_PATTERN)}"[^>]*name="{name}"', page
        )
    before = row_counts(qb)
    refused = clerk.client.post(
        "/nominations/new",
        data={"csrf_token": clerk.csrf, "to_trinh_date": "12/31/2019", "year": "2019"},
        files={"to_trinh_file": ("to-trinh.pdf", b"%PDF-1.4 to trinh", "application/pdf")},
    )
    assert refused.status_code == 400
    assert "Ngày tờ trình: &#39;12/31/2019&#39; không phải ngày dạng ngày/tháng/năm" in refused.text
    assert 'value="12/31/2019"' in refused.text  # kept for the clerk to correct
    assert row_counts(qb) == before
