"""A bloc's yearly pledge (giao ước thi đua): the chair draws up the year's score sheet (criteria and
their weights: the most points each gives), every member unit signs it with its signed copy attached,
and once all have signed, the bloc's rounds of that year score on it (``workflow._create_round`` reads
the signed pledge); until then, and for years without a pledge, on the bloc's standing criteria.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain import movements as mv
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import (
    Conflict,
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
from thidua_workflow.services.evidence import stored
from thidua_workflow.services.movements import NewDocument, check_document, problems_of
from thidua_workflow.services.visibility import bloc_units_of
from thidua_workflow.services.workflow import bloc_name, chair_unit


def parse_pledge(data: dict[str, Any]) -> mv.PledgeIn:
    try:
        return mv.PledgeIn.model_validate(data)
    except ValidationError as exc:
        # A line's field keeps its list in the path ("criteria.code"): labelled "Mã tiêu chí", not "code".
        problems = [
            replace(p, field=f"criteria.{p.field}") if p.entry is not None and p.field else p
            for p in problems_of(exc, data, "criteria")
        ]
        raise ValidationFailed(problems, "Bản giao ước bị từ chối, không lưu gì:") from exc


def _pledge(session: Session, pledge_id: int) -> m.Pledge:
    found = session.get(m.Pledge, pledge_id)
    if found is None:
        raise NotFound("bản giao ước thi đua", pledge_id)
    return found


def draw_up(ctx: Context, username: str, data: dict[str, Any]) -> int:
    """The chair of the bloc for the year records the pledge's score sheet; the members then sign."""
    pledge = parse_pledge(data)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        bloc = session.get(m.Bloc, pledge.bloc)
        if bloc is None:
            raise ValidationFailed([Problem(f"không có khối thi đua '{pledge.bloc}'", field="bloc")])
        chair = chair_unit(session, bloc.id, pledge.year)
        if chair is None or not actor.has(Role.BLOC_REPRESENTATIVE, chair):
            raise NotPermitted(
                f"Giao ước thi đua năm {pledge.year} của {bloc.name} do đại diện đơn vị trưởng khối "
                f"({unit_name(session, chair) if chair else 'chưa có trưởng khối'}) lập."
            )
        exists = session.scalar(
            select(m.Pledge.id).where(m.Pledge.bloc_id == bloc.id, m.Pledge.year == pledge.year)
        )
        if exists is not None:
            raise Conflict(f"{bloc.name} đã có bản giao ước năm {pledge.year} (số {exists}).")
        members = sorted(bloc_units_of(session, bloc.id, pledge.year))
        if not members:
            raise InputRejected(f"{bloc.name} không có thành viên năm {pledge.year}.")
        row = m.Pledge(
            bloc_id=bloc.id,
            year=pledge.year,
            title=pledge.title or f"Giao ước thi đua năm {pledge.year} của {bloc.name}",
            criteria=[c.model_dump() for c in pledge.criteria],
            members=members,
            status=mv.PledgeStatus.SIGNING.value,
            created_by_id=actor.person_id,
            created_at=now,
            signed_at=None,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="pledge_draw_up",
            entity_type="pledge",
            entity_id=row.id,
            to_state=row.status,
            data={"bloc": bloc.id, "year": pledge.year, "criteria": row.criteria, "members": members},
        )
        uow.commit()
        return row.id


def _signing_unit(actor_units: set[str], members: list[str], unit: str | None) -> str:
    mine = actor_units & set(members)
    if unit is not None:
        if unit not in mine:
            raise NotPermitted(f"Chỉ đại diện của đơn vị '{unit}' ký giao ước thay đơn vị đó.")
        return unit
    if not mine:
        raise NotPermitted("Người này không đại diện đơn vị thành viên nào của bản giao ước.")
    if len(mine) > 1:
        raise InputRejected(f"Người này đại diện nhiều đơn vị ({', '.join(sorted(mine))}): chọn đơn vị ký.")
    return next(iter(mine))


