"""Who may see what: a dossier, its files, a round, a session — the same answer for every front.

The province's review bodies see every dossier; a unit sees its own (as submitter or as the nominee's
unit); a bloc's member units see the dossiers of their bloc's round, which they judge. Published
decisions and their awardees are public (tra cứu); drafts are not.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import NotFound, NotPermitted

PROVINCE_ROLES = frozenset(
    {
        Role.APPRAISER,
        Role.COUNCIL_MEMBER,
        Role.COUNCIL_SECRETARY,
        Role.DECISION_SIGNER,
        Role.REGISTRAR,
        Role.OPERATOR,
    }
)
UNIT_ROLES = (Role.UNIT_CLERK, Role.UNIT_HEAD, Role.BLOC_REPRESENTATIVE)


def province_wide(actor: Actor) -> bool:
    return any(g.role in PROVINCE_ROLES for g in actor.grants)


def own_units(actor: Actor) -> set[str]:
    units = {g.unit_id for g in actor.grants if g.role in UNIT_ROLES and g.unit_id}
    if actor.unit_id:
        units.add(actor.unit_id)
    return units


def bloc_units_of(session: Session, bloc_id: str, year: int) -> set[str]:
    return set(
        session.scalars(
            select(m.BlocMember.unit_id).where(
                m.BlocMember.bloc_id == bloc_id,
                m.BlocMember.from_year <= year,
                (m.BlocMember.to_year.is_(None)) | (m.BlocMember.to_year >= year),
            )
        )
    )


def may_see_nomination(session: Session, actor: Actor, nomination: m.Nomination) -> bool:
    if province_wide(actor):
        return True
    mine = own_units(actor)
    if nomination.submitting_unit_id in mine or nomination.nominee_unit_id in mine:
        return True
    if nomination.bloc_id and actor.units_for(Role.BLOC_REPRESENTATIVE):
        members = bloc_units_of(session, nomination.bloc_id, nomination.period_year)
        return bool(actor.units_for(Role.BLOC_REPRESENTATIVE) & members)
    return False


def require_nomination(session: Session, actor: Actor, nomination: m.Nomination) -> None:
    """A dossier the person may not see answers exactly as a missing one: its number tells nothing."""
    if not may_see_nomination(session, actor, nomination):
        raise NotFound("hồ sơ đề nghị", nomination.id)


def may_see_round(session: Session, actor: Actor, bloc_round: m.BlocRound) -> bool:
    if province_wide(actor):
        return True
    members = set(bloc_round.members or []) or bloc_units_of(
        session, bloc_round.bloc_id, bloc_round.period_year
    )
    return bool(own_units(actor) & members)


def visible_rounds(session: Session, actor: Actor, rounds: Sequence[m.BlocRound]) -> list[m.BlocRound]:
    """The rounds ``actor`` may see, by the rule of :func:`may_see_round`, in one query for all of them:
    the members of the blocs whose rounds have not fixed their electorate yet."""
    if province_wide(actor):
        return list(rounds)
    mine = own_units(actor)
    open_blocs = {r.bloc_id for r in rounds if not r.members}
    spans: dict[str, list[tuple[str, int, int | None]]] = {}
    if mine and open_blocs:
        for bloc_id, unit_id, from_year, to_year in session.execute(
            select(
                m.BlocMember.bloc_id, m.BlocMember.unit_id, m.BlocMember.from_year, m.BlocMember.to_year
            ).where(m.BlocMember.bloc_id.in_(open_blocs))
        ):
            spans.setdefault(bloc_id, []).append((unit_id, from_year, to_year))

    def members(r: m.BlocRound) -> set[str]:
        if r.members:
            return set(r.members)
        year = r.period_year
        return {
            u
            for u, since, until in spans.get(r.bloc_id, [])
            if since <= year and (until is None or until >= year)
        }

    return [r for r in rounds if mine & members(r)]


def require_round(session: Session, actor: Actor, bloc_round: m.BlocRound) -> None:
    """Another bloc's round answers as a missing one."""
    if not may_see_round(session, actor, bloc_round):
        raise NotFound("vòng bình xét", bloc_round.id)


def require_decision(actor: Actor, decision_id: int, status: str) -> None:
    """An issued decision is public; a draft the person may not see answers as a missing decision."""
    if status != "issued" and not province_wide(actor):
        raise NotFound("quyết định", decision_id)


def require_province(actor: Actor, what: str) -> None:
    """Council sessions and draft decisions are the province bodies' business."""
    if not province_wide(actor):
        raise NotPermitted(f"{actor.label} không được xem {what}.")


def nomination_filter(actor: Actor) -> ColumnElement[bool] | None:
    """SQL for "the nominations this person may see" (None: all of them), the same rule as above."""
    if province_wide(actor):
        return None
    mine = own_units(actor)
    clauses: list[ColumnElement[bool]] = [
        m.Nomination.submitting_unit_id.in_(mine),
        m.Nomination.nominee_unit_id.in_(mine),
    ]
    reps = actor.units_for(Role.BLOC_REPRESENTATIVE)
    if reps:
        clauses.append(
            exists().where(
                m.BlocMember.bloc_id == m.Nomination.bloc_id,
                m.BlocMember.unit_id.in_(reps),
                m.BlocMember.from_year <= m.Nomination.period_year,
                (m.BlocMember.to_year.is_(None)) | (m.BlocMember.to_year >= m.Nomination.period_year),
            )
        )
    return or_(*clauses)
