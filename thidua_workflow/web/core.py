"""What every page needs: the services' context, the signed-in person, CSRF-checked forms, rendering.

Sessions live on the server (``web_sessions``): Starlette's signed cookie holds only the session's random
token, the CSRF token and the flash messages, never anything a person could change to act as someone
else. Every request checks the session afresh (ended, idle, too old, the person inactive). Every form post
carries the session's CSRF token; a post without it changes nothing.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeGuard
from urllib.parse import quote

from fastapi import Path as PathParam
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile

from thidua_workflow.clock import VIETNAM
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import (
    DecisionStatus,
    DisciplineLevel,
    DocumentKind,
    NominationStatus,
    NomineeKind,
    Procedure,
    Role,
    RoundStatus,
    SessionStatus,
    TaskKind,
)
from thidua_workflow.domain.text import decimal_vi, file_size, group_digits, money_vnd, vietnamese_date
from thidua_workflow.domain.vocabulary import ACTION_LABELS, rule_name
from thidua_workflow.errors import InputRejected, NotPermitted, ThiduaError
from thidua_workflow.services import accounts, directory, notifications
from thidua_workflow.services.context import Context
from thidua_workflow.services.visibility import PROVINCE_ROLES

# A row's number in a URL: what the database's integer column can hold.
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in person; answered with a redirect to the sign-in page."""


class CsrfFailed(NotPermitted):
    """A form post without this session's token: refused whole, whatever it asked for."""


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


SESSION_KEY = "sid"
_UNREAD = object()


def client_address(request: Request) -> str:
    """Who is asking, as the throttling and the session list know them: the peer, or the client a trusted
    proxy names (web.app.ProxyHeaders has already put it in the request's scope)."""
    return request.client.host if request.client else "unknown"


def session_token(request: Request) -> str | None:
    token = request.session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def signed_in(request: Request) -> Actor | None:
    """The person of this session, checked on the server on every request (once per request)."""
    known = getattr(request.state, "thidua_actor", _UNREAD)
    if known is not _UNREAD:
        return known if isinstance(known, Actor) else None
    token = session_token(request)
    actor = accounts.session_actor(context(request), token) if token else None
    if actor is None and token is not None:
        request.session.pop(SESSION_KEY, None)
    request.state.thidua_actor = actor
    return actor


def page_user(request: Request) -> Actor:
    actor = signed_in(request)
    if actor is None:
        raise LoginRequired()
    return actor


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form(max_files=50, max_fields=5000)  # text fields stay under 1 MiB each
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not secrets.compare_digest(sent, expected)
    ):
        raise CsrfFailed(
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang và thử lại."
        )
    return form


def is_number(text: str | None) -> TypeGuard[str]:
    """Whether ``text`` is a whole number written with the digits 0–9.

    ``str.isdigit`` alone also says yes to '²', '٣' or a full-width '１': ``int`` refuses the first (a page
    answered with a server error) and quietly reads the others, which no form asks for."""
    return text is not None and text.isascii() and text.isdigit()


def field(form: FormData, name: str, *, required: bool = False, label: str | None = None) -> str | None:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InputRejected(f"Chưa nhập '{label or name}'.")
    return text or None


def form_version(form: FormData, name: str = "version") -> int | None:
    """The version of the record the page showed (None: the form carries none, e.g. a program's post).
    Anything else is refused: a token that is not a version must not skip the check of a concurrent edit."""
    text = field(form, name)
    if text is None:
        return None
    if not is_number(text):
        raise InputRejected("Mã phiên bản của trang không hợp lệ; hãy tải lại trang rồi làm lại.")
    return int(text)


VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# What every date input carries, so that a date is typed and shown dd/mm/yyyy whatever the browser's locale.
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"


def parse_typed_date(text: str) -> date | None:
    """A date as a person types it here (dd/mm/yyyy), or as ISO (programs, pre-filled values)."""
    cleaned = text.strip()
    found = VN_DATE.fullmatch(cleaned)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def year_filter(text: str | None) -> int | None:
    """A year typed into a list's filter; anything that is no year of four digits filters nothing, as an
    unknown code does (twenty digits would overflow the database's integer)."""
    cleaned = (text or "").strip()
    return int(cleaned) if is_number(cleaned) and len(cleaned) <= 4 else None


