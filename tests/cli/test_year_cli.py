"""``thidua movements``, ``registrations``, ``pledges`` on the Quảng Bình example's 2020 files (issue 20a)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_cli import QB, thidua  # noqa: F401  (the fixture)

YEAR = QB / "year-2020"


def test_the_2020_cycle_from_the_command_line(thidua: Any, tmp_path: Path) -> None:  # noqa: F811
    at = ("--as-of", "2020-02-14")
    out = thidua(*at, "movements", "launch", str(YEAR / "movement-2020.yaml"), "--as", "cv.tdkt1")
    assert "Phong trào thi đua yêu nước năm 2020 (10 đơn vị)" in out
    # Another launch of the same code is refused (2), and by a clerk not permitted (3).
    assert "đã có phong trào mã" in thidua(
        *at, "movements", "launch", str(YEAR / "movement-2020.yaml"), "--as", "cv.tdkt1", code=2
    )
    thidua(*at, "movements", "launch", str(YEAR / "movement-2019.yaml"), "--as", "mu.canbo", code=3)
    shown = thidua("movements", "show", "thi-dua-yeu-nuoc-2020")
    assert "Hạn đăng ký thi đua: 31/03/2020" in shown
    assert "Quyết định, văn bản phát động: phat-dong-2020.pdf" in shown

    template = tmp_path / "dk.xlsx"
    thidua("registrations", "template", "thi-dua-yeu-nuoc-2020", str(template), "--unit", "qb-hoi-nct")
    assert template.stat().st_size > 0
    done = thidua(
        "--as-of",
        "2020-03-10",
        "registrations",
        "submit",
        str(YEAR / "registrations/hoi-nguoi-cao-tuoi.xlsx"),
        "--as",
        "nct.canbo",
    )
    assert "2 dòng" in done
    late = thidua(
        "--as-of",
        "2020-04-02",
        "registrations",
        "submit",
        str(YEAR / "registrations/hoi-nguoi-mu.yaml"),
        "--as",
        "mu.canbo",
        code=2,
    )
    assert "quá hạn đăng ký (31/03/2020)" in late
    collected = json.loads(
        thidua(
            "--as-of",
            "2020-04-01",
            "registrations",
            "collect",
            "thi-dua-yeu-nuoc-2020",
            "--bloc",
            "qb-khoi-hoi-dac-thu",
            "--as",
            "htx.chutich",
            "--json",
        )
    )
    assert collected["collected"] == ["qb-hoi-nct"]

    thidua(
        "--as-of", "2020-02-17", "pledges", "draw-up", str(YEAR / "pledge-2020.yaml"), "--as", "htx.chutich"
    )
    signed = thidua(
        "--as-of",
        "2020-02-20",
        "pledges",
        "sign",
        "1",
        str(YEAR / "evidence/giao-uoc-2020-qb-hoi-nguoi-mu.pdf"),
        "--as",
        "mu.chutich",
    )
    assert "còn 9 đơn vị chưa ký" in signed
    table = json.loads(thidua("movements", "form-0601", "--year", "2020", "--json"))
    assert table["01"] == {"1": 1, "2": 0, "3": 1, "4": 0}
    assert table["07"]["3"] == table["12"]["3"] == table["03"]["3"] == 1