def sign(
    ctx: Context, username: str, pledge_id: int, document: NewDocument, *, unit: str | None = None
) -> dict[str, Any]:
    """A member unit signs, attaching its signed copy; the last signature puts the pledge in force."""
    now = ctx.clock.now()
    evidence, problem = check_document(document, ctx.settings.max_evidence_bytes, "file")
    if problem or evidence is None:
        raise ValidationFailed([problem] if problem else [], "Bản ký bị từ chối, không lưu gì:")
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        row = _pledge(session, pledge_id)
        if row.status != mv.PledgeStatus.SIGNING.value:
            raise TransitionNotAllowed(f"Bản giao ước số {pledge_id} đã được các đơn vị ký đủ.")
        units = actor.units_for(Role.BLOC_REPRESENTATIVE) | actor.units_for(Role.UNIT_HEAD)
        signer = _signing_unit(units, list(row.members), unit)
        done = set(
            session.scalars(select(m.PledgeSignature.unit_id).where(m.PledgeSignature.pledge_id == row.id))
        )
        if signer in done:
            raise Conflict(f"{unit_name(session, signer)} đã ký bản giao ước số {pledge_id}.")
        with stored(ctx.store, session, [evidence]):
            session.add(
                m.PledgeSignature(
                    pledge_id=row.id,
                    unit_id=signer,
                    signed_by_id=actor.person_id,
                    signed_at=now,
                    file_name=document.file_name,
                    sha256=evidence.sha256,
                    size=len(evidence.data),
                    media_type=evidence.media_type,
                )
            )
            remaining = sorted(set(row.members) - done - {signer})
            before = row.status
            if not remaining:
                row.status = mv.PledgeStatus.SIGNED.value
                row.signed_at = now
            audit.record(
                session,
                at=now,
                actor=actor,
                action="pledge_sign",
                entity_type="pledge",
                entity_id=row.id,
                from_state=before,
                to_state=row.status,
                data={"unit": signer, "sha256": evidence.sha256, "remaining": remaining},
            )
            uow.commit()
        return {"unit": signer, "remaining": remaining, "status": row.status}


def _view(session: Session, row: m.Pledge) -> dict[str, Any]:
    signatures = {
        s.unit_id: s
        for s in session.scalars(select(m.PledgeSignature).where(m.PledgeSignature.pledge_id == row.id))
    }
    return {
        "id": row.id,
        "bloc": row.bloc_id,
        "bloc_name": bloc_name(session, row.bloc_id),
        "year": row.year,
        "title": row.title,
        "criteria": list(row.criteria),
        "total": sum(int(c["max"]) for c in row.criteria),
        "status": row.status,
        "status_label": mv.PledgeStatus(row.status).label,
        "signed_at": row.signed_at,
        "members": [
            {
                "unit": u,
                "name": unit_name(session, u),
                "signed_at": signatures[u].signed_at if u in signatures else None,
                "file_name": signatures[u].file_name if u in signatures else None,
                "sha256": signatures[u].sha256 if u in signatures else None,
            }
            for u in row.members
        ],
    }


def show_pledge(ctx: Context, pledge_id: int) -> dict[str, Any]:
    with ctx.reader() as uow:
        return _view(uow.session, _pledge(uow.session, pledge_id))


def list_pledges(ctx: Context, bloc_id: str | None = None) -> list[dict[str, Any]]:
    with ctx.reader() as uow:
        query = select(m.Pledge).order_by(m.Pledge.year.desc(), m.Pledge.bloc_id)
        if bloc_id:
            query = query.where(m.Pledge.bloc_id == bloc_id)
        return [_view(uow.session, row) for row in uow.session.scalars(query)]


def find_pledge(ctx: Context, bloc_id: str, year: int) -> int:
    with ctx.reader() as uow:
        found = uow.session.scalar(
            select(m.Pledge.id).where(m.Pledge.bloc_id == bloc_id, m.Pledge.year == year)
        )
    if found is None:
        raise NotFound("bản giao ước thi đua của khối cho năm", f"{bloc_id} {year}")
    return found


def signed_copy(ctx: Context, pledge_id: int, sha256: str) -> tuple[str, str, bytes]:
    with ctx.reader() as uow:
        found = uow.session.scalar(
            select(m.PledgeSignature).where(
                m.PledgeSignature.pledge_id == pledge_id, m.PledgeSignature.sha256 == sha256
            )
        )
        if found is None:
            raise NotFound("bản ký giao ước", sha256[:12])
        return found.file_name, found.media_type, ctx.store.read(found.sha256)
