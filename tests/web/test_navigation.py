"""The top bar: short for every role, every page a role may open still one click (or one group) away.

The Ban's appraiser once had 13 links, four lines at 1280 px. The menu now shows the everyday pages as
links and the others in a few labelled groups (``<details>``, opened without script); the same pages
are listed again in the phone's one "Menu" disclosure. The current page is marked ``aria-current`` and so
is the group that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from tests.web.conftest import Browser

PUBLIC = {"/tra-cuu", "/cong-khai", "/verify"}
MINE = {"/", "/nominations", "/movements"}
# Every page each person's menu offered before the menu was grouped (the operator gains "Giao lại việc").
PAGES = {
    "cv.tdkt1": MINE | {"/rounds", "/sessions", "/decisions", "/dashboard", "/reports", "/fund", "/nd152"},
    "tb.tdkt": MINE | {"/sessions", "/decisions", "/dashboard", "/reports", "/fund", "/nd152"},
    "mu.canbo": MINE,
    "nct.chutich": MINE | {"/rounds"},
    "gd.stc": MINE | {"/sessions", "/dashboard"},
    "pct.ubnd": MINE | {"/decisions", "/dashboard"},
    "vt.ubnd": MINE | {"/decisions", "/dashboard", "/nd152"},
    "quantri": MINE
    | {"/rounds", "/sessions", "/decisions", "/dashboard", "/accounts", "/tasks/reassign", "/nd152"},
}


@dataclass
class Bar:
    """What the wide screen's bar (nav.bar) shows at its top level, and every link of the phone's menu."""

    top: list[str] = field(default_factory=list)  # "a:/url" or "group:label"
    grouped: dict[str, list[str]] = field(default_factory=dict)
    phone: set[str] = field(default_factory=set)
    current: dict[str, str] = field(default_factory=dict)  # url or group label -> aria-current


class _BarReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bar = Bar()
        self.where: str | None = None  # "bar" or "menu"
        self.depth = 0
        self.group: str | None = None
        self.summary: dict[str, str] | None = None
        self.summary_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.where is None:
            if tag == "nav" and a.get("class") == "bar":
                self.where, self.depth = "bar", 1
            elif tag == "details" and a.get("class") == "menu":
                self.where, self.depth = "menu", 1
            return
        self.depth += 1
        if tag == "summary" and self.where == "bar":
            self.summary, self.summary_text = a, ""
        elif tag == "a" and self.where == "menu":
            self.bar.phone.add(a["href"])
        elif tag == "a":
            if self.group is None:
                self.bar.top.append(f"a:{a['href']}")
            else:
                self.bar.grouped[self.group].append(a["href"])
            if "aria-current" in a:
                self.bar.current[a["href"]] = a["aria-current"]

    def handle_endtag(self, tag: str) -> None:
        if self.where is None:
            return
        self.depth -= 1
        if tag == "summary" and self.summary is not None:
            self.group = self.summary_text.strip()
            self.bar.top.append(f"group:{self.group}")
            self.bar.grouped[self.group] = []
            if "aria-current" in self.summary:
                self.bar.current[self.group] = self.summary["aria-current"]
            self.summary = None
        elif tag == "details" and self.where == "bar":
            self.group = None
        if self.depth == 0:
            self.where = None

    def handle_data(self, data: str) -> None:
        if self.summary is not None:
            self.summary_text += data


def read_bar(html: str) -> Bar:
    reader = _BarReader()
    reader.feed(html.split("<main>", 1)[0])
    return reader.bar


@pytest.mark.parametrize("who", sorted(PAGES))
def test_every_role_sees_a_short_bar_with_all_its_pages(who: str, app_client: Callable[..., Browser]) -> None:
    bar = read_bar(app_client(who).get("/nominations").text)
    on_bar = {entry[2:] for entry in bar.top if entry.startswith("a:")} | {
        url for urls in bar.grouped.values() for url in urls
    }
    assert on_bar == PAGES[who] | PUBLIC, who
    # The phone's menu lists the same pages, and the person's own (beside the bell on a wider screen).
    assert bar.phone == on_bar | {"/account", "/delegations"}
    assert len(bar.top) <= 8, bar.top
    assert "a:/" in bar.top and "a:/nominations" in bar.top  # the everyday pages are never in a group
    assert bar.current == {"/nominations": "page"}


def test_the_appraiser_finds_the_fund_in_its_group_marked_current(app_client: Callable[..., Browser]) -> None:
    appraiser = app_client("cv.tdkt1")
    bar = read_bar(appraiser.get("/fund").text)
    assert bar.top == [
        "a:/",
        "a:/nominations",
        "group:Năm thi đua",
        "group:Hội đồng & quyết định",
        "group:Báo cáo & quỹ",
        "group:Tra cứu",
    ]
    assert bar.grouped["Báo cáo & quỹ"] == ["/dashboard", "/reports", "/fund"]
    assert bar.current == {"/fund": "page", "Báo cáo & quỹ": "true"}
    # A page under a menu's page marks that page (and its group) as where the person is.
    assert read_bar(appraiser.get("/movements/new").text).current == {
        "/movements": "true",
        "Năm thi đua": "true",
    }


def test_a_visitor_sees_the_public_pages_as_links(app_client: Callable[..., Browser]) -> None:
    bar = read_bar(app_client().get("/tra-cuu").text)
    assert bar.top == ["a:/tra-cuu", "a:/cong-khai", "a:/verify"]
    assert bar.phone == PUBLIC and bar.current == {"/tra-cuu": "page"}
