"""Proposals to national awards (NĐ 152/2025 Điều 33 k9–k12, Điều 35): the province's council approves,
the central body decides.

A nomination of a national award form (Chiến sĩ thi đua toàn quốc, Cờ thi đua của Chính phủ, Bằng khen
của Thủ tướng Chính phủ, orders) that the council approved goes into no decision of the Chairman. The Ban
prepares a proposal: its package for the Bộ Nội vụ (the covering công văn from its Word template, the list
as a workbook, each dossier's files and the council's minutes) is downloaded and sent through the Bộ Nội
vụ's own system — there is no network link from here. Marking it sent checks the national deadline
(Điều 35 k1) and the age of each achievement report (Điều 33 k9: no older than 6 months on the day it is
sent) and that every opinion asked (Điều 33 k2, Điều 34) came back favourable. The outcome is recorded when
it comes back: the central decision (number, date) makes the nomination decided and an award record its
holder has (the rules and the statistics count it), or a refusal with its reason.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow import spreadsheets
from thidua_workflow.certificates import word
from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor, holds_any
from thidua_workflow.domain.delegation import committee_signer_lines
from thidua_workflow.domain.enums import DocumentKind, NationalOutcome, NominationStatus, NomineeKind, Role
from thidua_workflow.domain.policy import AwardForm, NationalAward
from thidua_workflow.domain.text import TextError, clean_text, document_ref, vietnamese_date
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted, Problem, ValidationFailed
from thidua_workflow.services import audit, clearances
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context, award_name
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import move

PREPARED = "prepared"
SENT = "sent"
STATUS_LABELS = {PREPARED: "Đã lập hồ sơ trình, chưa gửi", SENT: "Đã gửi Bộ Nội vụ"}


@dataclass(frozen=True)
class ProposalView:
    id: int
    award_form: str
    award_name: str
    central_body: str
    status: str
    status_label: str
    letter_ref: str | None
    sent_on: date | None
    deadline: date | None
    deadline_article: str
    package_sha256: str | None
    items: list[dict[str, Any]]
    version: int

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("sent_on", "deadline"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def _staff(actor: Actor) -> None:
    if not (holds_any(actor, (Role.APPRAISER, Role.COUNCIL_SECRETARY))):
        raise NotPermitted(
            "Trình khen thưởng cấp Nhà nước do chuyên viên Ban Thi đua – Khen thưởng hoặc thường trực Hội đồng "
            f"thực hiện; {actor.label} không có vai trò này."
        )


def _national(ctx: Context, period_code: str, award_form: str) -> tuple[AwardForm, NationalAward]:
    form = ctx.policy.period_by_code(period_code).award_form(award_form)
    if form.national is None:
        raise InputRejected(
            f"'{form.name}' do Chủ tịch UBND tỉnh quyết định, không trình cấp Nhà nước (Điều 33 khoản 10 "
            "Nghị định 152/2025/NĐ-CP)."
        )
    return form, form.national


def deadline_of(rule: NationalAward, period_year: int) -> date | None:
    if rule.deadline is None:
        return None
    month, day = (int(x) for x in rule.deadline.split("-"))
    return date(period_year + rule.years_after, month, day)


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return date(year, month, min(day.day, last[month - 1]))


def _report_day(session: Session, nomination: m.Nomination) -> date:
    """The date of the achievement report of the nomination's current dossier (the dossier's own date
    when the report carries none)."""
    version = session.scalar(
        select(m.DossierVersion).where(
            m.DossierVersion.nomination_id == nomination.id,
            m.DossierVersion.number == nomination.current_version,
        )
    )
    assert version is not None
    dated = [
        d.dated
        for d in version.documents
        if d.kind in (DocumentKind.BAO_CAO_THANH_TICH.value, DocumentKind.TOM_TAT_THANH_TICH.value)
        and d.dated
    ]
    return max(dated) if dated else version.created_at.date()


def problems(ctx: Context, session: Session, nomination: m.Nomination, day: date) -> list[Problem]:
    """What stops the nomination going to the centre on ``day``: the national deadline, the report's age,
    the opinions asked."""
    form, rule = _national(ctx, nomination.policy_period, nomination.award_form)
    found: list[Problem] = []
    deadline = deadline_of(rule, nomination.period_year)
    if deadline is not None and day > deadline:
        found.append(
            Problem(
                f"quá hạn Bộ Nội vụ nhận hồ sơ {form.name} của năm {nomination.period_year}: "
                f"chậm nhất ngày {deadline:%d/%m/%Y}",
                nominee=nomination.nominee_name,
                article=rule.deadline_article,
            )
        )
    report = _report_day(session, nomination)
    oldest = _months_before(day, rule.max_age_months)
    if report < oldest:
        found.append(
            Problem(
                f"báo cáo thành tích ngày {report:%d/%m/%Y} đã quá {rule.max_age_months} tháng tính đến ngày trình "
                f"{day:%d/%m/%Y}: Bộ Nội vụ không nhận hồ sơ",
                nominee=nomination.nominee_name,
                article="Khoản 9 Điều 33 Nghị định 152/2025/NĐ-CP",
            )
        )
    for text in clearances.problems(session, nomination.id):
        found.append(
            Problem(
                f"ý kiến của cơ quan chưa thống nhất — {text}",
                nominee=nomination.nominee_name,
                article="Khoản 2 Điều 33, Điều 34 Nghị định 152/2025/NĐ-CP",
            )
        )
    return found


def waiting(ctx: Context) -> list[dict[str, Any]]:
    """National nominations the council approved that no proposal lists yet."""
    from thidua_workflow.services.council import national_forms

    forms = sorted(national_forms(ctx))
    with ctx.reader() as uow:
        session = uow.session
        listed = select(m.NationalProposalItem.nomination_id)
        rows = session.scalars(
            select(m.Nomination)
            .where(
                m.Nomination.status == NominationStatus.COUNCIL_APPROVED.value,
                m.Nomination.award_form.in_(forms),
                m.Nomination.id.not_in(listed),
            )
            .order_by(m.Nomination.award_form, m.Nomination.id)
        )
        return [
            {
                "nomination": n.id,
                "name": n.nominee_name,
                "award_form": n.award_form,
                "award_name": award_name(session, n.award_form),
            }
            for n in rows
        ]


def prepare(
    ctx: Context, username: str, award_form: str, nomination_ids: list[int] | None = None
) -> ProposalView:
    """A proposal of every approved nomination of the form (or those named) not yet in a proposal."""
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _staff(actor)
        _national(ctx, ctx.policy.period_for(today).code, award_form)  # a provincial award: refused here
        query = select(m.Nomination).where(
            m.Nomination.award_form == award_form,
            m.Nomination.status == NominationStatus.COUNCIL_APPROVED.value,
            m.Nomination.id.not_in(select(m.NationalProposalItem.nomination_id)),
        )
        if nomination_ids is not None:
            query = query.where(m.Nomination.id.in_(nomination_ids))
        found = list(session.scalars(query.order_by(m.Nomination.nominee_order_key, m.Nomination.id)))
        if nomination_ids is not None:
            missing = sorted(set(nomination_ids) - {n.id for n in found})
            if missing:
                raise InputRejected(
                    f"Hồ sơ {missing} không phải hồ sơ '{award_form}' Hội đồng đã thông qua và chưa được trình."
                )
        if not found:
            raise InputRejected(
                f"Không có hồ sơ '{award_form}' nào Hội đồng đã thông qua đang chờ trình cấp Nhà nước."
            )
        _form, rule = _national(ctx, found[0].policy_period, award_form)
        failed = [p for n in found for p in problems(ctx, session, n, today)]
        if failed:
            raise ValidationFailed(failed, "Chưa lập được hồ sơ trình cấp Nhà nước, không lưu gì:")
        proposal = m.NationalProposal(
            award_form=award_form,
            policy_period=found[0].policy_period,
            central_body=rule.central_body,
            status=PREPARED,
            created_at=now,
            created_by_id=actor.person_id,
        )
        session.add(proposal)
        session.flush()
        for ordinal, n in enumerate(found, start=1):
            session.add(m.NationalProposalItem(proposal_id=proposal.id, nomination_id=n.id, ordinal=ordinal))
        audit.record(
            session,
            at=now,
            actor=actor,
            action="national_prepare",
            entity_type="national_proposal",
            entity_id=proposal.id,
            to_state=PREPARED,
            data={"award_form": award_form, "nominations": [n.id for n in found]},
        )
        uow.commit()
        proposal_id = proposal.id
    return show(ctx, proposal_id)


def _proposal(session: Session, proposal_id: int) -> m.NationalProposal:
    found = session.get(m.NationalProposal, proposal_id)
    if found is None:
        raise NotFound("hồ sơ trình cấp Nhà nước", proposal_id)
    return found


def _items(session: Session, proposal_id: int) -> list[tuple[m.NationalProposalItem, m.Nomination]]:
    return [
        (item, n)
        for item, n in session.execute(
            select(m.NationalProposalItem, m.Nomination)
            .join(m.Nomination, m.Nomination.id == m.NationalProposalItem.nomination_id)
            .where(m.NationalProposalItem.proposal_id == proposal_id)
            .order_by(m.NationalProposalItem.ordinal)
        )
    ]


def show(ctx: Context, proposal_id: int) -> ProposalView:
    with ctx.reader() as uow:
        session = uow.session
        p = _proposal(session, proposal_id)
        form, rule = _national(ctx, p.policy_period, p.award_form)
        rows = _items(session, proposal_id)
        items = [
            {
                "ordinal": item.ordinal,
                "nomination": n.id,
                "name": n.nominee_name,
                "unit": n.nominee_unit_name,
                "status": n.status,
                "outcome": item.outcome,
                "outcome_label": NationalOutcome(item.outcome).label if item.outcome else None,
                "outcome_ref": item.outcome_ref,
                "outcome_date": item.outcome_date.isoformat() if item.outcome_date else None,
                "outcome_note": item.outcome_note,
            }
            for item, n in rows
        ]
        year = rows[0][1].period_year if rows else ctx.clock.today().year
        return ProposalView(
            id=p.id,
            award_form=p.award_form,
            award_name=form.name,
            central_body=p.central_body,
            status=p.status,
            status_label=STATUS_LABELS.get(p.status, p.status),
            letter_ref=p.letter_ref,
            sent_on=p.sent_on,
            deadline=deadline_of(rule, year),
            deadline_article=rule.deadline_article,
            package_sha256=p.package_sha256,
            items=items,
            version=p.version,
        )


def list_proposals(ctx: Context) -> list[ProposalView]:
    with ctx.reader() as uow:
        ids = list(uow.session.scalars(select(m.NationalProposal.id).order_by(m.NationalProposal.id)))
    return [show(ctx, i) for i in ids]


def cover_letter_context(ctx: Context, session: Session, proposal_id: int) -> dict[str, Any]:
    """The covering công văn's fields (template ``cong-van-trinh``)."""
    p = _proposal(session, proposal_id)
    form, rule = _national(ctx, p.policy_period, p.award_form)
    rows = _items(session, proposal_id)
    day = p.sent_on or ctx.clock.today()
    return {
        "body_parent": "",
        "body_name": ctx.policy.issuing_body.upper(),
        "number_line": f"Số: {p.letter_ref}" if p.letter_ref else "Số: …/UBND-NC",
        "subject_line": f"V/v đề nghị tặng {form.name}",
        "place_date": f"{ctx.policy.province_name}, {vietnamese_date(day)}",
        "addressee": f"Kính gửi: {p.central_body}",
        "paragraphs": [
            "Căn cứ khoản 10, khoản 11, khoản 12 Điều 33 Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 "
            "của Chính phủ; căn cứ kết quả xét của Hội đồng Thi đua – Khen thưởng tỉnh,",
            f"{ctx.policy.issuing_body} đề nghị {p.central_body} thẩm định, trình Thủ tướng Chính phủ xem xét "
            f"tặng {form.name} cho {len(rows):02d} trường hợp có tên trong danh sách kèm theo.",
            "Hồ sơ gồm: tờ trình, danh sách, báo cáo thành tích, biên bản xét và kết quả bỏ phiếu của Hội đồng "
            "Thi đua – Khen thưởng tỉnh, ý kiến của các cơ quan có liên quan (bản giấy gửi kèm; tệp điện tử gửi "
            "qua Hệ thống quản lý văn bản và chỉ đạo, điều hành của Bộ Nội vụ).",
        ],
        "rows": [
            {
                "stt": f"{item.ordinal:02d}",
                "name": n.nominee_name,
                "detail": ", ".join(x for x in (n.nominee_position, n.nominee_unit_name) if x),
            }
            for item, n in rows
        ],
        "closing": f"Kính đề nghị {p.central_body} xem xét, trình cấp có thẩm quyền khen thưởng./.",
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Như trên;", "- Ban Thi đua – Khen thưởng;", "- Lưu: VT."],
        "signer_lines": committee_signer_lines(),
        "signer_name": "",
        "deadline_note": (
            f"Hạn Bộ Nội vụ nhận hồ sơ: {deadline_of(rule, rows[0][1].period_year):%d/%m/%Y} ({rule.deadline_article})."
            if rows and rule.deadline
            else rule.deadline_article
        ),
    }


