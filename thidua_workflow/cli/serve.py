"""Running the system on this machine: ``thidua web``, ``thidua serve`` (every deployment and the web
app), ``thidua sweep`` (one pass of the periodic sweep without Prefect). Commands of the root:
``cli/__init__`` mounts them under these names."""

from typing import Annotated, Any

import typer

from thidua_workflow.cli._console import emit, handled, out, warn
from thidua_workflow.cli._context import context, settings
from thidua_workflow.cli._options import JsonFlag

WebHost = Annotated[str, typer.Option(help="Địa chỉ lắng nghe của giao diện web.")]
WebPort = Annotated[
    int, typer.Option(help="Cổng của giao diện web (mã QR trên bằng trỏ tới THIDUA_VERIFY_URL).")
]


@handled
def web(host: WebHost = "127.0.0.1", web_port: WebPort = 8000) -> None:
    """Chỉ chạy giao diện web (các bước tiếp theo chạy theo THIDUA_DISPATCH)."""
    from thidua_workflow.web.server import build_app, run

    application = build_app(settings(), on_problem=warn)
    out.print(f"Giao diện web: http://{host}:{web_port}/ (Ctrl-C để dừng).")
    run(application, host, web_port)


@handled
def serve(
    port: Annotated[
        int, typer.Option(help="Cổng của Prefect server cục bộ (khi chưa có PREFECT_API_URL).")
    ] = 4200,
    host: WebHost = "127.0.0.1",
    web_port: WebPort = 8000,
) -> None:
    """Chạy mọi deployment (các giai đoạn, gửi thư, quét định kỳ) và giao diện web trên máy này; Ctrl-C để dừng.

    Có PREFECT_API_URL: phục vụ các deployment trên server đó. Không có: khởi động Prefect server cục bộ
    với dữ liệu trong thư mục dữ liệu (giao diện Prefect ở http://127.0.0.1:PORT). Thao tác trên web
    đánh thức các flow của các deployment đó.
    """
    import os
    from contextlib import ExitStack

    from flows.local_server import prefect_server, runner

    current = settings()
    home = current.data_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    flow_env = {
        "THIDUA_DATA_DIR": str(current.data_dir),
        "THIDUA_DATABASE_URL": current.effective_database_url,
    }
    if current.as_of:
        flow_env["THIDUA_AS_OF"] = current.as_of.isoformat()
    try:
        with ExitStack() as stack:
            api_url = os.environ.get("PREFECT_API_URL") or stack.enter_context(prefect_server(home, port))
            stack.enter_context(runner(api_url, home, flow_env))
            # Prefect may already be imported here: point its settings at this server explicitly.
            os.environ["PREFECT_API_URL"] = api_url
            from prefect.settings import PREFECT_API_URL, temporary_settings

            from thidua_workflow.web.server import build_app, run

            stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))

            application = build_app(current.model_copy(update={"dispatch": "deployment"}), on_problem=warn)
            out.print(f"Prefect: {api_url.removesuffix('/api')} — các deployment đang chạy.")
            out.print(f"Giao diện web: http://{host}:{web_port}/ (Ctrl-C để dừng).")
            run(application, host, web_port)
    except KeyboardInterrupt:
        pass
    out.print("Đã dừng.")


@handled
def sweep_once(as_json: JsonFlag = False) -> None:
    """Quét một lần, không cần Prefect: nhắc hạn, báo quá hạn, chạy lại các bước bị lỡ, gửi thư."""
    from thidua_workflow.services import dashboard, deadlines, notifications, stages

    with context() as ctx:
        counts: dict[str, Any] = dict(deadlines.remind_and_escalate(ctx))
        waiting = [w.id for w in stages.pending(ctx)]
        ctx.dispatcher(ctx, waiting) if ctx.dispatcher else None
        counts["stages"] = len(waiting)
        counts["digests"] = notifications.collect_digests(ctx)  # issue 22
        counts["dashboard"] = dashboard.refresh(ctx).isoformat()
    if as_json:
        emit(counts)
        return
    out.print(", ".join(f"{k}: {v}" for k, v in counts.items()))
