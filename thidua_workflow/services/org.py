"""Loading the organisation: an idempotent upsert of province, units, blocs, people and known awards.

Units keep their ids across renames and mergers; a new name closes the old one on the day before it
takes effect, so history shows the name a unit had on any date. All-or-nothing, with one audit event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import require_role
from thidua_workflow.domain.enums import UNIT_SCOPED_ROLES, NominationStatus, NomineeKind, Role
from thidua_workflow.domain.identity import nominee_key
from thidua_workflow.domain.organisation import (
    AwardRecordIn,
    BlocIn,
    OrganisationIn,
    PersonIn,
    ProvinceIn,
    UnitIn,
)
from thidua_workflow.domain.problems import problems_from
from thidua_workflow.domain.text import search_key
from thidua_workflow.errors import Problem, ValidationFailed
from thidua_workflow.services import accounts, audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context

# A nomination in one of these states is no longer in flight: nothing is handed over.
IN_FLIGHT_ENDED = frozenset(
    {
        NominationStatus.DECIDED,
        NominationStatus.CERTIFIED,
        NominationStatus.WITHDRAWN,
        NominationStatus.REJECTED,
    }
)


@dataclass
class OrgLoadReport:
    province: str
    counts: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"province": self.province, "counts": {k: v for k, v in sorted(self.counts.items()) if v}}


def parse_organisation(data: Any) -> OrganisationIn:
    try:
        return OrganisationIn.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_from(exc, data), "Tệp tổ chức bị từ chối, không lưu gì:") from exc


def load_organisation(
    ctx: Context, data: Any, *, actor_username: str | None = None, source: str | None = None
) -> OrgLoadReport:
    org = parse_organisation(data)
    today = ctx.clock.today()
    with ctx.uow() as uow:
        session = uow.session
        actor = None
        if actor_username is not None:
            actor = load_actor(session, actor_username)
            require_role(actor, Role.OPERATOR)
        _check_references(session, org)
        report = OrgLoadReport(org.province.id)
        handovers = _mergers_to_record(session, org)
        for province in (org.province, *org.other_provinces):  # a merger points at the current province
            _upsert_province(session, province, report)
        uow.flush()
        for unit in _parents_first(org.units):
            _upsert_unit(session, unit, org.province.id, today, report)
            uow.flush()
        for bloc in org.blocs:
            _upsert_bloc(session, bloc, org.province.id, report)
        for person in org.people:
            _upsert_person(session, person, org.province.id, report)
        uow.flush()
        accounts.end_inactive_sessions(session, ctx.clock.now())  # a person made inactive is signed out
        for rec in org.award_records:
            _upsert_record(session, rec, report)
        uow.flush()
        report.counts["grants_ended"] += _settle_grant_ends(session)
        for merger in handovers:
            report.counts["nominations_handed_over"] += _hand_over(session, merger, ctx.clock.now())
        audit.record(
            session,
            at=ctx.clock.now(),
            actor=actor,
            action="org_load",
            entity_type="province",
            entity_id=org.province.id,
            comment=source,
            data=report.to_dict(),
        )
        uow.commit()
    ctx.forget_policy()
    return report


def _parents_first(units: list[UnitIn]) -> list[UnitIn]:
    by_id = {u.id: u for u in units}
    ordered: list[UnitIn] = []
    placed: set[str] = set()

    def place(unit: UnitIn, trail: frozenset[str]) -> None:
        if unit.id in placed or unit.id in trail:
            return
        for ref in (unit.parent, unit.merged_into):
            if ref and ref in by_id:
                place(by_id[ref], trail | {unit.id})
        placed.add(unit.id)
        ordered.append(unit)

    for unit in units:
        place(unit, frozenset())
    return ordered


def _check_references(session: Session, org: OrganisationIn) -> None:
    units = {u.id for u in org.units} | set(session.scalars(select(m.Unit.id)))
    provinces = {p.id for p in (org.province, *org.other_provinces)} | set(
        session.scalars(select(m.Province.id))
    )
    problems: list[Problem] = []

    def need_unit(ref: str | None, where: str) -> None:
        if ref is not None and ref not in units:
            problems.append(Problem(f"đơn vị '{ref}' không có trong tệp hay trong CSDL", field=where))

    for p in (org.province, *org.other_provinces):
        if p.merged_into and p.merged_into not in provinces:
            problems.append(
                Problem(f"tỉnh '{p.merged_into}' không tồn tại", field=f"province {p.id}.merged_into")
            )
    for u in org.units:
        need_unit(u.parent, f"units[{u.id}].parent")
        need_unit(u.merged_into, f"units[{u.id}].merged_into")
        if u.province and u.province not in provinces:
            problems.append(Problem(f"tỉnh '{u.province}' không tồn tại", field=f"units[{u.id}].province"))
        if u.parent == u.id:
            problems.append(
                Problem("đơn vị không thể là cấp trên của chính nó", field=f"units[{u.id}].parent")
            )
    for b in org.blocs:
        members = {ms.unit for ms in b.memberships()}
        for ms in b.memberships():
            need_unit(ms.unit, f"blocs[{b.id}].members")
        for off in b.officers:
            for ref, label in ((off.chair, "chair"), (off.deputy, "deputy")):
                need_unit(ref, f"blocs[{b.id}].officers[{off.year}].{label}")
                if ref is not None and ref not in members:
                    problems.append(
                        Problem(
                            f"'{ref}' không phải thành viên của khối",
                            field=f"blocs[{b.id}].officers[{off.year}].{label}",
                        )
                    )
    for person in org.people:
        need_unit(person.unit, f"people[{person.username}].unit")
        for g in person.role_grants():
            need_unit(g.unit, f"people[{person.username}].roles.{g.role.value}")
    for i, r in enumerate(org.award_records, start=1):
        need_unit(r.nominee.unit, f"award_records[{i}].nominee.unit")
    if problems:
        raise ValidationFailed(problems, "Tệp tổ chức bị từ chối, không lưu gì:")


@dataclass(frozen=True)
class _Merger:
    """A province that the file merges into another, recorded for the first time."""

    province: str
    province_name: str
    into: str
    into_name: str
    on: date
    units: frozenset[str]  # the merged province's units before the load moves any of them


def _mergers_to_record(session: Session, org: OrganisationIn) -> list[_Merger]:
    names = {p.id: p.name for p in (org.province, *org.other_provinces)}
    found = []
    for p in org.other_provinces:
        row = session.get(m.Province, p.id)
        if p.merged_into is None or p.merged_on is None or row is None or row.merged_into_id is not None:
            continue
        units = frozenset(session.scalars(select(m.Unit.id).where(m.Unit.province_id == p.id)))
        into_name = names.get(p.merged_into) or session.get(m.Province, p.merged_into).name  # type: ignore[union-attr]
        found.append(_Merger(p.id, p.name, p.merged_into, into_name, p.merged_on, units))
    return found


def _hand_over(session: Session, merger: _Merger, now: datetime) -> int:
    """Each nomination of the merged province still in flight goes on under the bodies that hold
    authority on the day of each later step (the new province's); the reason is put on its record.
    It keeps the policy period (the law) it was submitted under."""
    open_ones = session.scalars(
        select(m.Nomination)
        .where(
            m.Nomination.submitting_unit_id.in_(merger.units),
            m.Nomination.status.not_in([s.value for s in IN_FLIGHT_ENDED]),
        )
        .order_by(m.Nomination.id)
    ).all()
    for nomination in open_ones:
        audit.record(
            session,
            at=now,
            actor=None,
            action="handover",
            entity_type="nomination",
            entity_id=nomination.id,
            from_state=nomination.status,
            to_state=nomination.status,
            comment=(
                f"Từ ngày {merger.on:%d/%m/%Y} tỉnh {merger.province_name} hợp nhất vào tỉnh {merger.into_name}: "
                f"hồ sơ do các cơ quan của tỉnh {merger.into_name} xử lý tiếp; "
                f"áp dụng quy định của kỳ đã nộp ({nomination.policy_period})."
            ),
            data={
                "from_province": merger.province,
                "to_province": merger.into,
                "on": merger.on.isoformat(),
                "policy_period": nomination.policy_period,
            },
        )
    return len(open_ones)


def _settle_grant_ends(session: Session) -> int:
    """Each grant's last day: its own ``valid_until`` or its body's last day, the earlier.

    The body is the unit the grant is held for (unit-scoped roles: a unit the new province takes over
    keeps its people); a province-wide role is held in the bodies of the province that granted it and
    of the person's unit. A unit ends on the day before it is dissolved or its province merged; a
    province on the day before its merger. The operator's grant runs the installation, not a public
    body: only its own dates end it. Returns how many grants have an end."""
    last_day: dict[str, date] = {}
    provinces = {p.id: p.merged_on for p in session.scalars(select(m.Province))}
    for unit in session.scalars(select(m.Unit)):
        ends = [d for d in (unit.dissolved_on, provinces.get(unit.province_id)) if d is not None]
        if ends:
            last_day[unit.id] = min(ends) - timedelta(days=1)
    units_of: dict[int, str | None] = dict(session.execute(select(m.Person.id, m.Person.unit_id)).all())
    ended = 0
    for grant in session.scalars(select(m.RoleGrant)):
        scoped = Role(grant.role) in UNIT_SCOPED_ROLES
        body = grant.unit_id if scoped else units_of.get(grant.person_id)
        ends = [grant.valid_until] if grant.valid_until else []
        if grant.role != Role.OPERATOR.value:
            if body in last_day:
                ends.append(last_day[body])
            merged = provinces.get(grant.province_id) if grant.province_id and not scoped else None
            if merged is not None:
                ends.append(merged - timedelta(days=1))
        ends_on = min(ends) if ends else None
        if grant.ends_on != ends_on:
            grant.ends_on = ends_on
        ended += ends_on is not None
    return ended


def _upsert_province(session: Session, data: ProvinceIn, report: OrgLoadReport) -> None:
    row = session.get(m.Province, data.id)
    if row is None:
        session.add(
            m.Province(
                id=data.id,
                name=data.name,
                issuing_body=data.issuing_body,
                merged_into_id=data.merged_into,
                merged_on=data.merged_on,
            )
        )
        report.counts["provinces_created"] += 1
        return
    changed = _assign(
        row,
        name=data.name,
        issuing_body=data.issuing_body,
        merged_into_id=data.merged_into,
        merged_on=data.merged_on,
    )
    report.counts["provinces_updated"] += changed


def _upsert_unit(session: Session, data: UnitIn, province: str, today: date, report: OrgLoadReport) -> None:
    row = session.get(m.Unit, data.id)
    fields = {
        "province_id": data.province or province,
        "parent_id": data.parent,
        "kind": data.kind,
        "dissolved_on": data.dissolved_on,
        "merged_into_id": data.merged_into,
    }
    if row is None:
        row = m.Unit(id=data.id, **fields)
        session.add(row)
        report.counts["units_created"] += 1
    else:
        report.counts["units_updated"] += _assign(row, **fields)
    for former in data.former_names:
        # History already known (e.g. loaded from the earlier province's file) is kept as it is.
        if not any(_covers(n, former.valid_until) for n in row.names):
            row.names.append(
                m.UnitName(
                    name=former.name,
                    name_key=search_key(former.name),
                    valid_from=former.valid_from,
                    valid_until=former.valid_until,
                )
            )
            report.counts["unit_names_added"] += 1
    current = next((n for n in row.names if n.valid_until is None), None)
    if current is not None and current.name == data.name:
        return
    since = data.name_since or (today if current is not None else date(1945, 9, 2))
    if current is not None:
        if since <= current.valid_from:
            current.name = data.name
            current.name_key = search_key(data.name)
            report.counts["unit_names_corrected"] += 1
            return
        current.valid_until = since - timedelta(days=1)
        report.counts["units_renamed"] += 1
    row.names.append(m.UnitName(name=data.name, name_key=search_key(data.name), valid_from=since))


def _covers(name: m.UnitName, day: date) -> bool:
    return name.valid_from <= day and (name.valid_until is None or day <= name.valid_until)


def _upsert_bloc(session: Session, data: BlocIn, province: str, report: OrgLoadReport) -> None:
    row = session.get(m.Bloc, data.id)
    criteria = [c.model_dump() for c in data.criteria]
    if row is None:
        session.add(m.Bloc(id=data.id, province_id=province, name=data.name, criteria=criteria))
        report.counts["blocs_created"] += 1
    else:
        report.counts["blocs_updated"] += _assign(
            row, name=data.name, province_id=province, criteria=criteria
        )
    session.flush()
    existing = {
        (ms.unit_id, ms.from_year): ms
        for ms in session.scalars(select(m.BlocMember).where(m.BlocMember.bloc_id == data.id))
    }
    for ms in data.memberships():
        found = existing.get((ms.unit, ms.from_year))
        if found is None:
            session.add(
                m.BlocMember(bloc_id=data.id, unit_id=ms.unit, from_year=ms.from_year, to_year=ms.to_year)
            )
            report.counts["bloc_members_added"] += 1
        elif found.to_year != ms.to_year:
            found.to_year = ms.to_year
            report.counts["bloc_members_updated"] += 1
    officers = {
        o.year: o for o in session.scalars(select(m.BlocOfficers).where(m.BlocOfficers.bloc_id == data.id))
    }
    for off in data.officers:
        found_off = officers.get(off.year)
        if found_off is None:
            session.add(
                m.BlocOfficers(
                    bloc_id=data.id, year=off.year, chair_unit_id=off.chair, deputy_unit_id=off.deputy
                )
            )
            report.counts["bloc_officers_set"] += 1
        else:
            report.counts["bloc_officers_set"] += _assign(
                found_off, chair_unit_id=off.chair, deputy_unit_id=off.deputy
            )


def _upsert_person(session: Session, data: PersonIn, province: str, report: OrgLoadReport) -> None:
    row = session.scalar(select(m.Person).where(m.Person.username == data.username))
    fields = {
        "full_name": data.full_name,
        "name_key": search_key(data.full_name),
        "unit_id": data.unit,
        "position": data.position,
        "email": data.email,
        "active": data.active,
    }
    if row is None:
        row = m.Person(username=data.username, **fields)
        session.add(row)
        report.counts["people_created"] += 1
    else:
        report.counts["people_updated"] += _assign(row, **fields)
    wanted = {
        (g.role.value, g.unit, g.title, g.valid_from or m.BEGINNING, g.valid_until)
        for g in data.role_grants()
    }
    have = {(g.role, g.unit_id, g.title, g.valid_from, g.valid_until): g for g in row.grants}
    for key, grant in have.items():
        if key not in wanted:
            row.grants.remove(grant)
            report.counts["roles_revoked"] += 1
    session.flush()
    for role, unit, title, valid_from, valid_until in sorted(wanted - set(have), key=str):
        row.grants.append(
            m.RoleGrant(
                role=role,
                unit_id=unit,
                title=title,
                valid_from=valid_from,
                valid_until=valid_until,
                province_id=province,
            )
        )
        report.counts["roles_granted"] += 1


def _upsert_record(session: Session, data: AwardRecordIn, report: OrgLoadReport) -> None:
    key = nominee_key(data.nominee.kind, data.nominee.name, data.nominee.unit, data.nominee.address)
    row = session.scalar(
        select(m.AwardRecord).where(
            m.AwardRecord.nominee_key == key,
            m.AwardRecord.title == data.title.value,
            m.AwardRecord.year == data.year,
        )
    )
    fields = {
        "nominee_kind": data.nominee.kind.value,
        "nominee_name": _name_in_year(session, data) or data.nominee.name,
        "unit_id": data.nominee.unit,
        "commendation_type": data.commendation_type.value,
        "decision": data.decision,
    }
    if row is None:
        session.add(
            m.AwardRecord(
                nominee_key=key, title=data.title.value, year=data.year, source="org_file", **fields
            )
        )
        report.counts["award_records_added"] += 1
    else:
        report.counts["award_records_updated"] += _assign(row, **fields)


def _name_in_year(session: Session, data: AwardRecordIn) -> str | None:
    """A unit's own award is recorded under the name the unit bore in the award's year (a 2024 title of
    a unit renamed in 2025 keeps its 2024 name); None when the record names someone else. The record is
    still found under the name the file gives (its key), so later nominations by that name see it."""
    if data.nominee.kind is not NomineeKind.COLLECTIVE or data.nominee.unit is None:
        return None
    names = list(
        session.scalars(
            select(m.UnitName).where(m.UnitName.unit_id == data.nominee.unit).order_by(m.UnitName.valid_from)
        )
    )
    if search_key(data.nominee.name) not in {n.name_key for n in names}:
        return None
    start, end = date(data.year, 1, 1), date(data.year, 12, 31)
    in_year = [n for n in names if n.valid_from <= end and (n.valid_until is None or n.valid_until >= start)]
    return in_year[-1].name if in_year else None


def _assign(row: object, **values: Any) -> int:
    """Set the attributes that differ; 1 when anything changed (the row's version then moves on)."""
    changed = 0
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = 1
    return changed
