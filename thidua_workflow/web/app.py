"""The web app: pages for people and a JSON API for programs, both calling the services the CLI calls.

``create_app(ctx)`` serves one Context (one database engine, one policy, one dispatcher); ``serve_web``
builds it from the resolved settings, so the web app, the CLI and the flows can never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from thidua_workflow.errors import Conflict, DatabaseUnavailable, NotFound, NotPermitted, ThiduaError
from thidua_workflow.keyfile import local_secret
from thidua_workflow.services.context import Context
from thidua_workflow.web.core import LoginRequired, login_redirect, render

log = logging.getLogger(__name__)

# What a person is told when the address or the method is wrong; the JSON API keeps its JSON body.
HTTP_PAGES = {
    # Only the framework raises a bare 400: a body it could not parse (e.g. JSON nested thousands deep).
    400: (
        "Không thực hiện được",
        "Nội dung gửi lên không đọc được (cần JSON hợp lệ, mã UTF-8); không có gì được lưu.",
    ),
    404: ("Không tìm thấy trang", "Địa chỉ này không có trong hệ thống, hoặc mục bạn tìm không còn nữa."),
    405: ("Không thực hiện được", "Thao tác này không dùng được ở địa chỉ này."),
}
SERVER_ERROR = "Máy chủ gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại để người vận hành kiểm tra."

# Everything the pages use is served from here: no script, style or font from elsewhere.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(
    request: Request, status: int, heading: str, message: str, *, unchanged: bool = True
) -> Response:
    """The project's Vietnamese error page; a plain one if even that cannot be drawn (the database down)."""
    try:
        return render(
            request, "error.html", status, heading=heading, message=message, problems=[], unchanged=unchanged
        )
    except Exception:
        log.exception("could not render the error page")
        body = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Lỗi</title></head><body>'
            f'<h1>{heading}</h1><p>{message}</p><p><a href="/">Về trang đầu</a></p></body></html>'
        )
        return HTMLResponse(body, status_code=status)


class CrashPage:
    """An unexpected error answers with the Vietnamese page (or JSON for the API), not Starlette's bare
    English one; it sits inside the session middleware so the page knows who is signed in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            request = Request(scope)
            response: Response
            if wants_json(request):
                response = JSONResponse({"error": "ServerError", "message": SERVER_ERROR}, status_code=500)
            else:
                response = error_page(request, 500, "Lỗi máy chủ", SERVER_ERROR, unchanged=False)
            await response(scope, receive, send)


class SecurityHeaders:
    """The headers above on every answer; ``Cache-Control: no-store`` on every answer but the static
    files, so no page a person saw signed in, and no API answer, is kept by a browser or a proxy. The
    session cookie is marked ``Secure`` when the request came over HTTPS (directly or as a trusted proxy
    says) or when THIDUA_WEB_SECURE_COOKIES is set."""

    def __init__(self, app: ASGIApp, *, always_secure: bool = False) -> None:
        self.app = app
        self.always_secure = always_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.always_secure or scope.get("scheme") == "https"
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if not static and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                if secure:
                    headers = [
                        (k, v + b"; secure")
                        if k.lower() == b"set-cookie" and b"; secure" not in v.lower()
                        else (k, v)
                        for k, v in headers
                    ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class ProxyHeaders:
    """X-Forwarded-Proto and X-Forwarded-For, believed only from THIDUA_WEB_TRUSTED_PROXIES: the scheme
    and the client address every later layer sees (the Secure cookie, throttling, the session list).
    The client is the right-most address of X-Forwarded-For that is not a trusted proxy itself."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[IPv4Network | IPv6Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    def is_trusted(self, host: str) -> bool:
        try:
            address = ip_address(host.strip())
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and self.trusted and client and self.is_trusted(client[0]):
            scope = dict(scope)
            headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            proto = headers.get(b"x-forwarded-proto", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto
            chain = [a.strip() for a in headers.get(b"x-forwarded-for", "").split(",") if a.strip()]
            for address in reversed(chain):
                if not self.is_trusted(address):
                    scope["client"] = (address, 0)
                    break
            else:
                if chain:
                    scope["client"] = (chain[0], 0)
        await self.app(scope, receive, send)


def http_status(exc: ThiduaError) -> int:
    explicit = getattr(exc, "http_status", None)
    if isinstance(explicit, int):
        return explicit
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NotPermitted):
        return 403
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, DatabaseUnavailable):
        return 503
    return 400 if exc.exit_code == 2 else 500


# What the address's or the form's fields are called on the pages, for a refusal that names them.
FIELD_LABELS = {
    "year": "Năm",
    "page": "Trang",
    "size": "Số dòng mỗi trang",
    "limit": "Số dòng",
    "offset": "Bỏ qua",
    "comment_id": "Số ý kiến",
    "decision_id": "Số quyết định",
    "delegation_id": "Số ủy quyền",
    "entity_id": "Số hồ sơ, vòng, phiên họp hoặc quyết định",
    "entry_id": "Số bút toán",
    "item_id": "Số dòng quyết định",
    "movement_id": "Số phong trào",
    "nomination_id": "Số hồ sơ",
    "pledge_id": "Số bản đăng ký",
    "posting_id": "Số đợt công khai",
    "proposal_id": "Số tờ trình cấp Nhà nước",
    "request_id": "Số văn bản xin ý kiến",
    "round_id": "Số vòng bình xét",
    "session_id": "Số phiên họp",
    "subject_id": "Số phiên họp hoặc quyết định",
    "task_id": "Số việc",
    "token_id": "Số khóa truy cập",
}
PLACES = {"query": "trong địa chỉ", "path": "trong đường dẫn", "body": "trong biểu mẫu"}


