"""The office's pages (issue 22): a delegate's inbox and timeline, the dashboard and its export, the bell,
the audit record's exports and their check, bulk reassigning."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from openpyxl import load_workbook

from tests.integration.helpers import submit_example
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.authz import Actor
from thidua_workflow.services import audit_export, dashboard
from thidua_workflow.services.actors import read_actor
from thidua_workflow.services.context import Context


def _ad_hoc(ctx: Context, clock: FixedClock) -> int:
    clock.set(date(2020, 5, 15))
    return submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]


def test_a_delegate_appraises_from_the_inbox_and_the_timeline_says_for_whom(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    nid = _ad_hoc(qb, clock)
    appraiser = app_client("cv.tdkt1")
    appraiser.get("/delegations")
    response = appraiser.post(
        "/delegations",
        {
            "role": "appraiser",
            "to": "tb.tdkt",
            "starts_on": "15/05/2020",
            "ends_on": "29/05/2020",
            "reason": "Nghỉ phép.",
        },
    )
    assert response.status_code == 303, response.text
    head = app_client("tb.tdkt")
    inbox = head.get("/").text
    assert "Ủy quyền: thay Hoàng Văn Giả Định" in inbox
    assert 'class="count"' in inbox  # the bell: told of the delegation
    page = head.get(f"/nominations/{nid}")
    token = (
        page.text.split('name="version" value="')[1].split('"')[0] if 'name="version"' in page.text else None
    )
    form = {"decision": "pass"} | ({"version": token} if token else {})
    response = head.post(f"/nominations/{nid}/appraise", form)
    assert response.status_code == 303, response.text
    timeline = head.get(f"/nominations/{nid}").text
    assert "thay Hoàng Văn Giả Định" in timeline
    record = head.get(f"/audit/nomination/{nid}").text
    assert "Hoàng Văn Giả Định (cv.tdkt1)" in record and "SHA-256" in record
    notes = head.get("/notifications")
    assert "Được ủy quyền" in notes.text
    assert head.post("/notifications/read", {"all": "1"}).status_code == 303
    assert 'class="count"' not in head.get("/").text


def test_a_copy_of_the_record_checks_and_an_altered_one_does_not(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    nid = _ad_hoc(qb, clock)
    appraiser = app_client("cv.tdkt1")
    csv_copy = appraiser.get(f"/audit/nomination/{nid}/record.csv").content
    xlsx_copy = appraiser.get(f"/audit/nomination/{nid}/record.xlsx").content
    assert audit_export.verify("a.csv", csv_copy).intact
    assert audit_export.verify("a.xlsx", xlsx_copy).intact
    altered = csv_copy.replace("Nộp".encode(), "Nôp".encode(), 1)
    assert altered != csv_copy and not audit_export.verify("a.csv", altered).intact
    appraiser.get("/audit-check")
    page = appraiser.post("/audit-check", files=[("file", ("nhat-ky.csv", altered, "text/csv"))])
    assert "Đã bị sửa" in page.text
    page = appraiser.post(
        "/audit-check", files=[("file", ("nhat-ky.xlsx", xlsx_copy, "application/octet-stream"))]
    )
    assert "Nguyên vẹn" in page.text


def test_a_sessions_record_is_participation_only(qb: Context, app_client: Callable[..., Browser]) -> None:
    clerk = app_client("mu.canbo")
    assert clerk.get("/audit/session/1").status_code in (403, 404)
    assert clerk.get("/dashboard").status_code == 403


def test_the_dashboard_counts_draws_and_exports(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    _ad_hoc(qb, clock)
    submit_example(qb, "hoi-nguoi-mu-2019")
    head = app_client("tb.tdkt")
    assert "Chưa có số liệu tổng hợp" in head.get("/dashboard").text
    assert head.post("/dashboard/refresh", {}).status_code == 303
    page = head.get("/dashboard?year=2019").text
    assert "<svg" in page and "Hồ sơ năm 2019 theo giai đoạn" in page
    assert "Hội Người mù tỉnh Quảng Bình" in page
    assert "ngày" in page and "cdn" not in page.lower()
    sheet = load_workbook(io.BytesIO(head.get("/dashboard.xlsx?year=2019").content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Tổng cộng" in cells and "Việc đang chờ" in cells
    view = dashboard.show(qb, _actor(qb, "tb.tdkt"), dashboard.Filters(year=2019))
    assert view.total == 2 and view.waiting


def test_an_operator_reassigns_several_tasks_each_with_its_result(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    nid = _ad_hoc(qb, clock)
    operator = app_client("quantri")
    page = operator.get("/tasks/reassign").text
    task_id = int(page.split('name="task" value="')[1].split('"')[0])
    response = operator.post(
        "/tasks/reassign", {"task": [task_id, 99999], "to": "cv.tdkt2", "reason": "Chuyển công tác."}
    )
    assert response.status_code == 303
    shown = operator.get("/tasks/reassign").text
    assert f"Việc số {task_id}: việc số {task_id} giao cho Võ Thị Mẫu Hai" in shown
    assert "Việc số 99999: Không tìm thấy việc" in shown
    assert nid


def _actor(ctx: Context, username: str) -> Actor:
    return read_actor(ctx, username)
