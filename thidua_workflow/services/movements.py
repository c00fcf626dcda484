"""Emulation movements (phong trào thi đua): launched, documented, reviewed by bloc rounds, reported.

Who launches: the province's Ban Thi đua – Khen thưởng (an appraiser) for a movement of the province;
the unit's clerk or head for one of its unit (a department, an association); the representative of the
bloc's chair unit of the movement's year for a bloc's movement. Every change is one transaction with its
audit event; bad input is refused whole, naming the field, and writes nothing.

``movement_form_rows`` is form 0601's data (TT 02/2023/TT-BNV): a pure read of the recorded attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import sha256_hex, sniff_media_type
from thidua_workflow.domain import movements as mv
from thidua_workflow.domain.authz import Actor, holds, holds_any
from thidua_workflow.domain.enums import DecisionStatus, Role
from thidua_workflow.domain.problems import problems_from
from thidua_workflow.errors import Conflict, InputRejected, NotFound, NotPermitted, Problem, ValidationFailed
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor, unit_name
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import blocs_existing, today_of
from thidua_workflow.services.evidence import Evidence, EvidenceSource, stored
from thidua_workflow.services.visibility import bloc_units_of
from thidua_workflow.services.workflow import bloc_name, chair_unit


def problems_of(exc: ValidationError, data: Any = None, list_field: str | None = None) -> list[Problem]:
    """Pydantic's complaints, in Vietnamese, each naming its field (``domain.problems``)."""
    return problems_from(exc, data, list_field)


def parse_movement(data: dict[str, Any]) -> mv.MovementIn:
    try:
        return mv.MovementIn.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(problems_of(exc, data), "Phong trào bị từ chối, không lưu gì:") from exc


def _movement(session: Session, ref: int | str) -> m.Movement:
    found = (
        session.get(m.Movement, ref)
        if isinstance(ref, int)
        else session.scalar(select(m.Movement).where(m.Movement.code == ref))
    )
    if found is None:
        raise NotFound("phong trào thi đua", ref)
    return found


def require_launcher(
    session: Session, actor: Actor, kind: mv.LauncherKind, launcher: str | None, year: int
) -> None:
    """Raise NotPermitted unless ``actor`` speaks for the body that launches (or launched) the movement."""
    if kind is mv.LauncherKind.PROVINCE:
        if holds(actor, Role.APPRAISER):
            return
        raise NotPermitted(
            f"Phong trào của tỉnh do Ban Thi đua – Khen thưởng (chuyên viên thẩm định) ghi nhận; {actor.label} không có vai trò đó."
        )
    if kind is mv.LauncherKind.UNIT:
        if holds_any(actor, (Role.UNIT_CLERK, Role.UNIT_HEAD), launcher):
            return
        raise NotPermitted(
            f"Phong trào của {unit_name(session, launcher)} do cán bộ thi đua hoặc thủ trưởng đơn vị đó ghi nhận; "
            f"{actor.label} không có vai trò đó."
        )
    assert launcher is not None
    chair = chair_unit(session, launcher, year)
    if chair is not None and actor.has(Role.BLOC_REPRESENTATIVE, chair):
        return
    raise NotPermitted(
        f"Phong trào của {bloc_name(session, launcher)} năm {year} do đại diện đơn vị trưởng khối "
        f"({unit_name(session, chair) if chair else 'chưa có trưởng khối'}) ghi nhận."
    )


@dataclass(frozen=True)
class NewDocument:
    """A movement document's bytes and what the form or file says of it."""

    kind: mv.MovementDocumentKind
    file_name: str
    data: bytes
    title: str | None = None
    number: str | None = None
    dated: date | None = None


def check_document(doc: NewDocument, limit: int, field: str) -> tuple[Evidence | None, Problem | None]:
    from thidua_workflow.domain.schemas import DocumentIn

    if not doc.data:
        return None, Problem(f"tệp '{doc.file_name}' rỗng", field=field, rule="tep_minh_chung")
    if len(doc.data) > limit:
        return None, Problem(
            f"tệp '{doc.file_name}' {len(doc.data):,} byte, vượt giới hạn {limit:,} byte",
            field=field,
            rule="tep_minh_chung",
        )
    media_type = sniff_media_type(doc.data[:16])
    if media_type is None:
        return None, Problem(
            f"tệp '{doc.file_name}' không phải PDF hay ảnh (PNG, JPEG, TIFF, WEBP) theo nội dung",
            field=field,
            rule="tep_minh_chung",
        )
    spec = DocumentIn.model_validate({"kind": "khac", "file": doc.file_name})
    return Evidence(spec, doc.data, sha256_hex(doc.data), media_type), None


