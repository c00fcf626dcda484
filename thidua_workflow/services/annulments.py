"""Annulment (NĐ 152/2025 Điều 56, 58): an issued decision, or one awardee in it, annulled by a new decision.

Nothing is deleted. The decision and its list stay as issued; each annulled awardee's nomination moves to
``annulled`` (its own arrow in the lifecycle table), its certificate is revoked (verification says so and
names the annulling decision), its award record is marked withdrawn (the eligibility rules no longer count
it), and an ``annulments`` row keeps the annulling decision, its ground and the money to be recovered
(the reward the decision granted). The holder has 15 working days to give back the items and the money
(Điều 58 k2a): a task of the registrar with that deadline, reminded and escalated as any other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor, authorize, holds_any
from thidua_workflow.domain.enums import DecisionStatus, NominationStatus, Role, TaskKind
from thidua_workflow.domain.policy import Annulment as AnnulmentRule
from thidua_workflow.domain.text import TextError, clean_text, document_ref, money_vnd, vietnamese_date
from thidua_workflow.errors import InputRejected, NotFound, NotPermitted, Problem, ValidationFailed
from thidua_workflow.services import audit, fund
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import close_open_tasks, finish_open_task, move, new_task, subject_of

DEFAULT_RULE = AnnulmentRule(source="Điều 56, 58 Nghị định 152/2025/NĐ-CP", status="confirmed")


@dataclass(frozen=True)
class AnnulmentView:
    id: int
    decision_id: int | None
    decision_number: str | None
    nomination_id: int
    nominee_name: str
    act_number: str
    act_date: date
    act_signer: str | None
    ground: str
    article: str
    recover_amount: int
    recover_items: str | None
    recover_due_on: date
    recovered_on: date | None
    certificate_code: str | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("act_date", "recover_due_on", "recovered_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def rule_for(ctx: Context, period_code: str) -> AnnulmentRule:
    """The period's annulment rule; a period before NĐ 152/2025 still annuls, under Điều 56's figures."""
    steps = ctx.policy.period_by_code(period_code).steps_2025
    return steps.annulment if steps is not None else DEFAULT_RULE


def find_issued_decision(ctx: Context, typed: str) -> int:
    """The issued decision named as people name it: by the number and symbol it bears ("162/QĐ-UBND",
    "05/QĐ-UBND" or "5/qđ-ubnd"), or by the system's row number shown on its page (digits alone).

    Only the row number was taken once: an official typing the decision's own number was refused, or got
    whichever decision had that row. Numbers restart every year, so a number borne by decisions of several
    years is refused with each of them and its row number to choose from."""
    text = " ".join(typed.split())
    if text.isascii() and text.isdigit():
        return int(text)
    head, slash, symbol = text.partition("/")
    head = head.strip()
    if not slash or not (head.isascii() and head.isdigit()) or not 1 <= int(head) <= 999_999:
        raise InputRejected(
            f"Quyết định bị hủy bỏ: '{text[:60]}' không phải số ký hiệu quyết định (ví dụ 162/QĐ-UBND) "
            "hoặc mã quyết định."
        )
    wanted = symbol.replace(" ", "").casefold()
    with ctx.reader() as uow:
        found = [
            (d.id, d.number_text, d.decision_date)
            for d in uow.session.scalars(
                select(m.Decision)
                .where(
                    m.Decision.province_id == ctx.policy.province,
                    m.Decision.status == DecisionStatus.ISSUED.value,
                    m.Decision.number == int(head),
                )
                .order_by(m.Decision.decision_date, m.Decision.id)
            )
            if (d.number_text or "").partition("/")[2].replace(" ", "").casefold() == wanted
        ]
    shown = document_ref(f"{int(head)}/{symbol.strip()}")
    if not found:
        raise InputRejected(f"Không có quyết định đã ban hành số {shown}.")
    if len(found) > 1:
        choices = "; ".join(
            f"{number} {vietnamese_date(day)} (mã {row})" for row, number, day in found if day is not None
        )
        raise InputRejected(f"Có nhiều quyết định số {shown} ở các năm: {choices}. Hãy nhập mã quyết định.")
    return found[0][0]


def _act_number(text: str) -> str:
    try:
        number = clean_text(text, max_length=100)
    except TextError as exc:
        raise ValidationFailed(
            [Problem(str(exc), field="act_number")], "Số quyết định hủy bỏ bị từ chối:"
        ) from exc
    if not number:
        raise ValidationFailed(
            [Problem("cần số của quyết định hủy bỏ (ví dụ 25/QĐ-UBND)", field="act_number")],
            "Thiếu số quyết định hủy bỏ, không lưu gì:",
        )
    return document_ref(number)


def annul(
    ctx: Context,
    username: str,
    decision_id: int,
    *,
    act_number: str,
    act_date: date,
    ground: str,
    nomination_ids: list[int] | None = None,
    act_signer: str | None = None,
    recover_items: str | None = None,
) -> list[AnnulmentView]:
    """Annul the whole decision (``nomination_ids`` None) or the awardees named, by decision ``act_number``.

    Every check runs before anything is written: a wrong awardee, a decision not issued, an act dated
    before the decision or in the future, a missing ground — each refuses the whole act.
    """
    number = _act_number(act_number)
    cleaned = reason_text(ground, required=True, field="ground")
    assert cleaned is not None
    signer = clean_text(act_signer, max_length=200) if act_signer else None
    items_text = clean_text(recover_items, max_length=300) if recover_items else None
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        decision = session.get(m.Decision, decision_id)
        if decision is None:
            raise NotFound("quyết định", decision_id)
        if decision.status != DecisionStatus.ISSUED.value or decision.decision_date is None:
            raise InputRejected(
                f"Quyết định số {decision_id} chưa ban hành ({DecisionStatus(decision.status).label}): "
                "chỉ hủy bỏ quyết định đã ban hành (Điều 56 Nghị định 152/2025/NĐ-CP)."
            )
        if act_date > today:
            raise ValidationFailed(
                [Problem(f"ngày {act_date:%d/%m/%Y} chưa đến", field="act_date")],
                "Ngày quyết định hủy bỏ bị từ chối, không lưu gì:",
            )
        if act_date < decision.decision_date:
            raise ValidationFailed(
                [
                    Problem(
                        f"ngày {act_date:%d/%m/%Y} trước ngày ban hành quyết định bị hủy "
                        f"({decision.decision_date:%d/%m/%Y})",
                        field="act_date",
                    )
                ],
                "Ngày quyết định hủy bỏ bị từ chối, không lưu gì:",
            )
        listed = {item.nomination_id: item for item in decision.items}
        wanted = sorted(listed) if nomination_ids is None else sorted(set(nomination_ids))
        if not wanted:
            raise InputRejected("Chọn ít nhất một người/tập thể trong quyết định để hủy bỏ.")
        foreign = [n for n in wanted if n not in listed]
        if foreign:
            raise InputRejected(
                f"Hồ sơ {foreign} không có tên trong Quyết định số {decision.number_text}: không hủy bỏ được."
            )
        arrow = lifecycle.get("annul")
        nominations: list[m.Nomination] = []
        for nomination_id in wanted:
            nomination = session.get(m.Nomination, nomination_id)
            assert nomination is not None
            if nomination.status == NominationStatus.ANNULLED.value:
                if nomination_ids is None:
                    continue  # annulled one by one before; the whole decision takes the others
                raise InputRejected(
                    f"Khen thưởng của {nomination.nominee_name} (hồ sơ số {nomination.id}) đã bị hủy bỏ trước đó."
                )
            lifecycle.transition("annul", NominationStatus(nomination.status))
            authorize(actor, arrow, subject_of(nomination))
            nominations.append(nomination)
        if not nominations:
            raise InputRejected(
                f"Mọi khen thưởng trong Quyết định số {decision.number_text} đã bị hủy bỏ trước đó."
            )
        rule = rule_for(ctx, decision.policy_period)
        due = ctx.calendar.add_working_days(act_date, rule.recover_working_days)
        act = f"Quyết định số {number} {vietnamese_date(act_date)}"
        made: list[int] = []
        for nomination in nominations:
            item = listed[nomination.id]
            _annul_one(
                ctx,
                session,
                actor,
                decision,
                nomination,
                item,
                act=act,
                number=number,
                act_date=act_date,
                signer=signer,
                ground=cleaned,
                rule=rule,
                due=due,
                items_text=items_text,
                now=now,
            )
            made.append(nomination.id)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="decision_annul" if nomination_ids is None else "decision_annul_part",
            entity_type="decision",
            entity_id=decision.id,
            comment=cleaned,
            data={"act": number, "date": act_date.isoformat(), "nominations": made, "article": rule.article},
        )
        uow.commit()
    return [a for a in list_annulments(ctx, decision_id=decision_id) if a.nomination_id in made]


def _annul_one(
    ctx: Context,
    session: Session,
    actor: Actor,
    decision: m.Decision,
    nomination: m.Nomination,
    item: m.DecisionItem,
    *,
    act: str,
    number: str,
    act_date: date,
    signer: str | None,
    ground: str,
    rule: AnnulmentRule,
    due: date,
    items_text: str | None,
    now: Any,
) -> None:
    close_open_tasks(session, nomination.id, at=now)
    move(
        session,
        nomination,
        "annul",
        actor=actor,
        at=now,
        comment=ground,
        data={"act": number, "date": act_date.isoformat(), "decision": decision.id, "article": rule.article},
    )
    revoked = f"{act} hủy bỏ khen thưởng: {ground}"
    cert = session.scalar(select(m.Certificate).where(m.Certificate.nomination_id == nomination.id))
    if cert is not None and cert.revoked_at is None:
        cert.revoked_at = now
        cert.revoked_reason = revoked
        audit.record(
            session,
            at=now,
            actor=actor,
            action="certificate_revoke",
            entity_type="certificate",
            entity_id=cert.id,
            comment=revoked,
            data={"code": cert.code, "annulled_by": number},
        )
    record = session.scalar(select(m.AwardRecord).where(m.AwardRecord.nomination_id == nomination.id))
    if record is not None and record.withdrawn_at is None:
        record.withdrawn_at = now
        record.withdrawn_reason = revoked
    session.add(
        m.Annulment(
            decision_id=decision.id,
            nomination_id=nomination.id,
            act_number=number,
            act_date=act_date,
            act_signer=signer,
            ground=ground,
            article=rule.article,
            recover_amount=item.reward_amount,
            recover_items=items_text,
            recover_due_on=due,
            created_at=now,
            created_by_id=actor.person_id,
        )
    )
    task = new_task(
        session,
        ctx,
        TaskKind.RECOVER,
        Role.REGISTRAR,
        at=now,
        policy_period=nomination.policy_period,
        nomination_id=nomination.id,
    )
    task.due_on = due  # Điều 58 k2a: counted from the annulling decision, not from the day it is entered


def record_recovery(
    ctx: Context,
    username: str,
    nomination_id: int,
    *,
    recovered_on: date,
    note: str | None = None,
    voucher: str | None = None,
) -> AnnulmentView:
    """The registrar records the items and money given back (Điều 58 k2b). Where the reward fund paid
    the awardee, the money goes back into it in the same transaction: a recovery line on the receipt's
    ``voucher`` (phiếu thu), which is then required."""
    cleaned = reason_text(note, required=False, field="note")
    receipt = reason_text(voucher, required=False, field="voucher")
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        if not (holds_any(actor, (Role.REGISTRAR, Role.COUNCIL_SECRETARY))):
            raise NotPermitted(
                "Ghi nhận thu hồi hiện vật, tiền thưởng do văn thư hoặc thường trực Hội đồng thực hiện; "
                f"{actor.label} không có vai trò này."
            )
        row = session.scalar(select(m.Annulment).where(m.Annulment.nomination_id == nomination_id))
        if row is None:
            raise NotFound("quyết định hủy bỏ khen thưởng của hồ sơ", nomination_id)
        if row.recovered_on is not None:
            raise InputRejected(
                f"Đã ghi nhận thu hồi của hồ sơ số {nomination_id} ngày {row.recovered_on:%d/%m/%Y}."
            )
        if recovered_on > today or recovered_on < row.act_date:
            raise ValidationFailed(
                [
                    Problem(
                        f"ngày {recovered_on:%d/%m/%Y} phải từ ngày quyết định hủy bỏ "
                        f"({row.act_date:%d/%m/%Y}) đến hôm nay",
                        field="recovered_on",
                    )
                ],
                "Ngày thu hồi bị từ chối, không lưu gì:",
            )
        returned = _back_to_fund(session, ctx, actor, row, recovered_on, receipt, cleaned)
        row.recovered_on = recovered_on
        row.recovered_note = cleaned
        finish_open_task(
            session,
            actor,
            TaskKind.RECOVER,
            "recovered",
            at=now,
            comment=cleaned,
            nomination_id=nomination_id,
        )
        audit.record(
            session,
            at=now,
            actor=actor,
            action="award_recovered",
            entity_type="nomination",
            entity_id=nomination_id,
            from_state=NominationStatus.ANNULLED.value,
            to_state=NominationStatus.ANNULLED.value,
            comment=cleaned,
            data={
                "on": recovered_on.isoformat(),
                "amount": row.recover_amount,
                "act": row.act_number,
                "to_fund": returned,
            },
        )
        uow.commit()
    return next(a for a in list_annulments(ctx) if a.nomination_id == nomination_id)


def _back_to_fund(
    session: Session,
    ctx: Context,
    actor: Actor,
    row: m.Annulment,
    recovered_on: date,
    receipt: str | None,
    note: str | None,
) -> int:
    """The recovery line of the reward fund for what it paid the awardee (0 when it paid nothing, as for
    an award paid outside the ledger); a paid award needs the receipt's number."""
    if row.decision_id is None:
        return 0
    item_id = session.scalar(
        select(m.DecisionItem.id).where(
            m.DecisionItem.decision_id == row.decision_id, m.DecisionItem.nomination_id == row.nomination_id
        )
    )
    if item_id is None:
        return 0
    owed = min(fund.unreturned(session, ctx, item_id), row.recover_amount)
    if owed <= 0:
        return 0
    if receipt is None:
        raise ValidationFailed(
            [
                Problem(
                    f"quỹ thi đua, khen thưởng đã chi {money_vnd(owed)} cho trường hợp này: "
                    "ghi số phiếu thu để hoàn lại quỹ",
                    field="voucher",
                )
            ],
            "Ghi nhận thu hồi bị từ chối, không lưu gì:",
        )
    fund.recovery_entry(
        session,
        ctx,
        actor,
        item_id=item_id,
        voucher=fund.Voucher(receipt, recovered_on),
        amount=owed,
        note=note,
    )
    return owed


