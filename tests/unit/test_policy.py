"""The bundled policies: the period that judges a date, money rounded up, thresholds at the boundary."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from pydantic import ValidationError

from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.policy import Policy, Threshold, bundled_policy
from thidua_workflow.domain.rules import check_policy
from thidua_workflow.errors import ConfigurationError, InputRejected

QB = bundled_policy("quang-binh")
QT = bundled_policy("quang-tri")


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2019, 12, 31), "luat-2003"),
        (date(2023, 12, 31), "luat-2003"),
        (date(2024, 1, 1), "nd-98-2023"),
        (date(2025, 6, 30), "nd-98-2023"),
        (date(2025, 7, 1), "nd-152-2025"),
    ],
)
def test_the_period_of_a_date(day: date, code: str) -> None:
    assert QT.period_for(day).code == code


def test_quang_binh_has_no_rules_after_the_merger() -> None:
    with pytest.raises(InputRejected, match=r"01-07|2025-07-01"):
        QB.period_for(date(2025, 7, 1))


def test_rewards_follow_the_base_salary_rounded_up_to_ten_thousand() -> None:
    nd152 = QT.period_for(date(2025, 12, 31)).award_form("bang_khen_tinh")
    assert QT.reward_amount(nd152, NomineeKind.HOUSEHOLD, date(2026, 1, 10)) == 5_270_000  # 2.25 × 2,340,000
    assert QT.reward_amount(nd152, NomineeKind.PERSON, date(2026, 1, 10)) == 3_510_000
    old = QB.period_for(date(2019, 12, 31)).award_form("bang_khen_tinh")
    assert QB.reward_amount(old, NomineeKind.PERSON, date(2020, 1, 21)) == 1_490_000
    assert QB.base_salary_on(date(2019, 6, 30)).amount == 1_390_000


@pytest.mark.parametrize(
    ("share", "strict", "count", "of", "met"),
    [
        ("0.8", False, 8, 10, True),
        ("0.8", False, 7, 10, False),
        ("0.5", True, 6, 11, True),
        ("0.5", True, 5, 10, False),
    ],
)
def test_thresholds_at_the_boundary(share: str, strict: bool, count: int, of: int, met: bool) -> None:
    threshold = Threshold(share=Fraction(share), strict=strict, source="t", status="policy_default")
    assert threshold.met(count, of) is met
    assert not threshold.met(0, 0)


def test_unknown_award_form_names_the_known_ones() -> None:
    with pytest.raises(InputRejected, match="bang_khen_tinh"):
        QB.period_for(date(2019, 12, 31)).award_form("huan_chuong")


def test_overlapping_periods_are_refused() -> None:
    data = QB.model_dump()
    data["periods"][1]["applies_from"] = date(2023, 6, 1)
    with pytest.raises(ValidationError, match="chồng lấn"):
        Policy.model_validate(data)


def test_every_rule_named_by_a_policy_exists() -> None:
    check_policy(QB)
    check_policy(QT)
    data = QB.model_dump()
    data["periods"][0]["award_forms"]["bang_khen_tinh"]["rules"] = ["quy_tac_khong_co"]
    with pytest.raises(ConfigurationError, match="quy_tac_khong_co"):
        check_policy(Policy.model_validate(data))