def launch(
    ctx: Context,
    username: str,
    data: dict[str, Any],
    documents: list[NewDocument] | None = None,
    source: EvidenceSource | None = None,
) -> int:
    """Record a launched movement with the units it covers and its documents; returns its id.

    The documents are given read (``documents``: the web form) or named in ``data['documents']`` and
    read from ``source`` (the folder of the CLI's YAML file)."""
    movement = parse_movement(data)
    documents = list(documents or [])
    unreadable: list[Problem] = []
    for i, spec in enumerate(movement.documents):
        if source is None:
            unreadable.append(Problem("tệp không được gửi kèm", field=f"documents.{i}.file"))
            continue
        try:
            raw = source.read(spec.file)
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            unreadable.append(Problem(f"không đọc được tệp '{spec.file}'", field=f"documents.{i}.file"))
            continue
        name = spec.file.rsplit("/", 1)[-1]
        documents.append(NewDocument(spec.kind, name, raw, spec.title, spec.number, spec.dated))
    if unreadable:
        raise ValidationFailed(unreadable, "Phong trào bị từ chối, không lưu gì:")
    now = ctx.clock.now()
    limit = ctx.settings.max_evidence_bytes
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        problems: list[Problem] = []
        if movement.launcher_kind is mv.LauncherKind.UNIT and session.get(m.Unit, movement.launcher) is None:
            problems.append(Problem(f"không có đơn vị '{movement.launcher}'", field="launcher"))
        if movement.launcher_kind is mv.LauncherKind.BLOC and session.get(m.Bloc, movement.launcher) is None:
            problems.append(Problem(f"không có khối thi đua '{movement.launcher}'", field="launcher"))
        if session.scalar(select(m.Movement.id).where(m.Movement.code == movement.code)) is not None:
            problems.append(Problem(f"đã có phong trào mã '{movement.code}'", field="code"))
        covered: set[str] = set()
        for i, unit in enumerate(movement.units):
            if session.get(m.Unit, unit) is None:
                problems.append(Problem(f"không có đơn vị '{unit}'", field=f"units.{i}"))
            covered.add(unit)
        for i, bloc in enumerate(movement.blocs):
            if session.get(m.Bloc, bloc) is None:
                problems.append(Problem(f"không có khối thi đua '{bloc}'", field=f"blocs.{i}"))
            else:
                covered |= bloc_units_of(session, bloc, movement.starts_on.year)
        if movement.launcher_kind is mv.LauncherKind.BLOC and not movement.blocs and movement.launcher:
            covered |= bloc_units_of(session, movement.launcher, movement.starts_on.year)
        if not covered:
            problems.append(Problem("phong trào cần ít nhất một đơn vị tham gia", field="units"))
        checked: list[tuple[NewDocument, Evidence]] = []
        for i, doc in enumerate(documents):
            evidence, problem = check_document(doc, limit, f"documents.{i}")
            if problem:
                problems.append(problem)
            elif evidence:
                checked.append((doc, evidence))
        if problems:
            raise ValidationFailed(problems, "Phong trào bị từ chối, không lưu gì:")
        require_launcher(session, actor, movement.launcher_kind, movement.launcher, movement.starts_on.year)
        province = _province_of(session, movement)
        duration = mv.duration_class(movement.starts_on, movement.ends_on)
        row = m.Movement(
            code=movement.code,
            name=movement.name,
            province_id=province,
            launcher_kind=movement.launcher_kind.value,
            launcher_unit_id=movement.launcher if movement.launcher_kind is mv.LauncherKind.UNIT else None,
            launcher_bloc_id=movement.launcher if movement.launcher_kind is mv.LauncherKind.BLOC else None,
            launcher_level=movement.level.value,
            scope=movement.scope.value,
            method=movement.method.value,
            duration_class=duration.value,
            launched_on=movement.launched_on,
            starts_on=movement.starts_on,
            ends_on=movement.ends_on,
            registration_deadline=movement.registration_deadline,
            goals=movement.goals,
            criteria=movement.criteria,
            created_by_id=actor.person_id,
            created_at=now,
        )
        session.add(row)
        session.flush()
        for unit in sorted(covered):
            session.add(m.MovementUnit(movement_id=row.id, unit_id=unit))
        with stored(ctx.store, session, [e for _d, e in checked]):
            for doc, evidence in checked:
                _add_document(session, row.id, doc, evidence, actor, now)
            audit.record(
                session,
                at=now,
                actor=actor,
                action="movement_launch",
                entity_type="movement",
                entity_id=row.id,
                to_state="launched",
                data={
                    "code": row.code,
                    "scope": row.scope,
                    "method": row.method,
                    "level": row.launcher_level,
                    "duration": row.duration_class,
                    "units": sorted(covered),
                    "documents": [e.sha256 for _d, e in checked],
                },
            )
            uow.commit()
        return row.id