def date_field(form: FormData, name: str, *, label: str) -> str | None:
    """A typed date as ISO for the services; anything else is refused naming the field."""
    text = field(form, name)
    if text is None:
        return None
    parsed = parse_typed_date(text)
    if parsed is None:
        raise InputRejected(f"{label}: '{text}' không phải ngày dạng ngày/tháng/năm (ví dụ 05/01/2020).")
    return parsed.isoformat()


def typed_date(value: str | None) -> str:
    """A date field's value shown back as dd/mm/yyyy; what cannot be read is shown as it was typed."""
    if not value:
        return ""
    parsed = parse_typed_date(value)
    return f"{parsed:%d/%m/%Y}" if parsed else value


def ids_in(form: FormData, name: str, label: str) -> set[int]:
    """The row numbers ticked under ``name`` (tasks, notices): each a whole number a row can have.

    A value of twenty digits once reached the database and overflowed its integer (a server error)."""
    found: set[int] = set()
    for value in form.getlist(name):
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if not is_number(text) or not 1 <= int(text) <= 2**31 - 1:
                raise InputRejected(f"'{text[:40]}' không phải {label} (số nguyên dương).")
            found.add(int(text))
    return found


def dossier_numbers(text: str | None, label: str) -> list[int]:
    """Dossier numbers typed as a list ("5, 3; 7") in the field ``label``, in the order typed.

    A word in the list ended in int()'s ValueError, and twenty digits overflowed the database's integer:
    both were server errors instead of a refusal naming the field."""
    found = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not is_number(part) or not 1 <= int(part) <= 2**31 - 1:
            raise InputRejected(f"'{label}': '{part[:40]}' không phải số hồ sơ.")
        found.append(int(part))
    return found


def uploads(form: FormData, name: str, limit: int) -> dict[str, bytes]:
    """The files posted under ``name`` by their file names, each at most ``limit`` bytes."""
    files: dict[str, bytes] = {}
    for value in form.getlist(name):
        if not isinstance(value, UploadFile) or not value.filename:
            continue
        data = value.file.read(limit + 1)
        if len(data) > limit:
            raise InputRejected(f"Tệp '{value.filename}' lớn hơn giới hạn {limit // (1024 * 1024)} MiB.")
        # Composed (NFC) as every other Vietnamese text: a Mac's browser sends the name decomposed.
        files[unicodedata.normalize("NFC", Path(value.filename).name)] = data
    return files


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session.setdefault("flash", []).append({"kind": kind, "message": message})


def back(request: Request, url: str, message: str | None = None) -> RedirectResponse:
    """Post/Redirect/Get: the result of a form post is shown on the page it leads to."""
    if message:
        flash(request, message)
    return RedirectResponse(url, status_code=303)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    actor = values.pop("actor", None) or signed_in(request)
    messages = request.session.pop("flash", [])
    ctx = context(request)
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "actor": actor,
            "nav": navigation(actor, request.url.path),
            "csrf": csrf_token(request),
            "messages": messages,
            "today": ctx.clock.today(),
            "awards": award_names(ctx),
            "unit_name": UnitNames(ctx),
            "policy_warnings": policy_warnings(ctx, actor),
            "bell": notifications.unread_count(ctx, actor.person_id) if actor else 0,  # issue 22
            **values,
        },
        status_code=status_code,
    )


class UnitNames:
    """Each unit's name as of today, read once per page and only if the page shows a unit."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._names: dict[str, str] | None = None

    def __call__(self, unit_id: str | None) -> str:
        if not unit_id:
            return ""
        if self._names is None:
            self._names = directory.unit_names(self.ctx, self.ctx.clock.today())
        return self._names.get(unit_id, unit_id)


# Who is told that a policy period lapses soon (issue 18): those who run the system and the Ban TĐKT.
WARNED_ROLES = frozenset({Role.OPERATOR, Role.APPRAISER, Role.COUNCIL_SECRETARY})


def policy_warnings(ctx: Context, actor: Actor | None) -> list[str]:
    """A lapsing or lapsed decree with no successor configured, for operators and the Ban's staff."""
    if actor is None or not {g.role for g in actor.grants} & WARNED_ROLES:
        return []
    try:
        return ctx.policy.lapse_warnings(ctx.clock.today())
    except ThiduaError:
        return []


