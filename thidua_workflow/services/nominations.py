"""Submitting, withdrawing and completing nominations: the unit clerk's use cases.

A submission is judged whole: every entry is checked against the organisation, the law of its period
and the awards the database already records; one problem anywhere rejects the file and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import rules
from thidua_workflow.domain.authz import Actor, require_role
from thidua_workflow.domain.enums import (
    DocumentKind,
    NominationStatus,
    NomineeKind,
    Procedure,
    Role,
)
from thidua_workflow.domain.identity import dedupe_key, list_order_key, nominee_key
from thidua_workflow.domain.policy import AwardForm, PolicyPeriod
from thidua_workflow.domain.problems import problems_from
from thidua_workflow.domain.schemas import Declared, DocumentIn, NominationIn, ResubmissionIn, SubmissionIn
from thidua_workflow.domain.text import search_key
from thidua_workflow.errors import (
    InputRejected,
    NotConfigured,
    NotFound,
    Problem,
    StaleVersion,
    TransitionNotAllowed,
    ValidationFailed,
)
from thidua_workflow.services import audit, eligibility
from thidua_workflow.services.actors import load_actor, unit_name
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import Evidence, EvidenceSource, read_evidence, stored
from thidua_workflow.services.late_dossiers import place_in_bloc
from thidua_workflow.services.outbox import Stage, complete, wake
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.visibility import require_nomination
from thidua_workflow.services.workflow import (
    bloc_of,
    close_open_tasks,
    move,
    reviewer_problem,
    round_closed_problem,
    route,
)

REJECTED_SUMMARY = "Tệp đề nghị bị từ chối toàn bộ, không lưu hồ sơ nào ({n} lỗi):"


@dataclass
class SubmitResult:
    submission_id: int
    nomination_ids: list[int]
    statuses: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "nominations": [{"id": i, "status": self.statuses.get(i)} for i in self.nomination_ids],
        }


def parse_submission(data: Any) -> SubmissionIn:
    if not isinstance(data, dict):  # an empty file, a bare list or a word: say what the file must be
        problem = Problem(
            "Tệp danh sách cần là một bảng (khóa: giá trị) với unit, documents và nominations, như tệp mẫu"
        )
        raise ValidationFailed([problem], REJECTED_SUMMARY.format(n=1))
    try:
        return SubmissionIn.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, data, "nominations")
        raise ValidationFailed(problems, REJECTED_SUMMARY.format(n=len(problems))) from exc


def parse_resubmission(data: Any) -> ResubmissionIn:
    try:
        return ResubmissionIn.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, data)
        raise ValidationFailed(problems, "Hồ sơ hoàn thiện bị từ chối, không lưu gì:") from exc


# --- what an entry is judged against -------------------------------------------------------------


@dataclass
class _Org:
    """The organisation as of today, read once per submission."""

    units: dict[str, m.Unit]
    names: dict[str, str]
    today: date

    @classmethod
    def read(cls, session: Session, today: date) -> _Org:
        units = {u.id: u for u in session.scalars(select(m.Unit))}
        names: dict[str, str] = {}
        for row in session.scalars(select(m.UnitName).order_by(m.UnitName.valid_from)):
            if row.valid_from <= today and (row.valid_until is None or today <= row.valid_until):
                names[row.unit_id] = row.name
        return cls(units, names, today)

    def dissolved(self) -> dict[str, date]:
        return {
            u.id: u.dissolved_on
            for u in self.units.values()
            if u.dissolved_on and u.dissolved_on <= self.today
        }

    def within(self, unit_id: str, ancestor: str) -> bool:
        seen: set[str] = set()
        current: str | None = unit_id
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            unit = self.units.get(current)
            current = unit.parent_id if unit else None
        return False

    def name(self, unit_id: str | None) -> str | None:
        return self.names.get(unit_id) if unit_id else None


@dataclass
class _Judged:
    """One entry that passed every check, with what is needed to store it."""

    entry: NominationIn
    period: PolicyPeriod
    award: AwardForm
    procedure: Procedure
    checks: list[rules.Check]
    evidence: list[Evidence]
    nominee_key: str
    dedupe_key: str
    bloc_id: str | None
    nominee_person_id: int | None


def _judge_entry(
    ctx: Context,
    session: Session,
    org: _Org,
    unit_id: str,
    entry: NominationIn,
    index: int | None,
    source: EvidenceSource,
    seen: dict[str, int],
    *,
    existing_nomination: int | None = None,
) -> tuple[_Judged | None, list[Problem]]:
    """Every check for one entry; problems name the entry, nominee, field, rule and article."""
    nominee = entry.nominee
    problems: list[Problem] = []

    def add(message: str, field: str, rule: str | None = None, article: str | None = None) -> None:
        problems.append(
            Problem(message, field=field, entry=index, nominee=nominee.name, rule=rule, article=article)
        )

    try:
        period = ctx.policy.period_for(entry.period.reference_date)
    except InputRejected as exc:
        add(exc.message, "period")
        return None, problems
    try:
        period.require_in_force(org.today)  # a lapsed decree with no successor judges nothing (issue 18)
    except NotConfigured as exc:
        article = period.lapse.article if period.lapse else None
        add(exc.message, "period", rule="hieu_luc_giai_doan", article=article)
        return None, problems
    try:
        award = period.award_form(entry.award_form)
    except InputRejected as exc:
        add(exc.message, "award_form")
        return None, problems

    if entry.period.starts_on > org.today:
        add(
            f"kỳ thi đua {entry.period.label} chưa bắt đầu (hôm nay {org.today:%d/%m/%Y})",
            "period",
            rule="ky_thi_dua",
        )
    if nominee.kind not in award.nominee_kinds:
        kinds = ", ".join(k.label for k in award.nominee_kinds)
        add(
            f"'{award.name}' không tặng cho {nominee.kind.label.lower()} (chỉ tặng: {kinds})",
            "nominee.kind",
            rule="doi_tuong_khen_thuong",
            article=award.article,
        )
    if entry.commendation_type not in award.commendation_types:
        add(
            f"'{award.name}' không xét theo loại {entry.commendation_type.label.lower()}",
            "commendation_type",
            rule="loai_khen_thuong",
            article=award.article,
        )
    if nominee.unit is not None:
        if nominee.unit not in org.units:
            add(f"đơn vị '{nominee.unit}' không có trong tổ chức", "nominee.unit", rule="don_vi")
        elif not org.within(nominee.unit, unit_id):
            add(
                f"{org.name(nominee.unit) or nominee.unit} không thuộc {org.name(unit_id) or unit_id} (đơn vị trình)",
                "nominee.unit",
                rule="thuoc_don_vi_trinh",
            )

    procedure = period.procedure_for(entry.commendation_type)
    required = period.documents[procedure].nomination
    present = {d.kind for d in entry.evidence}
    for kind in required:
        if kind not in present:
            add(f"thiếu {kind.label.lower()} ({kind.value})", "evidence", rule="thanh_phan_ho_so")

    evidence: list[Evidence] = []
    for j, doc in enumerate(entry.evidence):
        # A report's own date is judged by its rule (bao_cao_thanh_tich_moi); any other paper's here.
        if doc.kind is not DocumentKind.BAO_CAO_THANH_TICH and (late := _not_yet_dated(doc, org.today)):
            add(late, f"evidence[{j + 1}].dated", rule="thanh_phan_ho_so")
        item, problem = read_evidence(
            source,
            doc,
            max_bytes=ctx.settings.max_evidence_bytes,
            field=f"evidence[{j + 1}].file",
            entry=index,
            nominee=nominee.name,
        )
        if problem:
            problems.append(problem)
        elif item:
            evidence.append(item)

    key = nominee_key(nominee.kind, nominee.name, nominee.unit, nominee.address)
    dkey = dedupe_key(key, nominee.birth_date, entry.award_form, entry.period.code)
    if existing_nomination is None:
        if dkey in seen:
            add(
                f"trùng với mục {seen[dkey]}: cùng đối tượng, hình thức và kỳ khen thưởng",
                "nominee",
                rule="trung_lap",
            )
        else:
            seen[dkey] = index or 0
            other = session.scalar(select(m.Nomination.id).where(m.Nomination.dedupe_key == dkey))
            if other is not None:
                add(
                    f"đã có hồ sơ số {other} cho cùng đối tượng, hình thức và kỳ khen thưởng",
                    "nominee",
                    rule="trung_lap",
                )

    bloc_id = None
    if procedure is Procedure.STANDARD:
        bloc_id = bloc_of(session, unit_id, entry.period.year)
        if bloc_id is None:
            add(
                f"đơn vị '{unit_id}' không thuộc khối thi đua nào năm {entry.period.year}; "
                "thủ tục thông thường cần khối bình xét",
                "unit",
                rule="khoi_thi_dua",
            )
        else:
            concerned = {u for u in (unit_id, nominee.unit) if u}
            problem = reviewer_problem(session, bloc_id, entry.period.year, concerned, index, nominee.name)
            if problem:
                problems.append(problem)
            if existing_nomination is None:
                closed = round_closed_problem(session, bloc_id, entry.period.code)
                if closed:
                    add(closed, "period", rule="vong_binh_xet")

    checks = eligibility.evaluate(session, entry, period, award, key, org.today, org.dissolved(), unit_id)
    for check in checks:
        if not check.passed:
            add(check.message, "eligibility", rule=check.rule, article=check.article)

    person_id = None
    if nominee.kind is NomineeKind.PERSON:
        person_id = session.scalar(
            select(m.Person.id).where(
                m.Person.name_key == search_key(nominee.name), m.Person.unit_id == nominee.unit
            )
        )
    if problems:
        return None, problems
    return _Judged(entry, period, award, procedure, checks, evidence, key, dkey, bloc_id, person_id), []


def _file_documents(
    ctx: Context,
    session: Session,
    source: EvidenceSource,
    unit_id: str,
    documents: list[DocumentIn],
    procedures: set[Procedure],
    periods: list[PolicyPeriod],
    today: date,
) -> tuple[list[Evidence], dict[int, int], list[Problem]]:
    """The submission's own documents (Tờ trình, minutes): present, readable, signed by the unit head."""
    problems: list[Problem] = []
    present = {d.kind for d in documents}
    needed: set[DocumentKind] = set()
    for period in periods:
        for procedure in procedures:
            needed.update(period.documents[procedure].submission)
    for kind in sorted(needed, key=lambda k: k.value):
        if kind not in present:
            problems.append(
                Problem(
                    f"thiếu {kind.label.lower()} ({kind.value})", field="documents", rule="thanh_phan_ho_so"
                )
            )
    evidence: list[Evidence] = []
    signers: dict[int, int] = {}
    for j, doc in enumerate(documents):
        if late := _not_yet_dated(doc, today):
            problems.append(Problem(late, field=f"documents[{j + 1}].dated", rule="thanh_phan_ho_so"))
        if doc.kind is DocumentKind.TO_TRINH:
            signer = _unit_head(session, doc.signed_by, unit_id)
            if isinstance(signer, Problem):
                problems.append(
                    Problem(signer.message, field=f"documents[{j + 1}].signed_by", rule="to_trinh")
                )
            else:
                signers[j] = signer
        item, problem = read_evidence(
            source, doc, max_bytes=ctx.settings.max_evidence_bytes, field=f"documents[{j + 1}].file"
        )
        if problem:
            problems.append(problem)
        elif item:
            evidence.append(item)
    return evidence, signers, problems