def _province_of(session: Session, movement: mv.MovementIn) -> str:
    if movement.launcher_kind is mv.LauncherKind.UNIT and movement.launcher:
        unit = session.get(m.Unit, movement.launcher)
        if unit is not None:
            return unit.province_id
    if movement.launcher_kind is mv.LauncherKind.BLOC and movement.launcher:
        bloc = session.get(m.Bloc, movement.launcher)
        if bloc is not None:
            return bloc.province_id
    found = session.scalar(
        select(m.Province.id).where(m.Province.merged_into_id.is_(None)).order_by(m.Province.id)
    )
    if found is None:
        raise InputRejected("Chưa nạp tổ chức của tỉnh: chạy 'thidua org load' trước.")
    return found


def _add_document(
    session: Session, movement_id: int, doc: NewDocument, evidence: Evidence, actor: Actor, now: Any
) -> m.MovementDocument:
    row = m.MovementDocument(
        movement_id=movement_id,
        kind=doc.kind.value,
        title=doc.title,
        number=doc.number,
        dated=doc.dated,
        file_name=doc.file_name,
        sha256=evidence.sha256,
        size=len(evidence.data),
        media_type=evidence.media_type,
        added_by_id=actor.person_id,
        added_at=now,
    )
    session.add(row)
    return row


def attach_document(ctx: Context, username: str, movement_ref: int | str, doc: NewDocument) -> str:
    """Add a document (plan, launch decision, …) to a movement; returns its SHA-256."""
    now = ctx.clock.now()
    evidence, problem = check_document(doc, ctx.settings.max_evidence_bytes, "file")
    if problem or evidence is None:
        raise ValidationFailed([problem] if problem else [], "Tệp bị từ chối, không lưu gì:")
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        row = _movement(session, movement_ref)
        require_launcher(
            session,
            actor,
            mv.LauncherKind(row.launcher_kind),
            row.launcher_unit_id or row.launcher_bloc_id,
            row.starts_on.year,
        )
        duplicate = session.scalar(
            select(m.MovementDocument.id).where(
                m.MovementDocument.movement_id == row.id, m.MovementDocument.sha256 == evidence.sha256
            )
        )
        if duplicate is not None:
            raise Conflict(f"Tệp '{doc.file_name}' đã có trong hồ sơ phong trào (cùng nội dung).")
        with stored(ctx.store, session, [evidence]):
            _add_document(session, row.id, doc, evidence, actor, now)
            audit.record(
                session,
                at=now,
                actor=actor,
                action="movement_document",
                entity_type="movement",
                entity_id=row.id,
                data={"kind": doc.kind.value, "file": doc.file_name, "sha256": evidence.sha256},
            )
            uow.commit()
        return evidence.sha256


