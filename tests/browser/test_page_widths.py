"""Every kind of page fits a phone (390 px) and an office PC without scrolling sideways (issue 13, item 14).

Over a copy of the demo's database with the 2020 work left open (tests/web/work_in_progress.py), people
of each role walk the links their pages show in headless chromium; each kind of page (its route, ids
aside, and the forms it shows: a ballot, a chair's closing form, signing, appraisal, a council session)
is checked once, at both widths, and must be no wider than the window. Tables may scroll inside their own
box; the page itself may not. The whole-path browser test checks the pages of a cycle at 390 px too.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright import sync_api as playwright_sync

from tests.browser.chromium import DESKTOP, LAUNCH_ARGS, PHONE, overflow, require_chromium, serve, widest
from tests.web.crawler import route_pattern
from tests.web.demo_copy import DEMO_PASSWORD, build_demo_state

# One person of each role; the anonymous visitor first (None).
WALKERS = [
    None,
    "mu.canbo",
    "lhtn.canbo",
    "nct.chutich",
    "htx.chutich",
    "cv.tdkt1",
    "tb.tdkt",
    "gd.snv",
    "pct.ubnd",
    "vt.ubnd",
    "quantri",
]
START = ["/", "/verify", "/tra-cuu", "/khong-co-trang-nay"]


def is_page(path: str) -> bool:
    """A link to a page (not a download, a stored file, the API or the stylesheet)."""
    last = path.rsplit("/", 1)[-1]
    return not (
        path.startswith(("/api/", "/static/")) or "/files/" in path or "." in last or path == "/logout"
    )


def test_every_kind_of_page_fits_a_phone_and_a_desktop(tmp_path: Path, xdist_worker: str) -> None:
    chromium = require_chromium()
    state = build_demo_state("sqlite", tmp_path / "demo", xdist_worker)
    checked: set[str] = set()
    too_wide: list[str] = []
    with (
        state.fresh_copy(tmp_path / "copy") as ctx,
        serve(ctx) as base,
        playwright_sync.sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
        for who in WALKERS:
            context = browser.new_context(viewport=PHONE, locale="vi-VN")
            page = context.new_page()
            if who is not None:
                page.goto(f"{base}/login")
                page.fill("input[name=username]", who)
                page.fill("input[name=password]", DEMO_PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_url(f"{base}/")
            queue, walked = list(START), set[str]()
            while queue:
                path = queue.pop(0)
                pattern = route_pattern(path)
                if pattern in walked:
                    continue
                walked.add(pattern)
                page.set_viewport_size(PHONE)
                page.goto(base + path)
                # A kind of page: its route and the forms it shows (a round as a ballot, as the chair's
                # closing form, or read only). Another walker may have checked it; it is walked for its links.
                actions: list[str] = page.eval_on_selector_all(
                    "main form[method=post]", "fs => fs.map(f => f.getAttribute('action'))"
                )
                kind = " ".join([pattern, *sorted({route_pattern(a) for a in actions})])
                if kind not in checked:
                    checked.add(kind)
                    for size in (PHONE, DESKTOP):
                        page.set_viewport_size(size)
                        extra = overflow(page)
                        if extra:
                            too_wide.append(
                                f"{path} ({who or 'khách'}) at {size['width']} px: +{extra} px, {widest(page)}"
                            )
                hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                for href in hrefs:
                    parts = urlsplit(urljoin(page.url, href))
                    if f"{parts.scheme}://{parts.netloc}" == base and is_page(parts.path):
                        queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
            context.close()
        browser.close()
    print(f"{len(checked)} kinds of page checked at 390 and 1280 px:", *sorted(checked), sep="\n  ")
    assert len(checked) >= 20, sorted(checked)
    assert not too_wide, "pages wider than the window:\n" + "\n".join(too_wide)
