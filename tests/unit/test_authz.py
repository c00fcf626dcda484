"""Who may take which arrow: role, own unit, separation of duties — one table."""

from __future__ import annotations

import pytest

from thidua_workflow.domain import lifecycle
from thidua_workflow.domain.authz import Actor, Grant, Subject, authorize, conflict_of_interest
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import NotPermitted


def person(pid: int, unit: str, *grants: Grant) -> Actor:
    return Actor(pid, f"user{pid}", f"Người Số {pid}", unit, grants)


CLERK_A = person(1, "unit-a", Grant(Role.UNIT_CLERK, "unit-a"))
CLERK_B = person(2, "unit-b", Grant(Role.UNIT_CLERK, "unit-b"))
CHAIR_REP = person(3, "unit-c", Grant(Role.BLOC_REPRESENTATIVE, "unit-c"))
APPRAISER = person(4, "ban-tdkt", Grant(Role.APPRAISER))
APPRAISER_FROM_A = person(5, "unit-a", Grant(Role.APPRAISER))
SECRETARY = person(6, "ban-tdkt", Grant(Role.COUNCIL_SECRETARY))
NOMINEE_APPRAISER = person(7, "ban-tdkt", Grant(Role.APPRAISER))
SUBMITTER_APPRAISER = person(8, "ban-tdkt", Grant(Role.APPRAISER), Grant(Role.UNIT_CLERK, "unit-a"))

A_NOMINATION = Subject(submitting_unit_id="unit-a", nominee_unit_id="unit-a-sub", submitted_by_id=1)
NAMES_7 = Subject(
    submitting_unit_id="unit-a", nominee_unit_id="unit-a", submitted_by_id=1, nominee_person_id=7
)
BY_8 = Subject(submitting_unit_id="unit-a", nominee_unit_id="unit-a", submitted_by_id=8)

TABLE: list[tuple[str, Actor, str, Subject, str | None, bool]] = [
    ("clerk withdraws own unit's", CLERK_A, "withdraw", A_NOMINATION, None, True),
    ("clerk of another unit", CLERK_B, "withdraw", A_NOMINATION, None, False),
    ("clerk resubmits own unit's", CLERK_A, "resubmit_to_appraisal", A_NOMINATION, None, True),
    ("appraiser passes", APPRAISER, "appraisal_pass", A_NOMINATION, None, True),
    ("appraiser returns", APPRAISER, "appraisal_return", A_NOMINATION, None, True),
    ("appraiser of the submitting unit", APPRAISER_FROM_A, "appraisal_pass", A_NOMINATION, None, False),
    ("appraiser who is the nominee", NOMINEE_APPRAISER, "appraisal_pass", NAMES_7, None, False),
    ("appraiser who submitted it", SUBMITTER_APPRAISER, "appraisal_reject", BY_8, None, False),
    ("secretary may not appraise", SECRETARY, "appraisal_pass", A_NOMINATION, None, False),
    ("clerk may not appraise", CLERK_A, "appraisal_pass", A_NOMINATION, None, False),
    ("bloc rep for the assigned unit", CHAIR_REP, "bloc_endorse", A_NOMINATION, "unit-c", True),
    ("bloc rep for another unit", CHAIR_REP, "bloc_endorse", A_NOMINATION, "unit-d", False),
    ("bloc rep without an assignment", CHAIR_REP, "bloc_return", A_NOMINATION, None, False),
    (
        "bloc rep of the nominee's unit",
        CHAIR_REP,
        "bloc_reject",
        Subject("unit-c", "unit-c", 1),
        "unit-c",
        False,
    ),
    ("system arrow, appraiser", APPRAISER, "route_to_bloc", A_NOMINATION, None, False),
    ("system arrow, secretary", SECRETARY, "council_approve", A_NOMINATION, None, False),
    ("system arrow, clerk", CLERK_A, "forward_to_appraisal", A_NOMINATION, None, False),
]


@pytest.mark.parametrize(
    ("case", "actor", "action", "subject", "unit", "allowed"), TABLE, ids=[t[0] for t in TABLE]
)
def test_authorization_table(
    case: str, actor: Actor, action: str, subject: Subject, unit: str | None, allowed: bool
) -> None:
    arrow = lifecycle.get(action)
    if allowed:
        authorize(actor, arrow, subject, acting_unit_id=unit)
    else:
        with pytest.raises(NotPermitted):
            authorize(actor, arrow, subject, acting_unit_id=unit)


def test_conflicts_are_named() -> None:
    assert "người nộp" in (conflict_of_interest(SUBMITTER_APPRAISER, BY_8) or "")
    assert "người được đề nghị" in (conflict_of_interest(NOMINEE_APPRAISER, NAMES_7) or "")
    assert conflict_of_interest(APPRAISER, A_NOMINATION) is None


def test_a_conflict_names_the_tie_to_ones_own_unit_not_the_units_code() -> None:
    submitted = conflict_of_interest(APPRAISER_FROM_A, A_NOMINATION)
    assert submitted == "hồ sơ do chính đơn vị mà Người Số 5 đại diện trình"
    about_own_unit = Subject(submitting_unit_id="unit-b", nominee_unit_id="unit-a", submitted_by_id=2)
    concerned = conflict_of_interest(APPRAISER_FROM_A, about_own_unit)
    assert concerned == "hồ sơ đề nghị khen thưởng chính đơn vị mà Người Số 5 đại diện"
    assert conflict_of_interest(APPRAISER, A_NOMINATION) is None
