"""Issue 20a through the web: the authorization matrix of the year's actions (JSON API: only the people the
law names succeed, everyone else 403 and nothing stored), and the pages — a movement launched with its
documents, a registration by form and by the Excel template (a bad row named, nothing stored), the
chair's collection, the pledge signed with its copy, and the public list of a movement's results."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.integration.helpers import row_counts
from tests.web.conftest import Browser
from tests.web.test_authorization_matrix import PEOPLE
from thidua_workflow.clock import FixedClock
from thidua_workflow.demo import REPRESENTATIVES
from thidua_workflow.domain.movements import MovementDocumentKind
from thidua_workflow.registration_sheet import FIRST_ROW
from thidua_workflow.services import accounts, movements, pledges, registrations
from thidua_workflow.services.context import Context

PDF = b"%PDF-1.4\n% phat dong\n%%EOF\n"
YEAR_PEOPLE = [*PEOPLE, "htx.chutich"]  # Liên minh HTX chairs the bloc in 2020
BLOC = "qb-khoi-hoi-dac-thu"
MOVEMENT = {
    "code": "thi-dua-2020",
    "name": "Phong trào thi đua yêu nước năm 2020",
    "launcher_kind": "province",
    "scope": "sector_local",
    "method": "regular",
    "launched_on": "2020-01-10",
    "starts_on": "2020-01-01",
    "ends_on": "2020-12-31",
    "registration_deadline": "2020-03-31",
    "blocs": [BLOC],
    "documents": [{"kind": "quyet_dinh_phat_dong", "file": "qd.pdf", "number": "68/QĐ-UBND"}],
}


def test_only_the_people_the_law_names_act_in_the_year(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    clock.set(date(2020, 1, 10))
    api = app_client().client
    headers = {
        u: {"Authorization": f"Bearer {accounts.issue_token(qb, u, 'năm').token}"} for u in YEAR_PEOPLE
    }

    def attempt(url: str, body: dict[str, Any], allowed: set[str]) -> httpx.Response:
        for user in YEAR_PEOPLE:
            if user in allowed:
                continue
            before = row_counts(qb)
            response = api.post(url, json=body, headers=headers[user])
            assert (response.status_code, response.json()["error"]) == (403, "NotPermitted"), (
                user,
                url,
                response.text,
            )
            assert row_counts(qb) == before, (user, url)
        done: httpx.Response = api.post(url, json=body, headers=headers[sorted(allowed)[0]])
        assert done.status_code in (200, 201), done.text
        return done

    files = {"qd.pdf": base64.b64encode(PDF).decode()}
    attempt("/api/movements", {"movement": MOVEMENT, "files": files}, {"cv.tdkt1"})
    lines = [{"kind": "collective", "name": "Hội Người mù tỉnh Quảng Bình", "award_form": "bang_khen_tinh"}]
    attempt(
        "/api/movements/thi-dua-2020/registrations",
        {"unit": "qb-hoi-nguoi-mu", "lines": lines},
        {"mu.canbo", "mu.chutich"},
    )
    attempt("/api/movements/thi-dua-2020/collect", {"bloc": BLOC}, {"htx.chutich"})
    criteria = [{"code": "nhiem_vu", "name": "Nhiệm vụ chính trị", "max": 100}]
    done = attempt("/api/pledges", {"bloc": BLOC, "year": 2020, "criteria": criteria}, {"htx.chutich"})
    pledge_id = done.json()["id"]
    signed = {
        "file_name": "giao-uoc.pdf",
        "content": base64.b64encode(PDF).decode(),
        "unit": "qb-hoi-nguoi-mu",
    }
    attempt(f"/api/pledges/{pledge_id}/sign", signed, {"mu.chutich"})
    # The public list of results needs no token.
    assert api.get("/api/movements/thi-dua-2020/results").json() == []


def test_the_year_on_the_pages(qb: Context, clock: FixedClock, app_client: Callable[..., Browser]) -> None:
    clock.set(date(2020, 1, 10))
    appraiser = app_client("cv.tdkt1")
    form = {
        "code": "thi-dua-2020",
        "name": "Phong trào thi đua yêu nước năm 2020",
        "launcher_kind": "province",
        "scope": "sector_local",
        "method": "regular",
        "launched_on": "10/01/2020",
        "starts_on": "01/01/2020",
        "ends_on": "31/13/2020",
        "registration_deadline": "31/03/2020",
        "blocs": BLOC,
    }
    assert appraiser.get("/movements/new").status_code == 200
    before = row_counts(qb)
    bad = appraiser.post("/movements", form, files={"decision": ("qd.pdf", PDF, "application/pdf")})
    assert bad.status_code == 400 and "Ngày kết thúc" in bad.text
    assert row_counts(qb) == before
    form["ends_on"] = "31/12/2020"
    done = appraiser.post("/movements", form, files={"decision": ("qd.pdf", PDF, "application/pdf")})
    assert done.status_code == 303, done.text
    page = appraiser.get(done.headers["location"])
    assert "Quyết định, văn bản phát động" in page.text and "Đơn vị tham gia" in page.text
    movement_id = int(done.headers["location"].rsplit("/", 1)[1])
    sha = movements.show_movement(qb, movement_id)["documents"][0]["sha256"]
    assert appraiser.get(f"/movements/{movement_id}/files/{sha}").content == PDF

    # A clerk registers on the form; another through the Excel template, one row wrong first.
    clerk = app_client("mu.canbo")
    page = clerk.get(f"/movements/{movement_id}")
    assert "Đăng ký của đơn vị" in page.text
    registered = clerk.post(
        f"/movements/{movement_id}/registrations",
        {
            "unit": "qb-hoi-nguoi-mu",
            "kind_1": "person",
            "name_1": "Trần Văn Sáng Kiến",
            "award_1": "chien_si_thi_dua_tinh",
        },
    )
    assert registered.status_code == 303, registered.text
    other = app_client("nct.canbo")
    template = other.get(f"/movements/{movement_id}/registration-template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    sheet = book["Đăng ký thi đua"]
    assert sheet["B2"].value == "qb-hoi-nct"
    sheet.cell(FIRST_ROW, 1, "Cá nhân")
    sheet.cell(FIRST_ROW, 2, "Nguyễn Thị Gương Sáng")
    sheet.cell(FIRST_ROW, 4, "co_thi_dua_tinh")  # a flag is for collectives only
    out = io.BytesIO()
    book.save(out)
    before = row_counts(qb)
    refused = other.post(
        f"/movements/{movement_id}/registrations",
        {},
        files={"workbook": ("dk.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert refused.status_code == 400 and f"dòng {FIRST_ROW}" in refused.text, refused.text
    assert row_counts(qb) == before
    sheet.cell(FIRST_ROW, 4, "chien_si_thi_dua_tinh")
    out = io.BytesIO()
    book.save(out)
    accepted = other.post(
        f"/movements/{movement_id}/registrations",
        {},
        files={"workbook": ("dk.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert accepted.status_code == 303, accepted.text
    found = registrations.list_registrations(qb, movement_id)
    assert [(r["unit"], r["lines"][0]["name"]) for r in found] == [
        ("qb-hoi-nct", "Nguyễn Thị Gương Sáng"),
        ("qb-hoi-nguoi-mu", "Trần Văn Sáng Kiến"),
    ]

    # The chair collects; then draws up the pledge; a member signs with its copy.
    chair = app_client("htx.chutich")
    assert chair.post(f"/movements/{movement_id}/collect", {"bloc": BLOC}).status_code == 303
    assert chair.get("/pledges/new").status_code == 200
    drawn = chair.post(
        "/pledges",
        {
            "bloc": BLOC,
            "year": "2020",
            "code_1": "nhiem_vu",
            "name_1": "Nhiệm vụ chính trị",
            "max_1": "60",
            "code_2": "phong_trao",
            "name_2": "Tổ chức phong trào",
            "max_2": "40",
        },
    )
    assert drawn.status_code == 303, drawn.text
    pledge_url = drawn.headers["location"]
    member = app_client("mu.chutich")
    assert "Ký giao ước" in member.get(pledge_url).text
    signed = member.post(
        f"{pledge_url}/sign", {"unit": "qb-hoi-nguoi-mu"}, files={"file": ("gu.pdf", PDF, "application/pdf")}
    )
    assert signed.status_code == 303, signed.text
    view = pledges.show_pledge(qb, int(pledge_url.rsplit("/", 1)[1]))
    assert [m["unit"] for m in view["members"] if m["signed_at"]] == ["qb-hoi-nguoi-mu"]
    for unit, (user, _sheet) in REPRESENTATIVES.items():
        if unit != "qb-hoi-nguoi-mu":
            pledges.sign(
                qb,
                user,
                view["id"],
                movements.NewDocument(MovementDocumentKind.OTHER, "g.pdf", PDF + unit.encode()),
            )
    assert pledges.show_pledge(qb, view["id"])["status"] == "signed"

    # The public list: no sign-in.
    public = app_client()
    listing = public.get("/tra-cuu/phong-trao")
    assert "Phong trào thi đua yêu nước năm 2020" in listing.text
    results = public.get("/tra-cuu/phong-trao/thi-dua-2020")
    assert results.status_code == 200 and "Chưa có quyết định khen thưởng" in results.text
