"""The Chairman's decisions: the signer signs or sends back a draft; the number makes it issued.

With the province's ``numbering: register`` the registrar enters the number from the issuing body's own
register after signing; with ``system`` the number is allocated at signing. Either way it is unique per
issuing body and year, and on issue every listed nomination is decided and recorded as an award held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.certificates.verification import local_host
from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import sha256_hex
from thidua_workflow.domain.authz import Actor, require_role
from thidua_workflow.domain.enums import (
    DecisionStatus,
    DocumentKind,
    NominationStatus,
    NomineeKind,
    Role,
    TaskKind,
)
from thidua_workflow.domain.schemas import DocumentIn
from thidua_workflow.domain.text import document_number, search_key, vietnamese_date
from thidua_workflow.errors import (
    Conflict,
    InputRejected,
    NotConfigured,
    NotFound,
    NotPermitted,
    TransitionNotAllowed,
)
from thidua_workflow.services import audit
from thidua_workflow.services.actors import actor_of, load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.council import ensure_session_open_task
from thidua_workflow.services.evidence import Evidence, stored
from thidua_workflow.services.numbering import allocate
from thidua_workflow.services.outbox import Stage, wake
from thidua_workflow.services.signers import SigningSecret, sign_as, signer_of
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import close_open_tasks, finish_open_task, move, new_task


@dataclass(frozen=True)
class DecisionView:
    id: int
    status: str
    status_label: str
    award_form: str
    award_name: str
    number_text: str | None
    decision_date: date | None
    issuing_body: str
    signer: str | None
    signer_title: str | None
    reason_line: str
    legal_basis: list[str]
    proposal_ref: str | None
    session_id: int
    items: list[dict[str, Any]]
    total_reward: int
    sent_back_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["decision_date"] = self.decision_date.isoformat() if self.decision_date else None
        return data


def _decision(session: Session, decision_id: int) -> m.Decision:
    found = session.get(m.Decision, decision_id)
    if found is None:
        raise NotFound("quyết định", decision_id)
    return found


def _require_status(decision: m.Decision, status: DecisionStatus) -> None:
    if decision.status != status.value:
        raise TransitionNotAllowed(
            f"Quyết định số {decision.id} đang ở trạng thái '{DecisionStatus(decision.status).label}'; "
            "không thực hiện được thao tác này."
        )


def _signer_title(actor: Actor) -> str:
    titles = [g.title for g in actor.grants if g.role is Role.DECISION_SIGNER and g.title]
    return titles[0] if titles else "CHỦ TỊCH"


def _lists_signer(session: Session, decision: m.Decision, actor: Actor) -> m.DecisionItem | None:
    key = search_key(actor.full_name)
    for item in decision.items:
        nomination = session.get(m.Nomination, item.nomination_id)
        assert nomination is not None
        if nomination.nominee_person_id == actor.person_id:
            return item
        if (
            nomination.nominee_kind == NomineeKind.PERSON.value
            and nomination.nominee_name_key == key
            and nomination.nominee_unit_id == actor.unit_id
        ):
            return item
    return None


def sign(ctx: Context, username: str, decision_id: int, secret: SigningSecret | None = None) -> DecisionView:
    """The signer signs the draft; with system numbering it is issued at once.

    A signer configured with their own key (a PKCS#11 token or a remote signing account) signs the PDF
    in the same transaction, with ``secret`` (the token's PIN, or the remote account's password and
    one-time code), used once and never stored: a wrong PIN or a refused approval changes nothing, and a
    number allocated for it is given back.
    """
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.DECISION_SIGNER)
        own = _own_key(session, actor, secret)
        decision = _decision(session, decision_id)
        _require_status(decision, DecisionStatus.DRAFT)
        listed = _lists_signer(session, decision, actor)
        if listed is not None:
            raise NotPermitted(
                f"{actor.label} có tên trong danh sách khen thưởng (số thứ tự {listed.ordinal}); "
                "người ký không ký quyết định khen thưởng chính mình."
            )
        if not decision.items:
            raise InputRejected(f"Quyết định số {decision_id} không còn ai trong danh sách.")
        _refresh_rewards(ctx, session, decision, today)
        decision.signer_id = actor.person_id
        decision.signer_title = _signer_title(actor)
        decision.signed_at = now
        decision.status = DecisionStatus.SIGNED.value
        finish_open_task(session, actor, TaskKind.DECISION_SIGN, "sign", at=now, decision_id=decision_id)
        close_open_tasks(session, at=now, decision_id=decision_id)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="decision_sign",
            entity_type="decision",
            entity_id=decision_id,
            from_state=DecisionStatus.DRAFT.value,
            to_state=DecisionStatus.SIGNED.value,
            data={"title": decision.signer_title, "items": len(decision.items)},
        )
        if ctx.policy.decisions.numbering == "system":
            number = allocate(session, f"decision:{decision.issuing_body}", today.year)
            _issue(ctx, session, decision, actor, number, today, now)
        else:
            new_task(
                session,
                ctx,
                TaskKind.DECISION_REGISTER,
                Role.REGISTRAR,
                at=now,
                policy_period=decision.policy_period,
                decision_id=decision_id,
            )
        signed = [_sign_with_own_key(ctx, session, decision, own, secret)] if own is not None else []
        with stored(ctx.store, session, signed):
            uow.commit()
    return show_decision(ctx, decision_id)


def _own_key(session: Session, actor: Actor, secret: SigningSecret | None) -> m.Signer | None:
    """The signer's own key when they have one; what it needs at signing must be there."""
    own = signer_of(session, actor.person_id)
    if own is None or own.kind == "seal":
        return None
    secret = secret or SigningSecret()
    if own.kind == "pkcs11" and not secret.pin:
        raise InputRejected(
            f"{actor.label} ký bằng thiết bị ký số: cần nhập mã PIN (pin). Chưa ký, không có gì thay đổi."
        )
    if own.kind == "remote" and not (secret.password and secret.otp):
        raise InputRejected(
            f"{actor.label} ký số từ xa: cần mật khẩu tài khoản (password) và mã xác nhận (otp). "
            "Chưa ký, không có gì thay đổi."
        )
    return own


def _sign_with_own_key(
    ctx: Context, session: Session, decision: m.Decision, own: m.Signer, secret: SigningSecret | None
) -> Evidence:
    """The decision's PDF signed with the signer's key, to be stored with the transaction."""
    from thidua_workflow.services.certificates import decision_to_sign

    session.flush()
    pdf, stamp = decision_to_sign(ctx, session, decision)
    signed = sign_as(
        own,
        secret,
        pdf,
        stamp,
        reason=f"Ký quyết định về việc tặng {decision.award_name}",
        location=ctx.policy.province_name,
    )
    digest = sha256_hex(signed)
    decision.signed_pdf_sha256 = digest
    decision.signed_with = own.kind
    return Evidence(
        DocumentIn(kind=DocumentKind.KHAC, file="quyet-dinh-ky-so.pdf"), signed, digest, "application/pdf"
    )


def _require_public_verify_url(ctx: Context) -> None:
    """Registering issues the certificates, whose QR codes hold the verification address for good."""
    host = local_host(ctx.settings.verify_url)
    if host is not None and not ctx.settings.verify_url_local:
        raise NotConfigured(
            f"Chưa vào sổ được: mã QR trên bằng khen sẽ trỏ tới '{host}', địa chỉ mà người dân không mở được. "
            "Người vận hành cần đặt THIDUA_VERIFY_URL là địa chỉ công khai của trang xác thực "
            "(ví dụ https://tdkt.example.gov.vn/verify/{code}), hoặc THIDUA_VERIFY_URL_LOCAL=true khi chạy thử. "
            "Không có gì thay đổi."
        )


MAX_REGISTER_NUMBER = 999_999
"""A register restarts its numbers every year; a larger number is a slip of the finger (it also overflowed the
database's integer column, a server error, instead of an error naming the field)."""


def register(
    ctx: Context, username: str, decision_id: int, number: int, *, dated: date | None = None
) -> DecisionView:
    """The registrar enters the number from the issuing body's register; the decision is issued."""
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    day = dated or today
    if number <= 0:
        raise InputRejected("Số quyết định phải là số nguyên dương.")
    if number > MAX_REGISTER_NUMBER:
        raise InputRejected(
            f"Số quyết định {number} không có trong sổ đăng ký văn bản: "
            f"tối đa {MAX_REGISTER_NUMBER:,}.".replace(",", ".")
        )
    if day > today:
        raise InputRejected(
            f"Ngày quyết định {day:%d/%m/%Y} chưa đến (hôm nay {today:%d/%m/%Y}): "
            "văn thư vào sổ, cấp số khi quyết định ban hành."
        )
    _require_public_verify_url(ctx)
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.REGISTRAR)
        decision = _decision(session, decision_id)
        _require_status(decision, DecisionStatus.SIGNED)
        assert decision.signed_at is not None
        if day < decision.signed_at.astimezone(ctx.clock.tz).date():
            raise InputRejected("Ngày quyết định không thể trước ngày ký.")
        taken = session.scalar(
            select(m.Decision.id).where(
                m.Decision.issuing_body == decision.issuing_body,
                m.Decision.year == day.year,
                m.Decision.number == number,
            )
        )
        if taken is not None:
            raise Conflict(
                f"Số {ctx.policy.decisions.number_format.format(n=document_number(number))} năm {day.year} của "
                f"{decision.issuing_body} đã dùng cho quyết định số {taken}."
            )
        finish_open_task(
            session, actor, TaskKind.DECISION_REGISTER, "register", at=now, decision_id=decision_id
        )
        _issue(ctx, session, decision, actor, number, day, now)
        uow.commit()
    return show_decision(ctx, decision_id)


