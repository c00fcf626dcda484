"""Running the eligibility rules against what a dossier declares and what the database records.

Used at intake (every entry of a submission) and again at appraisal, where the database may know more
than it did when the unit submitted (e.g. a title decided in between).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import rules
from thidua_workflow.domain.enums import CommendationType, Finding, NomineeKind, Title
from thidua_workflow.domain.policy import AwardForm, PolicyPeriod
from thidua_workflow.domain.schemas import Declared, NominationIn
from thidua_workflow.services.context import Context
from thidua_workflow.services.registrations import registration_facts
from thidua_workflow.services.uow import read_columns
from thidua_workflow.services.workflow import bloc_of

# Statements of the re-check, built once (see ``actors._ACTOR``): it runs on every appraisal.
_HELD = select(
    m.AwardRecord.title, m.AwardRecord.year, m.AwardRecord.commendation_type, m.AwardRecord.decision
).where(
    m.AwardRecord.nominee_key == bindparam("key"),
    m.AwardRecord.withdrawn_at.is_(None),  # an annulled award (NĐ 152/2025 Điều 56) counts for nothing
)
_DISSOLVED = select(m.Unit.dissolved_on).where(
    m.Unit.id == bindparam("unit_id"), m.Unit.dissolved_on <= bindparam("today")
)
_LATEST_VERSION = (
    select(m.DossierVersion.id)
    .where(m.DossierVersion.nomination_id == bindparam("nomination_id"))
    .order_by(m.DossierVersion.number.desc())
    .limit(1)
    .scalar_subquery()
)
# The latest version's content, one row per document (or one row without a document), with the
# nominee's unit's dissolution (``_DISSOLVED``) on each row: one round trip for both.
_CURRENT_DOSSIER = (
    select(
        m.DossierVersion.achievement,
        m.DossierVersion.declared,
        _DISSOLVED.scalar_subquery().label("unit_dissolved_on"),
        m.Document.kind,
        m.Document.sha256,
        m.Document.title,
        m.Document.dated,
        m.Document.number,
    )
    .select_from(m.DossierVersion)
    .outerjoin(m.Document, m.Document.dossier_version_id == m.DossierVersion.id)
    .where(m.DossierVersion.id == _LATEST_VERSION)
    .order_by(m.Document.id)
)


class DocumentContent(Protocol):
    """What the rules read of an evidence document: a stored ``Document`` or a :class:`DocumentRow`."""

    @property
    def kind(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def dated(self) -> date | None: ...
    @property
    def number(self) -> str | None: ...


class DossierContent(Protocol):
    """What the rules read of a dossier version: a stored ``DossierVersion`` or a :class:`DossierRow`."""

    @property
    def achievement(self) -> str: ...
    @property
    def declared(self) -> dict[str, Any]: ...
    @property
    def documents(self) -> Sequence[DocumentContent]: ...


@dataclass(frozen=True)
class DocumentRow:
    kind: str
    sha256: str
    title: str | None
    dated: date | None
    number: str | None


@dataclass(frozen=True)
class DossierRow:
    """A dossier version's content read as values, for a re-check that only reads it."""

    achievement: str
    declared: dict[str, Any]
    documents: tuple[DocumentRow, ...]


def held_in_db(session: Session, key: str) -> list[rules.HeldRecord]:
    """The nominee's recorded titles, read as plain columns: the rules need values, not entities."""
    return [
        rules.HeldRecord(
            Title(r.title), r.year, CommendationType(r.commendation_type), "database", r.decision
        )
        for r in read_columns(session, _HELD, {"key": key})
        if r.title in Title._value2member_map_
    ]


def declared_held(declared: Declared) -> list[rules.HeldRecord]:
    return [
        rules.HeldRecord(t.title, t.year, t.commendation_type, "declared", t.decision)
        for t in declared.titles
    ]


def dissolved_unit(session: Session, unit_id: str | None, today: date) -> dict[str, date]:
    """The unit (unit id -> date) if it is dissolved by ``today``, else nothing."""
    if unit_id is None:
        return {}
    found = read_columns(session, _DISSOLVED, {"unit_id": unit_id, "today": today}).scalar()
    return {unit_id: found} if found is not None else {}