def list_annulments(
    ctx: Context, *, decision_id: int | None = None, nomination_id: int | None = None
) -> list[AnnulmentView]:
    query = (
        select(m.Annulment, m.Nomination, m.Decision)
        .join(m.Nomination, m.Nomination.id == m.Annulment.nomination_id)
        .outerjoin(m.Decision, m.Decision.id == m.Annulment.decision_id)
        .order_by(m.Annulment.id)
    )
    if decision_id is not None:
        query = query.where(m.Annulment.decision_id == decision_id)
    if nomination_id is not None:
        query = query.where(m.Annulment.nomination_id == nomination_id)
    with ctx.reader() as uow:
        session = uow.session
        codes = {
            c.nomination_id: c.code
            for c in session.scalars(
                select(m.Certificate).where(
                    m.Certificate.nomination_id.in_(select(m.Annulment.nomination_id))
                )
            )
        }
        return [
            AnnulmentView(
                id=a.id,
                decision_id=a.decision_id,
                decision_number=d.number_text if d is not None else None,
                nomination_id=n.id,
                nominee_name=n.nominee_name,
                act_number=a.act_number,
                act_date=a.act_date,
                act_signer=a.act_signer,
                ground=a.ground,
                article=a.article,
                recover_amount=a.recover_amount,
                recover_items=a.recover_items,
                recover_due_on=a.recover_due_on,
                recovered_on=a.recovered_on,
                certificate_code=codes.get(n.id),
            )
            for a, n, d in uow.session.execute(query)
        ]