def link_review(
    ctx: Context, username: str, movement_ref: int | str, round_id: int, stage: mv.ReviewStage
) -> None:
    """Record that a bloc round is the movement's sơ kết or tổng kết (by its launcher or the bloc's chair)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        row = _movement(session, movement_ref)
        bloc_round = session.get(m.BlocRound, round_id)
        if bloc_round is None:
            raise NotFound("vòng bình xét", round_id)
        if not row.starts_on.year <= bloc_round.period_year <= row.ends_on.year:
            raise ValidationFailed(
                [
                    Problem(
                        f"vòng bình xét kỳ {bloc_round.period_label} nằm ngoài thời gian của phong trào "
                        f"({row.starts_on:%d/%m/%Y}–{row.ends_on:%d/%m/%Y})",
                        field="round",
                    )
                ]
            )
        chair = chair_unit(session, bloc_round.bloc_id, bloc_round.period_year)
        if not (chair and actor.has(Role.BLOC_REPRESENTATIVE, chair)):
            require_launcher(
                session,
                actor,
                mv.LauncherKind(row.launcher_kind),
                row.launcher_unit_id or row.launcher_bloc_id,
                row.starts_on.year,
            )
        exists = session.scalar(
            select(m.MovementReview.id).where(
                m.MovementReview.movement_id == row.id, m.MovementReview.round_id == round_id
            )
        )
        if exists is not None:
            raise Conflict(f"Vòng bình xét số {round_id} đã gắn với phong trào này.")
        session.add(m.MovementReview(movement_id=row.id, round_id=round_id, stage=stage.value))
        audit.record(
            session,
            at=now,
            actor=actor,
            action="movement_review",
            entity_type="movement",
            entity_id=row.id,
            data={"round": round_id, "stage": stage.value},
        )
        uow.commit()


def _view(session: Session, row: m.Movement) -> dict[str, Any]:
    province = session.get(m.Province, row.province_id)
    if row.launcher_unit_id:
        launcher = unit_name(session, row.launcher_unit_id)
    elif row.launcher_bloc_id:
        launcher = bloc_name(session, row.launcher_bloc_id)
    else:
        launcher = province.issuing_body if province else row.province_id
    return {
        "id": row.id,
        "code": row.code,
        "name": row.name,
        "province_id": row.province_id,
        "province_name": province.name if province else row.province_id,
        "launcher_kind": row.launcher_kind,
        "launcher": launcher,
        "launcher_id": row.launcher_unit_id or row.launcher_bloc_id,
        "level": row.launcher_level,
        "level_label": mv.LauncherLevel(row.launcher_level).label,
        "scope": row.scope,
        "scope_label": mv.MovementScope(row.scope).label,
        "method": row.method,
        "method_label": mv.MovementMethod(row.method).label,
        "duration": row.duration_class,
        "duration_label": mv.DurationClass(row.duration_class).label,
        "launched_on": row.launched_on,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "registration_deadline": row.registration_deadline,
        "goals": row.goals or "",
        "criteria": row.criteria or "",
    }


def bloc_choices(ctx: Context) -> dict[str, str]:
    """The blocs that exist today, by id, for the forms that name one."""
    with ctx.reader() as uow:
        today = today_of(uow.session)
        return dict(
            uow.session.execute(
                select(m.Bloc.id, m.Bloc.name).where(blocs_existing(today)).order_by(m.Bloc.name)
            ).all()
        )


def list_movements(ctx: Context, year: int | None = None) -> list[dict[str, Any]]:
    """Every movement (or those running in ``year``), newest launch first."""
    with ctx.reader() as uow:
        query = select(m.Movement).order_by(m.Movement.launched_on.desc(), m.Movement.id.desc())
        if year is not None:
            query = query.where(
                m.Movement.starts_on <= date(year, 12, 31), m.Movement.ends_on >= date(year, 1, 1)
            )
        return [_view(uow.session, row) for row in uow.session.scalars(query)]


def show_movement(ctx: Context, ref: int | str) -> dict[str, Any]:
    """A movement with its units, documents, review rounds and registrations."""
    with ctx.reader() as uow:
        session = uow.session
        row = _movement(session, ref)
        view = _view(session, row)
        view["units"] = [
            {"id": u, "name": unit_name(session, u)}
            for u in session.scalars(
                select(m.MovementUnit.unit_id)
                .where(m.MovementUnit.movement_id == row.id)
                .order_by(m.MovementUnit.unit_id)
            )
        ]
        view["documents"] = [
            {
                "id": d.id,
                "kind": d.kind,
                "kind_label": mv.MovementDocumentKind(d.kind).label,
                "title": d.title,
                "number": d.number,
                "dated": d.dated,
                "file_name": d.file_name,
                "sha256": d.sha256,
                "size": d.size,
            }
            for d in session.scalars(
                select(m.MovementDocument)
                .where(m.MovementDocument.movement_id == row.id)
                .order_by(m.MovementDocument.id)
            )
        ]
        view["reviews"] = [
            {
                "round": r.id,
                "stage": review.stage,
                "stage_label": mv.ReviewStage(review.stage).label,
                "bloc": bloc_name(session, r.bloc_id),
                "period": r.period_label,
                "status": r.status,
            }
            for review, r in session.execute(
                select(m.MovementReview, m.BlocRound)
                .join(m.BlocRound, m.BlocRound.id == m.MovementReview.round_id)
                .where(m.MovementReview.movement_id == row.id)
                .order_by(m.BlocRound.id)
            )
        ]
        return view


def document_file(ctx: Context, movement_ref: int | str, sha256: str) -> tuple[str, str, bytes]:
    """A movement document's name, media type and bytes (public: movements are announced publicly)."""
    with ctx.reader() as uow:
        row = _movement(uow.session, movement_ref)
        doc = uow.session.scalar(
            select(m.MovementDocument).where(
                m.MovementDocument.movement_id == row.id, m.MovementDocument.sha256 == sha256
            )
        )
        if doc is None:
            raise NotFound("tài liệu của phong trào", sha256[:12])
        return doc.file_name, doc.media_type, ctx.store.read(doc.sha256)


