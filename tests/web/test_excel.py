"""Excel as offices use it: the template from the web, a filled one uploaded (web and CLI), list exports."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.integration.helpers import QB_NOMINATIONS, row_counts
from tests.unit.test_spreadsheets import COLLECTIVE, HEAD, PERSON, filled
from tests.web.conftest import Browser
from thidua_workflow import spreadsheets as xl
from thidua_workflow.cli import app
from thidua_workflow.services import queries
from thidua_workflow.services.context import Context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE = QB_NOMINATIONS / "evidence" / "hoi-nguoi-mu"
FILES = {
    "to-trinh.pdf": EVIDENCE / "to-trinh-2019.pdf",
    "bien-ban.pdf": EVIDENCE / "bien-ban-2019.pdf",
    "bao-cao-nhung.pdf": EVIDENCE / "bao-cao-ca-nhan-2019.pdf",
    "bao-cao-bo-sung.pdf": EVIDENCE / "bao-cao-tap-the-2019.pdf",
}


def upload(clerk: Browser, workbook: bytes) -> httpx.Response:
    parts = [("list_file", ("danh-sach.xlsx", workbook, XLSX))]
    parts += [("files", (name, path.read_bytes(), "application/pdf")) for name, path in FILES.items()]
    clerk.get("/nominations/upload")
    return clerk.post("/nominations/upload", files=parts)


def test_a_clerk_downloads_the_template_and_uploads_it_filled(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    clerk = app_client("mu.canbo")
    template = clerk.get("/nominations/template.xlsx")
    assert template.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(template.content))[xl.LIST_SHEET]
    assert isinstance(sheet, Worksheet) and sheet["B1"].value == "qb-hoi-nguoi-mu"

    person = {**PERSON, "evidence": "bao-cao-nhung.pdf"}
    response = upload(clerk, filled([person, COLLECTIVE], HEAD))
    assert response.status_code == 303, response.text
    names = {n.nominee for n in queries.list_nominations(qb, unit="qb-hoi-nguoi-mu")}
    assert names == {"Nguyễn Thị Hồng Nhung", "Hội Người mù tỉnh Quảng Bình"}

    exported = clerk.get("/nominations", params={"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:2] == ("Số", "Đối tượng")
    assert {r[1] for r in rows[1:]} == names


def test_a_broken_sheet_is_refused_with_rows_and_columns_and_nothing_stored(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    clerk = app_client("mu.canbo")
    before = row_counts(qb)
    broken = filled(
        [{**PERSON, "kind": "robot"}, {**COLLECTIVE, "award_form": "khong_co_hinh_thuc_nay"}], HEAD
    )
    response = upload(clerk, broken)
    text = response.text
    assert response.status_code == 400
    assert f"dòng {xl.FIRST_LIST_ROW}, cột &#39;Loại đối tượng&#39;" in text
    assert row_counts(qb) == before
    # Past the sheet's own checks, the service's problem is located on its row too.
    response = upload(
        clerk,
        filled([{**PERSON, "evidence": "bao-cao-nhung.pdf"}, {**COLLECTIVE, "award_form": "khong_co"}], HEAD),
    )
    assert response.status_code == 400
    assert f"dòng {xl.FIRST_LIST_ROW + 1} (Hội Người mù tỉnh Quảng Bình)" in response.text
    assert row_counts(qb) == before


def test_the_cli_submits_the_same_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["org", "load", str(EXAMPLES / "quang-binh" / "org.yaml")]).exit_code == 0
    for name, path in FILES.items():
        (tmp_path / name).write_bytes(path.read_bytes())
    book = tmp_path / "danh-sach.xlsx"
    book.write_bytes(filled([{**PERSON, "evidence": "bao-cao-nhung.pdf"}, {**COLLECTIVE, "year": "x"}], HEAD))
    result = runner.invoke(
        app, ["--as-of", "2019-12-05", "nominations", "submit", str(book), "--as", "mu.canbo"]
    )
    assert result.exit_code == 2 and f"dòng {xl.FIRST_LIST_ROW + 1}, cột 'Năm'" in result.output
    book.write_bytes(filled([{**PERSON, "evidence": "bao-cao-nhung.pdf"}, COLLECTIVE], HEAD))
    result = runner.invoke(
        app, ["--as-of", "2019-12-05", "nominations", "submit", str(book), "--as", "mu.canbo"]
    )
    assert result.exit_code == 0, result.output
    assert "với 2 hồ sơ" in result.output
    template = tmp_path / "mau.xlsx"
    assert (
        runner.invoke(app, ["nominations", "template", str(template), "--unit", "qb-hoi-nguoi-mu"]).exit_code
        == 0
    )
    assert load_workbook(template)[xl.LIST_SHEET]["B1"].value == "qb-hoi-nguoi-mu"
