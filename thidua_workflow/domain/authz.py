"""Who may do what: role, own unit, and separation of duties — decided here, whatever the front.

Nobody approves, scores or votes on a nomination that they submitted, that names them, or that comes
from or concerns their own unit (domain.md, "Separation of duties").
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from thidua_workflow.domain.enums import Role
from thidua_workflow.domain.lifecycle import Transition
from thidua_workflow.errors import NotPermitted


@dataclass(frozen=True)
class Grant:
    role: Role
    unit_id: str | None = None
    title: str | None = None
    # A delegated grant (issue 22): the person the holder acts for, while the delegation holds.
    for_person: Principal | None = None


@dataclass(frozen=True)
class Principal:
    """The person a delegate acts for: named on the record, and their exclusions carry over."""

    person_id: int
    full_name: str
    username: str
    unit_id: str | None

    @property
    def record_label(self) -> str:
        return f"{self.full_name} ({self.username})"


@dataclass(frozen=True)
class Actor:
    person_id: int
    username: str
    full_name: str
    unit_id: str | None
    grants: tuple[Grant, ...]

    def has(self, role: Role, unit_id: str | None = None) -> bool:
        return any(g.role is role and (unit_id is None or g.unit_id == unit_id) for g in self.grants)

    def matching(self, roles: tuple[Role, ...], unit_id: str | None = None) -> list[Grant]:
        """The grants of any of ``roles`` (for ``unit_id`` when given): own and delegated ones."""
        return [g for g in self.grants if g.role in roles and (unit_id is None or g.unit_id == unit_id)]

    def units_for(self, role: Role) -> set[str]:
        return {g.unit_id for g in self.grants if g.role is role and g.unit_id}

    # --- issue 22: delegation ---
    @property
    def principals(self) -> tuple[Principal, ...]:
        """Everyone this person acts for today by a delegation (their exclusions carry over)."""
        return tuple(dict.fromkeys(g.for_person for g in self.grants if g.for_person is not None))

    def task_grant(self, role: Role, unit_id: str | None, assignee_person_id: int | None) -> Grant | None:
        """The grant by which this person may take a task addressed to ``role`` (for ``unit_id``, or to one
        person): their own first; else a delegated one, whose principal the task is for."""
        matching = [g for g in self.grants if g.role is role and (unit_id is None or g.unit_id == unit_id)]
        for g in matching:
            if g.for_person is None and assignee_person_id in (None, self.person_id):
                return g
        for g in matching:
            if g.for_person is not None and assignee_person_id in (None, g.for_person.person_id):
                return g
        return None

    @property
    def label(self) -> str:
        """The person as messages name them: by full name (the username is a login, not a name)."""
        return self.full_name

    @property
    def record_label(self) -> str:
        """The person as the audit log records them: full name and username, unambiguous for operators."""
        return f"{self.full_name} ({self.username})"


@dataclass(frozen=True)
class Subject:
    """The facts about a nomination that decide who may act on it."""

    submitting_unit_id: str
    nominee_unit_id: str | None
    submitted_by_id: int | None
    nominee_person_id: int | None = None


# Actions a unit's clerk takes for the unit's own nominations.
CLERK_ACTIONS = frozenset({"submit", "withdraw", "resubmit_to_bloc", "resubmit_to_appraisal"})
# Actions that judge a nomination: separation of duties applies.
JUDGING_ROLES = frozenset(
    {
        Role.BLOC_REPRESENTATIVE,
        Role.APPRAISER,
        Role.COUNCIL_MEMBER,
        Role.COUNCIL_SECRETARY,
        Role.DECISION_SIGNER,
    }
)


# Issue 22: whom an action is done for when the actor may take it only by a delegation — so that the
# record names the delegator whether the delegate acts on a task or straight on the dossier, the fund or
# the register. Set by every gate below (the last gate passed decides); the unit of work that writes the
# action forgets it when it ends (``forget_reliance``).
_RELIED_ON: ContextVar[tuple[int, Principal] | None] = ContextVar("thidua_relied_on", default=None)


def _rely(actor: Actor, grants: list[Grant]) -> None:
    """Note the principal when every grant that permits the act is a delegated one; else nobody."""
    if not grants:
        return
    delegated = None if any(g.for_person is None for g in grants) else grants[0].for_person
    _RELIED_ON.set((actor.person_id, delegated) if delegated is not None else None)


def relied_on(actor: Actor | None) -> Principal | None:
    """The person ``actor``'s current act is done for by delegation, as the last gate passed found."""
    found = _RELIED_ON.get()
    if actor is None or found is None or found[0] != actor.person_id:
        return None
    return found[1]


