"""Web sign-in: Argon2 password hashes, throttling per (client address, username), server-side sessions,
hashed API tokens and one-time password reset codes.

People and roles come from the organisation file; this module only adds how a person proves who they
are. Every change of a credential is on the record like any other action.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, and_, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import Role
from thidua_workflow.domain.passwords import PasswordRefused, check_password
from thidua_workflow.errors import InputRejected, NotFound, NotPermitted
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context

TOKEN_PREFIX = "tdk_"
SIGN_IN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
# Throttling: a few free tries per (address, name), then a wait that doubles with each failure.
FREE_FAILURES = 3
FIRST_DELAY = timedelta(seconds=5)
MAX_DELAY = timedelta(minutes=15)
FORGET_FAILURES = timedelta(hours=24)  # a count older than this starts again from nothing
TOUCH_EVERY = timedelta(minutes=1)
KEEP_ENDED = timedelta(
    days=30
)  # an ended session's row is deleted this long after it could have lasted  # how often a session's last request is written
RESET_ALPHABET_GROUPS = 4  # a reset code is 4 groups of 5 base32 characters (100 bits)
RESET_REFUSED = "Tên đăng nhập hoặc mã đặt lại mật khẩu không đúng."

# Argon2id with the library's defaults (RFC 9106 "second recommended" profile).
_HASHER = PasswordHasher()
# Verifying against this when the user is unknown keeps both paths equally slow (no username probing).
_DUMMY_HASH = _HASHER.hash("thidua-workflow: no such user")


class Throttled(NotPermitted):
    """Too many failed sign-ins from this address for this name: wait. Said alike for every name."""

    http_status = 429


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # shown once; only its hash is kept
    label: str


@dataclass(frozen=True)
class TokenView:
    id: int
    username: str
    full_name: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class SessionView:
    id: int
    created_at: datetime
    last_seen_at: datetime
    client_address: str
    current: bool


@dataclass(frozen=True)
class IssuedReset:
    code: str  # shown once; only its hash is kept
    username: str
    full_name: str
    expires_at: datetime


@dataclass(frozen=True)
class AccountView:
    """One person's account as an operator sees it."""

    username: str
    full_name: str
    active: bool
    has_password: bool
    open_sessions: int
    tokens: list[TokenView]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- passwords ------------------------------------------------------------------------------------


def check_password_rules(password: str, *, username: str = "", full_name: str = "") -> None:
    """InputRejected naming the rule a new password breaks (length, common, repeated, sequence, own name)."""
    try:
        check_password(password, username=username, full_name=full_name)
    except PasswordRefused as exc:
        raise InputRejected(str(exc)) from exc


def _store_password(session: Session, actor: Actor, password: str, now: datetime) -> None:
    check_password_rules(password, username=actor.username, full_name=actor.full_name)
    digest = _HASHER.hash(password)
    credential = session.get(m.Credential, actor.person_id)
    if credential is None:
        session.add(m.Credential(person_id=actor.person_id, password_hash=digest, changed_at=now))
    else:
        credential.password_hash = digest
        credential.changed_at = now


def set_password(
    ctx: Context,
    username: str,
    password: str,
    *,
    by: str | None = None,
    keep_session: str | None = None,
) -> None:
    """Set (or reset) a person's password and end their sessions — all but ``keep_session`` (the token of
    the session the person changed it from). ``by`` is the operator doing it, when not the person."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        operator = load_actor(session, by) if by else actor
        _store_password(session, actor, password, now)
        ended = _end_sessions(session, actor.person_id, now, "password_changed", keep=keep_session)
        audit.record(
            session,
            at=now,
            actor=operator,
            action="password_set",
            entity_type="person",
            entity_id=actor.username,
            data={"sessions_ended": ended} if ended else None,
        )
        uow.commit()


def change_own_password(
    ctx: Context, username: str, current: str, new: str, *, client: str, keep_session: str | None
) -> None:
    """The person's own change: the current password first (throttled like a sign-in), then the new one."""
    authenticate(ctx, username, current, client=client)
    set_password(ctx, username, new, keep_session=keep_session)


