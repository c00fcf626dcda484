"""A bloc round's result, computed from scores and votes: pure, so it can be shown before it is closed.

- A unit's score is the mean of the totals the *other* members gave it (its self-assessment is shown,
  not counted).
- A nomination is voted on by every member except the units it comes from or concerns; it is endorsable
  when its "yes" votes meet the policy's threshold over that electorate.
- Endorsable nominations of one award form rank by their unit's score, then by votes; among equals, a
  woman or a collective with ≥ 70% women comes first where the period's law says so (NĐ 152/2025 Điều 4
  khoản 6: ``women_first``), and the outcome says so; where the quota still cuts through a tie, the
  chair's order settles it (with a reason, recorded by the caller).
- Cờ thi đua goes only to the leading unit (top score; a tie there is also the chair's to settle), at most
  ``flags_per_bloc`` per round. Other quotas are a share of the member units, per award form.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from thidua_workflow.domain.policy import BlocRules
from thidua_workflow.errors import InputRejected


@dataclass(frozen=True)
class RoundNomination:
    id: int
    award_form: str
    submitting_unit: str
    nominee_unit: str | None
    name: str
    leads_bloc: bool = False

    @property
    def concerned(self) -> frozenset[str]:
        return frozenset(u for u in (self.submitting_unit, self.nominee_unit) if u)


@dataclass(frozen=True)
class ScoreSheet:
    scorer: str
    scored: str
    total: int


@dataclass(frozen=True)
class Ballot:
    voter: str
    nomination_id: int
    approve: bool


@dataclass
class Outcome:
    nomination_id: int
    yes: int
    electorate: int
    met: bool
    rank: int | None = None
    endorsed: bool = False
    reason: str = ""
    priority: str = ""  # issue 18: why it came first among equals (women first), for the minutes


@dataclass
class RoundResult:
    unit_scores: list[tuple[str, Fraction, int]]  # (unit, mean peer score, number of peer sheets)
    leader: str | None
    outcomes: dict[int, Outcome]
    quotas: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "unit_scores": [
                {"unit": u, "score": float(round(s, 2)), "sheets": n} for u, s, n in self.unit_scores
            ],
            "leader": self.leader,
            "quotas": self.quotas,
            "outcomes": [
                {
                    "nomination": o.nomination_id,
                    "yes": o.yes,
                    "electorate": o.electorate,
                    "met": o.met,
                    "rank": o.rank,
                    "endorsed": o.endorsed,
                    "reason": o.reason,
                    **({"priority": o.priority} if o.priority else {}),
                }
                for o in sorted(self.outcomes.values(), key=lambda o: o.nomination_id)
            ],
        }


def _state_priority(
    met: list[RoundNomination],
    outcomes: dict[int, Outcome],
    merit: Callable[[RoundNomination], tuple[Fraction, int]],
    women_first: frozenset[int],
    article: str,
) -> None:
    """Where women first decided between equals at the quota's cut, both outcomes say so (the minutes)."""
    for n in met:
        if n.id not in women_first or not outcomes[n.id].endorsed:
            continue
        passed_over = [
            o for o in met if o.id not in women_first and merit(o) == merit(n) and not outcomes[o.id].endorsed
        ]
        if not passed_over:
            continue
        outcomes[
            n.id
        ].priority = f"ưu tiên cá nhân nữ / tập thể có từ 70% nữ khi cùng điểm, cùng số phiếu ({article})"
        for o in passed_over:
            outcomes[o.id].reason += (
                f"; cùng điểm, cùng số phiếu với hồ sơ số {n.id}, được ưu tiên là nữ / tập thể có từ 70% nữ "
                f"({article})"
            )


class TieUnresolved(InputRejected):
    """The quota or the lead cuts through a tie: the chair must give the order."""


def electorate(members: Iterable[str], nomination: RoundNomination) -> list[str]:
    """The member units that vote on a nomination: never the units it comes from or concerns."""
    return [u for u in members if u not in nomination.concerned]


def unit_scores(members: list[str], sheets: Iterable[ScoreSheet]) -> dict[str, tuple[Fraction, int]]:
    totals: dict[str, list[int]] = {u: [] for u in members}
    for sheet in sheets:
        if sheet.scorer != sheet.scored and sheet.scored in totals:
            totals[sheet.scored].append(sheet.total)
    return {u: (Fraction(sum(t), len(t)) if t else Fraction(0), len(t)) for u, t in totals.items()}


