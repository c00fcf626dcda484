"""Long lists: paged and sorted in SQL, "1–20 / 60" on the page, links that keep the filters, exports of the
whole filtered list, the API's limit/offset with its total, and a CLI that says when it shows a part.

The small version (60 nominations, pages of 20) runs in ``make test``; the 1,050-nomination one, past the
old silent cap of 1,000 rows, runs in ``make test-slow``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.web.conftest import Browser
from thidua_workflow.cli import app as cli_app
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.identity import list_order
from thidua_workflow.domain.text import search_key
from thidua_workflow.errors import InputRejected
from thidua_workflow.services import accounts, queries
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.services.nominations import submit

PDF = b"%PDF-1.4\n% minimal stand-in\n"
UNITS = [
    ("qb-hoi-nguoi-mu", "mu.canbo", "mu.chutich"),
    ("qb-hoi-nha-bao", "nhabao.canbo", "nhabao.chutich"),
    ("qb-hoi-vhnt", "vhnt.canbo", "vhnt.chutich"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc"]
GIVEN = ["An", "Ánh", "Ân", "Bình", "Bảo", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hạnh", "Hùng", "Uy", "Ưng"]
AWARD = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
APPRAISER = "cv.tdkt1"  # sees every unit's nominations


def person_name(i: int) -> str:
    """Distinct realistic names whose order is not the order they were submitted in."""
    return f"{FAMILY[i % len(FAMILY)]} {MIDDLE[i // 7 % len(MIDDLE)]} {GIVEN[(i * 5) % len(GIVEN)]} {i // 100 or ''}".strip()


def seed(ctx: Context, per_unit: int) -> list[str]:
    """``per_unit`` persons from each of three units, each unit's list one Tờ trình, through the service."""
    names = []
    for u, (unit, clerk, head) in enumerate(UNITS):
        entries = []
        files = {"tt.pdf": PDF + b"tt", "bb.pdf": PDF + b"bb"}
        for i in range(u * per_unit, (u + 1) * per_unit):
            names.append(name := person_name(i))
            files[f"bc-{i}.pdf"] = PDF + str(i).encode()
            entries.append(
                {
                    "nominee": {"kind": "person", "name": name, "unit": unit, "position": "Chuyên viên"},
                    "award_form": "bang_khen_tinh",
                    "period": {"year": 2019},
                    "achievement": "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở.",
                    "declared": {
                        "titles": [
                            {"title": "chien_si_thi_dua_co_so", "year": 2018},
                            {"title": "chien_si_thi_dua_co_so", "year": 2019},
                        ]
                    },
                    "evidence": [
                        {"kind": "bao_cao_thanh_tich", "file": f"bc-{i}.pdf", "dated": "2019-11-20"}
                    ],
                }
            )
        data = {
            "unit": unit,
            "documents": [
                {"kind": "to_trinh", "file": "tt.pdf", "signed_by": head},
                {"kind": "bien_ban", "file": "bb.pdf"},
            ],
            "nominations": entries,
        }
        submit(ctx, clerk, data, MappingSource(files))
    return names


def vietnamese_order(rows: list[queries.NominationRow]) -> list[int]:
    return [
        r.id for r in sorted(rows, key=lambda r: (list_order(NomineeKind(r.nominee_kind), r.nominee), r.id))
    ]


def summary_of(page: str, noun: str) -> str:
    """The "1–20 / 60" a paged list shows above its table."""
    found = re.search(rf'<span class="summary">([^<]+) {noun}</span>', page)
    assert found, page
    return found.group(1)


def summary(page: str) -> str:
    return summary_of(page, "hồ sơ")


def table_ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr><td>(\d+)</td><td><a href="/nominations/', page)]


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_pages_are_cut_and_sorted_in_sql(qb: Context) -> None:
    names = seed(qb, 20)
    whole = queries.list_nominations(qb)
    assert len(whole) == 60
    # Default order: Vietnamese order of the names (all of one year and award form here), by given name.
    assert [r.id for r in whole] == vietnamese_order(whole)
    assert [r.nominee.split()[-1] for r in whole][:3] == ["An", "An", "An"]
    assert whole[-1].nominee.split()[-1] == "Ưng"

    pages = [
        queries.page_nominations(qb, queries.NominationFilter(), offset=o, limit=25) for o in (0, 25, 50)
    ]
    assert [(p.first, p.last, p.total) for p in pages] == [(1, 25, 60), (26, 50, 60), (51, 60, 60)]
    assert [r.id for p in pages for r in p.rows] == [r.id for r in whole]  # no row twice, none missed

    by_name = queries.list_nominations(qb, sort="nominee")
    reverse = queries.list_nominations(qb, sort="-nominee")
    assert [r.id for r in reverse] == [r.id for r in reversed(by_name)]
    by_unit = queries.list_nominations(qb, sort="unit")
    units = [r.unit for r in by_unit]  # by the units' names: Hội Người mù, Hội Nhà báo, Hội Văn học …
    assert units == sorted(units, key=["qb-hoi-nguoi-mu", "qb-hoi-nha-bao", "qb-hoi-vhnt"].index)
    assert [r.id for r in by_unit if r.unit == "qb-hoi-nguoi-mu"] == sorted(
        r.id for r in by_unit if r.unit == "qb-hoi-nguoi-mu"
    )  # ties keep the id order

    nguyen = queries.page_nominations(qb, queries.NominationFilter(search="nguyen"), limit=3)
    assert nguyen.total == sum(search_key(n).startswith("nguyen ") for n in names) and len(nguyen.rows) == 3
    with pytest.raises(InputRejected, match="Không sắp xếp được theo 'luong'"):
        queries.list_nominations(qb, sort="luong")


