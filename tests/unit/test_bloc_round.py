"""The bloc round's arithmetic: electorate, threshold, ranking, quota, the lead, and ties."""

from __future__ import annotations

from fractions import Fraction

import pytest

from thidua_workflow.domain.bloc_round import (
    Ballot,
    RoundNomination,
    ScoreSheet,
    TieUnresolved,
    electorate,
    tally,
)
from thidua_workflow.domain.policy import BlocRules, Threshold

MEMBERS = ["a", "b", "c", "d", "e"]
RULES = BlocRules(
    flags_per_bloc=1,
    quota_share={"bk": Fraction(2, 5)},  # two Bằng khen for five members
    endorsement=Threshold(share=Fraction(1, 2), strict=True, source="test", status="policy_default"),
    source="test",
    status="policy_default",
)


def _sheets(scores: dict[str, int]) -> list[ScoreSheet]:
    """Every member gives each other member the same total; self-assessments are generous and ignored."""
    sheets = [ScoreSheet(s, t, scores[t]) for s in MEMBERS for t in MEMBERS if s != t]
    return sheets + [ScoreSheet(u, u, 100) for u in MEMBERS]


def _yes(nomination: RoundNomination, voters: list[str] | None = None) -> list[Ballot]:
    return [Ballot(v, nomination.id, True) for v in (voters or electorate(MEMBERS, nomination))]


def test_a_unit_never_votes_on_its_own_nomination() -> None:
    n = RoundNomination(1, "bk", "a", "a", "A")
    assert electorate(MEMBERS, n) == ["b", "c", "d", "e"]
    person_of_sub_unit = RoundNomination(2, "bk", "a", "a-sub", "P")
    assert "a" not in electorate(MEMBERS, person_of_sub_unit)


def test_self_assessment_does_not_count() -> None:
    n = RoundNomination(1, "bk", "a", "a", "A")
    result = tally(MEMBERS, [n], _sheets({"a": 80, "b": 90, "c": 70, "d": 60, "e": 50}), _yes(n), RULES)
    scores = {u: s for u, s, _n in result.unit_scores}
    assert scores["a"] == 80
    assert result.leader == "b"


@pytest.mark.parametrize(("yes_votes", "endorsed"), [(3, True), (2, False)])
def test_more_than_half_of_the_electorate(yes_votes: int, endorsed: bool) -> None:
    """Four may vote on a's nomination: 3/4 passes, 2/4 (exactly half) does not."""
    n = RoundNomination(1, "bk", "a", "a", "A")
    ballots = _yes(n, ["b", "c", "d", "e"][:yes_votes])
    result = tally(MEMBERS, [n], _sheets(dict.fromkeys(MEMBERS, 80)), ballots, RULES)
    assert result.outcomes[1].endorsed is endorsed
    assert result.outcomes[1].electorate == 4
    if not endorsed:
        assert "2/4" in result.outcomes[1].reason


def test_quota_takes_the_best_scored_units() -> None:
    ns = [RoundNomination(i, "bk", u, u, u.upper()) for i, u in enumerate(["a", "b", "c"], start=1)]
    ballots = [b for n in ns for b in _yes(n)]
    result = tally(MEMBERS, ns, _sheets({"a": 70, "b": 90, "c": 80, "d": 60, "e": 50}), ballots, RULES)
    assert [n for n, o in sorted(result.outcomes.items()) if o.endorsed] == [2, 3]
    assert "vượt chỉ tiêu của khối (2)" in result.outcomes[1].reason
    assert result.quotas == {"bk": 2}


def test_a_tie_at_the_quota_needs_the_chairs_order() -> None:
    ns = [RoundNomination(i, "bk", u, u, u.upper()) for i, u in enumerate(["a", "b", "c"], start=1)]
    ballots = [b for n in ns for b in _yes(n)]
    sheets = _sheets({"a": 90, "b": 80, "c": 80, "d": 60, "e": 50})
    with pytest.raises(TieUnresolved, match="2, 3"):
        tally(MEMBERS, ns, sheets, ballots, RULES)
    result = tally(MEMBERS, ns, sheets, ballots, RULES, order=[3, 2])
    assert [n for n, o in sorted(result.outcomes.items()) if o.endorsed] == [1, 3]


