"""Loading the organisation: idempotent, all-or-nothing, and it keeps the names units had."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import row_counts
from thidua_workflow.db import models as m
from thidua_workflow.errors import NotPermitted, ValidationFailed
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation

QB = EXAMPLES / "quang-binh" / "org.yaml"
QT = EXAMPLES / "quang-tri-2025" / "org.yaml"


def _names(ctx: Context, unit_id: str) -> list[tuple[str, date, date | None]]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(m.UnitName).where(m.UnitName.unit_id == unit_id).order_by(m.UnitName.valid_from)
        )
        return [(r.name, r.valid_from, r.valid_until) for r in rows]


def test_example_loads_with_bloc_people_and_records(ctx: Context) -> None:
    report = load_organisation(ctx, read_yaml(QB))
    assert report.counts["units_created"] == 22
    assert report.counts["bloc_members_added"] == 10
    with ctx.reader() as uow:
        chair = uow.session.scalar(select(m.BlocOfficers).where(m.BlocOfficers.year == 2019))
        assert chair is not None and chair.chair_unit_id == "qb-hoi-nct"
        signer = uow.session.scalar(select(m.Person).where(m.Person.username == "pct.ubnd"))
        assert signer is not None
        assert [(g.role, g.title) for g in signer.grants] == [("decision_signer", "PHÓ CHỦ TỊCH")]
        # Unit-scoped roles default to the person's own unit.
        rep = uow.session.scalar(select(m.Person).where(m.Person.username == "mu.chutich"))
        assert rep is not None
        assert {(g.role, g.unit_id) for g in rep.grants} == {
            ("unit_head", "qb-hoi-nguoi-mu"),
            ("bloc_representative", "qb-hoi-nguoi-mu"),
        }


def test_loading_twice_changes_nothing(ctx: Context) -> None:
    load_organisation(ctx, read_yaml(QB))
    before = row_counts(ctx)
    report = load_organisation(ctx, read_yaml(QB))
    after = row_counts(ctx)
    assert report.to_dict()["counts"] == {}
    assert after == {**before, "audit_events": before["audit_events"] + 1}


def test_merger_renames_units_and_keeps_their_old_names(ctx: Context, clock: object) -> None:
    load_organisation(ctx, read_yaml(QB))
    load_organisation(ctx, read_yaml(QT))
    assert _names(ctx, "qb-hoi-nct") == [
        ("Hội Người cao tuổi tỉnh Quảng Bình", date(1945, 9, 2), date(2025, 6, 30)),
        ("Hội Người cao tuổi tỉnh Quảng Trị", date(2025, 7, 1), None),
    ]
    with ctx.reader() as uow:
        qb = uow.session.get(m.Province, "quang-binh")
        assert qb is not None and qb.merged_into_id == "quang-tri"
        old = uow.session.get(m.Unit, "qt-hoi-nct-cu")
        assert old is not None and old.dissolved_on == date(2025, 7, 1) and old.merged_into_id == "qb-hoi-nct"


def test_merged_province_file_alone_sets_up_history(ctx: Context) -> None:
    load_organisation(ctx, read_yaml(QT))
    assert _names(ctx, "qb-hoi-nguoi-mu") == [
        ("Hội Người mù tỉnh Quảng Bình", date(2008, 1, 1), date(2025, 6, 30)),
        ("Hội Người mù tỉnh Quảng Trị", date(2025, 7, 1), None),
    ]


def test_bad_reference_rejects_whole_file(ctx: Context) -> None:
    data = read_yaml(QB)
    data["blocs"][0]["members"].append({"unit": "qb-khong-co", "from_year": 2016})
    data["people"][0]["unit"] = "qb-cung-khong-co"
    before = row_counts(ctx)
    with pytest.raises(ValidationFailed) as caught:
        load_organisation(ctx, data)
    fields = {p.field for p in caught.value.problems}
    assert "blocs[qb-khoi-hoi-dac-thu].members" in fields
    assert "people[quantri].unit" in fields
    assert row_counts(ctx) == before


def test_chair_must_be_a_member_of_the_bloc(ctx: Context) -> None:
    data = read_yaml(QB)
    data["blocs"][0]["officers"][0]["chair"] = "qb-so-noi-vu"
    with pytest.raises(ValidationFailed, match="không phải thành viên của khối"):
        load_organisation(ctx, data)


def test_only_an_operator_may_reload_as_someone(ctx: Context) -> None:
    load_organisation(ctx, read_yaml(QB))
    with pytest.raises(NotPermitted):
        load_organisation(ctx, read_yaml(QB), actor_username="nct.canbo")
    load_organisation(ctx, read_yaml(QB), actor_username="quantri")


def test_roles_removed_from_the_file_are_revoked(ctx: Context) -> None:
    data = read_yaml(QB)
    load_organisation(ctx, data)
    person = next(p for p in data["people"] if p["username"] == "tb.tdkt")
    person["roles"] = ["council_member"]
    report = load_organisation(ctx, data)
    assert report.counts["roles_revoked"] == 1
    with ctx.reader() as uow:
        row = uow.session.scalar(select(m.Person).where(m.Person.username == "tb.tdkt"))
        assert row is not None and [g.role for g in row.grants] == ["council_member"]
