"""The command line: exit codes 0/2/3/4, JSON on request, Vietnamese for people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from thidua_workflow.cli import app

QB = EXAMPLES / "quang-binh"
runner = CliRunner()


@pytest.fixture
def thidua(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the CLI against a fresh SQLite database in a temporary data directory."""
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.output}"
        return result.output

    run("org", "load", str(QB / "org.yaml"))
    return run


def test_submit_list_show(thidua: Any) -> None:
    out = thidua(
        "--as-of",
        "2019-12-05",
        "nominations",
        "submit",
        str(QB / "nominations/hoi-nguoi-mu-2019.yaml"),
        "--as",
        "mu.canbo",
    )
    assert "Đã nộp tờ trình số 1 với 2 hồ sơ" in out
    rows = json.loads(thidua("nominations", "list", "--json", "--search", "tran van"))
    assert [r["nominee"] for r in rows] == ["Trần Văn Sáng Kiến"]
    shown = thidua("nominations", "show", str(rows[0]["id"]))
    assert "Khối thi đua đang xét" in shown
    assert "Điều 22 Luật Thi đua, Khen thưởng 2003" in shown
    assert "Chuyển Khối thi đua xét" in shown


def test_exit_codes(thidua: Any, tmp_path: Path) -> None:
    nominations = QB / "nominations/hoi-nguoi-mu-2019.yaml"
    # 3: another unit's clerk.
    out = thidua(
        "--as-of", "2019-12-05", "nominations", "submit", str(nominations), "--as", "nct.canbo", code=3
    )
    assert "không có vai trò" in out
    # 2: a broken file names the entry and the field.
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        nominations.read_text(encoding="utf-8").replace("kind: person", "kind: ca_nhan"), encoding="utf-8"
    )
    for evidence in ("evidence",):
        (tmp_path / evidence).symlink_to(QB / "nominations" / evidence)
    out = thidua("--as-of", "2019-12-05", "nominations", "submit", str(bad), "--as", "mu.canbo", code=2)
    assert "mục 2" in out and "Loại đối tượng" in out and "nominee.kind" not in out
    # 0, then 4: acting twice on the same task.
    thidua("--as-of", "2019-12-05", "nominations", "submit", str(nominations), "--as", "mu.canbo")
    tasks = json.loads(thidua("--as-of", "2019-12-06", "tasks", "list", "--as", "nct.chutich", "--json"))
    assert [t["kind"] for t in tasks] == ["round_open"]
    task = str(tasks[0]["id"])
    thidua("--as-of", "2019-12-06", "tasks", "act", task, "--as", "nct.chutich", "--decision", "open")
    out = thidua(
        "--as-of", "2019-12-06", "tasks", "act", task, "--as", "nct.chutich", "--decision", "open", code=4
    )
    assert "đã xử lý" in out


def test_json_errors_are_machine_readable(thidua: Any) -> None:
    out = thidua("nominations", "show", "999", "--json", code=2)
    assert json.loads(out)["error"] == "NotFound"


def test_policy_show_lists_sources(thidua: Any) -> None:
    out = thidua("policy", "show")
    assert "luat-2003" in out and "nd-98-2023" in out
    assert "Điều 30 khoản 7 Nghị định 98/2023/NĐ-CP" in out
    assert "chưa đối chiếu" in out


def test_demo_replays_the_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "demo"))
    for _ in range(2):  # a second run starts again from a fresh database
        result = runner.invoke(app, ["demo", "--example", str(QB), "--without-prefect"])
        assert result.exit_code == 0, result.output
        assert "Đã khen thưởng: 8" in result.output
        assert "162/QĐ-UBND" in result.output