def _refresh_rewards(ctx: Context, session: Session, decision: m.Decision, day: date) -> None:
    """Amounts follow the base salary in force on the day of signing."""
    award = ctx.policy.period_by_code(decision.policy_period).award_form(decision.award_form)
    for item in decision.items:
        item.reward_amount = ctx.policy.reward_amount(award, NomineeKind(item.nominee_kind), day)


def _issue(
    ctx: Context, session: Session, decision: m.Decision, actor: Actor, number: int, day: date, now: datetime
) -> None:
    """Number and date the decision; the decision stage then decides everyone it lists."""
    decision.number = number
    decision.year = day.year
    decision.number_text = ctx.policy.decisions.number_format.format(n=document_number(number))
    decision.decision_date = day
    # The texts in force on the decision's own date; the decree of its period for a dossier in transition.
    decision.legal_basis = ctx.policy.basis_lines(day, ctx.policy.period_by_code(decision.policy_period))
    decision.issued_at = now
    decision.status = DecisionStatus.ISSUED.value
    session.flush()  # the UNIQUE (issuing body, year, number) speaks now, before anything else moves
    audit.record(
        session,
        at=now,
        actor=actor,
        action="decision_issue",
        entity_type="decision",
        entity_id=decision.id,
        from_state=DecisionStatus.SIGNED.value,
        to_state=DecisionStatus.ISSUED.value,
        data={"number": decision.number_text, "date": day.isoformat(), "items": len(decision.items)},
    )
    wake(session, Stage.DECISION_ISSUED, decision.id, now)