# --- signing in -----------------------------------------------------------------------------------


def _throttle_key(username: str) -> str:
    return username.strip().casefold()[:200]


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{max(seconds, 1)} giây"
    return f"{-(-seconds // 60)} phút"


def _delay(failures: int) -> timedelta | None:
    over = failures - FREE_FAILURES
    if over <= 0:
        return None
    grown: timedelta = FIRST_DELAY * (1 << min(over - 1, 20))
    return min(grown, MAX_DELAY)


def _count_failure(session: Session, client: str, name: str, now: datetime) -> None:
    """One more failure for (client, name), in one statement that two concurrent failures cannot both
    insert; then the wait it earns."""
    table = m.SignInThrottle
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stale = table.last_failure_at < now - FORGET_FAILURES
    statement = (
        insert(table)
        .values(client_address=client, username=name, failures=1, last_failure_at=now, blocked_until=None)
        .on_conflict_do_update(
            index_elements=[table.client_address, table.username],
            set_={
                "failures": case((stale, 1), else_=table.failures + 1),
                "last_failure_at": now,
            },
        )
        .returning(table.failures)
    )
    failures = int(session.execute(statement).scalar_one())
    session.execute(  # counts nobody added to for a day are forgotten (and the table stays small)
        delete(m.SignInThrottle).where(m.SignInThrottle.last_failure_at < now - FORGET_FAILURES)
    )
    delay = _delay(failures)
    if delay is not None:
        session.execute(
            update(m.SignInThrottle)
            .where(m.SignInThrottle.client_address == client, m.SignInThrottle.username == name)
            .values(blocked_until=now + delay)
        )


def authenticate(ctx: Context, username: str, password: str, *, client: str = "local") -> Actor:
    """The person behind a username and password, or NotPermitted with one message for every failure.

    Known and unknown names go the same way: one Argon2 verification, one failure counted for
    (``client``, name). After a few failures from one address for one name, that address waits longer
    and longer for that name (Throttled); the person signing in from elsewhere is not held up.
    """
    now = ctx.clock.now()
    name = _throttle_key(username)
    with ctx.uow() as uow:
        session = uow.session
        throttle = session.get(m.SignInThrottle, (client, name))
        if throttle is not None and throttle.blocked_until is not None and throttle.blocked_until > now:
            wait = int((throttle.blocked_until - now).total_seconds()) + 1
            raise Throttled(
                f"Đăng nhập sai nhiều lần liên tiếp; hãy thử lại sau {_wait_text(wait)}. "
                f"Nếu quên mật khẩu, hãy nhờ người vận hành cấp mã đặt lại mật khẩu."
            )
        person = session.scalar(select(m.Person).where(m.Person.username == username.strip()))
        credential = session.get(m.Credential, person.id) if person is not None else None
        known = person is not None and credential is not None and person.active
        verified = _verify(credential.password_hash if known and credential else _DUMMY_HASH, password)
        if not (known and verified) or person is None or credential is None:
            _count_failure(session, client, name, now)
            uow.commit()
            raise NotPermitted(SIGN_IN_FAILED)
        if throttle is not None:
            session.delete(throttle)
        if _HASHER.check_needs_rehash(credential.password_hash):
            credential.password_hash = _HASHER.hash(password)
        uow.commit()
        return load_actor(session, person.username)


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


# --- sessions -------------------------------------------------------------------------------------


def _session_limits(ctx: Context) -> tuple[timedelta, timedelta]:
    return (
        timedelta(minutes=ctx.settings.web_idle_minutes),
        timedelta(hours=ctx.settings.web_session_hours),
    )


def _alive(ctx: Context, now: datetime) -> list[ColumnElement[bool]]:
    idle, absolute = _session_limits(ctx)
    return [
        m.WebSession.ended_at.is_(None),
        m.WebSession.last_seen_at > now - idle,
        m.WebSession.created_at > now - absolute,
    ]


