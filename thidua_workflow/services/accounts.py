"""Web sign-in: Argon2 password hashes, a lockout after repeated failures, and hashed API tokens.

People and roles come from the organisation file; this module only adds how a person proves who they
are. Every change of a credential is on the record like any other action.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.errors import InputRejected, NotPermitted
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 8
LOCKOUT = timedelta(minutes=15)
TOKEN_PREFIX = "tdk_"
SIGN_IN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."

# Argon2id with the library's defaults (RFC 9106 "second recommended" profile).
_HASHER = PasswordHasher()
# Verifying against this when the user is unknown keeps both paths equally slow (no username probing).
_DUMMY_HASH = _HASHER.hash("thidua-workflow: no such user")


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # shown once; only its hash is kept
    label: str


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputRejected(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if password.strip() != password or not password.strip():
        raise InputRejected("Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng.")


def set_password(ctx: Context, username: str, password: str, *, by: str | None = None) -> None:
    """Set (or reset) a person's password; ``by`` is the operator doing it, when not the person."""
    check_password_rules(password)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        operator = load_actor(session, by) if by else actor
        credential = session.get(m.Credential, actor.person_id)
        digest = _HASHER.hash(password)
        if credential is None:
            session.add(
                m.Credential(
                    person_id=actor.person_id, password_hash=digest, changed_at=now, failed_attempts=0
                )
            )
        else:
            credential.password_hash = digest
            credential.changed_at = now
            credential.failed_attempts = 0
            credential.locked_until = None
        audit.record(
            session,
            at=now,
            actor=operator,
            action="password_set",
            entity_type="person",
            entity_id=actor.username,
        )
        uow.commit()


def authenticate(ctx: Context, username: str, password: str) -> Actor:
    """The person behind a username and password, or NotPermitted with one message for every failure."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        person = session.scalar(select(m.Person).where(m.Person.username == username.strip()))
        credential = session.get(m.Credential, person.id) if person is not None else None
        if person is None or credential is None or not person.active:
            _verify(_DUMMY_HASH, password)
            raise NotPermitted(SIGN_IN_FAILED)
        if credential.locked_until is not None and credential.locked_until > now:
            raise NotPermitted(
                f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau "
                f"{credential.locked_until.astimezone(ctx.clock.tz):%H:%M}."
            )
        if not _verify(credential.password_hash, password):
            credential.failed_attempts += 1
            if credential.failed_attempts >= MAX_FAILURES:
                credential.locked_until = now + LOCKOUT
                credential.failed_attempts = 0
            uow.commit()
            raise NotPermitted(SIGN_IN_FAILED)
        if credential.failed_attempts or _HASHER.check_needs_rehash(credential.password_hash):
            credential.failed_attempts = 0
            credential.password_hash = _HASHER.hash(password)
            uow.commit()
        return load_actor(session, person.username)


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(ctx: Context, username: str, label: str) -> IssuedToken:
    label = label.strip()
    if not label or len(label) > 200:
        raise InputRejected("Tên của mã truy cập phải có từ 1 đến 200 ký tự.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        row = m.ApiToken(
            person_id=actor.person_id, token_sha256=_token_digest(token), label=label, created_at=now
        )
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


def revoke_token(ctx: Context, username: str, token_id: int) -> None:
    now = ctx.clock.now()
    with ctx.uow() as uow:
        actor = load_actor(uow.session, username)
        row = uow.session.get(m.ApiToken, token_id)
        if row is None or row.person_id != actor.person_id:
            raise NotPermitted(f"Mã truy cập số {token_id} không phải của {actor.label}.")
        if row.revoked_at is None:
            row.revoked_at = now
            audit.record(
                uow.session,
                at=now,
                actor=actor,
                action="api_token_revoked",
                entity_type="api_token",
                entity_id=row.id,
            )
            uow.commit()


def list_tokens(ctx: Context, username: str) -> list[m.ApiToken]:
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        rows = uow.session.scalars(
            select(m.ApiToken).where(m.ApiToken.person_id == actor.person_id).order_by(m.ApiToken.id)
        ).all()
        uow.session.expunge_all()
        return list(rows)


def username_for_token(ctx: Context, token: str) -> str:
    """The username a bearer token acts for; NotPermitted when unknown, revoked or the person inactive."""
    if not token.startswith(TOKEN_PREFIX):
        raise NotPermitted("Mã truy cập không hợp lệ.")
    with ctx.reader() as uow:
        row = uow.session.execute(
            select(m.Person.username, m.Person.active, m.ApiToken.revoked_at)
            .join(m.ApiToken, m.ApiToken.person_id == m.Person.id)
            .where(m.ApiToken.token_sha256 == _token_digest(token))
        ).first()
    if row is None or row.revoked_at is not None or not row.active:
        raise NotPermitted("Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    return str(row.username)
