"""Issue 20a on both databases: a movement launched with its documents, units registering by the
deadline, the chair collecting, the bloc's pledge signed by every member and used as the round's score
sheet, a title refused at intake without registration, and form 0601 counted cell by cell."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.integration.helpers import example, row_counts, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain import movements as mv
from thidua_workflow.errors import (
    Conflict,
    InputRejected,
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
)
from thidua_workflow.services import movements, pledges, registrations, rounds
from thidua_workflow.services.context import Context

BLOC = "qb-khoi-hoi-dac-thu"
PDF = b"%PDF-1.4\n% test document\n%%EOF\n"
OFFICE = "Văn phòng Hội Chữ thập đỏ tỉnh Quảng Bình"


def movement_2020(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "thi-dua-yeu-nuoc-2020",
        "name": "Phong trào thi đua yêu nước năm 2020",
        "launcher_kind": "province",
        "scope": "sector_local",
        "method": "regular",
        "launched_on": date(2020, 1, 10),
        "starts_on": date(2020, 1, 1),
        "ends_on": date(2020, 12, 31),
        "registration_deadline": date(2020, 3, 31),
        "goals": "Hoàn thành xuất sắc nhiệm vụ chính trị năm 2020.",
        "blocs": [BLOC],
    }
    data.update(changes)
    return data


def doc(name: str = "quyet-dinh-phat-dong.pdf", data: bytes = PDF) -> movements.NewDocument:
    return movements.NewDocument(mv.MovementDocumentKind.LAUNCH_DECISION, name, data, number="01/QĐ-UBND")


def office_2020() -> dict[str, Any]:
    """Hội Chữ thập đỏ's 2019 file as its 2020 year-end file (its office for Tập thể lao động xuất sắc)."""
    data = example("hoi-chu-thap-do-2019")
    for document in data["documents"]:
        document["dated"] = date(2020, 12, 2)
        if "number" in document:
            document["number"] = document["number"].replace("TTr", "TTr-2020")
    for nomination in data["nominations"]:
        nomination["period"]["year"] = 2020
        nomination["achievement"] = nomination["achievement"].replace("2019", "2020")
        for evidence in nomination.get("evidence", []):
            evidence["dated"] = date(2020, 11, 20)
    return data


