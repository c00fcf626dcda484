"""The Ban's pages for the Ministry's forms and the reward fund: what they show, what they record, and who
is refused (the authorization matrix of issue 20b: the Ban's staff act; units, leaders, operators may not)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from openpyxl import load_workbook

from tests.integration.helpers import row_counts
from tests.integration.test_statistics import issue_everything
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import fund
from thidua_workflow.services.context import Context

NOT_BAN = ["mu.canbo", "nct.chutich", "gd.snv", "pct.ubnd", "vt.ubnd", "quantri"]


def test_the_ban_enters_figures_exports_forms_and_keeps_the_fund(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    issue_everything(qb, clock, ["hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019"])
    clock.set(date(2020, 12, 2))
    ban = app_client("cv.tdkt1")
    page = ban.get("/reports?year=2020")
    assert page.status_code == 200 and "0703.N/BNV-TĐKT" in page.text and "Báo cáo thống kê" in page.text
    # 0702 (state awards): the stored national proposals' outcomes (none in 2020) plus what the Ban enters
    # for the awards no stored proposal holds; the page shows the totals, then the entry table.
    form = ban.get("/reports/2020/0702")
    assert 'name="c_1_8"' in form.text and 'name="c_1_1"' not in form.text  # column 1 is the formula
    assert "Số liệu của biểu" in form.text and "Số liệu Ban nhập bổ sung" in form.text
    saved = ban.post("/reports/2020/0702", {"version": "", "c_1_8": "1"})
    assert saved.status_code == 303
    shown = ban.get("/reports/2020/0702")
    assert "phiên bản 1" in shown.text
    assert "0 lượt tính từ kết quả các hồ sơ trình cấp Nhà nước đã lưu" in shown.text
    assert "1 lượt do Ban nhập bổ sung" in shown.text
    assert 'name="c_1_8" value="1"' in shown.text
    refused = ban.post("/reports/2020/0702", {"version": "", "c_1_8": "2"})  # stale: somebody saved first
    assert refused.status_code == 409 and "vừa được người khác lưu" in refused.text
    sheet = ban.get("/reports/2020/0703/bieu.xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    assert book.active is not None and book.active["A1"].value == "Biểu số: 0703.N/BNV-TĐKT"
    pdf = ban.get("/reports/2020/0703/bieu.pdf")
    assert pdf.content.startswith(b"%PDF")

    ban.get("/fund?year=2020")
    income = ban.post(
        "/fund/income",
        {
            "year": "2020",
            "source": "ngan_sach",
            "amount": "50.000.000",
            "voucher_number": "12/QĐ-STC",
            "voucher_date": "10/01/2020",
        },
    )
    assert income.status_code == 303
    owed = fund.awards_money(qb, "cv.tdkt1", 2020)[0]
    page = ban.get("/fund?year=2020")
    assert f"/fund/pay/{owed.item_id}" in page.text
    paid = ban.post(
        f"/fund/pay/{owed.item_id}",
        {
            "source": "ngan_sach",
            "amount": str(owed.amount),
            "voucher_number": "PC-01",
            "voucher_date": "01/06/2020",
        },
        files={"voucher_file": ("phieu-chi.pdf", b"%PDF-1.4\n% phieu\n", "application/pdf")},
    )
    assert paid.status_code == 303, paid.text
    page = ban.get("/fund?year=2020")
    assert (
        "PC-01" in page.text and "phieu-chi.pdf" in page.text and "10.000.000" in page.text
    )  # the 20% share
    # 2021 opens with 2020's closing balance (from the ledger), shown in its own column.
    carried = f"{50_000_000 - owed.amount:,}".replace(",", ".")
    page = ban.get("/fund?year=2021")
    assert "Số dư đầu năm" in page.text and "chuyển từ năm 2020" in page.text
    assert page.text.count(carried) >= 2  # the opening, and the closing of a year with no line yet
    before = row_counts(qb)
    bad = ban.post(
        f"/fund/pay/{owed.item_id}",
        {"source": "ngan_sach", "amount": "1", "voucher_number": "PC-02", "voucher_date": "01/06/2020"},
    )
    assert bad.status_code == 400 and "còn 0" in bad.text
    assert row_counts(qb) == {**before, "web_sessions": before["web_sessions"]}


def test_only_the_bans_staff_reach_the_forms_and_the_fund(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    for user in NOT_BAN:
        browser = app_client(user)
        home = browser.get("/")
        assert "/fund" not in home.text and "/reports" not in home.text, user
        before = row_counts(qb)
        for url in (
            "/reports?year=2024",
            "/reports/2024/0604",
            "/reports/2024/0604/bieu.pdf",
            "/fund?year=2024",
        ):
            response = browser.get(url)
            assert response.status_code == 403, (user, url, response.status_code)
        for url, data in (
            ("/reports/2024/0604", {"c_02_1": "1"}),
            (
                "/fund/income",
                {
                    "year": "2019",
                    "source": "ngan_sach",
                    "amount": "1",
                    "voucher_number": "X",
                    "voucher_date": "01/12/2019",
                },
            ),
        ):
            assert browser.post(url, data).status_code == 403, (user, url)
        assert row_counts(qb) == before
    secretary = app_client("tb.tdkt")
    assert secretary.get("/fund?year=2024").status_code == 200
    assert secretary.get("/reports/2024/0604").status_code == 200