def package(ctx: Context, proposal_id: int) -> tuple[str, bytes]:
    """The zip for the central body: the công văn (.docx), the list (.xlsx), each dossier's files and the
    council's minutes (.docx) of the session that approved it."""
    from thidua_workflow.services import paperwork

    with ctx.reader() as uow:
        session = uow.session
        p = _proposal(session, proposal_id)
        if p.package_sha256 is not None and ctx.store.exists(p.package_sha256):
            # Sent: the very bytes that went to the centre, kept in the content store.
            return f"trinh-{p.award_form}-{proposal_id}.zip", ctx.store.read(p.package_sha256)
        letter = cover_letter_context(ctx, session, proposal_id)
        rows = _items(session, proposal_id)
        files: list[tuple[str, bytes]] = []
        sessions: set[int] = set()
        for item, n in rows:
            folder = f"{item.ordinal:02d}-ho-so-{n.id}"
            version = session.scalar(
                select(m.DossierVersion).where(
                    m.DossierVersion.nomination_id == n.id, m.DossierVersion.number == n.current_version
                )
            )
            assert version is not None
            for doc in version.documents:
                files.append((f"{folder}/{doc.file_name}", ctx.store.read(doc.sha256)))
            approved_in = session.scalar(
                select(m.SessionItem.session_id)
                .where(m.SessionItem.nomination_id == n.id, m.SessionItem.outcome == "approved")
                .order_by(m.SessionItem.id.desc())
                .limit(1)
            )
            if approved_in is not None:
                sessions.add(approved_in)
        listing = spreadsheets.rows_to_xlsx(
            "Danh sách đề nghị",
            ["STT", "Họ tên / tên tập thể", "Chức vụ, đơn vị", "Hồ sơ số"],
            [
                (r["stt"], r["name"], r["detail"], n.id)
                for r, (_i, n) in zip(letter["rows"], rows, strict=True)
            ],
        )
        award_form = p.award_form
        stamp = p.created_at.astimezone(ctx.clock.tz).date()
    template = word.find_template("cong-van-trinh", paperwork.override_folder(ctx))
    cover = word.render_docx(template, letter)
    minutes = [paperwork.make(ctx, "bien-ban-hoi-dong", s) for s in sorted(sessions)]
    entries = [("cong-van-trinh.docx", cover), ("danh-sach-de-nghi.xlsx", listing)]
    entries += [(made.file_name, made.content) for made in minutes] + files
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            # Dated the proposal's day, not the moment of the download.
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return f"trinh-{award_form}-{proposal_id}.zip", buffer.getvalue()