# --- results (the public look-up) -----------------------------------------------------------------


def movement_results(ctx: Context, ref: int | str) -> list[dict[str, Any]]:
    """The awardees of issued decisions that came out of the movement: nominations reviewed in one of
    its rounds, or filed under its name (the nomination's 'phong trào'). Only what an issued decision
    publishes: name, award, decision number and date, unit; never an award annulled since."""
    with ctx.reader() as uow:
        session = uow.session
        row = _movement(session, ref)
        rounds = select(m.MovementReview.round_id).where(m.MovementReview.movement_id == row.id)
        query = (
            select(m.DecisionItem, m.Decision, m.Nomination)
            .join(m.Decision, m.Decision.id == m.DecisionItem.decision_id)
            .join(m.Nomination, m.Nomination.id == m.DecisionItem.nomination_id)
            .where(
                m.Decision.status == DecisionStatus.ISSUED.value,
                or_(m.Nomination.round_id.in_(rounds), m.Nomination.movement == row.name),
                # an award annulled since (NĐ 152/2025 Điều 56) is no longer one to publish
                m.Nomination.id.not_in(select(m.Annulment.nomination_id)),
            )
            .order_by(m.Decision.decision_date, m.Decision.id, m.DecisionItem.ordinal)
        )
        return [
            {
                "decision_id": decision.id,
                "decision_number": decision.number_text,
                "decision_date": decision.decision_date,
                "award_name": decision.award_name,
                "name": item.nominee_name,
                "detail": item.nominee_detail,
                "unit": nomination.nominee_unit_name,
                "year": nomination.period_year,
            }
            for item, decision, nomination in session.execute(query)
        ]


# --- form 0601 ------------------------------------------------------------------------------------


def movement_form_rows(
    session: Session, province_id: str, start: date, end: date
) -> dict[str, dict[str, int]]:
    """Form 0601.N/BNV-TĐKT: row code ("01"–"12") → column ("1"–"4") → number of movements of the
    province launched from ``start`` to ``end`` inclusive (the reporting year is 01/12 – 30/11:
    ``domain.movements.reporting_year``). Every cell is present, zeros included."""
    found = session.execute(
        select(
            m.Movement.scope, m.Movement.duration_class, m.Movement.method, m.Movement.launcher_level
        ).where(
            m.Movement.province_id == province_id,
            m.Movement.launched_on >= start,
            m.Movement.launched_on <= end,
        )
    ).all()
    return mv.form_0601(
        [
            (mv.MovementScope(s), mv.DurationClass(d), mv.MovementMethod(me), mv.LauncherLevel(lv))
            for s, d, me, lv in found
        ]
    )


def form_0601(ctx: Context, province_id: str, year: int) -> dict[str, dict[str, int]]:
    """``movement_form_rows`` for the reporting year ``year`` (01/12 of ``year - 1`` to 30/11)."""
    start, end = mv.reporting_year(year)
    with ctx.reader() as uow:
        return movement_form_rows(uow.session, province_id, start, end)
