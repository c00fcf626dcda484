"""``thidua reports`` and ``thidua fund``: figures entered from a file, forms exported, the fund kept,
with the CLI's exit codes (2 bad input, 3 not permitted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_cli import thidua  # noqa: F401 (the fixture)


def test_reports_and_fund_from_the_command_line(thidua: Any, tmp_path: Path) -> None:  # noqa: F811
    figures = tmp_path / "0604.yaml"
    figures.write_text('"04": {"1": 1}\n"05": {"1": 2}\n', encoding="utf-8")
    assert "phiên bản 1" in thidua(
        "reports", "enter", "0604", "--year", "2024", "--figures", str(figures), "--as", "cv.tdkt1"
    )
    shown = json.loads(thidua("reports", "show", "0604", "--year", "2024", "--as", "cv.tdkt1", "--json"))
    assert shown["figures"]["01"] == {"1": 3} and shown["origin"] == "entered"
    # the same file again without the version it changes: somebody saved in between (4)
    thidua(
        "reports", "enter", "0604", "--year", "2024", "--figures", str(figures), "--as", "cv.tdkt1", code=4
    )
    thidua(
        "reports",
        "enter",
        "0604",
        "--year",
        "2024",
        "--figures",
        str(figures),
        "--as",
        "quantri",
        "--version",
        "1",
        code=3,
    )
    figures.write_text('"05": {"1": -1}\n', encoding="utf-8")
    assert "số nguyên không âm" in thidua(
        "reports",
        "enter",
        "0604",
        "--year",
        "2024",
        "--figures",
        str(figures),
        "--as",
        "cv.tdkt1",
        "--version",
        "1",
        code=2,
    )
    listed = thidua("reports", "list", "--year", "2024")
    assert (
        "0602 0602.N/BNV-TĐKT SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC (từ kết quả các hồ sơ trình cấp Nhà nước "
        "đã lưu, cộng số liệu Ban nhập bổ sung)" in " ".join(listed.split())
    )
    # 0602: no stored proposal answered in 2024, so the form is the Ban's supplement, and says so.
    supplement = tmp_path / "0602.yaml"
    supplement.write_text('"1": {"6": 1}\n"2": {"6": 1}\n"6": {"6": 1}\n', encoding="utf-8")
    thidua("reports", "enter", "0602", "--year", "2024", "--figures", str(supplement), "--as", "cv.tdkt1")
    shown = json.loads(thidua("reports", "show", "0602", "--year", "2024", "--as", "cv.tdkt1", "--json"))
    assert shown["origin"] == "mixed" and shown["version"] == 1
    assert (shown["figures"]["1"]["1"], shown["figures"]["1"]["6"], shown["figures"]["3"]["1"]) == (1, 1, 0)
    assert shown["entered"]["2"]["6"] == 1
    assert shown["notes"][:2] == [
        "0 lượt tính từ kết quả các hồ sơ trình cấp Nhà nước đã lưu trong hệ thống (quyết định của cấp Trung "
        "ương ký từ 01/12/2023 đến 30/11/2024; tỉnh trình: dòng 3).",
        "1 lượt do Ban nhập bổ sung (khen thưởng không có trong hồ sơ trình đã lưu: do bộ, ngành trình, trình "
        "trước khi dùng hệ thống, hoặc hình thức hệ thống chưa có).",
    ]
    out = tmp_path / "bao-cao"
    thidua("reports", "export", "--year", "2024", "--out", str(out), "--as", "cv.tdkt1")
    assert sorted(p.name for p in out.iterdir()) == [
        f"bieu-060{i}-2024.{x}" for i in range(1, 6) for x in ("pdf", "xlsx")
    ]

    thidua(
        "--as-of",
        "2024-03-01",
        "fund",
        "income",
        "--year",
        "2024",
        "--amount",
        "1000000",
        "--voucher",
        "QĐ-1",
        "--voucher-date",
        "2024-02-01",
        "--as",
        "cv.tdkt1",
    )
    balance = json.loads(thidua("fund", "balance", "--year", "2024", "--as", "cv.tdkt1", "--json"))
    assert [(b["source"], b["income"], b["organising_share"], b["total"]) for b in balance] == [
        ("dong_gop", 0, 0, 0),
        ("ngan_sach", 1_000_000, 200_000, 1_000_000),
    ]
    thidua(
        "--as-of",
        "2024-03-01",
        "fund",
        "organising",
        "--amount",
        "200001",
        "--voucher",
        "PC-1",
        "--voucher-date",
        "2024-02-02",
        "--note",
        "Hội nghị",
        "--as",
        "cv.tdkt1",
        code=2,
    )
    thidua("--as-of", "2024-03-01", "fund", "reverse", "1", "--reason", "Nhập nhầm năm", "--as", "cv.tdkt1")
    lines = json.loads(thidua("fund", "ledger", "--as", "cv.tdkt1", "--json"))
    assert [(e["kind"], e["signed"], e["reversed_by_id"]) for e in lines] == [
        ("income", 1_000_000, 2),
        ("reversal", -1_000_000, None),
    ]
    # A year opens with the year before's closing balance, computed from the ledger.
    thidua(
        "--as-of",
        "2024-03-01",
        "fund",
        "income",
        "--year",
        "2024",
        "--amount",
        "1000000",
        "--voucher",
        "QĐ-2",
        "--voucher-date",
        "2024-02-01",
        "--as",
        "cv.tdkt1",
    )
    opened = json.loads(thidua("fund", "balance", "--year", "2025", "--as", "cv.tdkt1", "--json"))
    assert [
        (b["source"], b["opening"], b["for_awards"], b["for_organising"], b["total"]) for b in opened
    ] == [
        ("dong_gop", 0, 0, 0, 0),
        ("ngan_sach", 1_000_000, 800_000, 200_000, 1_000_000),
    ]
    shown = thidua("fund", "balance", "--year", "2025", "--as", "cv.tdkt1")
    assert (
        "Năm 2025 — Ngân sách nhà nước: số dư đầu năm 1.000.000 đ (chuyển từ năm 2024); nguồn 0 đ;"
        in " ".join(shown.split())
    )
