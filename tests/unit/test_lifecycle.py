"""The lifecycle as a table: every arrow allowed exactly from its sources; anything else refused."""

from __future__ import annotations

import pytest

from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.enums import NominationStatus as S
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import Conflict, TransitionNotAllowed

CASES = [(t.action, state) for t in lifecycle.TRANSITIONS for state in S]


@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a}-{s.value}" for a, s in CASES])
def test_denied_by_default(action: str, state: S) -> None:
    arrow = lifecycle.get(action)
    if state in arrow.sources:
        assert lifecycle.transition(action, state).target is arrow.target
        assert lifecycle.can(action, state)
    else:
        with pytest.raises(TransitionNotAllowed) as caught:
            lifecycle.transition(action, state)
        assert isinstance(caught.value, Conflict)
        assert not lifecycle.can(action, state)


def test_unknown_actions_are_refused() -> None:
    with pytest.raises(TransitionNotAllowed):
        lifecycle.get("approve_everything")
    assert not lifecycle.can_name("approve_everything")


def test_withdraw_only_before_a_draft_decision_lists_the_nominee() -> None:
    allowed = {s for s in S if lifecycle.can("withdraw", s)}
    assert allowed == {
        S.DRAFT,
        S.SUBMITTED,
        S.BLOC_REVIEW,
        S.BLOC_ENDORSED,
        S.APPRAISAL,
        S.RETURNED,
        S.COUNCIL_VOTE,
        S.COUNCIL_APPROVED,
        S.ON_HOLD,
    }


def test_terminal_states_lead_nowhere() -> None:
    for state in (S.WITHDRAWN, S.REJECTED, S.ANNULLED):
        assert lifecycle.actions_from(state) == []
    # An award held is final, except that a new decision may annul it (NĐ 152/2025 Điều 56).
    assert [t.action for t in lifecycle.actions_from(S.CERTIFIED)] == ["annul"]


def test_every_state_is_reachable_from_draft() -> None:
    reached = {S.DRAFT}
    frontier = [S.DRAFT]
    while frontier:
        state = frontier.pop()
        targets = {t.target for t in lifecycle.actions_from(state)}
        if state is S.ON_HOLD:
            targets |= lifecycle.RELEASE_TARGETS
        for target in targets - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(S)


def test_refusals_and_returns_need_a_reason() -> None:
    for action in (
        "bloc_return",
        "bloc_reject",
        "appraisal_return",
        "appraisal_reject",
        "council_reject",
        "send_back",
        "withdraw",
        "hold",
        "intake_refuse",
    ):
        assert lifecycle.get(action).needs_reason, action
    for action in ("submit", "appraisal_pass", "decide", "certify"):
        assert not lifecycle.get(action).needs_reason, action


def test_system_arrows_belong_to_no_person() -> None:
    for action in (
        "route_to_bloc",
        "route_to_appraisal",
        "forward_to_appraisal",
        "council_approve",
        "council_reject",
    ):
        assert lifecycle.get(action).roles == frozenset({Role.SYSTEM})


def test_release_returns_to_where_it_was_held() -> None:
    assert lifecycle.release(S.ON_HOLD, S.APPRAISAL) is S.APPRAISAL
    # Held in a draft decision: the nominee left the draft, so it comes back approved for the next one.
    assert lifecycle.release(S.ON_HOLD, S.IN_DECISION) is S.COUNCIL_APPROVED
    with pytest.raises(TransitionNotAllowed):
        lifecycle.release(S.APPRAISAL, S.APPRAISAL)
    with pytest.raises(TransitionNotAllowed):
        lifecycle.release(S.ON_HOLD, None)