def apply_issue(ctx: Context, decision_id: int) -> int:
    """Every listed nomination decided, and recorded as an award its holder has (the decision stage's
    first step; the certificates follow, then the stage completes)."""
    now = ctx.clock.now()
    decided = 0
    with ctx.uow() as uow:
        session = uow.session
        decision = _decision(session, decision_id)
        _require_status(decision, DecisionStatus.ISSUED)
        assert decision.decision_date is not None
        award = ctx.policy.period_by_code(decision.policy_period).award_form(decision.award_form)
        issuer = session.get(m.Person, decision.signer_id) if decision.signer_id else None
        actor = actor_of(issuer) if issuer else None
        reference = (
            f"Quyết định số {decision.number_text} {vietnamese_date(decision.decision_date)} "
            f"của Chủ tịch {decision.issuing_body}"
        )
        for item in decision.items:
            nomination = session.get(m.Nomination, item.nomination_id)
            assert nomination is not None
            if nomination.status != NominationStatus.IN_DECISION.value:
                continue  # decided by an earlier run of this stage
            move(
                session,
                nomination,
                "decide",
                actor=actor,
                at=now,
                data={
                    "decision": decision.id,
                    "number": decision.number_text,
                    "ordinal": item.ordinal,
                    "reward": item.reward_amount,
                },
            )
            session.add(
                m.AwardRecord(
                    nominee_key=nomination.nominee_key,
                    nominee_kind=nomination.nominee_kind,
                    nominee_name=nomination.nominee_name,
                    unit_id=nomination.nominee_unit_id,
                    title=award.title.value,
                    year=nomination.period_year,
                    commendation_type=nomination.commendation_type,
                    decision=reference,
                    source="decision",
                    nomination_id=nomination.id,
                    decision_id=decision.id,
                )
            )
            decided += 1
        uow.commit()
    return decided


