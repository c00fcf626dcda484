"""Debian's chromium driven by Playwright, and the web app served for it on a free local port.

No browser is downloaded: Playwright launches the system's chromium, headless. The widths the pages must
fit: a phone's (390 px, an iPhone 12–15) and an office PC's.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from playwright import sync_api as playwright_sync

from thidua_workflow.services.context import Context
from thidua_workflow.web.app import create_app

CHROMIUM = shutil.which("chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE: playwright_sync.ViewportSize = {"width": 390, "height": 844}
DESKTOP: playwright_sync.ViewportSize = {"width": 1280, "height": 900}


def require_chromium() -> str:
    """Debian's chromium is part of the suite: in CI its absence fails the run; on a developer's machine
    without it, the browser test is skipped with the reason (`make tools` names the package)."""
    if CHROMIUM is not None:
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("chromium must be installed in CI (.ci/run installs Debian's chromium)")
    pytest.skip("Debian's chromium is not installed here (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(ctx: Context) -> Iterator[str]:
    """The web app over `ctx` on a local port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def overflow(page: playwright_sync.Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing sticks out sideways)."""
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return max(0, int(width))


def widest(page: playwright_sync.Page) -> str:
    """What sticks out furthest to the right, to name in a failure: tag, class and right edge."""
    found: str = page.evaluate(
        """() => {
            let worst = null, right = window.innerWidth;
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > right + 0.5) { right = r.right; worst = el; }
            }
            return worst ? `<${worst.tagName.toLowerCase()} class="${worst.className}"> to ${Math.round(right)} px`
                         : 'nothing';
        }"""
    )
    return found