def _not_yet_dated(doc: DocumentIn, today: date) -> str | None:
    """A document dated after today cannot have been written yet: a mistyped date, said before it is kept."""
    if doc.dated is None or doc.dated <= today:
        return None
    return f"{doc.kind.label} ngày {doc.dated:%d/%m/%Y} chưa đến (hôm nay là {today:%d/%m/%Y})"


def _unit_head(session: Session, username: str | None, unit_id: str) -> int | Problem:
    if not username:
        return Problem("Tờ trình cần người ký là thủ trưởng đơn vị (signed_by)")
    person = session.scalar(select(m.Person).where(m.Person.username == username))
    if person is None:
        return Problem(f"người ký '{username}' không tồn tại")
    if not any(g.role == Role.UNIT_HEAD.value and g.unit_id == unit_id for g in person.grants):
        return Problem(f"'{person.full_name}' không phải thủ trưởng đơn vị '{unit_id}'")
    return person.id


# --- use cases --------------------------------------------------------------------------------------


def submit(
    ctx: Context,
    username: str,
    data: Any,
    source: EvidenceSource,
    *,
    source_name: str | None = None,
    source_sha256: str | None = None,
) -> SubmitResult:
    """Store a unit's whole submission and route each nomination to its first reviewers — or nothing."""
    now = ctx.clock.now()
    today = now.astimezone(ctx.clock.tz).date()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        claimed_unit = data.get("unit") if isinstance(data, dict) else None
        if isinstance(claimed_unit, str) and session.get(m.Unit, claimed_unit) is not None:
            # Somebody else's unit: refuse before saying anything about the file's content.
            require_role(actor, Role.UNIT_CLERK, claimed_unit, unit_name(session, claimed_unit))
        submission = parse_submission(data)
        org = _Org.read(session, today)
        unit = org.units.get(submission.unit)
        if unit is None:
            raise ValidationFailed(
                [Problem(f"đơn vị '{submission.unit}' không có trong tổ chức", field="unit", rule="don_vi")],
                REJECTED_SUMMARY.format(n=1),
            )
        require_role(actor, Role.UNIT_CLERK, unit.id, org.name(unit.id))

        problems: list[Problem] = []
        if unit.dissolved_on and unit.dissolved_on <= today:
            article = ctx.policy.period_for(today).rule("khong_khen_don_vi_giai_the").article
            problems.append(
                Problem(
                    f"đơn vị '{unit.id}' đã giải thể/hợp nhất từ ngày {unit.dissolved_on:%d/%m/%Y}",
                    field="unit",
                    rule="khong_khen_don_vi_giai_the",
                    article=article,
                )
            )
        seen: dict[str, int] = {}
        judged: list[_Judged] = []
        for i, entry in enumerate(submission.nominations, start=1):
            verdict, entry_problems = _judge_entry(ctx, session, org, unit.id, entry, i, source, seen)
            problems.extend(entry_problems)
            if verdict:
                judged.append(verdict)
        file_evidence, signers, doc_problems = _file_documents(
            ctx,
            session,
            source,
            unit.id,
            submission.documents,
            {j.procedure for j in judged},
            list({j.period.code: j.period for j in judged}.values()),
            org.today,
        )
        problems = doc_problems + problems
        if problems:
            raise ValidationFailed(problems, REJECTED_SUMMARY.format(n=len(problems)))

        all_evidence = file_evidence + [e for j in judged for e in j.evidence]
        with stored(ctx.store, session, all_evidence):
            row = m.Submission(
                unit_id=unit.id,
                submitted_by_id=actor.person_id,
                source_name=source_name,
                source_sha256=source_sha256,
                created_at=now,
            )
            session.add(row)
            uow.flush()
            result = SubmitResult(row.id, [])
            for item in judged:
                nomination = _store_nomination(
                    ctx, session, uow, row, actor, org, item, file_evidence, signers, now
                )
                result.nomination_ids.append(nomination.id)
                result.statuses[nomination.id] = nomination.status
            wake(session, Stage.INTAKE, row.id, now)
            audit.record(
                session,
                at=now,
                actor=actor,
                action="submission",
                entity_type="submission",
                entity_id=row.id,
                comment=source_name,
                data={"unit": unit.id, "nominations": result.nomination_ids},
            )
            uow.commit()
    return result