def test_the_web_list_pages_sorts_keeps_filters_and_exports_everything(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    seed(qb, 20)
    browser = app_client(APPRAISER)
    first = browser.get("/nominations", params={"size": "20"})
    assert summary(first.text) == "1–20 / 60"
    assert "Trang 1/3" in first.text and "Trang trước" not in first.text
    assert 'href="/nominations?size=20&amp;page=2" rel="next"' in first.text
    last = browser.get("/nominations", params={"size": "20", "page": "3"})
    assert summary(last.text) == "41–60 / 60" and "Trang sau" not in last.text
    seen = (
        table_ids(first.text)
        + table_ids(browser.get("/nominations?size=20&page=2").text)
        + table_ids(last.text)
    )
    assert sorted(seen) == sorted(r.id for r in queries.list_nominations(qb))

    # A filter and a sort are kept by the next page's link and by the headers; a header toggles the order.
    filtered = browser.get("/nominations", params={"q": "nguyen", "sort": "-id", "size": "20"})
    total = queries.page_nominations(qb, queries.NominationFilter(search="nguyen")).total
    assert summary(filtered.text) == f"1–{min(total, 20)} / {total}"
    assert table_ids(filtered.text) == sorted(table_ids(filtered.text), reverse=True)
    assert 'href="/nominations?q=nguyen&amp;sort=id&amp;size=20"' in filtered.text  # Số: ▼ → ▲
    assert 'href="/nominations?q=nguyen&amp;sort=nominee&amp;size=20"' in filtered.text
    assert 'name="sort" value="-id"' in filtered.text  # the filter form keeps the order too

    exported = browser.get("/nominations", params={"q": "nguyen", "sort": "-id", "format": "xlsx"})
    rows = xlsx_rows(exported.content)
    assert len(rows) - 1 == total  # the whole filtered list, not a page
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), reverse=True)
    assert {r[2] for r in rows[1:]} == {AWARD}  # names, not codes
    assert {r[4] for r in rows[1:]} <= {
        f"Hội {u} tỉnh Quảng Bình" for u in ("Người mù", "Nhà báo", "Văn học Nghệ thuật")
    }

    # Nonsense in the address falls back to the first page, default order and size.
    odd = browser.get("/nominations", params={"page": "-2", "size": "7", "sort": "drop table"})
    assert odd.status_code == 200 and summary(odd.text) == "1–50 / 60"
    far = browser.get("/nominations", params={"page": "9" * 30})  # past every page: an empty page, no error
    assert far.status_code == 200 and summary(far.text) == "0 / 60" and "Không có hồ sơ nào." in far.text