def award_names(ctx: Context) -> dict[str, str]:
    """Every award form's name by its code, across the policy's periods (the latest name wins)."""
    try:
        periods = ctx.policy.periods
    except ThiduaError:
        return {}
    return {code: form.name for period in periods for code, form in period.award_forms.items()}


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: str | None = None  # aria-current: "page" on this very page, "true" on a page under it


@dataclass(frozen=True)
class NavGroup:
    """Pages a person opens now and then, behind one labelled disclosure (``<details>``: no script needed)."""

    label: str
    items: tuple[NavItem, ...]

    @property
    def current(self) -> bool:
        return any(item.current for item in self.items)


NavEntry = NavItem | NavGroup
_DECISION_ROLES = frozenset(
    {Role.DECISION_SIGNER, Role.REGISTRAR, Role.COUNCIL_SECRETARY, Role.APPRAISER, Role.OPERATOR}
)
_BAN = frozenset({Role.APPRAISER, Role.COUNCIL_SECRETARY})  # issue 20b: authz.STATISTICS/FUND_ROLES
# The menu of a signed-in person: (group, its pages); a page is (url, label, the roles that see it, None for
# everyone). The first, unlabelled, group is the everyday pages, shown as links of their own.
MENU: tuple[tuple[str | None, tuple[tuple[str, str, frozenset[Role] | None], ...]], ...] = (
    (None, (("/", "Việc cần xử lý", None), ("/nominations", "Hồ sơ đề nghị", None))),
    (
        "Năm thi đua",
        (
            ("/movements", "Phong trào thi đua", None),  # issue 20a: movements, registrations, pledges
            (
                "/rounds",
                "Bình xét khối",
                frozenset({Role.BLOC_REPRESENTATIVE, Role.APPRAISER, Role.OPERATOR}),
            ),
        ),
    ),
    (
        "Hội đồng & quyết định",
        (
            (
                "/sessions",
                "Phiên họp Hội đồng",
                frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.APPRAISER, Role.OPERATOR}),
            ),
            ("/decisions", "Quyết định", _DECISION_ROLES),
            # NĐ 152/2025 steps (issue 19)
            (
                "/nd152",
                "Thủ tục NĐ 152",
                frozenset({Role.APPRAISER, Role.COUNCIL_SECRETARY, Role.REGISTRAR, Role.OPERATOR}),
            ),
        ),
    ),
    (
        "Báo cáo & quỹ",
        (
            # issue 22: the Ban's and the Chairman's office's dashboard
            ("/dashboard", "Bảng theo dõi", PROVINCE_ROLES),
            ("/reports", "Báo cáo thống kê", _BAN),
            ("/fund", "Quỹ thi đua", _BAN),
        ),
    ),
    (
        "Quản trị",
        (
            ("/accounts", "Tài khoản người dùng", frozenset({Role.OPERATOR})),
            ("/tasks/reassign", "Giao lại việc", frozenset({Role.OPERATOR})),
        ),
    ),
)
# A person with this many pages of their own or fewer (a unit's clerk, a bloc's chair, a council member) sees
# them all as links: a group would only hide their everyday work (the bloc chair's rounds) behind a click.
FLAT_UP_TO = 5
PUBLIC_PAGES = (
    ("/tra-cuu", "Tra cứu khen thưởng"),
    ("/cong-khai", "Công khai danh sách"),
    ("/verify", "Xác thực bằng khen"),
)


def _current(url: str, path: str) -> str | None:
    """How the page at ``path`` stands to a menu link: the page itself, a page under it, or neither."""
    if path == url:
        return "page"
    if url != "/" and path.startswith(url + "/"):
        return "true"
    return None


