"""Registration (đăng ký thi đua): a unit registers, by the movement's deadline, the titles it and its
people aim for; the chair of its bloc collects them; intake refuses a title nobody registered for where
the policy makes registration a condition (rule ``dang_ky_thi_dua``, ``registration_facts`` below).

A unit has one registration per movement. Until the deadline, and while the chair has not collected it,
registering again replaces its lines (the replaced ones stay in the audit event); after that it is fixed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import movements as mv
from thidua_workflow.domain.authz import Actor, holds_any
from thidua_workflow.domain.enums import NomineeKind, Role
from thidua_workflow.domain.rules import Registration as RegistrationFacts
from thidua_workflow.domain.text import search_key
from thidua_workflow.errors import (
    InputRejected,
    NotFound,
    NotPermitted,
    Problem,
    TransitionNotAllowed,
    ValidationFailed,
)
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor, unit_name
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import today_of
from thidua_workflow.services.movements import problems_of
from thidua_workflow.services.visibility import bloc_units_of, province_wide
from thidua_workflow.services.workflow import bloc_name, bloc_of, chair_unit


def parse_registration(data: dict[str, Any]) -> mv.RegistrationIn:
    try:
        return mv.RegistrationIn.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            problems_of(exc, data, "lines"), "Bản đăng ký bị từ chối, không lưu gì:"
        ) from exc


def _movement(session: Session, ref: int | str) -> m.Movement:
    found = (
        session.get(m.Movement, ref)
        if isinstance(ref, int)
        else session.scalar(select(m.Movement).where(m.Movement.code == ref))
    )
    if found is None:
        raise NotFound("phong trào thi đua", ref)
    return found


def register(
    ctx: Context,
    username: str,
    data: dict[str, Any],
    *,
    source_name: str | None = None,
    source_sha256: str | None = None,
) -> int:
    """Record (or, before the deadline and the chair's collection, replace) a unit's registration."""
    entry = parse_registration(data)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        movement = _movement(session, entry.movement)
        today = today_of(session)
        if not (holds_any(actor, (Role.UNIT_CLERK, Role.UNIT_HEAD), entry.unit)):
            raise NotPermitted(
                f"Đăng ký thi đua của {unit_name(session, entry.unit)} do cán bộ thi đua hoặc thủ trưởng "
                f"đơn vị đó thực hiện; {actor.label} không có vai trò đó."
            )
        if movement.registration_deadline is None:
            raise InputRejected(f"Phong trào '{movement.name}' không nhận đăng ký thi đua.")
        if today > movement.registration_deadline:
            raise ValidationFailed(
                [
                    Problem(
                        f"đã quá hạn đăng ký ({movement.registration_deadline:%d/%m/%Y}) của phong trào "
                        f"'{movement.name}'",
                        field="movement",
                        rule="han_dang_ky",
                    )
                ],
                "Bản đăng ký bị từ chối, không lưu gì:",
            )
        covered = session.scalar(
            select(m.MovementUnit.id).where(
                m.MovementUnit.movement_id == movement.id, m.MovementUnit.unit_id == entry.unit
            )
        )
        if covered is None:
            raise ValidationFailed(
                [Problem(f"{unit_name(session, entry.unit)} không thuộc phạm vi phong trào", field="unit")],
                "Bản đăng ký bị từ chối, không lưu gì:",
            )
        year = movement.ends_on.year
        period = ctx.policy.period_for(date(year, 12, 31))
        problems: list[Problem] = []
        seen: set[tuple[str, str, str]] = set()
        for i, line in enumerate(entry.lines, start=1):
            form = period.award_forms.get(line.award_form)
            if form is None:
                problems.append(
                    Problem(
                        f"hình thức '{line.award_form}' không có trong quy định {period.title}",
                        field="award_form",
                        entry=i,
                        nominee=line.name,
                    )
                )
            elif line.kind not in form.nominee_kinds:
                problems.append(
                    Problem(
                        f"'{form.name}' không dành cho {line.kind.label.lower()}",
                        field="kind",
                        entry=i,
                        nominee=line.name,
                        article=form.article,
                    )
                )
            key = (line.kind.value, search_key(line.name), line.award_form)
            if key in seen:
                problems.append(Problem("đăng ký trùng", field="name", entry=i, nominee=line.name))
            seen.add(key)
        if problems:
            raise ValidationFailed(problems, "Bản đăng ký bị từ chối, không lưu gì:")
        row = session.scalar(
            select(m.Registration).where(
                m.Registration.movement_id == movement.id, m.Registration.unit_id == entry.unit
            )
        )
        replaced: list[dict[str, str]] = []
        if row is not None:
            if row.status != mv.RegistrationStatus.SUBMITTED.value:
                raise TransitionNotAllowed(
                    f"Bản đăng ký của {unit_name(session, entry.unit)} đã được trưởng khối tổng hợp; không sửa được."
                )
            replaced = [
                {"kind": ln.nominee_kind, "name": ln.nominee_name, "award_form": ln.award_form}
                for ln in row.lines
            ]
            row.lines.clear()
            row.submitted_by_id = actor.person_id
            row.submitted_at = now
            row.source_name = source_name
            row.source_sha256 = source_sha256
        else:
            row = m.Registration(
                movement_id=movement.id,
                unit_id=entry.unit,
                year=year,
                bloc_id=bloc_of(session, entry.unit, year),
                status=mv.RegistrationStatus.SUBMITTED.value,
                submitted_by_id=actor.person_id,
                submitted_at=now,
                source_name=source_name,
                source_sha256=source_sha256,
            )
            session.add(row)
        for line in entry.lines:
            row.lines.append(
                m.RegistrationLine(
                    nominee_kind=line.kind.value,
                    nominee_name=line.name,
                    name_key=search_key(line.name),
                    position=line.position,
                    award_form=line.award_form,
                )
            )
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="registration_replace" if replaced else "registration_submit",
            entity_type="registration",
            entity_id=row.id,
            to_state=mv.RegistrationStatus.SUBMITTED.value,
            data={
                "movement": movement.code,
                "unit": entry.unit,
                "lines": [
                    {"kind": ln.kind.value, "name": ln.name, "award_form": ln.award_form}
                    for ln in entry.lines
                ],
                "replaced": replaced,
                "source_sha256": source_sha256,
            },
        )
        uow.commit()
        return row.id


def collect(ctx: Context, username: str, movement_ref: int | str, bloc_id: str) -> dict[str, Any]:
    """The chair of the bloc (for the movement's year) collects its members' registrations: they are
    fixed from now on. Returns what was collected and which member units did not register."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        movement = _movement(session, movement_ref)
        year = movement.ends_on.year
        if session.get(m.Bloc, bloc_id) is None:
            raise NotFound("khối thi đua", bloc_id)
        chair = chair_unit(session, bloc_id, year)
        if chair is None or not actor.has(Role.BLOC_REPRESENTATIVE, chair):
            raise NotPermitted(
                f"Tổng hợp đăng ký của {bloc_name(session, bloc_id)} năm {year} do đại diện đơn vị trưởng khối "
                f"({unit_name(session, chair) if chair else 'chưa có trưởng khối'}) thực hiện."
            )
        members = bloc_units_of(session, bloc_id, year)
        rows = session.scalars(
            select(m.Registration)
            .where(
                m.Registration.movement_id == movement.id,
                m.Registration.unit_id.in_(members),
                m.Registration.status == mv.RegistrationStatus.SUBMITTED.value,
            )
            .order_by(m.Registration.unit_id)
        ).all()
        if not rows:
            raise InputRejected(
                f"Chưa có bản đăng ký nào của thành viên {bloc_name(session, bloc_id)} đang chờ tổng hợp."
            )
        for row in rows:
            row.status = mv.RegistrationStatus.COLLECTED.value
            row.collected_by_id = actor.person_id
            row.collected_at = now
        registered = set(
            session.scalars(
                select(m.Registration.unit_id).where(
                    m.Registration.movement_id == movement.id, m.Registration.unit_id.in_(members)
                )
            )
        )
        missing = sorted(members - registered)
        result = {"collected": [r.unit_id for r in rows], "missing": missing}
        audit.record(
            session,
            at=now,
            actor=actor,
            action="registration_collect",
            entity_type="movement",
            entity_id=movement.id,
            from_state=mv.RegistrationStatus.SUBMITTED.value,
            to_state=mv.RegistrationStatus.COLLECTED.value,
            data={"bloc": bloc_id, **result},
        )
        uow.commit()
        return result


def may_see(actor: Actor, unit_id: str, bloc_units: set[str]) -> bool:
    """The unit's own people, the province bodies, and its bloc's members see a registration."""
    own = (
        actor.units_for(Role.UNIT_CLERK)
        | actor.units_for(Role.UNIT_HEAD)
        | actor.units_for(Role.BLOC_REPRESENTATIVE)
    )
    return province_wide(actor) or unit_id in own or bool(own & bloc_units)


def list_registrations(
    ctx: Context, movement_ref: int | str, *, viewer: Actor | None = None
) -> list[dict[str, Any]]:
    """The movement's registrations with their lines; with ``viewer``, those that person may see."""
    with ctx.reader() as uow:
        session = uow.session
        movement = _movement(session, movement_ref)
        rows = session.scalars(
            select(m.Registration)
            .where(m.Registration.movement_id == movement.id)
            .order_by(m.Registration.unit_id)
        ).all()
        found = []
        for row in rows:
            if viewer is not None:
                bloc_units = bloc_units_of(session, row.bloc_id, row.year) if row.bloc_id else set()
                if not may_see(viewer, row.unit_id, bloc_units):
                    continue
            found.append(
                {
                    "id": row.id,
                    "unit": row.unit_id,
                    "unit_name": unit_name(session, row.unit_id),
                    "bloc": row.bloc_id,
                    "year": row.year,
                    "status": row.status,
                    "status_label": mv.RegistrationStatus(row.status).label,
                    "submitted_at": row.submitted_at,
                    "collected_at": row.collected_at,
                    "source_name": row.source_name,
                    "lines": [
                        {
                            "kind": ln.nominee_kind,
                            "kind_label": NomineeKind(ln.nominee_kind).label,
                            "name": ln.nominee_name,
                            "position": ln.position,
                            "award_form": ln.award_form,
                        }
                        for ln in row.lines
                    ],
                }
            )
        return found


def registration_facts(
    session: Session, unit_id: str | None, year: int, award_form: str, kind: NomineeKind, name: str
) -> RegistrationFacts | None:
    """What the rule ``dang_ky_thi_dua`` reads: the movements of ``year`` that cover the submitting unit
    and take registrations, and the one whose registration names this nominee for this award form."""
    if unit_id is None:
        return None
    movements = session.execute(
        select(m.Movement.id, m.Movement.name)
        .join(m.MovementUnit, m.MovementUnit.movement_id == m.Movement.id)
        .where(
            m.MovementUnit.unit_id == unit_id,
            m.Movement.registration_deadline.is_not(None),
            m.Movement.starts_on <= date(year, 12, 31),
            m.Movement.ends_on >= date(year, 1, 1),
        )
        .order_by(m.Movement.id)
    ).all()
    if not movements:
        return None
    registered_in = session.scalar(
        select(m.Movement.name)
        .join(m.Registration, m.Registration.movement_id == m.Movement.id)
        .join(m.RegistrationLine, m.RegistrationLine.registration_id == m.Registration.id)
        .where(
            m.Registration.unit_id == unit_id,
            m.Registration.year == year,
            m.RegistrationLine.award_form == award_form,
            m.RegistrationLine.nominee_kind == kind.value,
            m.RegistrationLine.name_key == search_key(name),
        )
        .limit(1)
    )
    return RegistrationFacts(tuple(n for _i, n in movements), registered_in)
