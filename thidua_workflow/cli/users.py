"""``thidua users``: web passwords, reset codes, sessions and API tokens."""

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
    """Đặt (hoặc cấp lại) mật khẩu đăng nhập web của một người; mọi phiên đăng nhập của họ kết thúc."""
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


@app.command("reset-password")
@handled
def users_reset_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập của người quên mật khẩu.")],
    as_json: JsonFlag = False,
) -> None:
    """Cấp một mã đặt lại mật khẩu dùng một lần, có hạn (THIDUA_PASSWORD_RESET_HOURS), để trao cho người đó.

    Người đó mở trang /reset-password của ứng dụng web, nhập tên đăng nhập, mã và mật khẩu mới; mọi phiên
    đăng nhập cũ của họ kết thúc. Mã cấp sau làm mã cũ chưa dùng hết hiệu lực.
    """
    from thidua_workflow.services import accounts

    with context() as ctx:
        issued = accounts.issue_reset(ctx, username, by=None)
        expires = issued.expires_at.astimezone(ctx.clock.tz)
    if as_json:
        emit({"username": issued.username, "code": issued.code, "expires_at": expires.isoformat()})
        return
    out.print(f"Mã đặt lại mật khẩu cho {issued.full_name} ({issued.username}): {issued.code}")
    out.print(f"Dùng được một lần, đến {expires:%H:%M %d/%m/%Y}, tại trang /reset-password của ứng dụng web.")


@app.command("tokens")
@handled
def users_tokens(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    as_json: JsonFlag = False,
) -> None:
    """Liệt kê các mã truy cập API của một người (cả mã đã thu hồi)."""
    from thidua_workflow.services import accounts

    with context() as ctx:
        tokens = accounts.list_tokens(ctx, username)
        tz = ctx.clock.tz
    if as_json:
        emit(
            [
                {
                    "id": t.id,
                    "label": t.label,
                    "created_at": t.created_at.isoformat(),
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in tokens
            ]
        )
        return
    if not tokens:
        out.print(f"{username} chưa có mã truy cập nào.")
    for t in tokens:
        state = f"đã thu hồi {t.revoked_at.astimezone(tz):%H:%M %d/%m/%Y}" if t.revoked_at else "đang dùng"
        out.print(f"Số {t.id}: {t.label} — tạo {t.created_at.astimezone(tz):%H:%M %d/%m/%Y}, {state}")


@app.command("revoke-token")
@handled
def users_revoke_token(
    token_id: Annotated[int, typer.Argument(help="Số của mã truy cập (xem thidua users tokens).")],
) -> None:
    """Thu hồi một mã truy cập API: chương trình dùng mã đó bị từ chối ngay."""
    from thidua_workflow.services import accounts

    with context() as ctx:
        view = accounts.revoke_token(ctx, None, token_id)
    out.print(f"Đã thu hồi mã truy cập số {view.id} ({view.label}) của {view.full_name}.")


@app.command("end-sessions")
@handled
def users_end_sessions(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
) -> None:
    """Kết thúc mọi phiên đăng nhập web của một người (ví dụ khi máy của họ bị mất)."""
    from thidua_workflow.services import accounts

    with context() as ctx:
        ended = accounts.end_sessions(ctx, username, by=None)
    out.print(f"Đã kết thúc {ended} phiên đăng nhập của {username}.")
