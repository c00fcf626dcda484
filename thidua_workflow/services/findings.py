"""The appraiser's findings on criteria that need judgement (tiêu chuẩn cần thẩm định).

A rule the policy marks ``judgement`` (or one that is a judgement by nature, such as an outstanding
achievement in a movement) does not reject a dossier at intake: it reaches appraisal marked "cần thẩm
định". The appraiser records a finding per criterion — met or not met, with a reason — on the current
dossier version; the re-check then reads the criterion as passed or failed, and appraisal cannot conclude
"eligible" while a criterion is still without a finding (``tasks._appraise``).

Findings are append-only rows, one audit event each, and bump the nomination's version: a finding recorded
while someone else decides the appraisal makes one of the two fail with a conflict, never both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm.attributes import flag_modified

from thidua_workflow.db import models as m
from thidua_workflow.domain import lifecycle, rules
from thidua_workflow.domain.authz import authorize
from thidua_workflow.domain.enums import Finding, NominationStatus
from thidua_workflow.domain.vocabulary import rule_name
from thidua_workflow.errors import Conflict, InputRejected, NotFound, Problem, ValidationFailed
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.eligibility import findings_for, recheck
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.visibility import require_nomination
from thidua_workflow.services.workflow import subject_of


@dataclass(frozen=True)
class FindingResult:
    nomination_id: int
    rule: str
    finding: Finding
    reason: str
    version: int


def parse_finding(value: str) -> Finding:
    """``met`` / ``not_met`` or the Vietnamese ``đạt`` / ``không đạt``."""
    text = value.strip().lower().replace(" ", "_")
    aliases = {
        "đạt": Finding.MET,
        "dat": Finding.MET,
        "không_đạt": Finding.NOT_MET,
        "khong_dat": Finding.NOT_MET,
    }
    if text in aliases:
        return aliases[text]
    try:
        return Finding(text)
    except ValueError:
        raise InputRejected(
            f"Kết quả thẩm định '{value}' không hợp lệ; chọn: met (đạt) hoặc not_met (không đạt)."
        ) from None


def record_finding(
    ctx: Context,
    username: str,
    nomination_id: int,
    rule: str,
    finding: Finding,
    reason: str,
    *,
    expected_version: int | None = None,
) -> FindingResult:
    """Record the appraiser's finding on one criterion marked "cần thẩm định" of a dossier in appraisal."""
    cleaned = reason_text(reason, required=True, field="reason")
    assert cleaned is not None
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        nomination = session.get(m.Nomination, nomination_id)
        if nomination is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        require_nomination(session, actor, nomination)
        authorize(actor, lifecycle.get("appraisal_pass"), subject_of(nomination))
        if nomination.status != NominationStatus.APPRAISAL.value:
            raise Conflict(
                f"Hồ sơ số {nomination.id} đang ở trạng thái "
                f"'{NominationStatus(nomination.status).label}': chỉ ghi kết quả thẩm định khi đang thẩm định."
            )
        if expected_version is not None and nomination.version != expected_version:
            raise Conflict(f"Hồ sơ số {nomination.id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        checks = recheck(ctx, session, nomination, now.astimezone(ctx.clock.tz).date())
        judged = {c.rule: c for c in checks if c.needs_judgement or c.finding is not None}
        if rule not in judged:
            listed = ", ".join(f"{r} ({rule_name(r)})" for r in judged) or "không có"
            raise ValidationFailed(
                [Problem(f"tiêu chuẩn '{rule}' không cần thẩm định ở hồ sơ này", field="rule", rule=rule)],
                f"Tiêu chuẩn cần thẩm định của hồ sơ số {nomination.id}: {listed}.",
            )
        check = judged[rule]
        version = nomination.current_version
        session.add(
            m.CriterionFinding(
                nomination_id=nomination.id,
                dossier_version=version,
                rule=rule,
                article=check.article,
                finding=finding.value,
                reason=cleaned,
                recorded_by_id=actor.person_id,
                recorded_at=now,
            )
        )
        nomination.updated_at = now
        flag_modified(nomination, "updated_at")  # an UPDATE even at the same instant: the version moves on
        audit.record(
            session,
            at=now,
            actor=actor,
            action="record_finding",
            entity_type="nomination",
            entity_id=nomination.id,
            comment=cleaned,
            data={
                "rule": rule,
                "article": check.article,
                "finding": finding.value,
                "dossier_version": version,
                "replaces": check.finding.to_dict() if check.finding else None,
            },
        )
        uow.commit()
        return FindingResult(nomination.id, rule, finding, cleaned, nomination.version)


def pending_criteria(ctx: Context, username: str, nomination_id: int) -> list[rules.Check]:
    """The criteria of a dossier in appraisal still marked "cần thẩm định" (none once each has a finding)."""
    with ctx.reader() as uow:
        session = uow.session
        actor = load_actor(session, username)
        nomination = session.get(m.Nomination, nomination_id)
        if nomination is None:
            raise NotFound("hồ sơ đề nghị", nomination_id)
        require_nomination(session, actor, nomination)
        if nomination.status != NominationStatus.APPRAISAL.value:
            return []
        checks = recheck(ctx, session, nomination, ctx.clock.today())
        return [c for c in checks if c.needs_judgement]


__all__ = ["FindingResult", "findings_for", "parse_finding", "pending_criteria", "record_finding"]