def malformed_problems(errors: Sequence[Any]) -> list[str]:
    """Each field FastAPI refused, by its Vietnamese name, where it was and the rule it broke.

    Without it the page said only that the address was not valid, and a person could not tell what to fix."""
    problems = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        name = loc[-1] if loc else ""
        label = FIELD_LABELS.get(name, name)
        place = PLACES.get(loc[0], "") if loc else ""
        limits = error.get("ctx") or {}
        kind = str(error.get("type", ""))
        if kind in {"int_parsing", "int_type", "int_from_float"}:
            rule = "phải là số nguyên (chỉ gồm chữ số)"
        elif kind == "greater_than_equal":
            rule = f"phải từ {limits.get('ge')} trở lên"
        elif kind == "greater_than":
            rule = f"phải lớn hơn {limits.get('gt')}"
        elif kind == "less_than_equal":
            rule = f"không được lớn hơn {limits.get('le')}"
        elif kind == "less_than":
            rule = f"phải nhỏ hơn {limits.get('lt')}"
        elif kind == "missing":
            rule = "chưa có (bắt buộc)"
        elif kind == "string_too_long":
            rule = f"dài quá {limits.get('max_length')} ký tự"
        else:
            rule = "không hợp lệ"
        typed = error.get("input")
        shown = f" ('{str(typed)[:40]}')" if isinstance(typed, str | int) and kind != "missing" else ""
        problems.append(f"{label} {place}{shown}: {rule}.".replace("  ", " "))
    return problems


def create_app(ctx: Context) -> FastAPI:
    from thidua_workflow.web import (
        api,
        api_year,
        pages_auth,
        pages_decisions,
        pages_documents,
        pages_nominations,
        pages_office,  # issue 22
        pages_public,
        pages_reviews,
        pages_statistics,
        pages_steps2025,
        pages_year,
    )

    app = FastAPI(
        title="thidua-workflow",
        summary="Đề nghị khen thưởng: nộp, bình xét, thẩm định, Hội đồng, quyết định, bằng khen.",
        version="1",
        docs_url=None,  # Swagger UI would load its scripts from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = ctx
    secret = ctx.settings.web_secret or local_secret(ctx.settings.data_dir / "web-session.key")
    app.add_middleware(CrashPage)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="thidua_session",
        max_age=ctx.settings.web_session_hours * 3600,
        same_site="lax",
        https_only=ctx.settings.web_secure_cookies,
    )
    app.add_middleware(SecurityHeaders, always_secure=ctx.settings.web_secure_cookies)
    app.add_middleware(ProxyHeaders, trusted=ctx.settings.trusted_proxies)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    for module in (
        pages_auth,
        pages_nominations,
        pages_reviews,
        pages_decisions,
        pages_documents,
        pages_public,
        pages_steps2025,  # NĐ 152/2025 steps (issue 19)
        pages_office,  # issue 22: dashboard, delegations, notifications, audit exports, reassigning
        pages_statistics,  # issue 20b: the Ministry's forms and the reward fund
        pages_year,  # issue 20a
    ):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api.router, prefix="/api")
    app.include_router(api_year.router, prefix="/api")  # issue 20a

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(request)

    @app.exception_handler(ThiduaError)
    async def _refused(request: Request, exc: ThiduaError) -> Response:
        status = http_status(exc)
        if wants_json(request):
            return JSONResponse(exc.to_dict(), status_code=status)
        problems = [p.describe() for p in getattr(exc, "problems", [])]
        headline = exc.message.splitlines()[0] if problems else exc.message
        # The page says that nothing changed below the message; the service's own sentence would repeat it.
        for said in (" Không có gì thay đổi.", " Không có gì bị thay đổi."):
            headline = headline.removesuffix(said)
        return render(request, "error.html", status, message=headline, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request):
            name = "NotFound" if exc.status_code == 404 else "HTTPError"
            return JSONResponse(
                {"error": name, "message": HTTP_PAGES.get(exc.status_code, ("", str(exc.detail)))[1]},
                status_code=exc.status_code,
                headers=exc.headers,
            )
        heading, message = HTTP_PAGES.get(
            exc.status_code, ("Không thực hiện được", "Yêu cầu không thực hiện được.")
        )
        return error_page(request, exc.status_code, heading, message, unchanged=exc.status_code != 404)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            return JSONResponse(
                # jsonable: a body that is no JSON at all (a form) is echoed back as bytes, which json cannot write
                {
                    "error": "InputRejected",
                    "message": "Yêu cầu không hợp lệ.",
                    "detail": jsonable_encoder(exc.errors()),
                },
                status_code=422,
            )
        return render(
            request,
            "error.html",
            400,
            message="Địa chỉ hoặc dữ liệu gửi lên không hợp lệ.",
            problems=malformed_problems(exc.errors()),
        )

    @app.get("/healthz", include_in_schema=False)
    def health() -> HTMLResponse:
        return HTMLResponse("ok")

    return app