def forget_reliance() -> None:
    _RELIED_ON.set(None)


def holds_any(actor: Actor, roles: tuple[Role, ...], unit_id: str | None = None) -> bool:
    """``actor.has`` for a gate: when it holds, the act relies on the grants found (own or delegated)."""
    grants = actor.matching(roles, unit_id)
    _rely(actor, grants)
    return bool(grants)


def holds(actor: Actor, role: Role, unit_id: str | None = None) -> bool:
    return holds_any(actor, (role,), unit_id)


def require_role(actor: Actor, role: Role, unit_id: str | None = None, unit_label: str | None = None) -> None:
    if holds(actor, role, unit_id):
        return
    where = f" của {unit_label or unit_id}" if unit_id else ""
    raise NotPermitted(f"{actor.label} không có vai trò '{role.label}'{where}.")


def conflict_of_interest(actor: Actor, subject: Subject) -> str | None:
    """Why ``actor`` may not judge ``subject``, or None when there is no conflict.

    A delegate inherits the exclusions of everyone they act for (issue 22): who may not judge a dossier
    cannot have it judged for them."""
    own = _own_conflict(actor, subject)
    if own is not None:
        return own
    for p in actor.principals:
        if p.person_id in (subject.submitted_by_id, subject.nominee_person_id) or (
            p.unit_id is not None and p.unit_id in (subject.submitting_unit_id, subject.nominee_unit_id)
        ):
            return f"{actor.label} được ủy quyền thay {p.full_name}, người không được xét hồ sơ này"
    return None


def _own_conflict(actor: Actor, subject: Subject) -> str | None:
    if subject.submitted_by_id == actor.person_id:
        return f"{actor.label} là người nộp hồ sơ này"
    if subject.nominee_person_id is not None and subject.nominee_person_id == actor.person_id:
        return f"{actor.label} là người được đề nghị khen thưởng"
    own_units = {actor.unit_id} | {g.unit_id for g in actor.grants if g.role in JUDGING_ROLES}
    own_units.discard(None)
    # The person knows their own unit: the reason names the tie, not the unit's code.
    if subject.submitting_unit_id in own_units:
        return f"hồ sơ do chính đơn vị mà {actor.label} đại diện trình"
    if subject.nominee_unit_id is not None and subject.nominee_unit_id in own_units:
        return f"hồ sơ đề nghị khen thưởng chính đơn vị mà {actor.label} đại diện"
    return None


def authorize(
    actor: Actor,
    arrow: Transition,
    subject: Subject,
    *,
    acting_unit_id: str | None = None,
) -> None:
    """Raise NotPermitted unless ``actor`` may take ``arrow`` on ``subject``.

    ``acting_unit_id`` is the unit a bloc task is assigned to (the chair's, or the deputy's when the
    chair's own unit is concerned); bloc representatives act only for that unit.
    """
    if Role.SYSTEM in arrow.roles:
        raise NotPermitted(f"'{arrow.label}' do hệ thống thực hiện, không phải người dùng.")
    if arrow.action in CLERK_ACTIONS:
        require_role(actor, Role.UNIT_CLERK, subject.submitting_unit_id)
        return
    allowed = [r for r in arrow.roles if r is not Role.BLOC_REPRESENTATIVE or acting_unit_id]
    grants = [
        g
        for r in allowed
        for g in actor.matching((r,), acting_unit_id if r is Role.BLOC_REPRESENTATIVE else None)
    ]
    if not grants:
        roles = ", ".join(sorted(r.label for r in arrow.roles))
        where = f" của đơn vị '{acting_unit_id}'" if acting_unit_id else ""
        raise NotPermitted(f"'{arrow.label}' cần vai trò {roles}{where}; {actor.label} không có.")
    reason = conflict_of_interest(actor, subject)
    if reason:
        raise NotPermitted(f"Không được '{arrow.label}': {reason} (tách bạch nhiệm vụ).")
    _rely(actor, grants)


# --- issue 20b: statistics and the reward fund ---------------------------------------------------------
# The Ministry's forms and the fund are the Ban's work (its appraisers and the council's standing
# secretary); operators run the system, not its figures or its money.
STATISTICS_ROLES = (Role.APPRAISER, Role.COUNCIL_SECRETARY)
FUND_ROLES = (Role.APPRAISER, Role.COUNCIL_SECRETARY)


def require_any_role(actor: Actor, roles: tuple[Role, ...], what: str) -> None:
    grants = actor.matching(roles)
    if grants:
        _rely(actor, grants)
        return
    names = ", ".join(r.label for r in roles)
    raise NotPermitted(f"'{what}' cần vai trò {names}; {actor.label} không có.")
