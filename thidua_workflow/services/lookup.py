"""Tra cứu: the public look-up of issued decisions and their awardees, accent-insensitive.

Only what an issued decision already publishes is shown (who, what award, which decision, which
unit) — nothing of drafts, votes or dossiers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import DecisionStatus
from thidua_workflow.domain.text import search_key, sort_key
from thidua_workflow.services.context import Context

MAX_ROWS = 500


@dataclass(frozen=True)
class Awardee:
    decision_id: int
    decision_number: str | None
    decision_date: date | None
    award_name: str
    ordinal: int
    name: str
    detail: str | None
    unit: str | None
    year: int
    annulled: str | None = None  # NĐ 152/2025 Điều 56: the decision that annulled it (issue 19)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["decision_date"] = self.decision_date.isoformat() if self.decision_date else None
        return data


@dataclass(frozen=True)
class AwardeeSearch:
    """What a search found: at most ``MAX_ROWS`` awardees, and whether that is all of them."""

    rows: list[Awardee]
    complete: bool


def find_awardees(
    ctx: Context, *, name: str | None = None, unit: str | None = None, year: int | None = None
) -> list[Awardee]:
    """Awardees of issued decisions whose name (and unit) contain every word given, accents ignored."""
    return search_awardees(ctx, name=name, unit=unit, year=year).rows


def search_awardees(
    ctx: Context, *, name: str | None = None, unit: str | None = None, year: int | None = None
) -> AwardeeSearch:
    """``find_awardees``, saying whether more than ``MAX_ROWS`` matched (then the page asks to narrow)."""
    query = (
        select(m.DecisionItem, m.Decision, m.Nomination)
        .join(m.Decision, m.Decision.id == m.DecisionItem.decision_id)
        .join(m.Nomination, m.Nomination.id == m.DecisionItem.nomination_id)
        .where(m.Decision.status == DecisionStatus.ISSUED.value)
    )
    for word in search_key(name or "").split():
        query = query.where(m.Nomination.nominee_name_key.contains(word, autoescape=True))
    if year is not None:
        query = query.where(m.Nomination.period_year == year)
    unit_words = search_key(unit or "").split()
    rows: list[Awardee] = []
    complete = True
    with ctx.reader() as uow:
        annulled = {
            a.nomination_id: f"Quyết định số {a.act_number} ngày {a.act_date:%d/%m/%Y}"
            for a in uow.session.scalars(select(m.Annulment))
        }
        found = uow.session.execute(query.order_by(m.DecisionItem.id).execution_options(yield_per=500))
        for item, decision, nomination in found:
            unit_name = nomination.nominee_unit_name or item.nominee_detail or ""
            haystack = search_key(f"{unit_name} {item.nominee_detail or ''} {nomination.submitting_unit_id}")
            if any(word not in haystack for word in unit_words):
                continue
            if len(rows) >= MAX_ROWS:
                complete = False  # one more matches than shown
                break
            rows.append(
                Awardee(
                    decision_id=decision.id,
                    decision_number=decision.number_text,
                    decision_date=decision.decision_date,
                    award_name=decision.award_name,
                    ordinal=item.ordinal,
                    name=item.nominee_name,
                    detail=item.nominee_detail,
                    unit=nomination.nominee_unit_name,
                    year=nomination.period_year,
                    annulled=annulled.get(nomination.id),
                )
            )
    rows.sort(key=lambda a: (-a.year, sort_key(a.name)))
    return AwardeeSearch(rows, complete)
