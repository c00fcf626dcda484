"""The recovery task after an annulment, done from the inbox (issue 19/20b): the registrar opens it from
"Việc cần xử lý", enters the day and the receipt's number (số chứng từ) on the dossier's task box, and the
money the reward fund paid comes back into the fund's ledger on that receipt, the task done — exactly as
the NĐ 152 page records it. A paid award without the receipt's number is refused naming the field, and
nothing is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from tests.integration.helpers import row_counts
from tests.integration.test_fund import annul_award
from tests.integration.test_statistics import issue_everything
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import TaskKind, TaskStatus
from thidua_workflow.services import accounts, annulments, fund
from thidua_workflow.services.context import Context
from thidua_workflow.services.fund import Voucher

STAFF = "cv.tdkt1"
REGISTRAR = "vt.ubnd"


def paid_then_annulled(qb: Context, clock: FixedClock) -> tuple[int, int, int]:
    """An award the fund paid in full, then annulled on 1 June 2020: its nomination, item and amount paid."""
    awarded = issue_everything(qb, clock, ["hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019"])
    clock.set(date(2020, 2, 3))
    owed = fund.awards_money(qb, STAFF)[0]
    fund.record_income(
        qb,
        STAFF,
        year=2020,
        source="ngan_sach",
        amount=50_000_000,
        voucher=Voucher("QĐ-1", date(2020, 1, 10)),
    )
    fund.record_payment(
        qb, STAFF, item_id=owed.item_id, amount=owed.amount, voucher=Voucher("PC-1", date(2020, 2, 3))
    )
    nomination_id = annul_award(qb, clock, awarded, owed, "99/QĐ-UBND")
    clock.set(date(2020, 6, 5))
    return nomination_id, owed.item_id, owed.amount


def recover_task_status(qb: Context, nomination_id: int) -> str:
    with qb.reader() as uow:
        status = uow.session.scalar(
            select(m.Task.status).where(
                m.Task.kind == TaskKind.RECOVER.value, m.Task.nomination_id == nomination_id
            )
        )
    assert status is not None
    return status


def test_the_registrar_recovers_a_paid_award_from_the_inbox_with_the_receipt(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    nomination_id, item_id, paid = paid_then_annulled(qb, clock)
    registrar = app_client(REGISTRAR)
    task_link = f'href="/nominations/{nomination_id}#viec"'  # the inbox's "Xử lý" leads to the task box
    assert task_link in registrar.get("/").text
    page = registrar.get(f"/nominations/{nomination_id}")
    box = page.text.split('id="viec"', 1)[1].split("</section>", 1)[0]
    assert f'action="/nominations/{nomination_id}/recovered"' in box
    assert 'name="voucher"' in box and 'name="recovered_on"' in box and "99/QĐ-UBND" in box
    version = re.search(r'name="version" value="(\d+)"', box)
    assert version is not None

    before = row_counts(qb)
    refused = registrar.post(
        f"/nominations/{nomination_id}/recovered",
        {"version": version[1], "recovered_on": "03/06/2020", "voucher": "  "},
    )
    assert refused.status_code == 400
    assert "Số phiếu thu" in refused.text and "không lưu gì" in refused.text
    assert row_counts(qb) == before
    assert recover_task_status(qb, nomination_id) == TaskStatus.OPEN.value

    done = registrar.post(
        f"/nominations/{nomination_id}/recovered",
        {"version": version[1], "recovered_on": "03/06/2020", "voucher": "PT-7", "note": "Nộp lại tại Ban"},
    )
    assert done.status_code == 303, done.text
    assert recover_task_status(qb, nomination_id) == TaskStatus.DONE.value
    [annulment] = [a for a in annulments.list_annulments(qb) if a.nomination_id == nomination_id]
    assert annulment.recovered_on == date(2020, 6, 3)
    returned = min(paid, annulment.recover_amount)
    [line] = [e for e in fund.ledger(qb, STAFF, 2020) if e.kind == "recovery"]
    assert (line.voucher_number, line.voucher_date, line.amount) == ("PT-7", date(2020, 6, 3), returned)
    [money] = [a for a in fund.awards_money(qb, STAFF) if a.item_id == item_id]
    assert money.recovered == returned
    assert task_link not in registrar.get("/").text  # gone from the inbox


def test_the_recovery_task_through_the_api_carries_the_receipt(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    nomination_id, _item_id, paid = paid_then_annulled(qb, clock)
    headers = {"Authorization": f"Bearer {accounts.issue_token(qb, REGISTRAR, 'kiểm thử').token}"}
    api = app_client().client
    [task] = [t for t in api.get("/api/tasks", headers=headers).json() if t["kind"] == TaskKind.RECOVER.value]
    before = row_counts(qb)
    # A form sent where JSON is expected is refused as malformed (it once answered 500), changing nothing.
    as_form = api.post(f"/api/tasks/{task['id']}/act", data={"decision": "recovered"}, headers=headers)
    assert as_form.status_code == 422 and as_form.json()["error"] == "InputRejected", as_form.text
    refused = api.post(
        f"/api/tasks/{task['id']}/act", json={"decision": "recovered", "dated": "2020-06-03"}, headers=headers
    )
    assert refused.status_code == 400 and refused.json()["error"] == "ValidationFailed", refused.text
    assert [p["field"] for p in refused.json()["problems"]] == ["voucher"]
    assert row_counts(qb) == before
    done = api.post(
        f"/api/tasks/{task['id']}/act",
        json={"decision": "recovered", "dated": "2020-06-03", "voucher": "PT-8"},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    assert recover_task_status(qb, nomination_id) == TaskStatus.DONE.value
    [line] = [e for e in fund.ledger(qb, STAFF, 2020) if e.kind == "recovery"]
    assert (line.voucher_number, line.voucher_date) == ("PT-8", date(2020, 6, 3))
    assert line.amount == min(paid, next(a for a in annulments.list_annulments(qb)).recover_amount)
