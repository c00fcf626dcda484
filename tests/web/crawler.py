"""A crawler that walks the web app as one person: every link shown, every form shown, twice.

It follows same-origin links (a few instances of each route pattern, so it stays bounded) and sends each
form once empty but for its CSRF token and once with the values the page offers (each named submit
button a choice of its own). Signing out and changing the password wait for the end, so the walk is not
cut short. It notes, rather than stops at, every finding: a server error or dropped connection, a PDF
that is none, a spreadsheet that is no zip, a refusal that is not the project's Vietnamese page, and a
refused form that changed rows.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx
from fastapi.testclient import TestClient

from tests.web.html_forms import Form, Page, read_page
from tests.web.row_digest import changed_tables, table_digests
from thidua_workflow.services.context import Context

ORIGIN = "http://testserver"
DEFERRED_FORMS = ("/logout", "/account/password")  # sent at the end: they would end the walk
PDFTOTEXT = shutil.which("pdftotext")
# A wrong password is refused and still counted towards the throttling: that is the point of counting.
COUNTED_FAILURES = frozenset(
    {
        "sign_in_throttle.client_address",
        "sign_in_throttle.username",
        "sign_in_throttle.failures",
        "sign_in_throttle.last_failure_at",
        "sign_in_throttle.blocked_until",
    }
)
PASSWORD_CHECKS = ("/login", "/account/password")
# Every request of a signed-in person, refused or not, may note when the session was last used.
SESSION_USE = frozenset({"web_sessions.last_seen_at"})

# What a Vietnamese office must not read on a refusal: codes and English.
CODE_LIKE = [
    re.compile(r"\bqb-[a-z0-9-]+"),  # organisation codes
    re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),  # snake_case rule and field codes
    re.compile(r"\[[a-z_]+\]"),  # bracketed rule codes
    re.compile(r"(?<![\w-])--[a-z][a-z-]+"),  # the CLI's options
    re.compile(r"\b[a-z]{2,}\.(?!(?:pdf|xlsx|docx|yaml|png|jpg|vn)\b)[a-z0-9]{2,}\b"),  # usernames (gd.stc)
]
ENGLISH = {
    "the", "not", "found", "is", "are", "error", "invalid", "field", "required", "must", "allowed",
    "method", "value", "missing", "internal", "server", "please", "cannot", "should", "input",
}  # fmt: skip


def route_pattern(url: str) -> str:
    """The route a URL belongs to: segments with a digit are ids, the query keeps only its keys."""
    parts = urlsplit(url)
    segments = ["{id}" if re.search(r"\d", s) else s for s in parts.path.split("/")]
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def refusal_problems(response: httpx.Response) -> list[str]:
    """Why a 4xx answer is not the project's Vietnamese refusal page (none if it is)."""
    if "text/html" not in response.headers.get("content-type", ""):
        return [
            f"refusal is not an HTML page ({response.headers.get('content-type')}): {response.text[:200]}"
        ]
    body = response.text
    page = read_page(body)
    problems = []
    if not page.has_error_box:
        problems.append("refusal page has no error box")
    for leak in ('"detail"', "Not Found", "Internal Server Error", "Method Not Allowed"):
        if leak in body:
            problems.append(f"refusal shows {leak!r}")
    english = sorted({w.lower() for w in re.findall(r"[A-Za-z]+", page.main_text)} & ENGLISH)
    if len(english) >= 2:
        problems.append(f"refusal reads as English ({', '.join(english)}): {page.main_text[:300]}")
    for pattern in CODE_LIKE:
        codes = sorted(set(pattern.findall(page.main_text)))
        if codes:
            problems.append(f"refusal shows codes {codes}: {page.main_text[:300]}")
    return problems


