"""What a Vietnamese office reads: names, award names and Vietnamese sentences — no codes (issue 13 item 11).

Codes stay in ``--json`` and the API; e-mails, task subjects, refusals, the CLI's tables and the pages
name the award form, the unit, the bloc, the person, the rule and the law. Numbers are written the
Vietnamese way ("84,22", "1.234", "30,0 MB").
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.integration.helpers import submit_example
from tests.web.conftest import Browser
from thidua_workflow.cli import app
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import Problem
from thidua_workflow.services import queries
from thidua_workflow.services.context import Context
from thidua_workflow.services.tasks import Payload, act_on_nomination, list_tasks
from thidua_workflow.web.core import TEMPLATES

QB = EXAMPLES / "quang-binh"
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # bang_khen_tinh, tep_minh_chung, bloc_review
UNIT_CODE = re.compile(r"\bqb-[a-z0-9-]+\b")  # qb-hoi-nguoi-mu, qb-khoi-hoi-dac-thu
BANG_KHEN = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


def codes_in(text: str) -> list[str]:
    return SNAKE.findall(text) + UNIT_CODE.findall(text) + re.findall(r"\bluat-\d+\b", text)


def test_emails_and_task_subjects_name_the_award_form(qb: Context, clock: FixedClock) -> None:
    clock.set(date(2020, 5, 15))
    nomination_id = submit_example(qb, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    act_on_nomination(qb, "cv.tdkt1", nomination_id, "return", Payload(comment="Bổ sung xác nhận của xã."))
    with qb.reader() as uow:
        mails = [(n.subject, n.body) for n in uow.session.scalars(select(m.Notification))]
    returned = [body for subject, body in mails if subject.endswith("Bị trả lại")]
    assert returned and all(BANG_KHEN in body for body in returned)
    assert any(
        BANG_KHEN in body for subject, body in mails if "Hoàn thiện hồ sơ" in subject
    )  # the task's subject
    for subject, body in mails:
        assert codes_in(subject + body) == [], body
    subjects = [t.subject for t in list_tasks(qb, "lhtn.canbo")]
    assert subjects and all(BANG_KHEN in s and not codes_in(s) for s in subjects)


def test_a_problem_names_the_rule_and_the_field_not_their_codes() -> None:
    problem = Problem(
        "thiếu báo cáo thành tích",
        field="nominations[2].nominee.position",
        entry=2,
        nominee="Nguyễn Văn An",
        rule="tep_minh_chung",
        article="Điều 53 Nghị định 91/2017/NĐ-CP",
    )
    assert problem.describe() == (
        "mục 2 · Nguyễn Văn An · trường 'Chức vụ': thiếu báo cáo thành tích "
        "[Tệp minh chứng; Điều 53 Nghị định 91/2017/NĐ-CP]"
    )
    assert Problem("hồ sơ trùng", rule="trung_lap").describe() == "hồ sơ trùng [Không đề nghị trùng]"
    assert problem.to_dict()["rule"] == "tep_minh_chung"  # the API keeps the code


def test_templates_write_numbers_the_vietnamese_way() -> None:
    rendered = TEMPLATES.env.from_string(
        "{{ 1234 | number }} · {{ 84.2234 | decimal }} · {{ 31457280 | filesize }} · {{ 1536 | filesize }}"
    ).render()
    assert rendered == "1.234 · 84,22 · 30,0 MB · 1,5 KB"


def test_the_account_page_and_the_form_name_units(qb: Context, app_client: Callable[..., Browser]) -> None:
    clerk = app_client("mu.canbo")
    account = clerk.get("/account").text
    main = account[account.index("<main") : account.index("</main>")]
    assert "Hội Người mù tỉnh Quảng Bình" in main and not UNIT_CODE.findall(main)
    form = clerk.get("/nominations/new").text
    assert "Mã đơn vị của đối tượng" not in form
    assert re.search(r'<select name="nominee_unit">.*Hội Người mù tỉnh Quảng Bình</option>', form, re.S)


@pytest.fixture
def thidua(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """The CLI on a fresh SQLite database, the Quảng Bình organisation loaded."""
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.output}"
        return result.output

    run("org", "load", str(QB / "org.yaml"))
    return run


def test_the_cli_names_blocs_units_awards_and_the_law(thidua: Callable[..., Any]) -> None:
    nominations = QB / "nominations" / "hoi-nguoi-mu-2019.yaml"
    thidua("--as-of", "2019-12-05", "nominations", "submit", str(nominations), "--as", "mu.canbo")
    rounds = thidua("rounds", "list")
    assert "các hội đặc thù" in rounds and not codes_in(rounds)
    shown_round = thidua("rounds", "show", "1")
    assert "Hội Người mù tỉnh Quảng Bình" in shown_round and not codes_in(shown_round)
    listed = thidua("nominations", "list")
    assert BANG_KHEN in listed and not codes_in(listed)
    shown = thidua("nominations", "show", "1")
    assert "Luật Thi đua, Khen thưởng" in shown and "luat-2003" not in shown
    assert "Đơn vị trình: Hội Người mù tỉnh Quảng Bình" in shown and not codes_in(shown)
    assert re.search(r"\d+(,\d)? (B|KB|MB)", shown)  # file sizes in Vietnamese form
    assert "Tạ Thị Giả Định Sáng · Nộp hồ sơ" in shown and "mu.canbo" not in shown  # the history names people
    audit = thidua("audit")
    assert "Khối thi đua đang xét" in audit and "Mở vòng bình xét" in audit and not codes_in(audit)
    late = thidua("--as-of", "2020-01-10", "tasks", "overdue")
    assert "Phan Văn Thử Nghiệm" in late and "19/12/2019" in late and not codes_in(late)
    assert "nct.chutich" not in late
    data = json.loads(thidua("nominations", "list", "--json"))
    assert {r["award_form"] for r in data} == {
        "bang_khen_tinh",
        "chien_si_thi_dua_tinh",
    }  # codes stay in JSON


def test_the_rounds_sheet_names_awards_and_units(qb: Context, app_client: Callable[..., Browser]) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    sheet = app_client("nct.chutich").get("/rounds/1/ranking.xlsx")
    assert sheet.status_code == 200, sheet.text
    book = load_workbook(io.BytesIO(sheet.content)).active
    assert book is not None
    cells = [str(v) for row in book.iter_rows(values_only=True) for v in row if v is not None]
    assert BANG_KHEN in cells and "Hội Người mù tỉnh Quảng Bình" in cells
    assert not [c for c in cells if codes_in(c)]


def test_a_dossier_page_names_its_bloc_and_a_pending_check(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    submit_example(qb, "hoi-nguoi-cao-tuoi-2019")
    nomination = next(r.id for r in queries.list_nominations(qb) if r.award_form == "co_thi_dua_tinh")
    page = app_client("cv.tdkt1").get(f"/nominations/{nomination}").text
    main = re.sub(r"<[^>]+>", " ", page[page.index("<main") : page.index("</main>")])
    assert "Thành viên Khối thi đua các hội đặc thù năm 2019" in main and "• Chờ xét" in main
    assert not codes_in(main) and "pending" not in main
