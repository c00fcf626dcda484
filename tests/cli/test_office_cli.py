"""``thidua delegations`` and ``thidua records`` (issue 22) from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_cli import QB, thidua  # noqa: F401 - the fixture

AD_HOC = QB / "nominations" / "hoi-lhtn-2020-dot-xuat.yaml"


def test_delegate_act_for_whom_export_and_verify(thidua: Any, tmp_path: Path) -> None:  # noqa: F811
    day = ("--as-of", "2020-05-15")
    thidua(*day, "nominations", "submit", str(AD_HOC), "--as", "lhtn.canbo")
    granted = thidua(
        *day,
        "delegations",
        "grant",
        "--as",
        "cv.tdkt1",
        "--to",
        "tb.tdkt",
        "--role",
        "appraiser",
        "--from-date",
        "2020-05-15",
        "--until",
        "2020-05-20",
        "--reason",
        "Nghỉ phép.",
    )
    assert "Hoàng Văn Giả Định → Phạm Thị Minh Họa" in granted
    refused = thidua(
        *day,
        "delegations",
        "grant",
        "--as",
        "gd.snv",
        "--to",
        "tb.tdkt",
        "--role",
        "council_member",
        "--from-date",
        "2020-05-15",
        "--until",
        "2020-05-20",
        "--reason",
        "Vắng.",
        code=3,
    )
    assert "Không ủy quyền" in refused
    # The household's criterion needs the appraiser's finding first (issue 18): the delegate records it.
    thidua(
        *day,
        "nominations",
        "finding",
        "1",
        "--rule",
        "bang_khen_ho_gia_dinh",
        "--result",
        "met",
        "--reason",
        "Đã xác minh hồ sơ.",
        "--as",
        "tb.tdkt",
    )
    thidua(*day, "nominations", "appraise", "1", "--as", "tb.tdkt", "--decision", "pass")
    shown = thidua(*day, "nominations", "show", "1")
    assert "thực hiện thay Hoàng Văn Giả Định" in shown
    copy = tmp_path / "nhat-ky.csv"
    thidua(*day, "records", "export", "nomination", "1", "--as", "cv.tdkt1", "--out", str(copy))
    assert "nguyên vẹn" in thidua("records", "verify", str(copy))
    copy.write_bytes(copy.read_bytes().replace("Phạm".encode(), b"Pham", 1))
    assert "đã bị sửa" in thidua("records", "verify", str(copy), code=4)
    thidua(*day, "delegations", "revoke", "1", "--as", "cv.tdkt1", "--reason", "Đi làm lại.")
    assert "đã thu hồi" in thidua(*day, "delegations", "list", "--as", "tb.tdkt")
    assert "Đã tính lại" in thidua(*day, "records", "dashboard")