def _store_nomination(
    ctx: Context,
    session: Session,
    uow: Any,
    submission: m.Submission,
    actor: Actor,
    org: _Org,
    item: _Judged,
    file_evidence: list[Evidence],
    signers: dict[int, int],
    now: datetime,
) -> m.Nomination:
    entry = item.entry
    nominee = entry.nominee
    nomination = m.Nomination(
        submission_id=submission.id,
        submitting_unit_id=submission.unit_id,
        submitted_by_id=actor.person_id,
        award_form=entry.award_form,
        commendation_type=entry.commendation_type.value,
        procedure=item.procedure.value,
        period_year=entry.period.year,
        period_phase=entry.period.phase.value,
        period_code=entry.period.code,
        period_label=entry.period.label,
        campaign=entry.period.campaign,
        event_date=entry.period.event_date,
        movement=entry.movement,
        nominee_kind=nominee.kind.value,
        nominee_name=nominee.name,
        nominee_name_key=search_key(nominee.name),
        nominee_order_key=list_order_key(nominee.kind, nominee.name),
        nominee_position=nominee.position,
        nominee_unit_id=nominee.unit,
        nominee_unit_name=org.name(nominee.unit),
        nominee_address=nominee.address,
        nominee_birth_date=nominee.birth_date,
        nominee_stat_group=nominee.stat_group.value if nominee.stat_group else None,
        nominee_person_id=item.nominee_person_id,
        nominee_key=item.nominee_key,
        bloc_id=item.bloc_id,
        status=NominationStatus.DRAFT.value,
        policy_period=item.period.code,
        policy_digest=ctx.policy.digest,
        dedupe_key=item.dedupe_key,
        current_version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(nomination)
    uow.flush()
    _add_dossier(
        session,
        nomination,
        1,
        entry.achievement,
        entry.declared,
        item.checks,
        None,
        actor,
        now,
        file_evidence,
        signers,
        item.evidence,
    )
    move(session, nomination, "submit", actor=actor, at=now, data={"submission": submission.id})
    return nomination


def _add_dossier(
    session: Session,
    nomination: m.Nomination,
    number: int,
    achievement: str,
    declared: Declared,
    checks: list[rules.Check],
    note: str | None,
    actor: Actor,
    now: datetime,
    file_evidence: list[Evidence],
    signers: dict[int, int],
    evidence: list[Evidence],
) -> m.DossierVersion:
    dossier = m.DossierVersion(
        nomination_id=nomination.id,
        number=number,
        achievement=achievement,
        declared=declared.model_dump(mode="json"),
        checks=[c.to_dict() for c in checks],
        note=note,
        created_by_id=actor.person_id,
        created_at=now,
    )
    session.add(dossier)
    for j, item in enumerate(file_evidence):
        dossier.documents.append(_document(item, signers.get(j)))
    for item in evidence:
        dossier.documents.append(_document(item, None))
    return dossier


def _document(item: Evidence, signer_id: int | None) -> m.Document:
    return m.Document(
        kind=item.spec.kind.value,
        title=item.spec.title,
        number=item.spec.number,
        dated=item.spec.dated,
        signed_by_id=signer_id,
        file_name=item.file_name,
        sha256=item.sha256,
        size=len(item.data),
        media_type=item.media_type,
    )


def _load_nomination(session: Session, nomination_id: int) -> m.Nomination:
    nomination = session.get(m.Nomination, nomination_id)
    if nomination is None:
        raise NotFound("hồ sơ đề nghị", nomination_id)
    return nomination


def withdraw(
    ctx: Context, username: str, nomination_id: int, reason: str, *, expected_version: int | None = None
) -> str:
    """The unit takes its nomination back, with a reason; open tasks on it are cancelled."""
    cleaned = reason_text(reason, required=True, field="reason")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        nomination = _load_nomination(session, nomination_id)
        require_nomination(session, actor, nomination)  # another unit's dossier: as a missing one
        unit = nomination.submitting_unit_id
        require_role(actor, Role.UNIT_CLERK, unit, unit_name(session, unit))
        _check_version(nomination, expected_version)
        move(session, nomination, "withdraw", actor=actor, at=now, comment=cleaned)
        close_open_tasks(session, nomination.id, at=now)
        uow.commit()
        return nomination.status


def resubmit(
    ctx: Context,
    session: Session,
    uow: Any,
    actor: Actor,
    nomination: m.Nomination,
    data: Any,
    source: EvidenceSource,
    now: datetime,
) -> m.DossierVersion:
    """A returned dossier, completed: a new version, checked again, back to whoever returned it.

    Runs inside the caller's unit of work (the clerk's task action), so the task, the new version and
    the move commit together.
    """
    if nomination.status != NominationStatus.RETURNED:
        raise TransitionNotAllowed(
            f"Hồ sơ số {nomination.id} không ở trạng thái bị trả lại (đang "
            f"'{NominationStatus(nomination.status).label}')."
        )
    update = parse_resubmission(data)
    previous = nomination.dossiers[-1]
    base = eligibility.as_input(nomination, previous)
    declared = update.declared or base.declared
    entry = base.model_copy(
        update={
            "achievement": update.achievement,
            "declared": declared,
            "evidence": update.evidence or base.evidence,
        }
    )
    today = now.astimezone(ctx.clock.tz).date()
    org = _Org.read(session, today)
    keep_source = _StoreOrSource(ctx, source) if not update.evidence else source
    judged, problems = _judge_entry(
        ctx,
        session,
        org,
        nomination.submitting_unit_id,
        entry,
        None,
        keep_source,
        {},
        existing_nomination=nomination.id,
    )
    if problems or judged is None:
        raise ValidationFailed(problems, "Hồ sơ hoàn thiện vẫn chưa đạt, không lưu gì:")
    file_docs = [d for d in previous.documents if d.kind in (DocumentKind.TO_TRINH, DocumentKind.BIEN_BAN)]
    file_evidence, signers, doc_problems = (
        _file_documents(
            ctx, session, source, nomination.submitting_unit_id, update.documents, set(), [], today
        )
        if update.documents
        else ([], {}, [])
    )
    if doc_problems:
        raise ValidationFailed(doc_problems, "Hồ sơ hoàn thiện bị từ chối, không lưu gì:")
    number = nomination.current_version + 1
    with stored(ctx.store, session, [*file_evidence, *judged.evidence]):
        dossier = _add_dossier(
            session,
            nomination,
            number,
            update.achievement,
            declared,
            judged.checks,
            update.note,
            actor,
            now,
            file_evidence,
            signers,
            judged.evidence,
        )
        if not update.documents:
            for d in file_docs:
                dossier.documents.append(
                    m.Document(
                        kind=d.kind,
                        title=d.title,
                        number=d.number,
                        dated=d.dated,
                        signed_by_id=d.signed_by_id,
                        file_name=d.file_name,
                        sha256=d.sha256,
                        size=d.size,
                        media_type=d.media_type,
                    )
                )
        nomination.current_version = number
        back_to = nomination.returned_from
        action = "resubmit_to_appraisal" if back_to == NominationStatus.APPRAISAL else "resubmit_to_bloc"
        move(
            session,
            nomination,
            action,
            actor=actor,
            at=now,
            comment=update.note,
            data={"dossier_version": number},
        )
        nomination.returned_from = None
        if action == "resubmit_to_appraisal":
            route(session, ctx, nomination, at=now, to_appraisal=True)
        else:  # its round may be collecting, voting (the chair decides) or closed (the next round)
            place_in_bloc(session, ctx, nomination, at=now)
        uow.flush()
    return dossier


class _StoreOrSource:
    """Evidence kept from the previous version is read back from the store by its SHA-256."""

    def __init__(self, ctx: Context, fallback: EvidenceSource) -> None:
        self.ctx = ctx
        self.fallback = fallback

    def read(self, name: str) -> bytes:
        if len(name) == 64 and self.ctx.store.exists(name):
            return self.ctx.store.read(name)
        return self.fallback.read(name)

    def describe(self, name: str) -> str:
        return name


def _check_version(nomination: m.Nomination, expected: int | None) -> None:
    if expected is not None and nomination.version != expected:
        raise StaleVersion(
            f"Hồ sơ số {nomination.id} đã thay đổi (phiên bản {nomination.version}, bạn xem phiên bản {expected})."
        )


def route_submission(ctx: Context, submission_id: int) -> dict[str, int]:
    """The intake stage: each submitted nomination to its bloc's round, or straight to appraisal.

    Validation happened at submission. If the bloc's round started voting in between, the nomination
    cannot join it any more and is refused with that reason (the unit is told).
    """
    now = ctx.clock.now()
    counts = {"routed": 0, "refused": 0}
    with ctx.uow() as uow:
        session = uow.session
        nominations = session.scalars(
            select(m.Nomination)
            .where(
                m.Nomination.submission_id == submission_id,
                m.Nomination.status == NominationStatus.SUBMITTED.value,
            )
            .order_by(m.Nomination.id)
        ).all()
        for nomination in nominations:
            simplified = nomination.procedure == Procedure.SIMPLIFIED.value
            closed = (
                None
                if simplified or nomination.bloc_id is None
                else round_closed_problem(session, nomination.bloc_id, nomination.period_code)
            )
            if closed:
                move(session, nomination, "intake_refuse", actor=None, at=now, comment=closed)
                counts["refused"] += 1
                continue
            route(session, ctx, nomination, at=now, to_appraisal=simplified)
            counts["routed"] += 1
        complete(session, Stage.INTAKE, submission_id, now)
        uow.commit()
    return counts
