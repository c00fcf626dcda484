"""``thidua``: the operator's command line. Messages for people are Vietnamese; ``--json`` for machines.

Exit codes: 0 done, 2 input rejected, 3 not permitted, 4 conflict, 1 anything else. ``--as USERNAME``
is the local operator's stand-in for a signed-in person: the CLI has direct database access.

One module per resource, as the web app's pages; this module lists them (``ENTRIES``) and the root
imports a command's module only when that command runs (``_lazy.LazyGroup``): ``thidua --help`` and the
completion of the first word read the table, whose names and summaries tests/cli/test_cli_startup.py
checks against the modules. A new command goes into the module of its resource; a new group or root
command also gets its line in ``ENTRIES``. A module imports at its top only what its own ``--help`` needs
(typer, rich's console, the domain's enums and text helpers); a command imports the services, SQLAlchemy,
Prefect or ReportLab it uses inside its function, so that starting the CLI stays cheap
(``bench/cli_startup.py``; ``tests/cli/test_cli_startup.py`` guards it). For the same reason the command
modules do without ``from __future__ import annotations``: typer reads the signature of every command it
builds, and string annotations are evaluated twice there (``inspect.signature``, ``get_type_hints``).
"""

import sys
from datetime import date
from typing import Annotated

import typer

from thidua_workflow.cli._context import STATE
from thidua_workflow.cli._lazy import Entry, LazyGroup

__all__ = ["ENTRIES", "app", "main"]

# Commands of the root, then the groups, in the order `thidua --help` lists them: name, module, attribute,
# kind, and the first paragraph of the help that `thidua --help` shows (tests/cli/test_cli_startup.py
# checks each against the command its module builds). A new command or group gets its line here.
# fmt: off
ENTRIES = (
    Entry("audit", "audit", "audit_log", "command", "Nhật ký: ai làm gì, lúc nào, từ trạng thái nào sang trạng thái nào (mới nhất trước)."),
    Entry("demo", "demo", "demo", "command", "Diễn lại kịch bản Quảng Bình 2019–2020: mọi bước chuyển giai đoạn là một flow run Prefect thật."),
    Entry("web", "serve", "web", "command", "Chỉ chạy giao diện web (các bước tiếp theo chạy theo THIDUA_DISPATCH)."),
    Entry("serve", "serve", "serve", "command", "Chạy mọi deployment (các giai đoạn, gửi thư, quét định kỳ) và giao diện web trên máy này; Ctrl-C để dừng."),
    Entry("sweep", "serve", "sweep_once", "command", "Quét một lần, không cần Prefect: nhắc hạn, báo quá hạn, chạy lại các bước bị lỡ, gửi thư."),
    Entry("db", "db", "app", "group", "Cơ sở dữ liệu."),
    Entry("org", "org", "app", "group", "Tổ chức: tỉnh, đơn vị, khối thi đua, người dùng."),
    Entry("nominations", "nominations", "app", "group", "Hồ sơ đề nghị khen thưởng."),
    Entry("tasks", "tasks", "app", "group", "Việc cần xử lý."),
    Entry("policy", "policy", "app", "group", "Chính sách của tỉnh theo từng giai đoạn."),
    Entry("rounds", "rounds", "app", "group", "Vòng bình xét của khối thi đua."),
    Entry("sessions", "sessions", "app", "group", "Phiên họp Hội đồng Thi đua – Khen thưởng."),
    Entry("decisions", "decisions", "app", "group", "Quyết định khen thưởng."),
    Entry("certificates", "certificates", "app", "group", "Bằng khen: cấp, xuất tệp in, xác thực, thu hồi."),
    Entry("documents", "documents", "app", "group", "Văn bản của đợt xét: biên bản khối, tờ trình, biên bản Hội đồng, thông báo, quyết định (.docx, PDF)."),
    Entry("users", "users", "app", "group", "Tài khoản đăng nhập web và mã truy cập API."),
    Entry("signers", "signers", "app", "group", "Cách ký số của từng người ký: thiết bị ký số, ký số từ xa, khóa của cơ quan."),
    # --- NĐ 152/2025 steps (issue 19) ---
    Entry("posting", "steps2025", "posting_app", "group", "Công khai danh sách trước khi họp Hội đồng (Điều 44 k2 NĐ 152/2025)."),
    Entry("clearances", "steps2025", "clearances_app", "group", "Xin ý kiến, xác nhận của cơ quan (Điều 33 k2, Điều 34 NĐ 152/2025)."),
    Entry("national", "steps2025", "national_app", "group", "Trình khen thưởng cấp Nhà nước (Điều 33 k9–k12, Điều 35 NĐ 152/2025)."),
    Entry("annul", "steps2025", "annul_app", "group", "Hủy bỏ khen thưởng, thu hồi hiện vật và tiền thưởng (Điều 56, 58 NĐ 152/2025)."),
    # issue 22: delegations and reassigning; the audit record's exports and the dashboard's snapshot
    Entry("delegations", "office", "delegations_app", "group", "Ủy quyền xử lý việc khi vắng mặt; giao lại việc."),
    Entry("records", "office", "records_app", "group", "Nhật ký của hồ sơ, vòng bình xét, phiên họp, quyết định: xuất và kiểm tra."),
    # issue 20b: the Ministry's report forms and the reward fund
    Entry("reports", "reports", "app", "group", "Biểu mẫu báo cáo thống kê thi đua, khen thưởng (Bộ Nội vụ)."),
    Entry("fund", "fund", "app", "group", "Quỹ thi đua, khen thưởng: số dư, sổ quỹ, chi thưởng, thu hồi."),
    # issue 20a: the year around the awards
    Entry("movements", "movements", "movements_app", "group", "Phong trào thi đua."),
    Entry("registrations", "movements", "registrations_app", "group", "Đăng ký thi đua của các đơn vị."),
    Entry("pledges", "movements", "pledges_app", "group", "Giao ước thi đua hằng năm của khối."),
)
# fmt: on


class Root(LazyGroup):
    ENTRIES = ENTRIES


app = typer.Typer(
    help="Quy trình đề nghị khen thưởng (thi đua – khen thưởng).", no_args_is_help=True, cls=Root
)


@app.callback()
def main_options(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Chạy như thể hôm nay là ngày này (YYYY-MM-DD), để diễn lại một kỳ cũ."),
    ] = None,
) -> None:
    try:
        STATE.as_of = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(
            f"'{as_of}' không phải một ngày theo dạng năm-tháng-ngày (YYYY-MM-DD), ví dụ 2020-12-07.",
            param_hint="--as-of",
        ) from None


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
