"""``thidua tasks act … --decision recovered --voucher``: the recovery task after an annulment, done from
the command line's inbox with the receipt's number (số phiếu thu), as ``thidua annul recovered --voucher``
and the NĐ 152 page do; a paid award without it is refused (exit 2) naming the field, nothing stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.integration.helpers import row_counts
from tests.web.test_recover_task_pages import STAFF, paid_then_annulled, recover_task_status
from thidua_workflow.cli import app
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import TaskKind, TaskStatus
from thidua_workflow.services import annulments, fund
from thidua_workflow.services.context import Context

runner = CliRunner()


def test_the_registrar_recovers_a_paid_award_from_the_command_line_with_the_receipt(
    qb: Context, clock: FixedClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nomination_id, item_id, paid = paid_then_annulled(qb, clock)
    with qb.reader() as uow:
        task_id = uow.session.scalar(
            select(m.Task.id).where(
                m.Task.kind == TaskKind.RECOVER.value, m.Task.nomination_id == nomination_id
            )
        )
    monkeypatch.setenv("THIDUA_DATA_DIR", str(qb.settings.data_dir))
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    act = [
        "--as-of",
        "2020-06-05",
        "tasks",
        "act",
        str(task_id),
        "--as",
        "vt.ubnd",
        "--decision",
        "recovered",
    ]
    act += ["--date", "2020-06-03"]

    before = row_counts(qb)
    refused = runner.invoke(app, act)
    assert refused.exit_code == 2, refused.output
    assert "Số phiếu thu" in refused.output
    assert row_counts(qb) == before
    assert recover_task_status(qb, nomination_id) == TaskStatus.OPEN.value

    done = runner.invoke(app, [*act, "--voucher", "PT-7"])
    assert done.exit_code == 0, done.output
    assert recover_task_status(qb, nomination_id) == TaskStatus.DONE.value
    [annulment] = [a for a in annulments.list_annulments(qb) if a.nomination_id == nomination_id]
    returned = min(paid, annulment.recover_amount)
    [line] = [e for e in fund.ledger(qb, STAFF, 2020) if e.kind == "recovery"]
    assert (line.voucher_number, line.voucher_date, line.amount) == ("PT-7", date(2020, 6, 3), returned)
    assert [a.recovered for a in fund.awards_money(qb, STAFF) if a.item_id == item_id] == [returned]