def recovery_total(ctx: Context) -> dict[str, int]:
    """Money to recover: due (not yet given back) and recovered — what the reward fund reads."""
    due = recovered = 0
    for a in list_annulments(ctx):
        if a.recovered_on is None:
            due += a.recover_amount
        else:
            recovered += a.recover_amount
    return {"due": due, "recovered": recovered}


def document(ctx: Context, decision_id: int, act_number: str) -> tuple[str, bytes]:
    """The annulling decision as .docx from its template (``quyet-dinh-huy-bo``), from the records."""
    from thidua_workflow.certificates import word
    from thidua_workflow.services import paperwork

    rows = [a for a in list_annulments(ctx, decision_id=decision_id) if a.act_number == act_number]
    if not rows:
        raise NotFound("quyết định hủy bỏ", act_number)
    first = rows[0]
    with ctx.reader() as uow:
        decision = uow.session.get(m.Decision, decision_id)
        assert decision is not None and decision.decision_date is not None
        old = f"Quyết định số {decision.number_text} {vietnamese_date(decision.decision_date)}"
        bases = [f"Căn cứ {line};" for line in ctx.policy.basis_lines(first.act_date)]
        issuing = decision.issuing_body
        award = decision.award_name
    data = {
        "body_parent": "",
        "body_name": issuing.upper(),
        "number_line": f"Số: {act_number}",
        "place_date": f"{ctx.policy.province_name}, {vietnamese_date(first.act_date)}",
        "subject": f"Về việc hủy bỏ khen thưởng tại {old}",
        "authority": f"CHỦ TỊCH {issuing.upper()}",
        "bases": [*bases, f"Căn cứ {first.article};"],
        "articles": [
            f"Điều 1. Hủy bỏ {award} đã tặng tại {old} đối với {len(rows):02d} trường hợp có tên dưới đây; "
            "thu hồi Bằng, hiện vật khen thưởng và tiền thưởng đã nhận.",
            f"Điều 2. Trong thời hạn 15 ngày làm việc kể từ ngày nhận được Quyết định này (hạn "
            f"{first.recover_due_on:%d/%m/%Y}), tập thể, cá nhân có tên nộp lại hiện vật khen thưởng và tiền "
            "thưởng đã nhận cho Ban Thi đua – Khen thưởng (điểm a khoản 2 Điều 58 Nghị định 152/2025/NĐ-CP).",
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
        ],
        "rows": [
            {
                "stt": f"{i:02d}",
                "name": a.nominee_name,
                "ground": a.ground,
                "amount": f"{a.recover_amount:,}".replace(",", "."),
            }
            for i, a in enumerate(rows, start=1)
        ],
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Như Điều 2;", "- Ban Thi đua – Khen thưởng;", "- Lưu: VT."],
        "signer_lines": ["CHỦ TỊCH"],
        "signer_name": first.act_signer or "",
    }
    template = word.find_template("quyet-dinh-huy-bo", paperwork.override_folder(ctx))
    name = f"quyet-dinh-huy-bo-{act_number}".replace("/", "-") + ".docx"
    return name, word.render_docx(template, data)