def send_back(ctx: Context, username: str, decision_id: int, reason: str) -> DecisionView:
    """The signer returns the draft to the council's secretary; its nominations await a new vote."""
    cleaned = reason_text(reason, required=True, field="reason")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_role(actor, Role.DECISION_SIGNER)
        decision = _decision(session, decision_id)
        _require_status(decision, DecisionStatus.DRAFT)
        for item in decision.items:
            nomination = session.get(m.Nomination, item.nomination_id)
            assert nomination is not None
            move(
                session,
                nomination,
                "send_back",
                actor=actor,
                at=now,
                comment=cleaned,
                data={"decision": decision_id},
            )
        decision.status = DecisionStatus.SENT_BACK.value
        decision.sent_back_reason = cleaned
        finish_open_task(
            session,
            actor,
            TaskKind.DECISION_SIGN,
            "send_back",
            at=now,
            comment=cleaned,
            decision_id=decision_id,
        )
        close_open_tasks(session, at=now, decision_id=decision_id)
        # The list stays on the sent-back draft for the record; the nominations go to a new session.
        audit.record(
            session,
            at=now,
            actor=actor,
            action="decision_send_back",
            entity_type="decision",
            entity_id=decision_id,
            from_state=DecisionStatus.DRAFT.value,
            to_state=DecisionStatus.SENT_BACK.value,
            comment=cleaned,
            data={"items": [i.nomination_id for i in decision.items]},
        )
        ensure_session_open_task(session, ctx, now)
        uow.commit()
    return show_decision(ctx, decision_id)


def show_decision(ctx: Context, decision_id: int) -> DecisionView:
    with ctx.reader() as uow:
        session = uow.session
        d = _decision(session, decision_id)
        signer = session.get(m.Person, d.signer_id) if d.signer_id else None
        items = [
            {
                "ordinal": i.ordinal,
                "nomination": i.nomination_id,
                "kind": i.nominee_kind,
                "name": i.nominee_name,
                "detail": i.nominee_detail,
                "reward": i.reward_amount,
            }
            for i in d.items
        ]
        return DecisionView(
            id=d.id,
            status=d.status,
            status_label=DecisionStatus(d.status).label,
            award_form=d.award_form,
            award_name=d.award_name,
            number_text=d.number_text,
            decision_date=d.decision_date,
            issuing_body=d.issuing_body,
            signer=signer.full_name if signer else None,
            signer_title=d.signer_title,
            reason_line=d.reason_line,
            legal_basis=list(d.legal_basis),
            proposal_ref=d.proposal_ref,
            session_id=d.session_id,
            items=items,
            total_reward=sum(i.reward_amount for i in d.items),
            sent_back_reason=d.sent_back_reason,
        )


def list_decisions(ctx: Context) -> list[DecisionView]:
    with ctx.reader() as uow:
        ids = list(uow.session.scalars(select(m.Decision.id).order_by(m.Decision.id)))
    return [show_decision(ctx, i) for i in ids]
