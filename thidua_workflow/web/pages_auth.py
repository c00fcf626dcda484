"""Signing in and out, a person's own account (password, sessions, API tokens), setting a new password
with an operator's reset code, and the operators' page of everyone's accounts."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import Role
from thidua_workflow.domain.passwords import MIN_LENGTH
from thidua_workflow.errors import InputRejected, NotPermitted
from thidua_workflow.services import accounts
from thidua_workflow.web.core import (
    SESSION_KEY,
    RowId,
    back,
    checked_form,
    client_address,
    context,
    csrf_token,
    field,
    page_user,
    render,
    session_token,
)

router = APIRouter()
Form = Annotated[FormData, Depends(checked_form)]
User = Annotated[Actor, Depends(page_user)]


def safe_next(target: str | None) -> str:
    """Only a path on this site: a crafted ``next`` must not send a person elsewhere after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=safe_next(next), username="", error=None)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    username = field(form, "username") or ""
    target = safe_next(field(form, "next"))
    ctx = context(request)
    client = client_address(request)
    try:
        actor = accounts.authenticate(ctx, username, _text(form, "password"), client=client)
    except NotPermitted as exc:
        status = 429 if isinstance(exc, accounts.Throttled) else 401
        return render(request, "login.html", status, next=target, username=username, error=exc.message)
    old = session_token(request)
    if old:
        accounts.end_session(ctx, old)
    request.session.clear()  # a fresh session, and a fresh CSRF token, for the signed-in person
    request.session[SESSION_KEY] = accounts.start_session(ctx, actor.username, client=client)
    csrf_token(request)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    token = session_token(request)
    if token:
        accounts.end_session(context(request), token)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _account_page(request: Request, actor: Actor, new_token: accounts.IssuedToken | None = None) -> Response:
    ctx = context(request)
    return render(
        request,
        "account.html",
        actor=actor,
        tokens=accounts.list_tokens(ctx, actor.username),
        sessions=accounts.list_sessions(ctx, actor.username, current=session_token(request)),
        new_token=new_token,
        min_length=MIN_LENGTH,
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, actor: User) -> Response:
    return _account_page(request, actor)


@router.post("/account/password")
def change_password(request: Request, actor: User, form: Form) -> Response:
    new = _text(form, "new")
    if new != _text(form, "repeat"):
        raise InputRejected("Hai lần nhập mật khẩu mới không giống nhau.")
    accounts.change_own_password(
        context(request),
        actor.username,
        _text(form, "current"),
        new,
        client=client_address(request),
        keep_session=session_token(request),
    )
    return back(request, "/account", "Đã đổi mật khẩu; các phiên đăng nhập khác của bạn đã kết thúc.")


@router.post("/account/sessions/end-others")
def end_other_sessions(request: Request, actor: User, form: Form) -> Response:
    ended = accounts.end_sessions(
        context(request), actor.username, by=actor.username, keep_session=session_token(request)
    )
    return back(request, "/account", f"Đã kết thúc {ended} phiên đăng nhập khác.")


@router.post("/account/sessions/{session_id}/end")
def end_one_session(request: Request, session_id: RowId, actor: User, form: Form) -> Response:
    accounts.end_session_by_id(context(request), actor.username, session_id)
    return back(request, "/account", f"Đã kết thúc phiên đăng nhập số {session_id}.")


@router.post("/account/tokens")
def new_token(request: Request, actor: User, form: Form) -> Response:
    issued = accounts.issue_token(
        context(request), actor.username, field(form, "label", required=True, label="Tên mã") or ""
    )
    return _account_page(request, actor, issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, actor: User, form: Form) -> Response:
    accounts.revoke_token(context(request), actor.username, token_id)
    return back(request, "/account", f"Đã thu hồi mã truy cập số {token_id}.")


# --- a new password with a reset code ------------------------------------------------------------


@router.get("/reset-password", response_class=HTMLResponse)
def reset_page(request: Request) -> Response:
    return render(request, "reset_password.html", username="", error=None, min_length=MIN_LENGTH)


@router.post("/reset-password")
def reset_password(request: Request, form: Form) -> Response:
    username = field(form, "username") or ""
    new = _text(form, "new")
    try:
        if new != _text(form, "repeat"):
            raise InputRejected("Hai lần nhập mật khẩu mới không giống nhau.")
        accounts.redeem_reset(context(request), username, _text(form, "code"), new)
    except InputRejected as exc:
        return render(
            request, "reset_password.html", 400, username=username, error=exc.message, min_length=MIN_LENGTH
        )
    token = session_token(request)
    if token:
        accounts.end_session(context(request), token)
    request.session.clear()
    return back(request, "/login", "Đã đặt mật khẩu mới; hãy đăng nhập bằng mật khẩu đó.")


# --- the operators' page ---------------------------------------------------------------------------


def _operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise NotPermitted(f"{actor.label} không có vai trò '{Role.OPERATOR.label}'.")


def _accounts_page(request: Request, actor: Actor, reset: accounts.IssuedReset | None = None) -> Response:
    _operator(actor)
    people = accounts.list_accounts(context(request), actor.username)
    return render(request, "accounts.html", actor=actor, people=people, reset=reset)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, actor: User) -> Response:
    return _accounts_page(request, actor)


@router.post("/accounts/reset")
def accounts_reset(request: Request, actor: User, form: Form) -> Response:
    _operator(actor)
    username = field(form, "username", required=True, label="Tên đăng nhập") or ""
    issued = accounts.issue_reset(context(request), username, by=actor.username)
    return _accounts_page(request, actor, issued)


@router.post("/accounts/end-sessions")
def accounts_end_sessions(request: Request, actor: User, form: Form) -> Response:
    _operator(actor)
    username = field(form, "username", required=True, label="Tên đăng nhập") or ""
    keep = session_token(request) if username == actor.username else None
    ended = accounts.end_sessions(context(request), username, by=actor.username, keep_session=keep)
    return back(request, "/accounts", f"Đã kết thúc {ended} phiên đăng nhập.")


@router.post("/accounts/tokens/{token_id}/revoke")
def accounts_revoke_token(request: Request, token_id: RowId, actor: User, form: Form) -> Response:
    _operator(actor)
    accounts.revoke_token(context(request), actor.username, token_id)
    return back(request, "/accounts", f"Đã thu hồi mã truy cập số {token_id}.")