def mark_sent(
    ctx: Context,
    username: str,
    proposal_id: int,
    *,
    letter_ref: str,
    sent_on: date,
    expected_version: int | None = None,
) -> ProposalView:
    """Record the proposal as sent on ``sent_on`` under công văn ``letter_ref``; the deadline, the reports'
    age and the opinions are checked as of that day, and the nominations move to 'proposed'."""
    try:
        ref = document_ref(clean_text(letter_ref, max_length=200))
    except TextError as exc:
        raise ValidationFailed([Problem(str(exc), field="letter_ref")], "Số công văn bị từ chối:") from exc
    if not ref:
        raise ValidationFailed([Problem("cần số công văn trình", field="letter_ref")], "Thiếu số công văn:")
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    if sent_on > today:
        raise ValidationFailed(
            [Problem(f"ngày {sent_on:%d/%m/%Y} chưa đến", field="sent_on")], "Ngày gửi bị từ chối:"
        )
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _staff(actor)
        p = _proposal(session, proposal_id)
        if expected_version is not None and p.version != expected_version:
            raise Conflict(f"Hồ sơ trình số {proposal_id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        if p.status != PREPARED:
            raise Conflict(f"Hồ sơ trình số {proposal_id} đã gửi ngày {p.sent_on:%d/%m/%Y}.")
        rows = _items(session, proposal_id)
        failed = [pr for _i, n in rows for pr in problems(ctx, session, n, sent_on)]
        if failed:
            raise ValidationFailed(failed, "Chưa gửi được hồ sơ trình cấp Nhà nước, không lưu gì:")
        p.letter_ref = ref
        p.status = SENT
        p.sent_on = sent_on
        p.sent_by_id = actor.person_id
        for _item, n in rows:
            move(session, n, "propose_national", actor=actor, at=now, data={"proposal": p.id, "letter": ref})
        session.flush()
        uow.commit()
    _name, data = package(ctx, proposal_id)
    digest, _new = ctx.store.put(data)  # what was sent is kept as sent
    with ctx.uow() as uow:
        p = _proposal(uow.session, proposal_id)
        p.package_sha256 = digest
        audit.record(
            uow.session,
            at=now,
            actor=load_actor(uow.session, username),
            action="national_send",
            entity_type="national_proposal",
            entity_id=proposal_id,
            from_state=PREPARED,
            to_state=SENT,
            data={"letter": ref, "sent_on": sent_on.isoformat(), "package_sha256": p.package_sha256},
        )
        uow.commit()
    return show(ctx, proposal_id)


def record_outcome(
    ctx: Context,
    username: str,
    nomination_id: int,
    *,
    outcome: NationalOutcome,
    decision_ref: str | None,
    decided_on: date | None,
    note: str | None = None,
) -> ProposalView:
    """The central body's answer: its decision (number, date) makes the award held; a refusal, its reason."""
    cleaned = reason_text(note, required=outcome is NationalOutcome.DECLINED, field="note")
    ref = None
    if outcome is NationalOutcome.AWARDED:
        try:
            ref = document_ref(clean_text(decision_ref or "", max_length=300))
        except TextError as exc:
            raise ValidationFailed(
                [Problem(str(exc), field="decision_ref")], "Số quyết định bị từ chối:"
            ) from exc
        if not ref or decided_on is None:
            raise ValidationFailed(
                [Problem("cần số và ngày quyết định khen thưởng cấp Nhà nước", field="decision_ref")],
                "Thiếu quyết định, không lưu gì:",
            )
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        _staff(actor)
        item = session.scalar(
            select(m.NationalProposalItem).where(m.NationalProposalItem.nomination_id == nomination_id)
        )
        if item is None:
            raise NotFound("hồ sơ trong danh sách trình cấp Nhà nước", nomination_id)
        p = _proposal(session, item.proposal_id)
        if p.status != SENT:
            raise InputRejected(f"Hồ sơ trình số {p.id} chưa gửi: chưa thể ghi kết quả.")
        if item.outcome is not None:
            raise Conflict(
                f"Đã ghi kết quả cho hồ sơ số {nomination_id}: {NationalOutcome(item.outcome).label}."
            )
        if decided_on is not None and (decided_on > today or (p.sent_on and decided_on < p.sent_on)):
            raise ValidationFailed(
                [
                    Problem(
                        f"ngày {decided_on:%d/%m/%Y} phải từ ngày gửi hồ sơ đến hôm nay", field="decided_on"
                    )
                ],
                "Ngày quyết định bị từ chối, không lưu gì:",
            )
        nomination = session.get(m.Nomination, nomination_id)
        assert nomination is not None
        form, _rule = _national(ctx, nomination.policy_period, nomination.award_form)
        item.outcome = outcome.value
        item.outcome_ref = ref
        item.outcome_date = decided_on
        item.outcome_note = cleaned
        item.recorded_at = now
        if outcome is NationalOutcome.AWARDED:
            assert decided_on is not None
            reference = f"Quyết định số {ref} {vietnamese_date(decided_on)}"
            move(
                session,
                nomination,
                "national_award",
                actor=actor,
                at=now,
                comment=cleaned,
                data={"proposal": p.id, "decision": ref, "date": decided_on.isoformat()},
            )
            session.add(
                m.AwardRecord(
                    nominee_key=nomination.nominee_key,
                    nominee_kind=nomination.nominee_kind,
                    nominee_name=nomination.nominee_name,
                    unit_id=nomination.nominee_unit_id,
                    title=form.title.value,
                    year=nomination.period_year,
                    commendation_type=nomination.commendation_type,
                    decision=reference,
                    source="national",
                    nomination_id=nomination.id,
                    decision_id=None,
                )
            )
        else:
            move(
                session,
                nomination,
                "national_decline",
                actor=actor,
                at=now,
                comment=cleaned,
                data={"proposal": p.id},
            )
        uow.commit()
        proposal_id = p.id
    return show(ctx, proposal_id)


def reward_on_award(ctx: Context, nomination: m.Nomination, day: date) -> int:
    """The money the province pays with a national award (Điều 47 k2: from its own budget)."""
    form, _rule = _national(ctx, nomination.policy_period, nomination.award_form)
    return ctx.policy.reward_amount(form, NomineeKind(nomination.nominee_kind), day)