def start_session(ctx: Context, username: str, *, client: str) -> str:
    """A new session for a person who has just proved who they are; the token goes into the cookie."""
    token = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        _, absolute = _session_limits(ctx)
        uow.session.execute(  # the person's sessions that have long been over are not kept
            delete(m.WebSession).where(
                m.WebSession.person_id == actor.person_id,
                m.WebSession.created_at < now - absolute - KEEP_ENDED,
            )
        )
        uow.session.add(
            m.WebSession(
                person_id=actor.person_id,
                token_sha256=_digest(token),
                created_at=now,
                last_seen_at=now,
                client_address=client[:64],
            )
        )
        uow.commit()
    return token


def session_actor(ctx: Context, token: str) -> Actor | None:
    """The person of a live session (read afresh: a person made inactive is signed out at once), or None
    when the session has ended, been idle too long, lasted too long, or never was."""
    now = ctx.clock.now()
    digest = _digest(token)
    with ctx.reader() as uow:
        row = uow.session.execute(
            select(m.WebSession.id, m.WebSession.last_seen_at, m.Person.username)
            .join(m.Person, m.Person.id == m.WebSession.person_id)
            .where(m.WebSession.token_sha256 == digest, *_alive(ctx, now))
        ).first()
        if row is None:
            return None
        try:
            actor = load_actor(uow.session, row.username)
        except NotPermitted:
            return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with ctx.uow() as uow:
            uow.session.execute(
                update(m.WebSession)
                .where(m.WebSession.id == row.id, m.WebSession.last_seen_at < now)
                .values(last_seen_at=now)
            )
            uow.commit()
    return actor


def end_session(ctx: Context, token: str, reason: str = "logout") -> None:
    """Signing out: the session's token opens nothing any more, wherever the cookie was copied."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        uow.session.execute(
            update(m.WebSession)
            .where(m.WebSession.token_sha256 == _digest(token), m.WebSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        )
        uow.commit()


def _end_sessions(
    session: Session, person_id: int, now: datetime, reason: str, *, keep: str | None = None
) -> int:
    condition = and_(m.WebSession.person_id == person_id, m.WebSession.ended_at.is_(None))
    if keep is not None:
        condition = and_(condition, m.WebSession.token_sha256 != _digest(keep))
    result = session.execute(update(m.WebSession).where(condition).values(ended_at=now, end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def end_sessions(ctx: Context, username: str, *, by: str | None, keep_session: str | None = None) -> int:
    """End a person's sessions (all but ``keep_session``): by the person, by an operator in the web app
    (``by``), or from the CLI (``by`` None: whoever runs it is trusted). How many were open."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        operator = _operator_or_self(session, by, username)
        target = load_actor(session, username)
        reason = "ended" if by == username else "ended_by_operator"
        ended = _end_sessions(session, target.person_id, now, reason, keep=keep_session)
        audit.record(
            session,
            at=now,
            actor=operator,
            action="sessions_ended",
            entity_type="person",
            entity_id=target.username,
            data={"sessions_ended": ended},
        )
        uow.commit()
        return ended


