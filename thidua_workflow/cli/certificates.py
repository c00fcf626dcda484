"""``thidua certificates``: issue and export the printed certificates, verify, revoke, calibrate."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, err, handled
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag
from thidua_workflow.errors import InputRejected

app = typer.Typer(help="Bằng khen: cấp, xuất tệp in, xác thực, thu hồi.", no_args_is_help=True)


@app.command("issue")
@handled
def certificates_issue(
    decision_id: Annotated[int, typer.Argument(help="Số (mã) quyết định đã ban hành.")],
    out: Annotated[Path | None, typer.Option(help="Thư mục ghi các tệp PDF để in.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Cấp bằng cho mọi người trong quyết định (chạy lại không cấp trùng) và xuất các tệp in."""
    from thidua_workflow.services import certificates

    with context() as ctx:
        if sys.stderr.isatty() and not as_json:
            with err.status("Đang dựng các bằng …"):
                report = certificates.issue(ctx, decision_id)
        else:
            report = certificates.issue(ctx, decision_id)
        files = certificates.export(ctx, decision_id, out) if out else []
    if as_json:
        emit({**report.to_dict(), "files": [str(f) for f in files]})
        return
    print(f"Quyết định {decision_id}: cấp mới {report.created} bằng, đã có {report.existing}.")
    for f in files:
        print(f"  {f}")


@app.command("verify")
@handled
def certificates_verify(
    code_or_pdf: Annotated[
        str, typer.Argument(help="Mã xác thực (in dưới mã QR) hoặc đường dẫn tệp PDF của bằng.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Bằng thật, không rõ, bị sửa hay đã thu hồi. Mã thoát: 0 thật; 2 không rõ; 4 bị sửa hoặc thu hồi."""
    from thidua_workflow.services import certificates

    path = Path(code_or_pdf)
    subject: str | bytes = (
        path.read_bytes() if path.suffix.lower() == ".pdf" and path.is_file() else code_or_pdf
    )
    with context() as ctx:
        result = certificates.verify(ctx, subject)
    if as_json:
        emit(result.to_dict())
    else:
        label = {"genuine": "THẬT", "unknown": "KHÔNG RÕ", "altered": "BỊ SỬA", "revoked": "ĐÃ THU HỒI"}[
            result.verdict
        ]
        print(f"{label}: {result.message}")
        for key, value in result.details.items():
            print(f"  {key}: {value}")
    raise typer.Exit({"genuine": 0, "unknown": 2}.get(result.verdict, 4))


@app.command("revoke")
@handled
def certificates_revoke(
    code: Annotated[str, typer.Argument(help="Mã xác thực của bằng.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do, văn bản căn cứ.")],
) -> None:
    """Văn thư thu hồi một bằng (ví dụ quyết định bị hủy); tra cứu sẽ báo đã thu hồi."""
    from thidua_workflow.services import certificates

    with context() as ctx:
        result = certificates.revoke(ctx, actor, code, reason)
    print(result.message)


@app.command("calibrate")
@handled
def certificates_calibrate(
    out: Annotated[Path, typer.Option(help="Tệp PDF của tờ căn chỉnh.")],
    offset: Annotated[str, typer.Option(help="Độ lệch của máy in, mm: x,y (ví dụ 1.5,-0.5).")] = "0,0",
) -> None:
    """Tờ căn chỉnh cho phôi in sẵn: khung và dấu chữ thập của từng ô, đã cộng độ lệch máy in."""
    from thidua_workflow.certificates.layout import load_layout
    from thidua_workflow.certificates.render import render_calibration

    try:
        dx, dy = (float(v) for v in offset.split(","))
    except ValueError:
        raise InputRejected(f"Độ lệch phải có dạng x,y (mm), nhận được '{offset}'.") from None
    with context() as ctx:
        layout = load_layout(ctx.policy.certificates.layout)
    out.write_bytes(render_calibration(layout, (dx, dy)))
    print(f"Đã ghi {out}: in lên một tờ phôi, đối chiếu với các ô in sẵn, rồi đặt THIDUA_PRINTER_OFFSET_MM.")
