"""Web fixtures: the app over the Quảng Bình organisation, one signed-in browser-like client per person."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
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
    """A TestClient with its own cookies, that reads the CSRF token from the last page it fetched."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self.client.get(url, **kwargs)
        found = CSRF.search(response.text) if "html" in response.headers.get("content-type", "") else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
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
            b.get("/login")
            response = b.post("/login", {"username": username, "password": PASSWORD})
            assert response.status_code == 303, response.text
            b.get("/")
        return b

    yield browser
    for client in clients:
        client.close()
