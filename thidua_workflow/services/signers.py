"""How each person signs decisions: their own PKCS#11 token, an account at a remote signing service (CSC
API v2), or the office's server-held seal key.

The operator sets it (``thidua signers set``); a person with none signs as before (the decision is then
sealed with the office's key when it is issued, if one is configured). No PIN, password or one-time code
is ever stored: they are asked at signing (``SigningSecret``) and dropped when the signature is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.certificates.remote import Approval, RemoteAccount, remote_sign, url_problem
from thidua_workflow.certificates.signing import Stamp
from thidua_workflow.certificates.tokens import Pin, TokenConfig, module_problem, token_signer
from thidua_workflow.db import models as m
from thidua_workflow.errors import InputRejected, NotFound, Problem, ValidationFailed
from thidua_workflow.services import audit
from thidua_workflow.services.context import Context

Kind = Literal["pkcs11", "remote", "seal"]
KINDS: dict[str, str] = {
    "pkcs11": "thiết bị ký số (USB token, PKCS#11)",
    "remote": "ký số từ xa (CSC API)",
    "seal": "khóa ký số của cơ quan trên máy chủ",
}
_LABEL = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")


@dataclass(frozen=True)
class SignerIn:
    kind: str
    pkcs11_module: str | None = None
    token_label: str | None = None
    slot: int | None = None
    key_label: str | None = None
    remote_url: str | None = None
    remote_username: str | None = None
    credential_id: str | None = None


@dataclass(frozen=True)
class SignerView:
    username: str
    full_name: str
    kind: Kind
    kind_label: str
    pkcs11_module: str | None
    token_label: str | None
    slot: int | None
    key_label: str | None
    remote_url: str | None
    remote_username: str | None
    credential_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def needs(self) -> tuple[str, ...]:
        """What the person is asked for at signing."""
        return {"pkcs11": ("pin",), "remote": ("password", "otp")}.get(self.kind, ())


@dataclass(frozen=True)
class SigningSecret:
    """What the person typed at signing; never stored, never shown in a repr or a log."""

    pin: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    otp: str | None = field(default=None, repr=False)


def _problems(data: SignerIn) -> list[Problem]:
    problems: list[Problem] = []
    if data.kind not in KINDS:
        return [Problem(f"'{data.kind}' không phải cách ký; chọn: {', '.join(KINDS)}", field="kind")]
    own = {
        "pkcs11": ("pkcs11_module", "token_label", "slot", "key_label"),
        "remote": ("remote_url", "remote_username", "credential_id"),
        "seal": (),
    }[data.kind]
    for name in (
        "pkcs11_module",
        "token_label",
        "slot",
        "key_label",
        "remote_url",
        "remote_username",
        "credential_id",
    ):
        if getattr(data, name) is not None and name not in own:
            problems.append(Problem(f"không dùng cho cách ký '{data.kind}'", field=name))
    if data.kind == "pkcs11":
        if not data.pkcs11_module:
            problems.append(Problem("cần đường dẫn thư viện PKCS#11 của thiết bị", field="pkcs11_module"))
        elif (why := module_problem(data.pkcs11_module)) is not None:
            problems.append(Problem(why, field="pkcs11_module"))
        if (data.token_label is None) == (data.slot is None):
            problems.append(Problem("cần đúng một trong hai: nhãn thiết bị hoặc số khe", field="token_label"))
        if data.slot is not None and data.slot < 0:
            problems.append(Problem("số khe không âm", field="slot"))
        if not data.key_label:
            problems.append(Problem("cần nhãn của khóa ký trên thiết bị", field="key_label"))
        for name in ("token_label", "key_label"):
            value = getattr(data, name)
            if value is not None and not _LABEL.match(value):
                problems.append(Problem("từ 1 đến 100 ký tự, không có ký tự điều khiển", field=name))
    if data.kind == "remote":
        if not data.remote_url:
            problems.append(Problem("cần địa chỉ dịch vụ ký số từ xa", field="remote_url"))
        elif (why := url_problem(data.remote_url)) is not None:
            problems.append(Problem(why, field="remote_url"))
        if not data.remote_username or not _LABEL.match(data.remote_username):
            problems.append(Problem("cần tên tài khoản ở dịch vụ (1–100 ký tự)", field="remote_username"))
        if data.credential_id is not None and not _LABEL.match(data.credential_id):
            problems.append(Problem("từ 1 đến 100 ký tự", field="credential_id"))
    return problems


def _person(session: Session, username: str) -> m.Person:
    person = session.scalar(select(m.Person).where(m.Person.username == username.strip()))
    if person is None:
        raise NotFound("người dùng", username)
    return person


def _view(person: m.Person, row: m.Signer | None) -> SignerView:
    kind: Kind = row.kind if row is not None else "seal"  # type: ignore[assignment]
    return SignerView(
        username=person.username,
        full_name=person.full_name,
        kind=kind,
        kind_label=KINDS[kind],
        pkcs11_module=row.pkcs11_module if row else None,
        token_label=row.token_label if row else None,
        slot=row.slot if row else None,
        key_label=row.key_label if row else None,
        remote_url=row.remote_url if row else None,
        remote_username=row.remote_username if row else None,
        credential_id=row.credential_id if row else None,
    )


def set_signer(ctx: Context, username: str, data: SignerIn) -> SignerView:
    """Configure how ``username`` signs; every problem is named by its field and nothing changes."""
    problems = _problems(data)
    if problems:
        raise ValidationFailed(problems, f"Cấu hình ký số của '{username}' bị từ chối, không lưu gì:")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        person = _person(session, username)
        row = session.get(m.Signer, person.id)
        if row is None:
            row = m.Signer(person_id=person.id, kind=data.kind, changed_at=now)
            session.add(row)
        row.kind = data.kind
        for name in (
            "pkcs11_module",
            "token_label",
            "slot",
            "key_label",
            "remote_url",
            "remote_username",
            "credential_id",
        ):
            setattr(row, name, getattr(data, name))
        row.changed_at = now
        audit.record(
            session,
            at=now,
            actor=None,
            action="signer_set",
            entity_type="person",
            entity_id=person.username,
            data={k: v for k, v in data.__dict__.items() if v is not None},
        )
        session.flush()
        view = _view(person, row)
        uow.commit()
    return view


def show_signer(ctx: Context, username: str) -> SignerView:
    with ctx.reader() as uow:
        person = _person(uow.session, username)
        return _view(person, uow.session.get(m.Signer, person.id))


def list_signers(ctx: Context) -> list[SignerView]:
    with ctx.reader() as uow:
        rows = uow.session.execute(
            select(m.Person, m.Signer)
            .join(m.Signer, m.Signer.person_id == m.Person.id)
            .order_by(m.Person.username)
        ).all()
        return [_view(person, row) for person, row in rows]


def signer_of(session: Session, person_id: int) -> m.Signer | None:
    return session.get(m.Signer, person_id)


def sign_as(
    row: m.Signer, secret: SigningSecret | None, pdf: bytes, stamp: Stamp, *, reason: str, location: str
) -> bytes:
    """``pdf`` signed with the person's own key (``row`` is a pkcs11 or remote signer)."""
    from thidua_workflow.certificates.signing import sign_with

    secret = secret or SigningSecret()
    if row.kind == "pkcs11":
        assert row.pkcs11_module is not None and row.key_label is not None
        config = TokenConfig(
            module=row.pkcs11_module, key_label=row.key_label, token_label=row.token_label, slot=row.slot
        )
        with token_signer(config, Pin(secret.pin or "")) as signer:
            return sign_with(pdf, signer, stamp, reason=reason, location=location)
    if row.kind == "remote":
        assert row.remote_url is not None and row.remote_username is not None
        account = RemoteAccount(row.remote_url, row.remote_username, row.credential_id)
        approval = Approval(secret.password or "", secret.otp or "")
        return remote_sign(pdf, account, approval, stamp, reason=reason, location=location)
    raise InputRejected(f"Cách ký '{row.kind}' không dùng khóa riêng của người ký.")