def test_the_year_from_launch_to_intake(qb: Context, clock: FixedClock) -> None:
    ctx = qb
    clock.set(date(2020, 1, 10))
    # A unit's clerk cannot launch the province's movement; nothing is written.
    before = row_counts(ctx)
    with pytest.raises(NotPermitted):
        movements.launch(ctx, "ctd.canbo", movement_2020(), [doc()])
    with pytest.raises(ValidationFailed) as bad:
        movements.launch(ctx, "cv.tdkt1", movement_2020(ends_on=date(2019, 12, 31)), [doc()])
    assert "ends_on" in str(bad.value.problems[0].field) or "ends_on" in bad.value.problems[0].message
    with pytest.raises(ValidationFailed) as not_pdf:
        movements.launch(ctx, "cv.tdkt1", movement_2020(), [doc("x.pdf", b"plain text")])
    assert not_pdf.value.problems[0].rule == "tep_minh_chung"
    assert row_counts(ctx) == before

    movement_id = movements.launch(ctx, "cv.tdkt1", movement_2020(), [doc()])
    shown = movements.show_movement(ctx, "thi-dua-yeu-nuoc-2020")
    assert shown["id"] == movement_id
    assert len(shown["units"]) == 10
    assert shown["duration"] == "1y" and shown["level"] == "ministry_province"
    assert shown["documents"][0]["sha256"] == __import__("hashlib").sha256(PDF).hexdigest()
    with pytest.raises(Conflict):
        movements.attach_document(ctx, "cv.tdkt1", movement_id, doc())

    # The bloc's own thematic movement, launched by its 2020 chair; not by another member.
    bloc_movement = movement_2020(
        code="san-se-yeu-thuong-2020",
        name="San sẻ yêu thương, chung tay đẩy lùi đại dịch",
        launcher_kind="bloc",
        launcher=BLOC,
        scope="bloc",
        method="thematic",
        launched_on=date(2020, 3, 20),
        starts_on=date(2020, 3, 20),
        ends_on=date(2020, 9, 30),
        registration_deadline=None,
        blocs=[],
    )
    with pytest.raises(NotPermitted):
        movements.launch(ctx, "nct.chutich", bloc_movement)
    movements.launch(ctx, "htx.chutich", bloc_movement)

    # Registration: by the unit's clerk, award forms of the policy, before the deadline.
    lines = [{"kind": "collective", "name": OFFICE, "award_form": "tap_the_lao_dong_xuat_sac"}]
    with pytest.raises(NotPermitted):
        registrations.register(
            ctx,
            "mu.canbo",
            {"movement": "thi-dua-yeu-nuoc-2020", "unit": "qb-hoi-chu-thap-do", "lines": lines},
        )
    with pytest.raises(ValidationFailed) as unknown:
        registrations.register(
            ctx,
            "ctd.canbo",
            {
                "movement": "thi-dua-yeu-nuoc-2020",
                "unit": "qb-hoi-chu-thap-do",
                "lines": [{"kind": "person", "name": "Ai Đó", "award_form": "co_thi_dua_tinh"}],
            },
        )
    assert unknown.value.problems[0].field == "kind"
    registration = {"movement": "thi-dua-yeu-nuoc-2020", "unit": "qb-hoi-chu-thap-do", "lines": lines}
    first = registrations.register(ctx, "ctd.canbo", registration)
    again = registrations.register(ctx, "ctd.canbo", registration)  # replaces before the deadline
    assert first == again
    registrations.register(
        ctx,
        "mu.canbo",
        {
            "movement": "thi-dua-yeu-nuoc-2020",
            "unit": "qb-hoi-nguoi-mu",
            "lines": [
                {"kind": "person", "name": "Trần Văn Sáng Kiến", "award_form": "chien_si_thi_dua_tinh"}
            ],
        },
    )
    with pytest.raises(NotPermitted):
        registrations.collect(ctx, "nct.chutich", "thi-dua-yeu-nuoc-2020", BLOC)  # 2019's chair
    collected = registrations.collect(ctx, "htx.chutich", "thi-dua-yeu-nuoc-2020", BLOC)
    assert collected["collected"] == ["qb-hoi-chu-thap-do", "qb-hoi-nguoi-mu"]
    assert "qb-hoi-nct" in collected["missing"]
    with pytest.raises(TransitionNotAllowed):
        registrations.register(ctx, "ctd.canbo", registration)
    clock.set(date(2020, 4, 1))
    with pytest.raises(ValidationFailed) as late:
        registrations.register(
            ctx, "nct.canbo", {"movement": "thi-dua-yeu-nuoc-2020", "unit": "qb-hoi-nct", "lines": lines}
        )
    assert late.value.problems[0].rule == "han_dang_ky"

    # The pledge: drawn up by the chair, signed by every member; then the round's score sheet.
    criteria = [
        {"code": "phong_trao", "name": "Tổ chức phong trào thi đua", "max": 40},
        {"code": "nhiem_vu", "name": "Thực hiện nhiệm vụ chính trị", "max": 60},
    ]
    with pytest.raises(NotPermitted):
        pledges.draw_up(ctx, "nct.chutich", {"bloc": BLOC, "year": 2020, "criteria": criteria})
    with pytest.raises(ValidationFailed):
        pledges.draw_up(ctx, "htx.chutich", {"bloc": BLOC, "year": 2020, "criteria": criteria + criteria[:1]})
    pledge_id = pledges.draw_up(ctx, "htx.chutich", {"bloc": BLOC, "year": 2020, "criteria": criteria})
    members = pledges.show_pledge(ctx, pledge_id)["members"]
    from thidua_workflow.demo import REPRESENTATIVES

    for i, member in enumerate(members):
        user = REPRESENTATIVES[member["unit"]][0]
        signed_pdf = PDF + f"% {member['unit']}\n".encode()
        result = pledges.sign(
            ctx,
            user,
            pledge_id,
            movements.NewDocument(mv.MovementDocumentKind.OTHER, "giao-uoc.pdf", signed_pdf),
        )
        if i == 0:
            with pytest.raises(Conflict):
                pledges.sign(
                    ctx,
                    user,
                    pledge_id,
                    movements.NewDocument(mv.MovementDocumentKind.OTHER, "lai.pdf", signed_pdf),
                )
    assert result["status"] == "signed" and result["remaining"] == []

    # Intake: a title needs the registration; Hội Người mù's office registered nothing.
    clock.set(date(2020, 12, 3))
    unregistered = office_2020()
    unregistered["nominations"][0]["nominee"]["name"] = "Văn phòng khác của Hội"
    with pytest.raises(ValidationFailed) as refused:
        submit_example(ctx, "hoi-chu-thap-do-2019", unregistered)
    problem = next(p for p in refused.value.problems if p.rule == "dang_ky_thi_dua")
    assert "Điều 10" in (problem.article or "")
    assert "Phong trào thi đua yêu nước năm 2020" in problem.message
    submit_example(ctx, "hoi-chu-thap-do-2019", office_2020())
    round_view = rounds.show_round(ctx, rounds.find_round(ctx, BLOC, "2020"))
    assert round_view.criteria == criteria

    # The round is the movement's year-end review; the movement lists it.
    with pytest.raises(InputRejected):
        movements.link_review(ctx, "htx.chutich", movement_id, round_view.id + 999, mv.ReviewStage.YEAR_END)
    movements.link_review(ctx, "htx.chutich", movement_id, round_view.id, mv.ReviewStage.YEAR_END)
    assert movements.show_movement(ctx, movement_id)["reviews"][0]["round"] == round_view.id

    # Form 0601 for the reporting year 2020 (01/12/2019 – 30/11/2020), cell by cell.
    table = movements.form_0601(ctx, "quang-binh", 2020)
    expected = {code: {"1": 0, "2": 0, "3": 0, "4": 0} for code, _ in mv.FORM_0601_ROWS}
    for row, column in (("01", "3"), ("03", "3"), ("07", "3"), ("12", "3")):
        expected[row][column] += 1
        expected[row]["1"] += 1
    for row, column in (("01", "4"), ("04", "4"), ("06", "4"), ("11", "4")):
        expected[row][column] += 1
        expected[row]["1"] += 1
    assert table == expected
    assert movements.form_0601(ctx, "quang-binh", 2021) == {
        code: {"1": 0, "2": 0, "3": 0, "4": 0} for code, _ in mv.FORM_0601_ROWS
    }
