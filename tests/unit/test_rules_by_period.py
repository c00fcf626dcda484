"""Issue 18's rules, period by period: each outcome and the article it cites, from the bundled policy.

Criteria that need judgement come out "judgement" (cần thẩm định) and turn passed or failed only with the
appraiser's finding; discipline disqualifies a Tập thể lao động xuất sắc by its level; NĐ 152/2025 lapses
on 01/3/2027 unless the policy names an extension or a successor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from thidua_workflow.domain import rules
from thidua_workflow.domain.enums import DisciplineLevel, Finding, NomineeKind
from thidua_workflow.domain.policy import Policy, PolicyPeriod, RuleSetting, bundled_policy
from thidua_workflow.domain.schemas import MemberStats, NominationIn
from thidua_workflow.errors import NotConfigured

QT = bundled_policy("quang-tri")
# One reference day per period: the nomination's period decides which law judges it.
PERIODS = {"luat-2003": 2019, "nd-98-2023": 2024, "nd-152-2025": 2025}


def _entry(kind: str, award: str, year: int, **declared: Any) -> NominationIn:
    nominee: dict[str, Any] = {"kind": kind, "name": "Nguyễn Văn An"}
    if kind == "person":
        nominee |= {"unit": "qb-hoi-nct", "position": "Chủ tịch"}
    elif kind == "collective":
        nominee |= {"name": "Hội Người cao tuổi tỉnh", "unit": "qb-hoi-nct"}
    else:
        nominee |= {"name": "Hộ ông Nguyễn Văn An", "address": "Thôn Một, xã Hai"}
    return NominationIn.model_validate(
        {
            "nominee": nominee,
            "award_form": award,
            "period": {"year": year},
            "achievement": "Thành tích xuất sắc.",
            "declared": declared,
        }
    )


def _checks(entry: NominationIn, period: PolicyPeriod, **extra: Any) -> dict[str, rules.Check]:
    ctx = rules.RuleInput(
        nomination=entry,
        period=period,
        award=period.award_form(entry.award_form),
        held=(),
        as_of=date(entry.period.year + 1, 1, 10),
        **extra,
    )
    return {c.rule: c for c in rules.evaluate(ctx)}


ARTICLES = {
    ("luat-2003", "bang_khen_thanh_tich_xuat_sac"): "Điều 72 Luật Thi đua, Khen thưởng 2003",
    ("nd-98-2023", "bang_khen_thanh_tich_xuat_sac"): "Điều 74 khoản 1 Luật Thi đua, khen thưởng 2022",
    ("nd-152-2025", "bang_khen_thanh_tich_xuat_sac"): "Điều 74 khoản 1 Luật Thi đua, khen thưởng 2022",
    ("luat-2003", "bang_khen_ho_gia_dinh"): "Điều 72 Luật Thi đua, Khen thưởng 2003",
    ("nd-98-2023", "bang_khen_ho_gia_dinh"): "Điều 74 khoản 3 Luật Thi đua, khen thưởng 2022",
    ("nd-152-2025", "bang_khen_ho_gia_dinh"): "Điều 74 khoản 3 Luật Thi đua, khen thưởng 2022",
}


@pytest.mark.parametrize(("code", "year"), PERIODS.items())
@pytest.mark.parametrize("kind", ["person", "collective"])
def test_an_outstanding_achievement_waits_for_the_appraiser_instead_of_the_years(
    code: str, year: int, kind: str
) -> None:
    period = QT.period_by_code(code)
    claimed = "Dẫn đầu phong trào 'Tuổi cao gương sáng' toàn tỉnh."
    checks = _checks(_entry(kind, "bang_khen_tinh", year, outstanding=claimed), period)
    check = checks["bang_khen_thanh_tich_xuat_sac"]
    assert check.outcome == "judgement" and check.passed and check.needs_judgement
    assert check.article.startswith(ARTICLES[(code, "bang_khen_thanh_tich_xuat_sac")])
    assert check.message.startswith("cần thẩm định: ") and claimed in check.message
    # The consecutive years are not asked of a dossier that rests on the other ground.
    assert not {"bang_khen_ca_nhan", "bang_khen_tap_the"} & set(checks)
    # Without the claim, the years are asked and fail (intake rejects), naming the article.
    plain = _checks(_entry(kind, "bang_khen_tinh", year), period)
    years = plain["bang_khen_ca_nhan" if kind == "person" else "bang_khen_tap_the"]
    assert years.outcome == "failed" and "Điều" in years.article
    assert "bang_khen_thanh_tich_xuat_sac" not in plain


@pytest.mark.parametrize(("code", "year"), PERIODS.items())
def test_a_households_bang_khen_is_judged_by_the_appraiser(code: str, year: int) -> None:
    check = _checks(_entry("household", "bang_khen_tinh", year), QT.period_by_code(code))[
        "bang_khen_ho_gia_dinh"
    ]
    assert check.outcome == "judgement"
    assert check.article.startswith(ARTICLES[(code, "bang_khen_ho_gia_dinh")])
    assert "đóng góp lớn" in check.message


def test_the_household_money_is_one_and_a_half_times_the_persons_from_july_2025() -> None:
    award = QT.period_by_code("nd-152-2025").award_form("bang_khen_tinh")
    day = date(2025, 12, 1)
    person = QT.reward_amount(award, NomineeKind.PERSON, day)
    household = QT.reward_amount(award, NomineeKind.HOUSEHOLD, day)
    assert (person, household) == (3_510_000, 5_270_000)  # 1.5 × and 2.25 × 2,340,000, rounded up
    assert "Điều 54" in award.reward_source.source and "khoản 3" in award.reward_source.source


def _members(**discipline: int) -> dict[str, Any]:
    return {
        "total": 10,
        "completed_tasks": 10,
        "lao_dong_tien_tien": 8,
        "chien_si_thi_dua_co_so": 1,
        "disciplined": sum(discipline.values()),
        "discipline": discipline,
    }


@pytest.mark.parametrize(
    ("code", "discipline", "outcome", "words"),
    [
        ("nd-98-2023", {}, "passed", ""),
        ("nd-98-2023", {"khien_trach": 2}, "passed", ""),
        ("nd-98-2023", {"canh_cao": 1}, "failed", "từ cảnh cáo trở lên (1 cảnh cáo)"),
        ("nd-152-2025", {"khien_trach": 1, "cach_chuc": 1}, "failed", "1 cách chức"),
        ("nd-152-2025", {"buoc_thoi_viec": 1}, "failed", "1 buộc thôi việc"),
        ("nd-152-2025", {"khien_trach": 3}, "passed", ""),
        # Before 2024 the encoded figure is any discipline at all (max_disciplined: 0).
        ("luat-2003", {"khien_trach": 1}, "failed", "1 thành viên bị kỷ luật"),
    ],
)
def test_tap_the_lao_dong_xuat_sac_is_lost_only_from_canh_cao_upwards(
    code: str, discipline: dict[str, int], outcome: str, words: str
) -> None:
    period = QT.period_by_code(code)
    entry = _entry("collective", "tap_the_lao_dong_xuat_sac", PERIODS[code], members=_members(**discipline))
    check = _checks(entry, period)["tap_the_lao_dong_xuat_sac"]
    assert check.outcome == outcome, check.message
    assert words in check.message
    assert check.article.startswith("Điều 27 Luật Thi đua")


def test_a_discipline_count_without_its_levels_cannot_be_judged() -> None:
    members = _members() | {"disciplined": 1}
    entry = _entry("collective", "tap_the_lao_dong_xuat_sac", 2025, members=members)
    check = _checks(entry, QT.period_by_code("nd-152-2025"))["tap_the_lao_dong_xuat_sac"]
    assert check.outcome == "failed" and "declared.members.discipline" in check.message


def test_discipline_levels_must_add_up_to_the_count() -> None:
    with pytest.raises(ValidationError, match="discipline"):
        MemberStats.model_validate(_members(canh_cao=1) | {"disciplined": 2})
    assert DisciplineLevel.CACH_CHUC.at_least(DisciplineLevel.CANH_CAO)
    assert not DisciplineLevel.KHIEN_TRACH.at_least(DisciplineLevel.CANH_CAO)


@pytest.mark.parametrize(
    ("code", "outcome"), [("luat-2003", "pending"), ("nd-98-2023", "judgement"), ("nd-152-2025", "judgement")]
)
def test_co_thi_dua_has_its_substantive_criteria(code: str, outcome: str) -> None:
    entry = _entry("collective", "co_thi_dua_tinh", PERIODS[code])
    checks = _checks(entry, QT.period_by_code(code), bloc_member_of="khoi-hoi", bloc_name="Khối các hội")
    criteria = checks["co_thi_dua_tieu_chuan"]
    assert criteria.outcome == outcome
    assert criteria.article.startswith("Điều 26 Luật Thi đua")
    assert "mô hình mới" in criteria.message and "vượt mức" in criteria.message
    assert checks["co_thi_dua_khoi"].outcome == "pending"  # leading the bloc: still the bloc's round


def test_the_appraisers_finding_decides_a_criterion() -> None:
    period = QT.period_by_code("nd-152-2025")
    [check] = list(_checks(_entry("household", "bang_khen_tinh", 2025), period).values())
    met = rules.FindingRecord(Finding.MET, "Đã hiến 300 m² đất.", "Chuyên viên A", "02/01/2026")
    not_met = rules.FindingRecord(Finding.NOT_MET, "Chưa có xác nhận của xã.", "Chuyên viên A", "02/01/2026")
    [passed] = rules.apply_findings([check], {"bang_khen_ho_gia_dinh": met})
    [failed] = rules.apply_findings([check], {"bang_khen_ho_gia_dinh": not_met})
    assert (passed.outcome, failed.outcome) == ("passed", "failed")
    assert "thẩm định: đạt (Đã hiến 300 m² đất.)" in passed.message
    assert "thẩm định: không đạt (Chưa có xác nhận của xã.)" in failed.message
    assert failed.to_dict()["finding"] == not_met.to_dict()
    # A finding on another criterion changes nothing.
    assert rules.apply_findings([check], {"other": met}) == [check]


def test_any_rule_can_be_made_a_judgement_criterion() -> None:
    """The policy marks a rule ``judgement``: a failing automatic check no longer rejects, it waits."""
    period = QT.period_by_code("nd-152-2025")
    setting = period.rules["tap_the_lao_dong_xuat_sac"]
    judged = setting.model_copy(update={"judgement": True, "criterion": "Hội đồng cơ sở xác nhận"})
    changed = period.model_copy(update={"rules": period.rules | {"tap_the_lao_dong_xuat_sac": judged}})
    members = _members(canh_cao=1)
    check = _checks(_entry("collective", "tap_the_lao_dong_xuat_sac", 2025, members=members), changed)[
        "tap_the_lao_dong_xuat_sac"
    ]
    assert check.outcome == "judgement" and check.passed
    assert check.message.startswith("cần thẩm định: Hội đồng cơ sở xác nhận; ")
    assert "cảnh cáo" in check.message  # what the code found is shown to the appraiser


# --- the lapse of NĐ 152/2025 -------------------------------------------------------------------------


def _with(period_update: dict[str, Any], lapse_update: dict[str, Any] | None = None) -> Policy:
    periods = []
    for period in QT.periods:
        if period.code == "nd-152-2025":
            update = dict(period_update)
            if lapse_update is not None:
                assert period.lapse is not None
                update["lapse"] = period.lapse.model_copy(update=lapse_update)
            period = period.model_copy(update=update)
        periods.append(period)
    return QT.model_copy(update={"periods": periods})


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (date(2026, 12, 1), False),
        (date(2026, 12, 30), False),
        (date(2026, 12, 31), True),
        (date(2027, 2, 28), True),
    ],
)
def test_operators_are_warned_from_60_days_before_the_lapse(today: date, warned: bool) -> None:
    warnings = QT.lapse_warnings(today)
    assert bool(warnings) is warned
    period = QT.period_by_code("nd-152-2025")
    period.require_in_force(today)  # still judged until the day before
    if warned:
        [text] = warnings
        assert "01/03/2027" in text and "Điều 60 khoản 1 Nghị định 152/2025/NĐ-CP" in text
        assert f"còn {(date(2027, 3, 1) - today).days} ngày" in text
        assert "'successor'" in text and "'lapse.extended_until'" in text


@pytest.mark.parametrize("today", [date(2027, 3, 1), date(2028, 1, 1)])
def test_nothing_is_judged_under_a_lapsed_period_without_a_successor(today: date) -> None:
    period = QT.period_by_code("nd-152-2025")
    with pytest.raises(NotConfigured, match="đã hết hiệu lực từ ngày 01/03/2027") as caught:
        period.require_in_force(today)
    assert "khóa 'successor' của giai đoạn 'nd-152-2025'" in caught.value.message
    assert "Điều 60 khoản 1" in caught.value.message
    # Earlier periods have no lapse of their own: they keep judging the nominations of their time.
    QT.period_by_code("nd-98-2023").require_in_force(today)


def test_an_extension_or_a_successor_lifts_the_lapse() -> None:
    extended = _with({}, {"extended_until": date(2028, 3, 1)})
    extended.period_by_code("nd-152-2025").require_in_force(date(2027, 6, 1))
    assert extended.lapse_warnings(date(2027, 6, 1)) == []
    assert extended.lapse_warnings(date(2028, 1, 15))  # warned again before the new date
    with_successor = _with({"successor": "nd-98-2023"})  # any configured period code
    with_successor.period_by_code("nd-152-2025").require_in_force(date(2027, 6, 1))
    assert with_successor.lapse_warnings(date(2027, 2, 1)) == []
    with pytest.raises(ValidationError, match="successor 'khong-co'"):
        Policy.model_validate(_with({"successor": "khong-co"}).model_dump())


def test_council_thresholds_from_july_2025_cite_the_provinces_rule() -> None:
    national = 0
    for code, award in QT.period_by_code("nd-152-2025").award_forms.items():
        if award.council_vote is None:
            continue
        source = award.council_vote.source
        if award.national is not None:
            # Proposals to national awards: Điều 33 khoản 5's 90% / 80% for the titles it names, the
            # province's own rule for the others.
            national += 1
            assert "Điều 33 khoản 5" in source or "Điều 6 khoản 2 điểm đ" in source, code
        else:
            assert "Điều 6 khoản 2 điểm đ" in source, code
            assert "Điều 33 khoản 5 chỉ áp dụng cho danh hiệu cấp Nhà nước" in source, code
    assert national >= 1
    # Before, NĐ 98/2023 Điều 30 khoản 7 set them.
    vote = QT.period_by_code("nd-98-2023").award_forms["chien_si_thi_dua_tinh"].council_vote
    assert vote is not None and vote.source == "Điều 30 khoản 7 Nghị định 98/2023/NĐ-CP"


def test_the_principles_for_women_are_data_of_the_nd_152_period_only() -> None:
    rules_152 = QT.period_by_code("nd-152-2025").rules
    assert rules_152["uu_tien_nu"].article == "Điều 4 khoản 6 Nghị định 152/2025/NĐ-CP"
    assert rules_152["thai_san_tinh_thoi_gian"].article == "Điều 4 khoản 5 Nghị định 152/2025/NĐ-CP"
    assert rules_152["nu_lanh_dao_giam_thoi_gian"].params == {"reduction": "1/3"}
    assert "uu_tien_nu" not in QT.period_by_code("nd-98-2023").rules


def test_every_judgement_setting_says_so_in_the_rule_table() -> None:
    judged = {
        (p.code, name)
        for p in QT.periods
        for name, s in p.rules.items()
        if isinstance(s, RuleSetting) and s.judgement
    }
    assert ("nd-152-2025", "bang_khen_ho_gia_dinh") in judged
    assert ("luat-2003", "co_thi_dua_tieu_chuan") not in judged