def end_inactive_sessions(session: Session, now: datetime) -> int:
    """Sessions of people the organisation file made inactive end with them (called by its loading)."""
    inactive = select(m.Person.id).where(m.Person.active.is_(False))
    result = session.execute(
        update(m.WebSession)
        .where(m.WebSession.person_id.in_(inactive), m.WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason="disabled")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_sessions(ctx: Context, username: str, *, current: str | None = None) -> list[SessionView]:
    """A person's live sessions, the newest first; ``current`` marks the one asking."""
    now = ctx.clock.now()
    mine = _digest(current) if current else None
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        rows = uow.session.scalars(
            select(m.WebSession)
            .where(m.WebSession.person_id == actor.person_id, *_alive(ctx, now))
            .order_by(m.WebSession.id.desc())
        ).all()
        return [
            SessionView(r.id, r.created_at, r.last_seen_at, r.client_address, r.token_sha256 == mine)
            for r in rows
        ]


def end_session_by_id(ctx: Context, username: str, session_id: int) -> None:
    """The person ends one of their own other sessions (one left open on another machine)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        row = uow.session.get(m.WebSession, session_id)
        if row is None or row.person_id != actor.person_id:
            raise NotFound("phiên đăng nhập", session_id)
        if row.ended_at is None:
            row.ended_at = now
            row.end_reason = "ended"
            uow.commit()


# --- API tokens -----------------------------------------------------------------------------------


def _operator_or_self(session: Session, by: str | None, owner: str) -> Actor | None:
    """Who acts on ``owner``'s account: the owner, an operator, or (None) the CLI. Anyone else is told
    nothing more than that there is no such account."""
    if by is None:
        return None
    actor = load_actor(session, by)
    if actor.username != owner and not actor.has(Role.OPERATOR):
        raise NotPermitted(f"{actor.label} không có vai trò '{Role.OPERATOR.label}'.")
    return actor


def issue_token(ctx: Context, username: str, label: str) -> IssuedToken:
    label = label.strip()
    if not label or len(label) > 200:
        raise InputRejected("Tên của mã truy cập phải có từ 1 đến 200 ký tự.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        row = m.ApiToken(person_id=actor.person_id, token_sha256=_digest(token), label=label, created_at=now)
        uow.session.add(row)
        uow.flush()
        audit.record(
            uow.session,
            at=now,
            actor=actor,
            action="api_token_issued",
            entity_type="api_token",
            entity_id=row.id,
            comment=label,
        )
        uow.commit()
        return IssuedToken(row.id, token, label)


def revoke_token(ctx: Context, by: str | None, token_id: int) -> TokenView:
    """Revoke a token: by its owner, by an operator, or from the CLI (``by`` None). A token that is not
    the person's answers as one that does not exist."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, by) if by is not None else None
        row = session.get(m.ApiToken, token_id)
        mine = (
            actor is None
            or actor.has(Role.OPERATOR)
            or (row is not None and row.person_id == actor.person_id)
        )
        if row is None or not mine:
            raise NotFound("mã truy cập", token_id)
        if row.revoked_at is None:
            row.revoked_at = now
            audit.record(
                session,
                at=now,
                actor=actor,
                action="api_token_revoked",
                entity_type="api_token",
                entity_id=row.id,
            )
        owner = session.get(m.Person, row.person_id)
        view = _token_view(row, owner)
        uow.commit()
        return view


def _token_view(row: m.ApiToken, owner: m.Person | None) -> TokenView:
    return TokenView(
        row.id,
        owner.username if owner else "",
        owner.full_name if owner else "",
        row.label,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


def list_tokens(ctx: Context, username: str, *, by: str | None = None) -> list[TokenView]:
    """A person's tokens, revoked ones included; ``by`` an operator looking at someone else's."""
    with ctx.reader() as uow:
        session = uow.session
        if by is not None and by != username:
            _operator_or_self(session, by, username)
        actor = load_actor(session, username)
        owner = session.get(m.Person, actor.person_id)
        rows = session.scalars(
            select(m.ApiToken).where(m.ApiToken.person_id == actor.person_id).order_by(m.ApiToken.id)
        ).all()
        return [_token_view(r, owner) for r in rows]


def username_for_token(ctx: Context, token: str) -> str:
    """The username a bearer token acts for; NotPermitted when unknown, revoked or the person inactive."""
    if not token.startswith(TOKEN_PREFIX):
        raise NotPermitted("Mã truy cập không hợp lệ.")
    with ctx.reader() as uow:
        row = uow.session.execute(
            select(m.Person.username, m.Person.active, m.ApiToken.revoked_at)
            .join(m.ApiToken, m.ApiToken.person_id == m.Person.id)
            .where(m.ApiToken.token_sha256 == _digest(token))
        ).first()
    if row is None or row.revoked_at is not None or not row.active:
        raise NotPermitted("Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    return str(row.username)


# --- operators' view and password resets ----------------------------------------------------------


def list_accounts(ctx: Context, by: str) -> list[AccountView]:
    """Every person's account, for an operator: password set or not, live sessions, tokens."""
    now = ctx.clock.now()
    with ctx.reader() as uow:
        session = uow.session
        operator = load_actor(session, by)
        if not operator.has(Role.OPERATOR):
            raise NotPermitted(f"{operator.label} không có vai trò '{Role.OPERATOR.label}'.")
        people = session.scalars(select(m.Person).order_by(m.Person.username)).all()
        with_password = set(session.scalars(select(m.Credential.person_id)))
        open_counts: dict[int, int] = {}
        for person_id in session.scalars(select(m.WebSession.person_id).where(*_alive(ctx, now))):
            open_counts[person_id] = open_counts.get(person_id, 0) + 1
        tokens: dict[int, list[TokenView]] = {}
        by_id = {p.id: p for p in people}
        for row in session.scalars(
            select(m.ApiToken).where(m.ApiToken.revoked_at.is_(None)).order_by(m.ApiToken.id)
        ):
            tokens.setdefault(row.person_id, []).append(_token_view(row, by_id.get(row.person_id)))
        return [
            AccountView(
                p.username,
                p.full_name,
                p.active,
                p.id in with_password,
                open_counts.get(p.id, 0),
                tokens.get(p.id, []),
            )
            for p in people
        ]


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_reset(ctx: Context, username: str, *, by: str | None) -> IssuedReset:
    """A one-time code for ``username`` to set a new password, valid THIDUA_PASSWORD_RESET_HOURS; earlier
    unused codes of the person stop working. ``by`` the operator in the web app, None from the CLI."""
    raw = base64.b32encode(secrets.token_bytes(25)).decode("ascii").rstrip("=")[: 5 * RESET_ALPHABET_GROUPS]
    code = "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))
    now = ctx.clock.now()
    expires = now + timedelta(hours=ctx.settings.password_reset_hours)
    with ctx.uow() as uow:
        session = uow.session
        operator = _operator_or_self(session, by, "") if by is not None else None
        person = load_actor(session, username)
        session.execute(
            update(m.PasswordReset)
            .where(
                m.PasswordReset.person_id == person.person_id,
                m.PasswordReset.used_at.is_(None),
                m.PasswordReset.expires_at > now,
            )
            .values(expires_at=now)
        )
        session.add(
            m.PasswordReset(
                person_id=person.person_id,
                code_sha256=_digest(_normal_code(code)),
                created_at=now,
                expires_at=expires,
            )
        )
        audit.record(
            session,
            at=now,
            actor=operator,
            action="password_reset_issued",
            entity_type="person",
            entity_id=person.username,
            data={"expires_at": expires.isoformat()},
        )
        uow.commit()
    return IssuedReset(code, person.username, person.full_name, expires)


def redeem_reset(ctx: Context, username: str, code: str, new_password: str) -> Actor:
    """Set a new password with a reset code: the code is used up and every session of the person ends.
    A wrong name or code, a used code and an expired one are each refused with their own message."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        person = session.scalar(select(m.Person).where(m.Person.username == username.strip()))
        row = session.scalar(
            select(m.PasswordReset).where(m.PasswordReset.code_sha256 == _digest(_normal_code(code)))
        )
        if person is None or not person.active or row is None or row.person_id != person.id:
            raise InputRejected(RESET_REFUSED)
        if row.used_at is not None:
            raise InputRejected(
                "Mã đặt lại mật khẩu này đã được dùng; mỗi mã chỉ dùng được một lần. "
                "Hãy nhờ người vận hành cấp mã mới."
            )
        if row.expires_at <= now:
            raise InputRejected("Mã đặt lại mật khẩu này đã hết hạn; hãy nhờ người vận hành cấp mã mới.")
        actor = load_actor(session, person.username)
        _store_password(session, actor, new_password, now)
        taken = session.execute(
            update(m.PasswordReset)
            .where(m.PasswordReset.id == row.id, m.PasswordReset.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(taken, "rowcount", 0) or 0) != 1:
            raise InputRejected("Mã đặt lại mật khẩu này đã được dùng; mỗi mã chỉ dùng được một lần.")
        ended = _end_sessions(session, actor.person_id, now, "password_reset")
        audit.record(
            session,
            at=now,
            actor=actor,
            action="password_reset_used",
            entity_type="person",
            entity_id=actor.username,
            data={"sessions_ended": ended} if ended else None,
        )
        uow.commit()
        return actor
