"""Web fixtures: the app over the Quảng Bình organisation, one signed-in browser-like client per person."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from thidua_workflow.services import accounts
from thidua_workflow.services.context import Context
from thidua_workflow.web.app import create_app

PASSWORD = "mat-khau-thu-nghiem"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A TestClient with its own cookies, that reads the CSRF token from the last page it fetched.

    Signed in through ``app_client(username)``, it is a person at a browser: when a test moves the clock
    past the session's idle or absolute time (days pass between steps of a path), the person signs in
    again before the next request, as anyone coming back to the office would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""
        self.ctx: Context | None = None
        self.username: str | None = None
        self.signed_at: datetime | None = None
        self.last_request: datetime | None = None

    def sign_in(self, ctx: Context, username: str) -> None:
        self.ctx, self.username = ctx, None
        self.get("/login")
        response = self.post("/login", {"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.text
        self.get("/")
        self.username = username
        self.signed_at = self.last_request = ctx.clock.now()

    def _come_back(self) -> None:
        if self.ctx is None or self.username is None or self.signed_at is None or self.last_request is None:
            return
        now = self.ctx.clock.now()
        settings = self.ctx.settings
        if now - self.last_request >= timedelta(
            minutes=settings.web_idle_minutes
        ) or now - self.signed_at >= timedelta(hours=settings.web_session_hours):
            self.sign_in(self.ctx, self.username)
        self.last_request = now

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        self._come_back()
        response: httpx.Response = self.client.get(url, **kwargs)
        found = CSRF.search(response.text) if "html" in response.headers.get("content-type", "") else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        self._come_back()
        if not self.csrf:
            self.get("/login")
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        response: httpx.Response = self.client.post(url, data=form, follow_redirects=False, **kwargs)
        return response


@pytest.fixture
def app_client(qb: Context) -> Iterator[Callable[..., Browser]]:
    app = create_app(qb)
    clients: list[TestClient] = []
    passwords: set[str] = set()

    def browser(username: str | None = None) -> Browser:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        b = Browser(client)
        if username is not None:
            if username not in passwords:
                accounts.set_password(qb, username, PASSWORD)
                passwords.add(username)
            b.sign_in(qb, username)
        return b

    yield browser
    for client in clients:
        client.close()