def test_the_merger_demo_and_the_former_chairman_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`thidua demo --example examples/quang-tri-2025`: Quảng Bình 2019–2020, then the 2025 merger. After
    it, the former Chairman and council of Quảng Bình act for nobody (exit 3); issued files stay as issued."""
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "demo"))
    result = runner.invoke(app, ["demo", "--example", str(EXAMPLES / "quang-tri-2025"), "--without-prefect"])
    assert result.exit_code == 0, result.output
    assert "1/QĐ-UBND" in result.output and "CHỦ TỊCH Lê Văn Mẫu Hợp Nhất" in result.output
    assert "162/QĐ-UBND ngày 21/01/2020 của Ủy ban nhân dân tỉnh Quảng Bình: giữ nguyên tệp đã ban hành" in (
        " ".join(result.output.split())
    )
    # Issue 19: every step NĐ 152/2025 adds shows in the output, with its article.
    said = " ".join(result.output.split())
    for step in (
        "[Điều 44 khoản 2 NĐ 152/2025] Ban Thi đua – Khen thưởng công khai danh sách",
        "Hội đồng chỉ biểu quyết từ ngày 17/12/2025",
        "[Điều 33 khoản 2, Điều 34 NĐ 152/2025] Xin ý kiến Ban Thường vụ Tỉnh ủy",
        "[Điều 33 khoản 9–12, Điều 35 NĐ 152/2025] Lập hồ sơ trình Thủ tướng Chính phủ",
        "Quyết định số 789/QĐ-TTg",
        "[Điều 56, 58 NĐ 152/2025]",
        "Bằng đã bị thu hồi",
        "đã thu hồi 2.340.000 đồng",
    ):
        assert step in said, step
    listed = runner.invoke(app, ["annul", "list"])
    assert listed.exit_code == 0 and "412/QĐ-UBND" in listed.output, listed.output
    [annulled] = json.loads(runner.invoke(app, ["annul", "list", "--json"]).output)
    shown = runner.invoke(app, ["decisions", "show", str(annulled["decision_id"])])
    assert "đã hủy bỏ theo Quyết định số 412/QĐ-UBND, ngày 04 tháng 5 năm 2026" in " ".join(
        shown.output.split()
    )
    gate = runner.invoke(app, ["--as-of", "2025-12-16", "posting", "gate", "13"])
    assert "17/12/2025" in " ".join(gate.output.split()), gate.output
    after = ["--as-of", "2025-12-19"]
    refused = runner.invoke(app, [*after, "sessions", "open", "--as", "tb.tdkt"])
    assert refused.exit_code == 3, refused.output
    assert "không có vai trò" in refused.output
    refused = runner.invoke(app, [*after, "sessions", "vote", "4", "--as", "gd.snv", "--yes", "12"])
    assert refused.exit_code == 3, refused.output
    # Before the merger the same person held the authority (a grant holds on its own dates).
    before = runner.invoke(app, ["--as-of", "2025-06-30", "sessions", "open", "--as", "tb.tdkt"])
    assert before.exit_code != 3, before.output
    pdf = runner.invoke(app, ["decisions", "pdf", "1", "--out", str(tmp_path / "162.pdf")])
    assert pdf.exit_code == 0, pdf.output
    stored = next((tmp_path / "demo" / "in" / "162-qd-ubnd").glob("quyet-dinh-*.pdf"))
    assert (tmp_path / "162.pdf").read_bytes() == stored.read_bytes()


def test_certificates_issue_export_and_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "demo"))
    assert runner.invoke(app, ["demo", "--example", str(QB), "--without-prefect"]).exit_code == 0
    result = runner.invoke(app, ["certificates", "issue", "2", "--out", str(tmp_path / "in"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["created"], report["existing"]) == (0, 1)  # the decision stage issued it already
    certificate = next(Path(f) for f in report["files"] if Path(f).name.startswith("bang-001"))
    verdict = runner.invoke(app, ["certificates", "verify", str(certificate), "--json"])
    assert verdict.exit_code == 0, verdict.output
    assert json.loads(verdict.output)["verdict"] == "genuine"
    code = json.loads(verdict.output)["details"]["code"]
    assert runner.invoke(app, ["certificates", "verify", code]).exit_code == 0
    unknown = runner.invoke(app, ["certificates", "verify", "AAAA-BBBB-CCCC-DDDD"])
    assert unknown.exit_code == 2
    assert "KHÔNG RÕ" in unknown.output
    assert runner.invoke(app, ["decisions", "pdf", "1", "--out", str(tmp_path / "qd.pdf")]).exit_code == 0
    assert (tmp_path / "qd.pdf").read_bytes().startswith(b"%PDF-")


def test_the_chair_decides_a_dossier_completed_while_the_bloc_votes(thidua: Any) -> None:
    """Issue 13 item 5 from the command line: the clerk completes, the chair's task defers it."""
    nominations = QB / "nominations"
    for name, clerk in (("hoi-nguoi-mu-2019", "mu.canbo"), ("hoi-nha-bao-2019", "nhabao.canbo")):
        thidua(
            "--as-of", "2019-12-05", "nominations", "submit", str(nominations / f"{name}.yaml"), "--as", clerk
        )
    rows = json.loads(thidua("nominations", "list", "--json"))
    returned = str(next(r["id"] for r in rows if r["unit"] == "qb-hoi-nha-bao"))
    thidua(
        "--as-of",
        "2019-12-06",
        "rounds",
        "return",
        returned,
        "--as",
        "nct.chutich",
        "--reason",
        "Bổ sung số liệu.",
    )
    round_id = str(json.loads(thidua("rounds", "list", "--json"))[0]["id"])
    thidua("--as-of", "2019-12-06", "rounds", "open", round_id, "--as", "nct.chutich")
    done = thidua(
        "--as-of",
        "2019-12-16",
        "nominations",
        "resubmit",
        returned,
        "--as",
        "nhabao.canbo",
        "--file",
        str(nominations / "hoi-nha-bao-2019-hoan-thien.yaml"),
    )
    assert "Khối thi đua đang xét" in done
    listed = thidua("--as-of", "2019-12-16", "tasks", "list", "--as", "nct.chutich")
    assert "Xét hồ sơ hoàn thiện sau khi khối mở" in listed and "add | defer" in listed
    tasks = json.loads(thidua("--as-of", "2019-12-16", "tasks", "list", "--as", "nct.chutich", "--json"))
    late = str(next(t["id"] for t in tasks if t["kind"] == "late_dossier"))
    thidua(
        "--as-of", "2019-12-16", "tasks", "act", late, "--as", "nct.chutich", "--decision", "defer", code=2
    )
    out = thidua(
        "--as-of",
        "2019-12-16",
        "tasks",
        "act",
        late,
        "--as",
        "nct.chutich",
        "--decision",
        "defer",
        "--comment",
        "Xét ở vòng sau.",
    )
    assert "vòng bình xét sau của khối" in out
    shown = thidua("nominations", "show", returned)
    assert "chuyển sang vòng bình xét sau của khối" in shown and "Xét ở vòng sau." in shown