def tally(
    members: list[str],
    nominations: list[RoundNomination],
    sheets: Iterable[ScoreSheet],
    ballots: Iterable[Ballot],
    rules: BlocRules,
    *,
    order: list[int] | None = None,
    leader: str | None = None,
    women_first: frozenset[int] = frozenset(),
    women_article: str = "",
) -> RoundResult:
    """The round's outcome; raises TieUnresolved when a tie decides something and no order is given.

    ``women_first``: the nominations of a woman or of a collective with ≥ 70% women, chosen first among
    equal candidates (same score, same votes) under ``women_article``; empty where the period has no
    such rule.
    """
    scores = unit_scores(members, sheets)
    ranked_units = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))
    unit_list = [(u, s, n) for u, (s, n) in ranked_units]

    top_score = ranked_units[0][1][0] if ranked_units else Fraction(0)
    top_units = [u for u, (s, _n) in ranked_units if s == top_score and s > 0]
    if leader is not None:
        if leader not in top_units:
            raise InputRejected(
                f"Đơn vị '{leader}' không có điểm cao nhất khối; chỉ chọn trong: {', '.join(top_units) or '—'}."
            )
        chosen_leader: str | None = leader
    elif len(top_units) == 1:
        chosen_leader = top_units[0]
    else:
        chosen_leader = None

    yes: dict[int, int] = {}
    for ballot in ballots:
        if ballot.approve:
            yes[ballot.nomination_id] = yes.get(ballot.nomination_id, 0) + 1
    outcomes: dict[int, Outcome] = {}
    for n in nominations:
        voters = electorate(members, n)
        count = yes.get(n.id, 0)
        reached = rules.endorsement.met(count, len(voters))
        outcomes[n.id] = Outcome(n.id, count, len(voters), reached)
        if not reached:
            outcomes[
                n.id
            ].reason = f"không đạt: {count}/{len(voters)} phiếu đồng ý, cần {rules.endorsement.describe()} số đơn vị bỏ phiếu"

    position = {nid: i for i, nid in enumerate(order or [])}
    quotas: dict[str, int] = {}
    ties: list[list[int]] = []
    needs_leader = False
    by_form: dict[str, list[RoundNomination]] = {}
    for n in nominations:
        by_form.setdefault(n.award_form, []).append(n)

    for form, group in sorted(by_form.items()):
        met = [n for n in group if outcomes[n.id].met]

        def merit(n: RoundNomination) -> tuple[Fraction, int]:
            return (-scores.get(n.submitting_unit, (Fraction(0), 0))[0], -outcomes[n.id].yes)

        def key(n: RoundNomination) -> tuple[Fraction, int, int]:
            return (*merit(n), 0 if n.id in women_first else 1)

        met.sort(key=lambda n: (key(n), position.get(n.id, len(position)), n.id))
        for rank, n in enumerate(met, start=1):
            outcomes[n.id].rank = rank
        leads = any(n.leads_bloc for n in group)
        if leads:
            quota = rules.flags_per_bloc
            if (
                chosen_leader is None
                and len(top_units) > 1
                and any(n.nominee_unit in top_units or n.submitting_unit in top_units for n in met)
            ):
                needs_leader = True
        elif form in rules.quota_share:
            quota = max(1, math.floor(rules.quota_share[form] * len(members)))
        else:
            quota = len(met)
        quotas[form] = quota
        if len(met) > quota:
            cut = key(met[quota - 1]) if quota > 0 else None
            tied = [n.id for n in met if key(n) == cut]
            if (
                cut is not None
                and any(key(n) == cut for n in met[quota:])
                and not all(t in position for t in tied)
            ):
                ties.append(tied)
        endorsed = 0
        for n in met:
            outcome = outcomes[n.id]
            if leads and (chosen_leader is None or chosen_leader not in n.concerned):
                who = chosen_leader or "chưa xác định"
                outcome.reason = f"Cờ thi đua chỉ tặng đơn vị dẫn đầu khối (dẫn đầu: {who})"
                continue
            if endorsed >= quota:
                outcome.reason = f"vượt chỉ tiêu của khối ({quota}): xếp thứ {outcome.rank}"
                continue
            outcome.endorsed = True
            endorsed += 1
        if women_first:
            _state_priority(met, outcomes, merit, women_first, women_article)

    if ties or needs_leader:
        parts = [
            f"các hồ sơ {', '.join(map(str, t))} bằng điểm và số phiếu ở ranh giới chỉ tiêu" for t in ties
        ]
        if needs_leader:
            parts.append(f"các đơn vị {', '.join(top_units)} cùng điểm cao nhất (chọn đơn vị dẫn đầu)")
        raise TieUnresolved(
            "Trưởng khối cần quyết định thứ tự (--order, --leader) và ghi lý do (--tie-reason): "
            + "; ".join(parts)
        )
    return RoundResult(unit_list, chosen_leader, outcomes, quotas)
