"""The office's pages (issue 22): a delegate's inbox and timeline, the dashboard and its export, the bell,
the audit record's exports and their check, bulk reassigning."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.integration.helpers import judge_all, submit_example
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
    judge_all(qb, "tb.tdkt", nid)  # the household's criterion: the delegate's finding first (issue 18)
    page = head.get(f"/nominations/{nid}")
    appraise_form = page.text.split(f'action="/nominations/{nid}/appraise"')[1].split("</form>")[0]
    token = (
        appraise_form.split('name="version" value="')[1].split('"')[0]
        if 'name="version"' in appraise_form
        else None
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


def test_a_signer_signs_several_decisions_with_one_confirmation(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """Bulk signing (issue 22): each decision its own transaction, each one's result shown; a decision
    that is not the person's to sign is refused on its own line, the others go through."""
    from tests.integration.helpers import to_council
    from tests.integration.test_decisions import _session
    from thidua_workflow.services import decisions
    from thidua_workflow.services import tasks as task_service

    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    _session(qb)
    clock.set(date(2020, 1, 20))
    signer = app_client("pct.ubnd")
    mine = [t.id for t in task_service.list_tasks(qb, "pct.ubnd") if t.kind == "decision_sign"]
    assert len(mine) >= 2
    inbox = signer.get("/").text
    assert "Ký các quyết định đã chọn" in inbox
    response = signer.post("/tasks/bulk", {"task": [*mine, 987654], "decision": "sign"})
    assert response.status_code == 303
    shown = signer.get("/").text
    assert f"Đã ký {len(mine)} quyết định" in shown
    assert "Việc số 987654: không phải việc" in shown
    for task_id in mine:
        assert f"Việc số {task_id}: quyết định" in shown
    signed = [d for d in decisions.list_decisions(qb) if d.status == "signed"]
    assert len(signed) == len(mine)


def test_each_person_chooses_mail_app_or_both_and_a_daily_digest(qb: Context, clock: FixedClock) -> None:
    from sqlalchemy import select

    from thidua_workflow.db import models as m
    from thidua_workflow.errors import ValidationFailed
    from thidua_workflow.services import notifications

    with qb.reader() as uow:
        cv1, cv2 = (
            uow.session.scalar(select(m.Person.id).where(m.Person.username == u)) or 0
            for u in ("cv.tdkt1", "cv.tdkt2")
        )
    with qb.uow() as uow:
        person = uow.session.get(m.Person, cv2)
        assert person is not None
        person.email = "vo.thi.mau.hai@tdkt.quangbinh.gov.vn"
        uow.commit()
    notifications.choose(qb, cv1, {"task": ("app", "immediate")})
    notifications.choose(qb, cv2, {"task": ("mail", "digest")})
    with pytest.raises(ValidationFailed) as refused:
        notifications.choose(qb, cv2, {"task": ("fax", "digest")})
    assert refused.value.problems[0].message.startswith("Có việc mới cần xử lý: chưa chọn")
    _ad_hoc(qb, clock)  # an appraisal task arrives for both appraisers
    with qb.reader() as uow:
        mail = {
            (n.person_id, n.status)
            for n in uow.session.scalars(select(m.Notification).where(m.Notification.reason == "task"))
        }
    assert not any(p == cv1 for p, _ in mail)  # the app only: no mail
    assert (cv2, "digest") in mail  # held for the digest
    assert [n.kind for n in notifications.list_notices(qb, cv1)] == ["task"]
    assert notifications.list_notices(qb, cv2) == []
    assert notifications.unread_count(qb, cv1) == 1
    clock.set(date(2020, 5, 16))
    assert notifications.collect_digests(qb) == 1
    with qb.reader() as uow:
        letters = list(
            uow.session.scalars(select(m.Notification.subject).where(m.Notification.reason == "digest"))
        )
    assert len(letters) == 1 and "Tóm tắt: 1 thông báo" in letters[0]
    assert notifications.mark_read(qb, cv1) == 1 and notifications.unread_count(qb, cv1) == 0