def test_users_passwords_reset_codes_tokens_and_sessions(
    thidua: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 from the CLI: a weak password is refused naming the rule; an operator's reset code sets a
    new password once; tokens are listed and revoked; sessions are ended."""
    import re

    from thidua_workflow.errors import InputRejected
    from thidua_workflow.services import accounts
    from thidua_workflow.services.context import bootstrap
    from thidua_workflow.settings import Settings

    refused = runner.invoke(
        app, ["users", "set-password", "mu.canbo", "--password-stdin"], input="1111111111\n"
    )
    assert refused.exit_code == 2 and "ít nhất 12 ký tự" in refused.output
    done = runner.invoke(
        app, ["users", "set-password", "mu.canbo", "--password-stdin"], input="song-nhat-le-mua-thu\n"
    )
    assert done.exit_code == 0 and "Đã đặt mật khẩu" in done.output
    printed = thidua("users", "reset-password", "mu.canbo")
    code = re.findall(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}", printed)[0]
    assert "Dùng được một lần" in printed
    ctx = bootstrap(Settings(), dispatcher=None)
    token = accounts.start_session(ctx, "mu.canbo", client="10.0.0.5")
    assert accounts.session_actor(ctx, token) is not None
    accounts.redeem_reset(ctx, "mu.canbo", code, "mot-mat-khau-khac-han")
    assert accounts.session_actor(ctx, token) is None  # the reset ended the person's sessions
    with pytest.raises(InputRejected, match="đã được dùng"):
        accounts.redeem_reset(ctx, "mu.canbo", code, "lai-mot-mat-khau-khac")
    assert accounts.authenticate(ctx, "mu.canbo", "mot-mat-khau-khac-han").username == "mu.canbo"
    issued = json.loads(thidua("users", "token", "mu.canbo", "--label", "văn thư", "--json"))
    listed = thidua("users", "tokens", "mu.canbo")
    assert f"Số {issued['id']}: văn thư" in listed and "đang dùng" in listed
    assert "Đã thu hồi mã truy cập số" in thidua("users", "revoke-token", str(issued["id"]))
    assert "đã thu hồi" in thidua("users", "tokens", "mu.canbo")
    assert "Không tìm thấy mã truy cập '999999'" in thidua("users", "revoke-token", "999999", code=2)
    again = accounts.start_session(ctx, "mu.canbo", client="10.0.0.5")
    assert "Đã kết thúc 1 phiên" in thidua("users", "end-sessions", "mu.canbo")
    assert accounts.session_actor(ctx, again) is None
    ctx.engine.dispose()


def test_the_appraiser_records_findings_from_the_command_line(thidua: Any, tmp_path: Path) -> None:
    """Issue 18: the household's criterion is shown "CẦN THẨM ĐỊNH"; the pass waits for the finding."""
    thidua(
        "--as-of",
        "2020-05-15",
        "nominations",
        "submit",
        str(QB / "nominations/hoi-lhtn-2020-dot-xuat.yaml"),
        "--as",
        "lhtn.canbo",
    )
    shown = thidua("--as-of", "2020-05-18", "nominations", "show", "1")
    assert "[CẦN THẨM ĐỊNH] cần thẩm định: gia đình gương mẫu" in shown
    assert "thidua nominations finding 1 --rule" in shown
    refused = thidua(
        "--as-of",
        "2020-05-18",
        "nominations",
        "appraise",
        "1",
        "--as",
        "cv.tdkt1",
        "--decision",
        "pass",
        code=2,
    )
    assert "cần thẩm định chưa có kết quả" in refused and "Tiêu chuẩn Bằng khen cho hộ gia đình" in refused
    bad = thidua(
        "--as-of", "2020-05-18", "nominations", "finding", "1", "--as", "cv.tdkt1",
        "--rule", "bang_khen_ho_gia_dinh", "--result", "có lẽ", "--reason", "Xem.", code=2,
    )  # fmt: skip
    assert "met (đạt) hoặc not_met (không đạt)" in bad
    done = thidua(
        "--as-of", "2020-05-18", "nominations", "finding", "1", "--as", "cv.tdkt1", "--json",
        "--rule", "bang_khen_ho_gia_dinh", "--result", "đạt", "--reason", "UBND xã xác nhận.",
    )  # fmt: skip
    assert json.loads(done)["finding"] == "met"
    shown = thidua("--as-of", "2020-05-18", "nominations", "show", "1")
    assert "[đạt]" in shown and "thẩm định: đạt (UBND xã xác nhận.)" in shown
    assert "Ghi kết quả thẩm định tiêu chuẩn (Tiêu chuẩn Bằng khen cho hộ gia đình: đạt" in shown
    thidua("--as-of", "2020-05-18", "nominations", "appraise", "1", "--as", "cv.tdkt1", "--decision", "pass")


def test_policy_show_warns_of_the_lapse_in_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(
        "THIDUA_POLICY_PATH",
        str(Path(__file__).resolve().parents[2] / "thidua_workflow/policies/quang-tri.yaml"),
    )
    early = runner.invoke(app, ["--as-of", "2026-12-01", "policy", "show"])
    assert early.exit_code == 0 and "CẢNH BÁO" not in early.output
    assert "Hết hiệu lực: 01/03/2027" in early.output and "[cần thẩm định]" in early.output
    late = runner.invoke(app, ["--as-of", "2027-01-10", "policy", "show"])
    assert late.exit_code == 0
    assert late.output.startswith("CẢNH BÁO: Giai đoạn 'nd-152-2025'") and "còn 50 ngày" in late.output


def test_a_bad_as_of_date_is_a_clear_error_not_a_traceback() -> None:
    for bad in ("bad", "2020-13-01", "07/12/2020"):
        result = runner.invoke(app, ["--as-of", bad, "policy", "show"])
        assert result.exit_code == 2, result.output
        said = " ".join(result.output.split())
        assert "--as-of" in said and "YYYY-MM-DD" in said and "Traceback" not in said, said


def test_a_reason_keyed_by_an_odd_digit_is_a_usage_error_not_a_traceback(thidua: Any) -> None:
    """'²' is a digit to str.isdigit but not to int(): `--reason ²=…` ended in a ValueError traceback."""
    out = thidua(
        "tasks", "act", "1", "--as", "cv.tdkt1", "--decision", "reject", "--reason", "²=Thiếu hồ sơ.", code=2
    )
    assert "Lý do phải có dạng SỐ=nội dung" in out and "Traceback" not in out
