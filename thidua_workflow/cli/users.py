"""``thidua users``: web passwords and API tokens."""

import sys
from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import JsonFlag

app = typer.Typer(help="Tài khoản đăng nhập web và mã truy cập API.", no_args_is_help=True)


@app.command("set-password")
@handled
def users_set_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập (theo tệp tổ chức).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn.")
    ] = False,
) -> None:
    """Đặt (hoặc cấp lại) mật khẩu đăng nhập web của một người."""
    from thidua_workflow.services import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Mật khẩu mới", hide_input=True, confirmation_prompt="Nhập lại")
    with context() as ctx:
        accounts.set_password(ctx, username, password)
    out.print(f"Đã đặt mật khẩu cho {username}.")


@app.command("token")
@handled
def users_token(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    label: Annotated[str, typer.Option(help="Dùng cho việc gì (để nhận ra khi thu hồi).")],
    as_json: JsonFlag = False,
) -> None:
    """Cấp một mã truy cập API cho một người; mã chỉ in ra một lần."""
    from thidua_workflow.services import accounts

    with context() as ctx:
        issued = accounts.issue_token(ctx, username, label)
    if as_json:
        emit({"id": issued.id, "token": issued.token, "label": issued.label})
        return
    out.print(f"Mã truy cập số {issued.id} ({issued.label}): {issued.token}")
