"""Signing in and out, and a person's own account: password and API tokens."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from thidua_workflow.domain.authz import Actor
from thidua_workflow.errors import InputRejected, NotPermitted
from thidua_workflow.services import accounts
from thidua_workflow.web.core import RowId, back, checked_form, context, csrf_token, field, page_user, render

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


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=safe_next(next), username="", error=None)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    username = field(form, "username") or ""
    password = form.get("password")
    target = safe_next(field(form, "next"))
    try:
        actor = accounts.authenticate(
            context(request), username, password if isinstance(password, str) else ""
        )
    except NotPermitted as exc:
        return render(request, "login.html", 401, next=target, username=username, error=exc.message)
    request.session.clear()  # a fresh session, and a fresh CSRF token, for the signed-in person
    request.session["user"] = actor.username
    csrf_token(request)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, actor: User) -> Response:
    tokens = accounts.list_tokens(context(request), actor.username)
    return render(request, "account.html", actor=actor, tokens=tokens, new_token=None)


@router.post("/account/password")
def change_password(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    current = form.get("current")
    accounts.authenticate(ctx, actor.username, current if isinstance(current, str) else "")
    new = form.get("new")
    if new != form.get("repeat"):
        raise InputRejected("Hai lần nhập mật khẩu mới không giống nhau.")
    accounts.set_password(ctx, actor.username, new if isinstance(new, str) else "")
    return back(request, "/account", "Đã đổi mật khẩu.")


@router.post("/account/tokens")
def new_token(request: Request, actor: User, form: Form) -> Response:
    ctx = context(request)
    issued = accounts.issue_token(
        ctx, actor.username, field(form, "label", required=True, label="Tên mã") or ""
    )
    tokens = accounts.list_tokens(ctx, actor.username)
    return render(request, "account.html", actor=actor, tokens=tokens, new_token=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, actor: User, form: Form) -> Response:
    accounts.revoke_token(context(request), actor.username, token_id)
    return back(request, "/account", f"Đã thu hồi mã truy cập số {token_id}.")
