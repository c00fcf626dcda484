"""Delegation and reassignment (issue 22): work goes on while someone is away, and the record says who
acted for whom.

- ``delegate``: a person (or an operator for them) hands one role's tasks to a colleague for a period.
  The delegate sees those tasks in their inbox marked as delegated, and every event of an action taken
  on them names the delegator (``audit_events.on_behalf_of_*``). Ballots and award-decision signatures
  are never delegated (``domain.delegation``); the delegator's conflict-of-interest exclusions carry over.
- ``revoke``: the delegator, the delegate or an operator ends it early; versions make one of two
  concurrent changes win.
- ``reassign``: an operator gives an open task whose holder left to someone who holds its role, with the
  reason; each task its own transaction in ``reassign_many``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import Session, aliased

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.delegation import why_not_delegable
from thidua_workflow.domain.enums import Role, TaskKind, TaskStatus
from thidua_workflow.errors import Conflict, NotFound, NotPermitted, Problem, ThiduaError, ValidationFailed
from thidua_workflow.services import audit, notifications
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.dated import grant_holds
from thidua_workflow.services.text_input import reason_text
from thidua_workflow.services.workflow import subject_label

UNIT_SCOPED = (Role.BLOC_REPRESENTATIVE, Role.UNIT_CLERK, Role.UNIT_HEAD)
MAX_DAYS = 366  # a delegation covers an absence, not a change of post (that is a new grant)


@dataclass(frozen=True)
class DelegationView:
    id: int
    role: str
    role_label: str
    unit_id: str | None
    from_name: str
    from_username: str
    to_name: str
    to_username: str
    starts_on: date
    ends_on: date
    reason: str
    revoked: bool
    revoked_reason: str | None
    active: bool
    version: int

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["starts_on"], data["ends_on"] = self.starts_on.isoformat(), self.ends_on.isoformat()
        return data


def _person(session: Session, username: str, field: str) -> m.Person:
    person = session.scalar(select(m.Person).where(m.Person.username == username))
    if person is None or not person.active:
        raise ValidationFailed(
            [Problem(f"không có người dùng đang hoạt động '{username}'", field=field)], "Không lưu gì:"
        )
    return person


def _holds(session: Session, person_id: int, role: Role, unit_id: str | None, on: date) -> bool:
    query = select(m.RoleGrant.id).where(
        m.RoleGrant.person_id == person_id, m.RoleGrant.role == role.value, grant_holds(on)
    )
    if unit_id is not None:
        query = query.where(m.RoleGrant.unit_id == unit_id)
    return session.scalar(query.limit(1)) is not None


def delegate(
    ctx: Context,
    username: str,
    *,
    from_username: str,
    to_username: str,
    role: str,
    starts_on: date,
    ends_on: date,
    reason: str,
    unit_id: str | None = None,
) -> DelegationView:
    """Hand ``from_username``'s tasks of ``role`` to ``to_username`` from ``starts_on`` to ``ends_on``."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        source = _person(session, from_username, "from")
        if source.id != actor.person_id and not actor.has(Role.OPERATOR):
            raise NotPermitted(
                f"{actor.label} không được ủy quyền thay {source.full_name}: chỉ chính người đó hoặc người quản trị."
            )
        try:
            the_role = Role(role)
        except ValueError:
            raise ValidationFailed(
                [Problem(f"không có vai trò '{role}'", field="role")], "Không lưu gì:"
            ) from None
        why = why_not_delegable(the_role)
        if why is not None:
            raise NotPermitted(f"Không ủy quyền được vai trò '{the_role.label}': {why}.")
        target = _person(session, to_username, "to")
        problems = []
        if target.id == source.id:
            problems.append(Problem("người được ủy quyền phải là người khác", field="to"))
        if ends_on < starts_on:
            problems.append(Problem("ngày kết thúc trước ngày bắt đầu", field="ends_on"))
        elif (ends_on - starts_on).days + 1 > MAX_DAYS:
            problems.append(
                Problem(f"ủy quyền tối đa {MAX_DAYS} ngày; lâu hơn là giao vai trò mới", field="ends_on")
            )
        if ends_on < ctx.clock.today():
            problems.append(Problem("thời gian ủy quyền đã qua", field="ends_on"))
        # A leave is planned months ahead, not years: a start past a year away is a slip (2099 for 2025).
        if starts_on > ctx.clock.today() + timedelta(days=MAX_DAYS):
            problems.append(
                Problem(
                    f"ngày bắt đầu {starts_on:%d/%m/%Y} xa quá {MAX_DAYS} ngày kể từ hôm nay; "
                    "ủy quyền cho lần vắng mặt sắp tới",
                    field="starts_on",
                )
            )
        text = reason_text(reason, required=True, field="reason")
        scope = unit_id if the_role in UNIT_SCOPED else None
        if the_role in UNIT_SCOPED and scope is None:
            units = sorted(
                u
                for u in session.scalars(
                    select(m.RoleGrant.unit_id).where(
                        m.RoleGrant.person_id == source.id, m.RoleGrant.role == the_role.value
                    )
                )
                if u
            )
            scope = units[0] if len(units) == 1 else None
            if scope is None:
                problems.append(Problem("cần chọn đơn vị của vai trò được ủy quyền", field="role_unit"))
        if not _holds(session, source.id, the_role, scope, max(starts_on, ctx.clock.today())):
            problems.append(
                Problem(
                    f"{source.full_name} không giữ vai trò '{the_role.label}' trong thời gian này",
                    field="role",
                )
            )
        # "A colleague who may hold that role": of the same unit as the delegator, or holding it already.
        if target.unit_id != source.unit_id and not _holds(
            session, target.id, the_role, scope, ctx.clock.today()
        ):
            problems.append(
                Problem(
                    f"{target.full_name} không cùng đơn vị với {source.full_name} và không giữ vai trò "
                    f"'{the_role.label}'",
                    field="to",
                )
            )
        overlapping = session.scalar(
            select(m.Delegation.id).where(
                m.Delegation.from_person_id == source.id,
                m.Delegation.role == the_role.value,
                m.Delegation.revoked_at.is_(None),
                m.Delegation.starts_on <= ends_on,
                m.Delegation.ends_on >= starts_on,
            )
        )
        if overlapping is not None:
            problems.append(
                Problem(
                    f"đã có ủy quyền số {overlapping} cho vai trò này trong thời gian đó", field="starts_on"
                )
            )
        if problems:
            raise ValidationFailed(problems, "Ủy quyền bị từ chối, không lưu gì:")
        row = m.Delegation(
            from_person_id=source.id,
            to_person_id=target.id,
            role=the_role.value,
            unit_id=scope,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=text or "",
            created_at=now,
            created_by_id=actor.person_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="delegation_granted",
            entity_type="delegation",
            entity_id=row.id,
            comment=text,
            data={
                "from": source.username,
                "to": target.username,
                "role": the_role.value,
                "unit": scope,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
        notifications.notice(
            session,
            [target],
            "delegation",
            f"Được ủy quyền: {the_role.label}",
            f"{source.full_name} ủy quyền cho anh/chị xử lý việc của vai trò '{the_role.label}' "
            f"từ {starts_on:%d/%m/%Y} đến {ends_on:%d/%m/%Y}. Lý do: {text}",
            now,
            link="/delegations",
        )
        view = _views(session, [row.id], ctx.clock.today())[0]
        uow.commit()
        return view


def revoke(
    ctx: Context, username: str, delegation_id: int, reason: str, *, expected_version: int | None = None
) -> DelegationView:
    """End a delegation now: by the delegator, the delegate, or an operator."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        row = session.get(m.Delegation, delegation_id)
        if row is None:
            raise NotFound("ủy quyền", delegation_id)
        if actor.person_id not in (row.from_person_id, row.to_person_id) and not actor.has(Role.OPERATOR):
            raise NotFound("ủy quyền", delegation_id)  # someone else's: as a missing one
        if row.revoked_at is not None:
            raise Conflict(f"Ủy quyền số {row.id} đã bị thu hồi trước đó.")
        if expected_version is not None and row.version != expected_version:
            raise Conflict(f"Ủy quyền số {row.id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        text = reason_text(reason, required=True, field="reason")
        row.revoked_at = now
        row.revoked_by_id = actor.person_id
        row.revoked_reason = text
        audit.record(
            session,
            at=now,
            actor=actor,
            action="delegation_revoked",
            entity_type="delegation",
            entity_id=row.id,
            comment=text,
            data={"role": row.role},
        )
        session.flush()
        view = _views(session, [row.id], ctx.clock.today())[0]
        uow.commit()
        return view


def list_delegations(ctx: Context, username: str) -> list[DelegationView]:
    """The person's delegations, given and received (an operator sees everyone's), newest first."""
    with ctx.reader() as uow:
        session = uow.session
        actor = load_actor(session, username)
        query = select(m.Delegation.id).order_by(m.Delegation.id.desc())
        if not actor.has(Role.OPERATOR):
            query = query.where(
                (m.Delegation.from_person_id == actor.person_id)
                | (m.Delegation.to_person_id == actor.person_id)
            )
        return _views(session, list(session.scalars(query.limit(500))), ctx.clock.today())


def _views(session: Session, ids: list[int], today: date) -> list[DelegationView]:
    if not ids:
        return []
    giver, taker = aliased(m.Person), aliased(m.Person)
    rows = session.execute(
        select(m.Delegation, giver, taker)
        .join(giver, giver.id == m.Delegation.from_person_id)
        .join(taker, taker.id == m.Delegation.to_person_id)
        .where(m.Delegation.id.in_(ids))
        .order_by(m.Delegation.id.desc())
    ).all()
    return [
        DelegationView(
            id=d.id,
            role=d.role,
            role_label=Role(d.role).label,
            unit_id=d.unit_id,
            from_name=g.full_name,
            from_username=g.username,
            to_name=t.full_name,
            to_username=t.username,
            starts_on=d.starts_on,
            ends_on=d.ends_on,
            reason=d.reason,
            revoked=d.revoked_at is not None,
            revoked_reason=d.revoked_reason,
            active=d.revoked_at is None and d.starts_on <= today <= d.ends_on,
            version=d.version,
        )
        for d, g, t in rows
    ]


# --- reassigning open tasks ----------------------------------------------------------------------------


def reassign(
    ctx: Context,
    username: str,
    task_id: int,
    to_username: str,
    reason: str,
    *,
    expected_version: int | None = None,
) -> str:
    """An operator gives an open task to a person who holds its role today (its holder left)."""
    now = ctx.clock.now()
    today = ctx.clock.today()
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        if not actor.has(Role.OPERATOR):
            raise NotPermitted(f"Chỉ người quản trị được giao lại việc; {actor.label} không có vai trò đó.")
        task = session.get(m.Task, task_id)
        if task is None:
            raise NotFound("việc", task_id)
        if task.status != TaskStatus.OPEN.value:
            raise Conflict(
                f"Việc số {task.id} đã {TaskStatus(task.status).label.lower()}; không giao lại được."
            )
        if expected_version is not None and task.version != expected_version:
            raise Conflict(f"Việc số {task.id} đã thay đổi từ khi bạn xem; hãy tải lại.")
        text = reason_text(reason, required=True, field="reason")
        target = _person(session, to_username, "to")
        role = Role(task.assignee_role)
        if role in (Role.COUNCIL_MEMBER, Role.BLOC_REPRESENTATIVE) and TaskKind(task.kind) in (
            TaskKind.COUNCIL_VOTE,
            TaskKind.ROUND_VOTE,
        ):
            raise NotPermitted(
                f"Việc số {task.id} là phiếu bầu của chính người được giao; không giao lại được."
            )
        scope = task.assignee_unit_id if role in UNIT_SCOPED else None
        if not _holds(session, target.id, role, scope, today):
            raise ValidationFailed(
                [Problem(f"{target.full_name} không giữ vai trò '{role.label}' hôm nay", field="to")],
                "Không giao lại được, không lưu gì:",
            )
        before = task.assignee_person_id
        task.assignee_person_id = target.id
        task.reassigned_reason = text
        audit.record(
            session,
            at=now,
            actor=actor,
            action="task_reassigned",
            entity_type="task",
            entity_id=task.id,
            comment=text,
            data={"from_person": before, "to": target.username, "kind": task.kind},
        )
        label = subject_label(session, task)
        notifications.task_arrived(session, task, label, now)
        uow.commit()
        return f"việc số {task_id} giao cho {target.full_name}"


@dataclass(frozen=True)
class ItemResult:
    """One item of a bulk action: each is its own transaction, its own result."""

    item: int
    ok: bool
    message: str


def reassign_many(
    ctx: Context, username: str, task_ids: list[int], to_username: str, reason: str
) -> list[ItemResult]:
    results = []
    for task_id in task_ids:
        try:
            results.append(ItemResult(task_id, True, reassign(ctx, username, task_id, to_username, reason)))
        except ThiduaError as exc:
            results.append(ItemResult(task_id, False, exc.message.splitlines()[0]))
    return results


def acting_principal(actor: Actor) -> str | None:
    """For pages: who the person acts for today, if anyone (``Trần A, Lê B``)."""
    names = [p.full_name for p in actor.principals]
    return ", ".join(names) or None


def colleagues(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """Whom the person may choose as a delegate: active people of their unit, and the other holders of
    their delegable roles (``delegate`` checks again). An operator sets delegations for anyone who cannot
    sign in, so is offered every active person: their own colleagues alone left the Ban's staff out."""
    # Another holder of a unit's role counts only for the same unit: another unit's clerk is refused.
    held = [
        (m.RoleGrant.role == g.role.value)
        & ((m.RoleGrant.unit_id == g.unit_id) if g.role in UNIT_SCOPED else true())
        for g in actor.grants
        if g.for_person is None and why_not_delegable(g.role) is None
    ]
    with ctx.reader() as uow:
        session = uow.session
        holders = select(m.RoleGrant.person_id).where(or_(false(), *held), grant_holds(ctx.clock.today()))
        query = (
            select(m.Person.username, m.Person.full_name)
            .where(m.Person.active.is_(True), m.Person.id != actor.person_id)
            .order_by(m.Person.full_name)
        )
        if not actor.has(Role.OPERATOR):
            query = query.where((m.Person.unit_id == actor.unit_id) | m.Person.id.in_(holders))
        return [(r.username, r.full_name) for r in session.execute(query)]


def delegable_roles(actor: Actor) -> list[tuple[str, str]]:
    """The person's own roles they may delegate (value, label)."""
    own = {g.role for g in actor.grants if g.for_person is None and why_not_delegable(g.role) is None}
    return [(r.value, r.label) for r in Role if r in own]