def navigation(actor: Actor | None, path: str = "") -> list[NavEntry]:
    """The top bar: the everyday pages as links, the rest in a few labelled groups, each page shown only to
    the roles its page lets in (a group left with one page is shown as that page's link, and a person with
    few pages sees no groups); the public pages last, as links of their own for a visitor not signed in."""
    public = [NavItem(url, label, _current(url, path)) for url, label in PUBLIC_PAGES]
    if actor is None:
        return list(public)
    roles = {g.role for g in actor.grants}
    grouped = [
        (
            group,
            [
                NavItem(url, label, _current(url, path))
                for url, label, who in pages
                if who is None or roles & who
            ],
        )
        for group, pages in MENU
    ]
    flat = sum(len(shown) for _, shown in grouped) <= FLAT_UP_TO
    entries: list[NavEntry] = []
    for group, shown in grouped:
        if group is None or flat or len(shown) == 1:
            entries.extend(shown)
        elif shown:
            entries.append(NavGroup(group, tuple(shown)))
    entries.append(NavGroup("Tra cứu", tuple(public)))
    return entries


# --- what templates show ------------------------------------------------------------------------


def _label(enum: Any, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def vn_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return f"{value:%d/%m/%Y}"


def vn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.astimezone(VIETNAM):%H:%M %d/%m/%Y}"


def signing_time(value: str) -> str:
    """A signature's time (ISO 8601, as the verification reports it) in Vietnam's time, to the second."""
    return f"{datetime.fromisoformat(value).astimezone(VIETNAM):%H:%M:%S ngày %d/%m/%Y} (giờ Việt Nam)"


def action_label(action: str) -> str:
    """The lifecycle's own words for an arrow ("Khối đề nghị khen"); other events by their name."""
    if lifecycle.can_name(action):
        return lifecycle.get(action).label
    return ACTION_LABELS.get(action, action)


OUTCOMES = {"approved": "Thông qua", "rejected": "Không thông qua"}

TEMPLATES.env.filters.update(
    {
        "vn_date": vn_date,
        "typed_date": typed_date,
        "action_label": action_label,
        "vn_datetime": vn_datetime,
        "signing_time": signing_time,
        "long_date": lambda d: vietnamese_date(d) if d else "",
        "money": lambda v: money_vnd(int(v or 0)),
        "number": lambda v: group_digits(int(v or 0)),
        "decimal": lambda v, places=2: decimal_vi(float(v or 0), places),
        "filesize": lambda v: file_size(int(v or 0)),
        "status_label": lambda v: _label(NominationStatus, v),
        "task_label": lambda v: _label(TaskKind, v),
        "role_label": lambda v: _label(Role, v),
        "kind_label": lambda v: _label(NomineeKind, v),
        "round_label": lambda v: _label(RoundStatus, v),
        "session_label": lambda v: _label(SessionStatus, v),
        "decision_label": lambda v: _label(DecisionStatus, v),
        "document_label": lambda v: _label(DocumentKind, v),
        "procedure_label": lambda v: _label(Procedure, v),
        "outcome_label": lambda v: OUTCOMES.get(v, v or ""),
        "rule_label": rule_name,
        "discipline_label": lambda v: _label(DisciplineLevel, v),
    }
)
TEMPLATES.env.globals["Role"] = Role
TEMPLATES.env.globals["date_pattern"] = DATE_PATTERN
TEMPLATES.env.globals["province_wide"] = lambda actor: any(
    g.role in PROVINCE_ROLES for g in actor.grants
)  # issue 22


def content_disposition(file_name: str, *, inline: bool = False) -> str:
    """RFC 6266: the Vietnamese name in ``filename*`` and an ASCII stand-in for old clients (a header is
    latin-1, so "Đ" in a plain ``filename=`` cannot even be sent)."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def download(data: bytes, file_name: str, media_type: str, *, inline: bool = False) -> Response:
    """A file for the browser to save (or, ``inline``, to show), with its Vietnamese name kept."""
    disposition = content_disposition(file_name, inline=inline)
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
