"""Running the eligibility rules against what a dossier declares and what the database records.

Used at intake (every entry of a submission) and again at appraisal, where the database may know more
than it did when the unit submitted (e.g. a title decided in between).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import rules
from thidua_workflow.domain.enums import CommendationType, NomineeKind, Title
from thidua_workflow.domain.policy import AwardForm, PolicyPeriod
from thidua_workflow.domain.schemas import Declared, NominationIn
from thidua_workflow.services.context import Context
from thidua_workflow.services.workflow import bloc_of


def held_in_db(session: Session, key: str) -> list[rules.HeldRecord]:
    return [
        rules.HeldRecord(
            Title(r.title), r.year, CommendationType(r.commendation_type), "database", r.decision
        )
        for r in session.scalars(select(m.AwardRecord).where(m.AwardRecord.nominee_key == key))
        if r.title in Title._value2member_map_
    ]


def declared_held(declared: Declared) -> list[rules.HeldRecord]:
    return [
        rules.HeldRecord(t.title, t.year, t.commendation_type, "declared", t.decision)
        for t in declared.titles
    ]


def dissolved_units(session: Session, today: date) -> dict[str, date]:
    return {
        u.id: u.dissolved_on
        for u in session.scalars(select(m.Unit).where(m.Unit.dissolved_on.is_not(None)))
        if u.dissolved_on and u.dissolved_on <= today
    }


def evaluate(
    session: Session,
    entry: NominationIn,
    period: PolicyPeriod,
    award: AwardForm,
    key: str,
    today: date,
    dissolved: dict[str, date],
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
            dissolved_units=dissolved,
        )
    )


def as_input(nomination: m.Nomination, dossier: m.DossierVersion) -> NominationIn:
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
    award = period.award_form(nomination.award_form)
    entry = as_input(nomination, nomination.dossiers[-1])
    # The report's age is judged at submission, not at every later look.
    checks = evaluate(
        session, entry, period, award, nomination.nominee_key, today, dissolved_units(session, today)
    )
    return [c for c in checks if c.rule != "bao_cao_thanh_tich_moi"]
