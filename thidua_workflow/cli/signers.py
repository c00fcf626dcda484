"""``thidua signers``: how each person signs decisions: their own PKCS#11 token, a remote signing account
(CSC API v2), or the office's seal key. No PIN or password is asked or kept here: those are typed at
signing (the decision's page, or ``thidua decisions sign``)."""

from typing import Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import JsonFlag

app = typer.Typer(
    help="Cách ký số của từng người ký: thiết bị ký số, ký số từ xa, khóa của cơ quan.", no_args_is_help=True
)


def _print(view: object, as_json: bool) -> None:
    from thidua_workflow.services.signers import SignerView

    assert isinstance(view, SignerView)
    if as_json:
        emit(view.to_dict())
        return
    out.print(f"{view.full_name} ({view.username}): {view.kind_label}")
    for label, value in (
        ("Thư viện PKCS#11", view.pkcs11_module),
        ("Nhãn thiết bị", view.token_label),
        ("Khe", view.slot),
        ("Nhãn khóa", view.key_label),
        ("Dịch vụ", view.remote_url),
        ("Tài khoản", view.remote_username),
        ("Mã khóa (credential)", view.credential_id),
    ):
        if value is not None:
            out.print(f"  {label}: {value}")


@app.command("set")
@handled
def signers_set(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập của người ký.")],
    kind: Annotated[str, typer.Option("--kind", help="pkcs11 | remote | seal.")],
    module: Annotated[
        str | None, typer.Option("--module", help="pkcs11: đường dẫn thư viện PKCS#11 trên máy chủ web.")
    ] = None,
    token_label: Annotated[str | None, typer.Option("--token-label", help="pkcs11: nhãn thiết bị.")] = None,
    slot: Annotated[
        int | None, typer.Option("--slot", help="pkcs11: số khe (thay cho nhãn thiết bị).")
    ] = None,
    key_label: Annotated[str | None, typer.Option("--key-label", help="pkcs11: nhãn khóa ký.")] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="remote: địa chỉ dịch vụ (phần trước /csc/v2).")
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="remote: tên tài khoản ở dịch vụ.")] = None,
    credential: Annotated[
        str | None, typer.Option("--credential", help="remote: mã khóa (mặc định khóa đầu tiên).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Đặt cách ký số của một người; lỗi nêu rõ từng trường, không lưu gì khi có lỗi."""
    from thidua_workflow.services import signers

    data = signers.SignerIn(
        kind=kind,
        pkcs11_module=module,
        token_label=token_label,
        slot=slot,
        key_label=key_label,
        remote_url=url,
        remote_username=account,
        credential_id=credential,
    )
    with context() as ctx:
        view = signers.set_signer(ctx, username, data)
    _print(view, as_json)


@app.command("show")
@handled
def signers_show(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")], as_json: JsonFlag = False
) -> None:
    """Cách ký số của một người (chưa đặt: khóa của cơ quan)."""
    from thidua_workflow.services import signers

    with context() as ctx:
        view = signers.show_signer(ctx, username)
    _print(view, as_json)


@app.command("list")
@handled
def signers_list(as_json: JsonFlag = False) -> None:
    """Những người đã đặt cách ký số."""
    from thidua_workflow.services import signers

    with context() as ctx:
        views = signers.list_signers(ctx)
    if as_json:
        emit([v.to_dict() for v in views])
        return
    for view in views:
        _print(view, False)