def test_votes_break_a_score_tie_before_the_chair_does() -> None:
    ns = [RoundNomination(i, "bk", u, u, u.upper()) for i, u in enumerate(["a", "b", "c"], start=1)]
    ballots = _yes(ns[0]) + _yes(ns[1]) + _yes(ns[2], ["a", "b", "d"])
    result = tally(MEMBERS, ns, _sheets({"a": 90, "b": 80, "c": 80, "d": 60, "e": 50}), ballots, RULES)
    assert [n for n, o in sorted(result.outcomes.items()) if o.endorsed] == [1, 2]


def test_flag_only_for_the_leading_unit() -> None:
    leader = RoundNomination(1, "co", "b", "b", "B", leads_bloc=True)
    other = RoundNomination(2, "co", "c", "c", "C", leads_bloc=True)
    ballots = _yes(leader) + _yes(other)
    result = tally(
        MEMBERS, [leader, other], _sheets({"a": 70, "b": 90, "c": 80, "d": 60, "e": 50}), ballots, RULES
    )
    assert result.outcomes[1].endorsed
    assert not result.outcomes[2].endorsed
    assert "dẫn đầu: b" in result.outcomes[2].reason


def test_tied_lead_is_the_chairs_to_settle() -> None:
    b = RoundNomination(1, "co", "b", "b", "B", leads_bloc=True)
    c = RoundNomination(2, "co", "c", "c", "C", leads_bloc=True)
    sheets = _sheets({"a": 70, "b": 90, "c": 90, "d": 60, "e": 50})
    with pytest.raises(TieUnresolved, match="dẫn đầu"):
        tally(MEMBERS, [b, c], sheets, _yes(b) + _yes(c), RULES)
    result = tally(MEMBERS, [b, c], sheets, _yes(b) + _yes(c), RULES, leader="c", order=[2, 1])
    assert [n for n, o in sorted(result.outcomes.items()) if o.endorsed] == [2]
    with pytest.raises(Exception, match="không có điểm cao nhất"):
        tally(MEMBERS, [b, c], sheets, _yes(b) + _yes(c), RULES, leader="a")


WOMEN_ARTICLE = "Điều 4 khoản 6 Nghị định 152/2025/NĐ-CP"


def test_a_woman_comes_first_among_equals_at_the_quota_and_both_outcomes_say_so() -> None:
    """NĐ 152/2025 Điều 4 khoản 6: the tie that needed the chair's order is settled by the law."""
    ns = [RoundNomination(i, "bk", u, u, u.upper()) for i, u in enumerate(["a", "b", "c"], start=1)]
    ballots = [b for n in ns for b in _yes(n)]
    sheets = _sheets({"a": 90, "b": 80, "c": 80, "d": 60, "e": 50})
    result = tally(
        MEMBERS, ns, sheets, ballots, RULES, women_first=frozenset({3}), women_article=WOMEN_ARTICLE
    )
    assert [n for n, o in sorted(result.outcomes.items()) if o.endorsed] == [1, 3]
    assert WOMEN_ARTICLE in result.outcomes[3].priority
    assert "cùng điểm, cùng số phiếu với hồ sơ số 3" in result.outcomes[2].reason
    assert result.outcomes[1].priority == ""  # first on merit, not by the priority
    assert result.to_dict()["outcomes"][2]["priority"] == result.outcomes[3].priority  # type: ignore[index]
    # Two women tied at the cut: still the chair's to settle.
    with pytest.raises(TieUnresolved, match="2, 3"):
        tally(MEMBERS, ns, sheets, ballots, RULES, women_first=frozenset({2, 3}), women_article=WOMEN_ARTICLE)


def test_the_priority_never_outranks_merit() -> None:
    ns = [RoundNomination(i, "bk", u, u, u.upper()) for i, u in enumerate(["a", "b", "c"], start=1)]
    ballots = [b for n in ns for b in _yes(n)]
    sheets = _sheets({"a": 90, "b": 85, "c": 80, "d": 60, "e": 50})
    result = tally(
        MEMBERS, ns, sheets, ballots, RULES, women_first=frozenset({3}), women_article=WOMEN_ARTICLE
    )
    assert [n for n, o in sorted(result.outcomes.items()) if o.endorsed] == [1, 2]
    assert result.outcomes[3].priority == "" and "cùng điểm" not in result.outcomes[3].reason
