"""E-mail through Apprise to a local SMTP sink: a task arrives, is due soon, is late; a nomination returns."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import submit_example
from tests.smtp_sink import Inbox, smtp_sink
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.services import deadlines
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.tasks import Payload, act_on_nomination

EMAILS = {
    "cv.tdkt1": "tdkt1@snv.quangbinh.gov.vn",
    "lhtn.canbo": "vanphong@hoilhtn.vn",
    "quantri": "quantri@snv.vn",
}


@pytest.fixture
def inbox(ctx: Context, clock: FixedClock) -> Iterator[Inbox]:
    data = copy.deepcopy(read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    for person in data["people"]:
        if person["username"] in EMAILS:
            person["email"] = EMAILS[person["username"]]
    load_organisation(ctx, data)
    clock.set(date(2020, 5, 15))
    with smtp_sink() as (port, box):
        ctx.settings = ctx.settings.model_copy(
            update={
                "mail_url": f"mailto://127.0.0.1:{port}?from=thiduakhenthuong@quangbinh.gov.vn&smtp=127.0.0.1&mode=insecure"
            }
        )
        yield box


def test_new_task_and_outcomes_reach_the_people_concerned(ctx: Context, inbox: Inbox) -> None:
    nomination_id = submit_example(ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    assert inbox.recipients() == [EMAILS["cv.tdkt1"]]
    assert inbox.subjects() == ["[Thi đua – Khen thưởng] Thẩm định hồ sơ"]
    body = inbox.bodies()[0]
    assert "Kính gửi Hoàng Văn Giả Định" in body
    assert "Hộ ông Hoàng Văn Thiện Nguyện" in body
    act_on_nomination(ctx, "cv.tdkt1", nomination_id, "return", Payload(comment="Bổ sung xác nhận của xã."))
    clerk = [i for i, to in enumerate(inbox.recipients()) if to == EMAILS["lhtn.canbo"]]
    assert sorted(inbox.subjects()[i] for i in clerk) == [
        "[Thi đua – Khen thưởng] Hoàn thiện hồ sơ bị trả lại",
        f"[Thi đua – Khen thưởng] Hồ sơ số {nomination_id}: Bị trả lại",
    ]
    assert any("Lý do: Bổ sung xác nhận của xã." in inbox.bodies()[i] for i in clerk)
    with ctx.reader() as uow:
        statuses = {n.status for n in uow.session.scalars(select(m.Notification))}
    # People without an address are recorded, not silently dropped.
    assert statuses == {"sent", "no_address"}


def test_reminder_then_escalation_once_each(ctx: Context, clock: FixedClock, inbox: Inbox) -> None:
    submit_example(ctx, "hoi-lhtn-2020-dot-xuat")
    first = len(inbox.messages)
    clock.set(date(2020, 5, 28))  # the working day before the due date (29/5)
    assert deadlines.remind_and_escalate(ctx) == {"reminded": 1, "escalated": 0, "policy_lapse": 0}
    assert deadlines.remind_and_escalate(ctx) == {"reminded": 0, "escalated": 0, "policy_lapse": 0}
    clock.advance(timedelta(days=4))
    assert deadlines.remind_and_escalate(ctx) == {"reminded": 0, "escalated": 1, "policy_lapse": 0}
    subjects = inbox.subjects()[first:]
    assert subjects[0] == "[Thi đua – Khen thưởng] Sắp đến hạn: Thẩm định hồ sơ"
    assert subjects[1:] == ["[Thi đua – Khen thưởng] QUÁ HẠN: Thẩm định hồ sơ"] * 2
    assert sorted(inbox.recipients()[first + 1 :]) == sorted([EMAILS["cv.tdkt1"], EMAILS["quantri"]])


def test_without_a_mail_server_mail_is_skipped_not_lost(ctx: Context, inbox: Inbox) -> None:
    ctx.settings = ctx.settings.model_copy(update={"mail_url": None})
    submit_example(ctx, "hoi-lhtn-2020-dot-xuat")
    assert inbox.messages == []
    with ctx.reader() as uow:
        notes = uow.session.scalars(select(m.Notification).where(m.Notification.address.is_not(None))).all()
        assert [(n.status, n.last_error) for n in notes] == [
            ("skipped", "chưa cấu hình máy chủ thư (THIDUA_MAIL_URL)")
        ]


def test_the_sweep_warns_the_ban_and_operators_weekly_before_the_decree_lapses(
    ctx: Context, clock: FixedClock, inbox: Inbox
) -> None:
    """Issue 18: from 60 days before 01/3/2027 (NĐ 152/2025 Điều 60 khoản 1), once a week."""
    merged = copy.deepcopy(read_yaml(EXAMPLES / "quang-tri-2025" / "org.yaml"))
    addresses = {
        "cv.tdkt.qt": "tdkt@snv.quangtri.gov.vn",
        "quantri.qt": "quantri@quangtri.gov.vn",
        "tb.tdkt.qt": "ban@quangtri.gov.vn",
        "mu.canbo": "vanphong@hoinguoimu.vn",
    }
    for person in merged["people"]:
        if person["username"] in addresses:
            person["email"] = addresses[person["username"]]
    clock.set(date(2025, 7, 1))
    load_organisation(ctx, merged)
    first = len(inbox.messages)
    clock.set(date(2026, 12, 30))  # 61 days before: nothing yet
    assert deadlines.remind_and_escalate(ctx)["policy_lapse"] == 0
    clock.set(date(2026, 12, 31))
    warned = deadlines.remind_and_escalate(ctx)["policy_lapse"]
    assert warned >= 3  # every operator, appraiser and council secretary (those without an address too)
    clock.set(date(2027, 1, 6))  # within the week: not again
    assert deadlines.remind_and_escalate(ctx)["policy_lapse"] == 0
    clock.set(date(2027, 1, 7))
    assert deadlines.remind_and_escalate(ctx)["policy_lapse"] == warned
    mine = inbox.subjects()[first:]
    assert mine and set(mine) == {
        "[Thi đua – Khen thưởng] Quy định sắp hết hiệu lực: cần cấu hình chính sách"
    }
    per_round = len(mine) // 2
    reached = set(inbox.recipients()[first : first + per_round])
    assert {a for u, a in addresses.items() if u != "mu.canbo"} <= reached
    assert addresses["mu.canbo"] not in reached  # a unit's clerk is not told
    body = inbox.bodies()[first]
    assert "01/03/2027" in body and "còn 60 ngày" in body and "Điều 60 khoản 1" in body