def evaluate(
    session: Session,
    entry: NominationIn,
    period: PolicyPeriod,
    award: AwardForm,
    key: str,
    today: date,
    dissolved: dict[str, date],
    submitting_unit: str | None = None,
) -> list[rules.Check]:
    bloc_member_of = None
    if entry.nominee.kind is NomineeKind.COLLECTIVE and entry.nominee.unit is not None:
        bloc_member_of = bloc_of(session, entry.nominee.unit, entry.period.year)
    held = rules.merge_held(declared_held(entry.declared), held_in_db(session, key))
    return rules.evaluate(
        rules.RuleInput(
            nomination=entry,
            period=period,
            award=award,
            held=held,
            as_of=today,
            bloc_member_of=bloc_member_of,
            bloc_name=bloc.name if bloc_member_of and (bloc := session.get(m.Bloc, bloc_member_of)) else None,
            dissolved_units=dissolved,
            registration=registration_facts(
                session,
                submitting_unit,
                entry.period.year,
                entry.award_form,
                entry.nominee.kind,
                entry.nominee.name,
            ),
        )
    )


def as_input(nomination: m.Nomination, dossier: DossierContent) -> NominationIn:
    """The stored nomination and one of its dossier versions, as the rules read an entry."""
    return NominationIn.model_validate(
        {
            "nominee": {
                "kind": nomination.nominee_kind,
                "name": nomination.nominee_name,
                "unit": nomination.nominee_unit_id,
                "position": nomination.nominee_position,
                "address": nomination.nominee_address,
                "birth_date": nomination.nominee_birth_date,
            },
            "award_form": nomination.award_form,
            "commendation_type": nomination.commendation_type,
            "period": {
                "year": nomination.period_year,
                "phase": nomination.period_phase,
                "campaign": nomination.campaign,
                "event_date": nomination.event_date,
            },
            "movement": nomination.movement,
            "achievement": dossier.achievement,
            "declared": dossier.declared,
            "evidence": [
                {"kind": d.kind, "file": d.sha256, "title": d.title, "dated": d.dated, "number": d.number}
                for d in dossier.documents
                if d.kind not in ("to_trinh", "bien_ban")
            ],
        }
    )


def recheck(ctx: Context, session: Session, nomination: m.Nomination, today: date) -> list[rules.Check]:
    """The rules again, on the current dossier version and today's records (appraisal)."""
    period = ctx.policy.period_by_code(nomination.policy_period)
    period.require_in_force(today)
    award = period.award_form(nomination.award_form)
    dossier, dissolved = _current_dossier(session, nomination, today)
    entry = as_input(nomination, dossier)
    # The report's age is judged at submission, not at every later look.
    checks = evaluate(
        session, entry, period, award, nomination.nominee_key, today, dissolved, nomination.submitting_unit_id
    )
    checks = [c for c in checks if c.rule != "bao_cao_thanh_tich_moi"]
    if not any(c.needs_judgement for c in checks):
        return checks
    # Criteria that need judgement, as the appraiser found them on this dossier version (issue 18).
    return rules.apply_findings(checks, findings_for(session, nomination.id, nomination.current_version))


def findings_for(
    session: Session, nomination_id: int, dossier_version: int
) -> dict[str, rules.FindingRecord]:
    """The latest finding per criterion on one dossier version (a later row replaces an earlier one)."""
    rows = session.execute(
        select(m.CriterionFinding, m.Person.full_name)
        .join(m.Person, m.Person.id == m.CriterionFinding.recorded_by_id)
        .where(
            m.CriterionFinding.nomination_id == nomination_id,
            m.CriterionFinding.dossier_version == dossier_version,
        )
        .order_by(m.CriterionFinding.id)
    ).all()
    found: dict[str, rules.FindingRecord] = {}
    for row, name in rows:
        found[row.rule] = rules.FindingRecord(
            Finding(row.finding), row.reason, name, f"{row.recorded_at:%d/%m/%Y}"
        )
    return found


def _current_dossier(
    session: Session, nomination: m.Nomination, today: date
) -> tuple[DossierContent, dict[str, date]]:
    """The content of the latest dossier version, and the nominee's unit if it is dissolved by ``today``
    (the one unit the rules ask about: ``khong_khen_don_vi_giai_the``).

    When the caller has the versions loaded already (the nomination's page), the content is the last of
    them; otherwise one statement reads both, as values rather than every version and then its documents
    as entities (the re-check changes nothing in them).
    """
    unit_id = nomination.nominee_unit_id
    if "dossiers" not in inspect(nomination).unloaded:
        return nomination.dossiers[-1], dissolved_unit(session, unit_id, today)
    params = {"nomination_id": nomination.id, "unit_id": unit_id, "today": today}
    rows = read_columns(session, _CURRENT_DOSSIER, params).all()
    if not rows:
        raise IndexError(f"nomination {nomination.id} has no dossier version")
    first = rows[0]
    documents = tuple(
        DocumentRow(r.kind, r.sha256, r.title, r.dated, r.number) for r in rows if r.kind is not None
    )
    dissolved = {unit_id: first.unit_dissolved_on} if unit_id and first.unit_dissolved_on else {}
    return DossierRow(first.achievement, first.declared, documents), dissolved