def test_the_web_list_filters_by_submitting_unit_and_award_by_their_names(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    seed(qb, 4)
    browser = app_client(APPRAISER)
    page = browser.get("/nominations").text
    assert '<option value="qb-hoi-nha-bao">Hội Nhà báo tỉnh Quảng Bình</option>' in page
    award_code = next(iter({r.award_form for r in queries.list_nominations(qb)}))
    assert f'<option value="{award_code}">{AWARD}</option>' in page
    one_unit = browser.get(
        "/nominations", params={"unit": "qb-hoi-nha-bao", "award": award_code, "size": "20"}
    )
    assert summary(one_unit.text) == "1–4 / 4"
    assert '<option value="qb-hoi-nha-bao" selected>' in one_unit.text
    assert f"unit=qb-hoi-nha-bao&amp;award={award_code}&amp;sort=nominee" in one_unit.text  # headers keep it
    exported = browser.get("/nominations", params={"unit": "qb-hoi-nha-bao", "format": "xlsx"})
    assert {r[4] for r in xlsx_rows(exported.content)[1:]} == {"Hội Nhà báo tỉnh Quảng Bình"}
    # An unknown code filters nothing rather than failing.
    assert summary(browser.get("/nominations", params={"unit": "khong-co", "award": "x"}).text) == "1–12 / 12"


def test_the_api_pages_with_limit_offset_and_a_total(qb: Context, app_client: Callable[..., Browser]) -> None:
    seed(qb, 20)
    browser = app_client(APPRAISER)
    headers = {"Authorization": f"Bearer {accounts.issue_token(qb, APPRAISER, 'danh sách').token}"}
    api = browser.client
    answer = api.get(
        "/api/nominations", params={"limit": 25, "offset": 50, "sort": "nominee"}, headers=headers
    )
    assert answer.status_code == 200 and answer.headers["X-Total-Count"] == "60"
    by_name = [r.id for r in queries.list_nominations(qb, sort="nominee")]
    assert [r["id"] for r in answer.json()] == by_name[50:]
    too_far = api.get("/api/tasks", params={"offset": 2**63}, headers=headers)
    assert too_far.status_code == 422  # refused by the schema, not a server error
    refused = api.get("/api/nominations", params={"sort": "salary"}, headers=headers)
    assert refused.status_code == 400 and "Không sắp xếp được" in refused.json()["message"]
    documented = api.get("/api/openapi.json").json()["paths"]["/api/nominations"]["get"]
    assert "X-Total-Count" in documented["responses"]["200"]["headers"]
    assert {"limit", "offset", "sort"} <= {p["name"] for p in documented["parameters"]}


def test_the_cli_says_when_it_shows_a_part(
    qb: Context, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(qb, 20)
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(qb.settings.data_dir))
    runner = CliRunner()
    part = runner.invoke(cli_app, ["nominations", "list", "--limit", "20", "--offset", "20"])
    assert part.exit_code == 0, part.output
    assert "Hiển thị 21–40/60 hồ sơ; dùng --offset 40 để xem tiếp, --limit 0 để xem tất cả." in part.output
    assert AWARD in part.output and "bang_khen_tinh" not in part.output
    whole = runner.invoke(cli_app, ["nominations", "list"])
    assert "60 hồ sơ." in whole.output and "Hiển thị" not in whole.output


@pytest.mark.slow
def test_past_a_thousand_rows_nothing_is_silently_cut(
    qb: Context, app_client: Callable[..., Browser], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = seed(qb, 350)
    assert len(names) == 1050
    browser = app_client(APPRAISER)
    assert summary(browser.get("/nominations").text) == "1–50 / 1.050"
    last = browser.get("/nominations", params={"page": "6", "size": "200"})
    assert summary(last.text) == "1.001–1.050 / 1.050" and len(table_ids(last.text)) == 50
    rows = xlsx_rows(browser.get("/nominations", params={"format": "xlsx"}).content)
    assert len(rows) - 1 == 1050
    assert [r[0] for r in rows[1:]] == [r.id for r in queries.list_nominations(qb)]

    headers = {"Authorization": f"Bearer {accounts.issue_token(qb, APPRAISER, 'danh sách').token}"}
    answer = browser.client.get("/api/nominations", params={"limit": 1000, "offset": 1000}, headers=headers)
    assert answer.headers["X-Total-Count"] == "1050" and len(answer.json()) == 50

    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    monkeypatch.setenv("THIDUA_DATA_DIR", str(qb.settings.data_dir))
    shown = CliRunner().invoke(cli_app, ["nominations", "list"])
    assert "Hiển thị 1–100/1.050 hồ sơ; dùng --offset 100 để xem tiếp" in shown.output
    every = CliRunner().invoke(cli_app, ["nominations", "list", "--json"])
    assert every.output.count('"id":') == 1050


def test_the_inbox_pages_its_tasks_and_keeps_its_filters(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """45 appraisals waiting (as after a busy round), 25 of them overdue: pages of 20, filters kept."""
    seed(qb, 15)
    today = qb.clock.today()
    with qb.uow() as uow:
        for i, row in enumerate(queries.list_nominations(qb)):
            uow.session.add(
                m.Task(
                    kind="appraise",
                    nomination_id=row.id,
                    assignee_role="appraiser",
                    due_on=today + timedelta(days=i - 25),
                    created_at=datetime.now(UTC),
                )
            )
        uow.commit()
    browser = app_client(APPRAISER)
    first = browser.get("/", params={"size": "20"})
    assert summary_of(first.text, "việc") == "1–20 / 45"
    assert "45 việc đang chờ" in first.text and "25 quá hạn" in first.text
    last = browser.get("/", params={"size": "20", "page": "3"})
    assert summary_of(last.text, "việc") == "41–45 / 45" and "Trang sau" not in last.text
    late = browser.get("/", params={"overdue": "true", "size": "20"})
    assert summary_of(late.text, "việc") == "1–20 / 25" and late.text.count('class="overdue"') == 20
    assert 'href="/?overdue=true&amp;size=20&amp;page=2" rel="next"' in late.text
    searched = browser.get("/", params={"q": "nguyen", "size": "20", "kind": "appraise"})
    wanted = sum(search_key(r.nominee).startswith("nguyen ") for r in queries.list_nominations(qb))
    assert wanted == 4 and summary_of(searched.text, "việc") == "1–4 / 4"
    headers = {"Authorization": f"Bearer {accounts.issue_token(qb, APPRAISER, 'việc').token}"}
    answer = browser.client.get("/api/tasks", params={"limit": 10, "offset": 40}, headers=headers)
    assert answer.headers["X-Total-Count"] == "45" and len(answer.json()) == 5
