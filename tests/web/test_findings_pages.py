"""Issue 18 on the web: the appraiser records a finding per criterion "cần thẩm định" on the dossier page,
and the Ban's staff and operators see a banner while NĐ 152/2025 is about to lapse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.integration.helpers import example, merge_2025, row_counts, submit_example
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination


def test_the_appraiser_records_a_finding_on_the_dossier_page(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    clock.set(date(2020, 5, 15))
    nomination = submit_example(qb, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    appraiser = app_client("cv.tdkt1")
    page = appraiser.get(f"/nominations/{nomination}")
    assert page.status_code == 200
    assert "? Cần thẩm định" in page.text and "Tiêu chuẩn cần thẩm định" in page.text
    assert f'action="/nominations/{nomination}/findings"' in page.text
    version = show_nomination(qb, nomination).version
    # The pass is refused while the criterion has no finding: the page says which and why.
    refused = appraiser.post(f"/nominations/{nomination}/appraise", {"decision": "pass", "version": ""})
    assert refused.status_code == 400, refused.text
    assert "cần thẩm định chưa có kết quả" in refused.text
    # A finding without a reason is refused and writes nothing.
    before = row_counts(qb)
    empty = appraiser.post(
        f"/nominations/{nomination}/findings",
        {"rule": "bang_khen_ho_gia_dinh", "finding": "met", "reason": "", "version": str(version)},
    )
    assert empty.status_code == 400 and row_counts(qb) == before
    done = appraiser.post(
        f"/nominations/{nomination}/findings",
        {
            "rule": "bang_khen_ho_gia_dinh",
            "finding": "met",
            "reason": "UBND xã xác nhận ủng hộ 20 tấn gạo.",
            "version": str(version),
        },
    )
    assert done.status_code == 303, done.text
    shown = appraiser.get(done.headers["location"])
    assert "Đã ghi kết quả thẩm định: Tiêu chuẩn Bằng khen cho hộ gia đình — đạt." in shown.text
    assert "Kết quả thẩm định: đạt — UBND xã xác nhận ủng hộ 20 tấn gạo." in shown.text
    # The same form again, from the page as it was before: the version has moved on.
    stale = appraiser.post(
        f"/nominations/{nomination}/findings",
        {
            "rule": "bang_khen_ho_gia_dinh",
            "finding": "not_met",
            "reason": "Xem lại.",
            "version": str(version),
        },
    )
    assert stale.status_code == 409
    passed = appraiser.post(f"/nominations/{nomination}/appraise", {"decision": "pass"})
    assert passed.status_code == 303
    assert show_nomination(qb, nomination).status == "council_approved"
    # The unit that submitted it records nothing (it may see its dossier, not appraise it).
    clerk = app_client("lhtn.canbo")
    clerk.get(f"/nominations/{nomination}")
    assert "Tiêu chuẩn cần thẩm định" not in clerk.get(f"/nominations/{nomination}").text


def test_the_dossier_page_shows_discipline_levels_and_maternity_leave(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    data = example("hoi-nguoi-cao-tuoi-2019")
    flag, person = data["nominations"]
    flag.setdefault("declared", {})["members"] = {
        "total": 10,
        "completed_tasks": 10,
        "lao_dong_tien_tien": 8,
        "chien_si_thi_dua_co_so": 1,
        "disciplined": 2,
        "discipline": {"khien_trach": 2},
        "women": 7,
    }
    person["declared"] |= {"woman": True, "maternity_leave": [{"starts": "2018-03-01", "ends": "2018-08-31"}]}
    flag_id, person_id = submit_example(qb, "hoi-nguoi-cao-tuoi-2019", data).nomination_ids
    clerk = app_client("nct.canbo")
    assert "Thành viên bị kỷ luật:</em> Khiển trách: 2" in clerk.get(f"/nominations/{flag_id}").text
    page = clerk.get(f"/nominations/{person_id}").text
    assert "01/03/2018 – 31/08/2018" in page and "Đối tượng là nữ" in page


def test_the_ban_and_operators_are_warned_before_the_decree_lapses(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    merge_2025(qb, clock)
    clock.set(date(2027, 1, 10))
    appraiser = app_client("cv.tdkt.qt")
    inbox = appraiser.get("/")
    assert "policy-lapse" in inbox.text
    assert "hết hiệu lực từ ngày 01/03/2027" in inbox.text and "còn 50 ngày" in inbox.text
    assert "khóa &#39;successor&#39;" in inbox.text or "khóa 'successor'" in inbox.text
    clerk = app_client("mu.canbo")
    assert "policy-lapse" not in clerk.get("/").text
    clock.set(date(2026, 12, 1))  # 90 days before: no banner yet
    assert "policy-lapse" not in appraiser.get("/").text