@dataclass
class Crawler:
    client: TestClient
    ctx: Context
    per_pattern: int = 2
    pdf_reads: int = 3  # pdftotext a few PDFs per walk; every PDF is checked for its header
    findings: list[str] = field(default_factory=list)
    requests: int = 0
    visited: set[str] = field(default_factory=set)
    patterns: Counter[str] = field(default_factory=Counter)
    sent: set[tuple[str, ...]] = field(default_factory=set)
    queue: deque[str] = field(default_factory=deque)
    forms: deque[tuple[str, Form]] = field(default_factory=deque)
    deferred: list[tuple[str, Form]] = field(default_factory=list)
    digests: dict[str, str] | None = None

    # --- the walk -----------------------------------------------------------------------------------

    def walk(self, *start: str) -> None:
        self.queue.extend(start)
        while self.queue or self.forms:
            while self.queue:
                self.visit(self.queue.popleft())
            if self.forms:
                page_url, form = self.forms.popleft()
                self.submit(page_url, form)

    def finish(self) -> None:
        """The forms that end a session, last: the password form (refused without its values, changing
        nothing), then signing out, after which the inbox asks to sign in again."""
        logout = None
        for page_url, form in self.deferred:
            if urlsplit(urljoin(page_url, form.action)).path == "/logout":
                logout = form
            else:
                self.submit(page_url, form)
        if logout is None:
            return
        response = self.request("POST", "/logout", data=logout.csrf, follow_redirects=False)
        if response is None:
            return
        if response.status_code != 303:
            self.findings.append(f"POST /logout: answered {response.status_code}, not a redirect")
        after = self.request("GET", "/")
        if after is not None and urlsplit(str(after.url)).path != "/login":
            self.findings.append(f"after signing out, / answered {after.status_code} at {after.url}")

    # --- one request --------------------------------------------------------------------------------

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response | None:
        """One request; a dropped connection (an exception out of the app) is a finding, not a crash."""
        self.requests += 1
        try:
            response: httpx.Response = self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except Exception as exc:  # the app let an error escape: a browser would see the connection reset
            self.findings.append(f"{method} {url}: connection dropped ({type(exc).__name__}: {exc})")
            return None
        self.check(f"{method} {url}", response)
        return response

    def check(self, label: str, response: httpx.Response) -> None:
        status = response.status_code
        kind = response.headers.get("content-type", "")
        if status >= 500:
            self.findings.append(
                f"{label}: server error {status}: {read_page(response.text).main_text[:200]}"
            )
        elif status >= 400:
            self.findings.extend(f"{label}: {p}" for p in refusal_problems(response))
        elif status == 200 and "application/pdf" in kind:
            self.check_pdf(label, response.content)
        elif (
            status == 200
            and ("spreadsheetml" in kind or "wordprocessingml" in kind)
            and not zipfile.is_zipfile(io.BytesIO(response.content))
        ):
            self.findings.append(f"{label}: {kind} that is not a zip file")

    def check_pdf(self, label: str, content: bytes) -> None:
        if not content.startswith(b"%PDF"):
            self.findings.append(f"{label}: answered as a PDF but starts {content[:16]!r}")
            return
        if PDFTOTEXT is None or self.pdf_reads <= 0:
            return
        self.pdf_reads -= 1
        read = subprocess.run([PDFTOTEXT, "-l", "1", "-", "-"], input=content, capture_output=True)
        if read.returncode != 0:
            self.findings.append(f"{label}: pdftotext cannot read it: {read.stderr.decode()[:200]}")

    # --- links --------------------------------------------------------------------------------------

    def local(self, base: str, href: str) -> str | None:
        """The same-origin path and query a link points at, or None for another site or a fragment."""
        if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            return None
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN or parts.path.startswith("/static/"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def visit(self, url: str) -> None:
        if url in self.visited:
            return
        pattern = route_pattern(url)
        if self.patterns[pattern] >= self.per_pattern:
            return
        self.visited.add(url)
        self.patterns[pattern] += 1
        response = self.request("GET", url, follow_redirects=True)
        if response is not None:
            self.take(str(response.url), response)

    def take(self, url: str, response: httpx.Response) -> Page | None:
        """Queue what an HTML page offers: its links and its forms."""
        if "text/html" not in response.headers.get("content-type", ""):
            return None
        page = read_page(response.text)
        for href in page.links:
            target = self.local(url, href)
            if target is not None and target not in self.visited:
                self.queue.append(target)
        for form in page.forms:
            action = urlsplit(urljoin(url, form.action or url)).path
            if form.method == "post" and action in DEFERRED_FORMS:
                if all(action != urlsplit(urljoin(u, f.action)).path for u, f in self.deferred):
                    self.deferred.append((url, form))
            else:
                self.forms.append((url, form))
        return page

    # --- forms --------------------------------------------------------------------------------------

    def submit(self, page_url: str, form: Form) -> None:
        action = self.local(page_url, form.action or page_url)
        if action is None:
            return
        if form.method == "get":
            for values in ([], form.offered()):
                query = urlencode(values)
                self.visit(urlsplit(action).path + (f"?{query}" if query else ""))
            return
        names = tuple(sorted({f.name for f in form.fields}))
        variants: list[tuple[str, list[tuple[str, str]]]] = [("empty", list(form.csrf.items()))]
        for button in form.buttons or [None]:  # type: ignore[list-item]
            variants.append((f"offered {button or ''}".strip(), form.offered(button)))
        for variant, values in variants:
            key = (route_pattern(action), variant, *names)
            if key in self.sent:
                continue
            self.sent.add(key)
            self.post(action, variant, values, form.file_fields)

    def post(self, action: str, variant: str, values: list[tuple[str, str]], files: list[str]) -> None:
        counted = action in PASSWORD_CHECKS
        ignore = SESSION_USE | (COUNTED_FAILURES if counted else frozenset())
        before = self.digests if self.digests is not None and not counted else table_digests(self.ctx, ignore)
        data: dict[str, list[str]] = {}
        for name, value in values:
            data.setdefault(name, []).append(value)
        # A browser sends an unchosen file as an empty part named "".
        parts = [(name, ("", b"", "application/octet-stream")) for name in files] or None
        label = f"POST {action} [{variant}]"
        self.requests += 1
        try:
            response = self.client.post(action, data=data, files=parts, follow_redirects=False)
        except Exception as exc:
            self.findings.append(f"{label}: connection dropped ({type(exc).__name__}: {exc})")
            self.digests = None
            return
        self.check(label, response)
        refused = response.status_code >= 400
        if response.status_code in (302, 303):
            location = response.headers["location"]
            target = self.local(action, location) or location
            followed = self.request("GET", target, follow_redirects=True)
            if followed is not None:
                page = self.take(str(followed.url), followed)
                refused = refused or (page is not None and page.error_flash)
        elif response.status_code < 300:
            page = self.take(action, response)
            refused = page is not None and (page.has_error_box or page.error_flash)
        if not refused:
            self.digests = None
            return
        after = table_digests(self.ctx, ignore)
        changed = changed_tables(before, after)
        if changed:
            self.findings.append(f"{label}: refused ({response.status_code}) yet changed {changed}")
        self.digests = None if counted else after
