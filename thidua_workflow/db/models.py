"""The tables. Mutable rows carry a ``version`` that every UPDATE checks; audit events are append-only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC on every backend (SQLite would otherwise drop the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JsonType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JsonType, list[Any]: JsonType}


class Versioned:
    """Optimistic concurrency: SQLAlchemy adds ``AND version = :read`` to every UPDATE of the row."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# --- organisation ------------------------------------------------------------------------------


class Province(Versioned, Base):
    __tablename__ = "provinces"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuing_body: Mapped[str] = mapped_column(String(300))
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("provinces.id"))
    merged_on: Mapped[date | None] = mapped_column(Date)


class Unit(Versioned, Base):
    """A unit keeps its id across renames and mergers; its names are kept with their dates."""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_id: Mapped[str] = mapped_column(ForeignKey("provinces.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="unit")
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))

    names: Mapped[list[UnitName]] = relationship(
        back_populates="unit", order_by="UnitName.valid_from", cascade="all, delete-orphan"
    )


class UnitName(Base):
    __tablename__ = "unit_names"
    __table_args__ = (UniqueConstraint("unit_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship(back_populates="names")


class Bloc(Versioned, Base):
    __tablename__ = "blocs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_id: Mapped[str] = mapped_column(ForeignKey("provinces.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    # The scoring table of the bloc's pledge (giao ước thi đua): [{code, name, max}].
    criteria: Mapped[list[Any]] = mapped_column(default=list)


class BlocMember(Base):
    __tablename__ = "bloc_members"
    __table_args__ = (UniqueConstraint("bloc_id", "unit_id", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bloc_id: Mapped[str] = mapped_column(ForeignKey("blocs.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    from_year: Mapped[int]
    to_year: Mapped[int | None]


class BlocOfficers(Base):
    """The chair (trưởng khối) and deputy units of a bloc for one year."""

    __tablename__ = "bloc_officers"
    __table_args__ = (UniqueConstraint("bloc_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bloc_id: Mapped[str] = mapped_column(ForeignKey("blocs.id"))
    year: Mapped[int]
    chair_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    deputy_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))


class Person(Versioned, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="person", cascade="all, delete-orphan")


# The first day a grant without a date holds from (the first day of the Democratic Republic).
BEGINNING = date(1945, 9, 2)


class RoleGrant(Base):
    """Authority held on a date: from ``valid_from`` to ``valid_until`` as granted, and no longer than its
    body lasts (``ends_on``: the earlier of ``valid_until`` and the last day of the unit or province the
    grant is held in, kept by the organisation load)."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "role", "unit_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(32), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    title: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date, default=BEGINNING, server_default=text("'1945-09-02'"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # The province whose organisation file granted it: a province-wide role (council, signer, appraiser,
    # registrar) is held in that province's bodies and ends with them.
    province_id: Mapped[str | None] = mapped_column(ForeignKey("provinces.id"))

    person: Mapped[Person] = relationship(back_populates="grants")


class Credential(Versioned, Base):
    """A person's web sign-in: kept apart from ``people`` so an organisation reload never touches it."""

    __tablename__ = "credentials"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Signer(Versioned, Base):
    """How a person signs decisions: their own PKCS#11 token (``pkcs11``), an account at a remote signing
    service speaking the CSC API (``remote``), or the office's server-held seal key (``seal``). Kept apart
    from ``people`` so an organisation reload never touches it; no PIN or password is ever stored."""

    __tablename__ = "signers"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    pkcs11_module: Mapped[str | None] = mapped_column(String(500))
    token_label: Mapped[str | None] = mapped_column(String(100))
    slot: Mapped[int | None]
    key_label: Mapped[str | None] = mapped_column(String(100))
    remote_url: Mapped[str | None] = mapped_column(String(500))
    remote_username: Mapped[str | None] = mapped_column(String(200))
    credential_id: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiToken(Base):
    """A per-person token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, this row its SHA-256 and its life. A session
    ends at logout, at a password change or reset, when an operator ends it, and when it has been idle or
    open too long (checked on every request)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    client_address: Mapped[str] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(32))


class SignInThrottle(Base):
    """Failed sign-ins per (client address, username as typed): the next attempt from that address for
    that name waits until ``blocked_until``. Kept for unknown names too, so both look alike."""

    __tablename__ = "sign_in_throttle"

    client_address: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PasswordReset(Base):
    """A one-time code an operator hands to a person to set a new password; only its SHA-256 is kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AwardRecord(Base):
    """A title or award a nominee holds: loaded from the organisation file or written by a decision."""

    __tablename__ = "award_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_key: Mapped[str] = mapped_column(String(400), index=True)
    nominee_kind: Mapped[str] = mapped_column(String(16))
    nominee_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    title: Mapped[str] = mapped_column(String(64))
    year: Mapped[int]
    commendation_type: Mapped[str] = mapped_column(String(16), default="regular")
    decision: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(32))
    # A decided nomination is recorded once; records from the organisation file have none.
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), unique=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    # --- NĐ 152/2025 steps (issue 19): an annulled award stays on record, withdrawn; rules skip it ---
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


# --- nominations ---------------------------------------------------------------------------------


class Submission(Base):
    """One Tờ trình of a unit, with its list of nominations; stored whole or not at all."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    source_name: Mapped[str | None] = mapped_column(String(500))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Nomination(Versioned, Base):
    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint("current_version >= 1", name="current_version_positive"),
        Index("ix_nominations_status_award", "status", "award_form"),
        Index("ix_nominations_bloc_period", "bloc_id", "period_code"),
        # issue 22: the dashboard's dossiers by stage and unit, read from the index alone
        Index("ix_nominations_dashboard", "period_year", "status", "submitting_unit_id"),
        # issue 22: the dossiers a person may not judge, found without reading every dossier
        Index("ix_nominations_submitted_by", "submitted_by_id"),
        Index("ix_nominations_nominee_person", "nominee_person_id"),
        # The lists' default order (year, award, Vietnamese name order), paged in SQL.
        Index("ix_nominations_list_order", "period_year", "award_form", "nominee_order_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    submitting_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    award_form: Mapped[str] = mapped_column(String(64))
    commendation_type: Mapped[str] = mapped_column(String(16))
    procedure: Mapped[str] = mapped_column(String(16))
    period_year: Mapped[int] = mapped_column(index=True)
    period_phase: Mapped[str] = mapped_column(String(16))
    period_code: Mapped[str] = mapped_column(String(300))
    period_label: Mapped[str] = mapped_column(String(300))
    campaign: Mapped[str | None] = mapped_column(String(300))
    event_date: Mapped[date | None] = mapped_column(Date)
    movement: Mapped[str | None] = mapped_column(String(300))
    nominee_kind: Mapped[str] = mapped_column(String(16))
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_name_key: Mapped[str] = mapped_column(String(200), index=True)
    # Kind, then the name in Vietnamese order (persons by given name) as one string: identity.list_order_key.
    nominee_order_key: Mapped[str] = mapped_column(String(600), default="")
    nominee_position: Mapped[str | None] = mapped_column(String(300))
    nominee_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    nominee_unit_name: Mapped[str | None] = mapped_column(String(300))
    nominee_address: Mapped[str | None] = mapped_column(String(300))
    nominee_birth_date: Mapped[date | None] = mapped_column(Date)
    # issue 20b: the recipient class of the Ministry's forms (enums.StatGroup); None = not recorded.
    nominee_stat_group: Mapped[str | None] = mapped_column(String(32))
    nominee_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    nominee_key: Mapped[str] = mapped_column(String(400), index=True)
    bloc_id: Mapped[str | None] = mapped_column(ForeignKey("blocs.id"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("bloc_rounds.id"), index=True)
    # A dossier completed after its round opened voting and sent on to the bloc's next round: the round
    # it left (kept on record after a later round takes it in).
    deferred_from_round_id: Mapped[int | None] = mapped_column(ForeignKey("bloc_rounds.id"))
    status: Mapped[str] = mapped_column(String(24), index=True)
    returned_from: Mapped[str | None] = mapped_column(String(24))
    held_from: Mapped[str | None] = mapped_column(String(24))
    policy_period: Mapped[str] = mapped_column(String(32))
    policy_digest: Mapped[str] = mapped_column(String(32))
    # One live nomination per nominee, award form and period; cleared when withdrawn or rejected.
    dedupe_key: Mapped[str | None] = mapped_column(String(800), unique=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    dossiers: Mapped[list[DossierVersion]] = relationship(
        back_populates="nomination", order_by="DossierVersion.number"
    )


class DossierVersion(Base):
    """Each completed dossier is a new version; earlier ones are kept unchanged."""

    __tablename__ = "dossier_versions"
    __table_args__ = (UniqueConstraint("nomination_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    number: Mapped[int]
    achievement: Mapped[str] = mapped_column(Text)
    declared: Mapped[dict[str, Any]]
    checks: Mapped[list[Any]]
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]

    nomination: Mapped[Nomination] = relationship(back_populates="dossiers")
    documents: Mapped[list[Document]] = relationship(back_populates="dossier", order_by="Document.id")


class Document(Base):
    """An evidence file of a dossier version; the bytes live in the content-addressed store."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_version_id: Mapped[int] = mapped_column(ForeignKey("dossier_versions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(300))
    dated: Mapped[date | None] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(64))

    dossier: Mapped[DossierVersion] = relationship(back_populates="documents")


# --- work and record -------------------------------------------------------------------------------


class Task(Versioned, Base):
    """A person's pending action: who may act (role, unit or person), on what, by when, what they decided.

    The subject is one nomination, bloc round, council session or decision.
    """

    __tablename__ = "tasks"
    # The inbox: open tasks of a role, most urgent first, read in index order (no sort of thousands).
    __table_args__ = (
        Index("ix_tasks_inbox", "status", "assignee_role", "due_on", "id"),
        Index("ix_tasks_overdue", "status", "due_on"),  # issue 22: the dashboard's overdue work
        # issue 22: a person's inbox counted from the index alone (role, person or nobody, kind, due date)
        Index(
            "ix_tasks_mine",
            "status",
            "assignee_role",
            "assignee_person_id",
            "kind",
            "due_on",
            "nomination_id",
        ),
        # a unit-scoped role's inbox (a bloc member's, a unit clerk's) counted from the index alone
        Index(
            "ix_tasks_unit_inbox",
            "status",
            "assignee_role",
            "assignee_unit_id",
            "assignee_person_id",
            "kind",
            "due_on",
            "nomination_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("bloc_rounds.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_role: Mapped[str] = mapped_column(String(32))
    assignee_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    assignee_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    bloc_id: Mapped[str | None] = mapped_column(ForeignKey("blocs.id"))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decision: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    # --- issue 22: delegation and reassignment ---
    on_behalf_of_id: Mapped[int | None] = mapped_column(Integer)  # done by a delegate for this person
    reassigned_reason: Mapped[str | None] = mapped_column(Text)  # why an operator gave it to someone else


# --- bloc rounds -----------------------------------------------------------------------------------


class BlocRound(Versioned, Base):
    """One bloc's review of one period: collecting → voting → closed."""

    __tablename__ = "bloc_rounds"
    __table_args__ = (UniqueConstraint("bloc_id", "period_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bloc_id: Mapped[str] = mapped_column(ForeignKey("blocs.id"))
    period_code: Mapped[str] = mapped_column(String(300))
    period_year: Mapped[int]
    period_label: Mapped[str] = mapped_column(String(300))
    policy_period: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    criteria: Mapped[list[Any]]
    members: Mapped[list[Any]]  # member unit ids when voting opened: the round's electorate
    created_at: Mapped[datetime]
    voting_opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RoundScore(Base):
    """A member unit's scores for one unit of the bloc (its own: the self-assessment)."""

    __tablename__ = "bloc_round_scores"
    __table_args__ = (UniqueConstraint("round_id", "scorer_unit_id", "scored_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bloc_rounds.id"), index=True)
    scorer_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    scored_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    points: Mapped[dict[str, Any]]
    total: Mapped[int]
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    cast_at: Mapped[datetime]


class RoundVote(Base):
    """A member unit's vote on one nomination of the round (the bloc votes openly)."""

    __tablename__ = "bloc_round_votes"
    __table_args__ = (UniqueConstraint("round_id", "voter_unit_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bloc_rounds.id"), index=True)
    voter_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    approve: Mapped[bool]
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    cast_at: Mapped[datetime]


# --- council sessions ------------------------------------------------------------------------------


class CouncilSession(Versioned, Base):
    __tablename__ = "council_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    members_total: Mapped[int]
    proposal_ref: Mapped[str | None] = mapped_column(String(300))
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The session's ballot key is derived from the ballot secret (never stored) and this salt; the check
    # tells a machine with another secret before it seals a ballot nobody could open (services/ballots.py).
    ballot_salt: Mapped[str | None] = mapped_column(String(32))
    ballot_check: Mapped[str | None] = mapped_column(String(64))


class SessionItem(Base):
    """A nomination before the council, with its tally: counts only, never a voter, written at the close."""

    __tablename__ = "council_session_items"
    __table_args__ = (UniqueConstraint("session_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    needs_vote: Mapped[bool]
    yes: Mapped[int] = mapped_column(default=0)
    no: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(String(16))


class SessionMember(Base):
    """Who takes part: presence and whether (and how) they voted — stored apart from any ballot."""

    __tablename__ = "council_session_members"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    present: Mapped[bool] = mapped_column(default=False)
    voted: Mapped[str | None] = mapped_column(String(16))  # in_person | written


class SealedBallot(Base):
    """One member's ballot, sealed under the session's key: no person, no time; deleted at the close."""

    __tablename__ = "council_sealed_ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


# --- decisions ---------------------------------------------------------------------------------------


class Decision(Versioned, Base):
    """A Quyết định of the Chairman: one award form, one council session, a numbered list."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("issuing_body", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    award_form: Mapped[str] = mapped_column(String(64))
    award_name: Mapped[str] = mapped_column(String(300))
    policy_period: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    issuing_body: Mapped[str] = mapped_column(String(300))
    province_id: Mapped[str | None] = mapped_column(ForeignKey("provinces.id"))  # whose body issues it
    reason_line: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[list[Any]]
    proposal_ref: Mapped[str | None] = mapped_column(String(300))
    year: Mapped[int | None]
    number: Mapped[int | None]
    number_text: Mapped[str | None] = mapped_column(String(100))
    decision_date: Mapped[date | None] = mapped_column(Date)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signer_title: Mapped[str | None] = mapped_column(String(100))
    signed_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    sent_back_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # the PDF the signer signed with their own key (a blob), and how: pkcs11 | remote
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_with: Mapped[str | None] = mapped_column(String(16))

    items: Mapped[list[DecisionItem]] = relationship(
        back_populates="decision", order_by="DecisionItem.ordinal", cascade="all, delete-orphan"
    )


class DecisionItem(Base):
    __tablename__ = "decision_items"
    __table_args__ = (
        UniqueConstraint("decision_id", "nomination_id"),
        UniqueConstraint("decision_id", "ordinal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    ordinal: Mapped[int]
    nominee_kind: Mapped[str] = mapped_column(String(16))
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_detail: Mapped[str | None] = mapped_column(String(600))
    reward_amount: Mapped[int]

    decision: Mapped[Decision] = relationship(back_populates="items")


class Counter(Base):
    """Numbers that must be unique and gap-free: locked in the transaction that uses them."""

    __tablename__ = "counters"

    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class AuditEvent(Base):
    """Who did what, when, from which state to which; never updated or deleted (triggers refuse it)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_entity", "entity_type", "entity_id"),
        Index("ix_audit_action_at", "action", "at"),  # issue 22: the dashboard's throughput per week
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]]
    # --- issue 22: who the actor acted for (a delegation); no foreign key: the record outlives people ---
    on_behalf_of_id: Mapped[int | None] = mapped_column(Integer)
    on_behalf_of_label: Mapped[str | None] = mapped_column(String(300))


# --- outboxes ---------------------------------------------------------------------------------------


class Wakeup(Base):
    """A stage to run, written in the transaction of the action that completed the previous one.

    The flows side delivers it (starts the stage's flow run) and the stage marks it completed; the sweep
    delivers again whatever stays pending or was delivered but never completed.
    """

    __tablename__ = "wakeups"
    __table_args__ = (Index("ix_wakeups_pending", "completed_at", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique across databases and resets: it keys the flow runs started for this wake-up.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int]
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None]
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """An e-mail to send: queued with the event that causes it, sent by the flows (or the CLI inline)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    address: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | no_address | failed
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


# --- certificates -----------------------------------------------------------------------------------


class Certificate(Base):
    """An issued Bằng khen (or title certificate): its golden-book number, verification code and PDF."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    ordinal: Mapped[int]
    golden_book: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    record: Mapped[dict[str, Any]]
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_size: Mapped[int]
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class IssuedDocument(Base):
    """A decision's other documents: the decision itself, the print batch, each flag's layout proof."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("decision_id", "kind", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # decision | batch | flag
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime]


# --- issue 18: the appraiser's findings on criteria that need judgement -----------------------------


class CriterionFinding(Base):
    """The appraiser's finding on one criterion marked "cần thẩm định", for one dossier version.

    Append-only: a changed mind is a new row (the latest per rule and version counts), so the record
    keeps who found what, when, and why; each row has its audit event.
    """

    __tablename__ = "criterion_findings"
    __table_args__ = (Index("ix_criterion_findings_nomination", "nomination_id", "dossier_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    dossier_version: Mapped[int]
    rule: Mapped[str] = mapped_column(String(64))
    article: Mapped[str] = mapped_column(String(300))
    finding: Mapped[str] = mapped_column(String(16))  # met | not_met
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


# --- NĐ 152/2025 steps (issue 19) -------------------------------------------------------------------


class PublicPosting(Versioned, Base):
    """A list posted on the public look-up page before the council (NĐ 152/2025 Điều 44 k2)."""

    __tablename__ = "public_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    policy_period: Mapped[str] = mapped_column(String(32))
    published_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the first day the council may vote on its nominations
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


class PostingItem(Base):
    __tablename__ = "public_posting_items"
    __table_args__ = (UniqueConstraint("posting_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("public_postings.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)


class PublicComment(Versioned, Base):
    """A comment or complaint on a posted list: from the public form or entered by staff; each answered."""

    __tablename__ = "public_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("public_postings.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    author_name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    client_address: Mapped[str | None] = mapped_column(String(64), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class ClearanceRequest(Versioned, Base):
    """A request for a body's opinion or clearance on one nomination (Điều 33 k2, Điều 34), and its reply."""

    __tablename__ = "clearance_requests"
    __table_args__ = (UniqueConstraint("nomination_id", "body"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    body: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    letter_ref: Mapped[str | None] = mapped_column(String(200))
    requested_at: Mapped[datetime]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    due_on: Mapped[date] = mapped_column(Date)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    reply_ref: Mapped[str | None] = mapped_column(String(200))
    reply_on: Mapped[date | None] = mapped_column(Date)
    reply_text: Mapped[str | None] = mapped_column(Text)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str | None] = mapped_column(String(300))
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class NationalProposal(Versioned, Base):
    """A province's proposal of national awards to the central body: prepared, then sent (no network)."""

    __tablename__ = "national_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form: Mapped[str] = mapped_column(String(64))
    policy_period: Mapped[str] = mapped_column(String(32))
    central_body: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))  # prepared | sent
    letter_ref: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    package_sha256: Mapped[str | None] = mapped_column(String(64))


class NationalProposalItem(Versioned, Base):
    __tablename__ = "national_proposal_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("national_proposals.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    ordinal: Mapped[int]
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_ref: Mapped[str | None] = mapped_column(String(300))
    outcome_date: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None]


class Annulment(Base):
    """One awardee's award annulled by a new decision (NĐ 152/2025 Điều 56), and what is to be recovered.

    Never deleted; the decision it annuls, its certificate and its award record stay, marked.
    ``recover_amount`` is the reward money to be given back (the reward fund ledger reads it).
    """

    __tablename__ = "annulments"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    act_number: Mapped[str] = mapped_column(String(100))
    act_date: Mapped[date] = mapped_column(Date)
    act_signer: Mapped[str | None] = mapped_column(String(200))
    ground: Mapped[str] = mapped_column(Text)
    article: Mapped[str] = mapped_column(String(300))
    recover_amount: Mapped[int]
    recover_items: Mapped[str | None] = mapped_column(String(300))
    recover_due_on: Mapped[date] = mapped_column(Date)
    recovered_on: Mapped[date | None] = mapped_column(Date)
    recovered_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


# --- issue 22: delegation, notifications in the app --------------------------------------------------


class Delegation(Versioned, Base):
    """A person's tasks of one role handed to a colleague for a period (leave, mission): the delegate acts
    for them, and the record says so. Revoked rather than deleted."""

    __tablename__ = "delegations"
    __table_args__ = (
        Index("ix_delegations_to", "to_person_id", "starts_on"),
        Index("ix_delegations_from", "from_person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    to_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class AppNotice(Base):
    """A notification shown in the app (the bell): kept per person until they read it."""

    __tablename__ = "app_notices"
    __table_args__ = (Index("ix_app_notices_person", "person_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class NoticeChoice(Versioned, Base):
    """How a person wants one kind of event: by mail, in the app or both; at once or in a daily digest."""

    __tablename__ = "notice_choices"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # mail | app | both
    cadence: Mapped[str] = mapped_column(String(12))  # immediate | digest


class DashboardSnapshot(Base):
    """The Ban's dashboard's counts as of ``taken_at`` (issue 22): aggregating 100,000 dossiers and a
    million events on every page view costs more than a page may; the sweep (or a person, on demand)
    takes a snapshot, and the page reads the newest one and says when it was taken."""

    __tablename__ = "dashboard_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[datetime]
    taken_on: Mapped[date] = mapped_column(Date)  # the day the ages in working days are counted to
    seconds: Mapped[float] = mapped_column(Float)
    data: Mapped[dict[str, Any]]


# --- issue 20b: statistics (TT 02/2023/TT-BNV) and the reward fund --------------------------------------


class ReportFigures(Versioned, Base):
    """The figures of one report form that no stored record can give (0604, 0605; for 0602 the awards no
    stored national proposal holds, added to those counted), as staff entered them for one reporting year."""

    __tablename__ = "report_figures"
    __table_args__ = (UniqueConstraint("province_id", "form", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[str] = mapped_column(ForeignKey("provinces.id"))
    form: Mapped[str] = mapped_column(String(8))
    year: Mapped[int]
    figures: Mapped[dict[str, Any]]  # {row code: {column key: int}}
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    entered_at: Mapped[datetime]


class FundBook(Versioned, Base):
    """The head of one province's fund ledger: every entry bumps its version, so two clerks appending at
    once (a payment each on one award) cannot both pass the checks made on the same balance."""

    __tablename__ = "fund_books"

    province_id: Mapped[str] = mapped_column(ForeignKey("provinces.id"), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)


class FundEntry(Base):
    """One line of the reward fund's ledger; never updated or deleted (triggers refuse it): a correction
    is a ``reversal`` line naming the line it cancels (at most one reversal per line)."""

    __tablename__ = "fund_entries"
    __table_args__ = (
        Index("ix_fund_entries_book", "province_id", "year", "source"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[str] = mapped_column(ForeignKey("provinces.id"))
    year: Mapped[int]  # the budget year the money belongs to
    source: Mapped[str] = mapped_column(String(16))  # enums.FundSource
    kind: Mapped[str] = mapped_column(String(16))  # enums.FundEntryKind
    # đồng: a province's allocation runs to billions (SQLite's INTEGER is 64-bit already)
    amount: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    decision_item_id: Mapped[int | None] = mapped_column(ForeignKey("decision_items.id"), index=True)
    payee: Mapped[str | None] = mapped_column(String(300))
    voucher_number: Mapped[str | None] = mapped_column(String(100))
    voucher_date: Mapped[date | None] = mapped_column(Date)
    voucher_file_name: Mapped[str | None] = mapped_column(String(300))
    voucher_sha256: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entries.id"), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


# --- the year around the awards: movements, registrations, pledges (issue 20a) ----------------------


class Movement(Versioned, Base):
    """A phong trào thi đua, with what form 0601 (TT 02/2023) counts, recorded when it is launched."""

    __tablename__ = "movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    province_id: Mapped[str] = mapped_column(ForeignKey("provinces.id"), index=True)
    launcher_kind: Mapped[str] = mapped_column(String(16))  # province | unit | bloc
    launcher_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    launcher_bloc_id: Mapped[str | None] = mapped_column(ForeignKey("blocs.id"))
    launcher_level: Mapped[str] = mapped_column(String(24))  # form 0601 columns 2–4
    scope: Mapped[str] = mapped_column(String(24))  # rows 02–05
    method: Mapped[str] = mapped_column(String(16))  # rows 11–12
    duration_class: Mapped[str] = mapped_column(String(16))  # rows 06–10, fixed at entry
    launched_on: Mapped[date] = mapped_column(Date, index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    goals: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]


class MovementUnit(Base):
    """A unit the movement covers."""

    __tablename__ = "movement_units"
    __table_args__ = (UniqueConstraint("movement_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))


class MovementDocument(Base):
    """The movement's plan, launch decision, …: bytes in the content-addressed store."""

    __tablename__ = "movement_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(300))
    dated: Mapped[date | None] = mapped_column(Date)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime]


class MovementReview(Base):
    """A bloc round that reviews the movement (sơ kết at mid-year, tổng kết at year-end)."""

    __tablename__ = "movement_reviews"
    __table_args__ = (UniqueConstraint("movement_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bloc_rounds.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))


class Registration(Versioned, Base):
    """A unit's đăng ký thi đua in a movement: the titles it and its people aim for."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("movement_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    bloc_id: Mapped[str | None] = mapped_column(ForeignKey("blocs.id"))
    status: Mapped[str] = mapped_column(String(16))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime]
    source_name: Mapped[str | None] = mapped_column(String(500))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    collected_at: Mapped[datetime | None]

    lines: Mapped[list[RegistrationLine]] = relationship(
        back_populates="registration", order_by="RegistrationLine.id", cascade="all, delete-orphan"
    )


class RegistrationLine(Base):
    __tablename__ = "registration_lines"
    __table_args__ = (Index("ix_registration_lines_match", "award_form", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    nominee_kind: Mapped[str] = mapped_column(String(16))
    nominee_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(300))
    award_form: Mapped[str] = mapped_column(String(64))

    registration: Mapped[Registration] = relationship(back_populates="lines")


class Pledge(Versioned, Base):
    """A bloc's giao ước thi đua of one year: its score sheet, signed by every member unit."""

    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("bloc_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bloc_id: Mapped[str] = mapped_column(ForeignKey("blocs.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    criteria: Mapped[list[Any]]
    members: Mapped[list[Any]]  # the member units that must sign, fixed when the pledge is drawn up
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    signed_at: Mapped[datetime | None]


class PledgeSignature(Base):
    """A member unit's signature of the pledge: the signed copy, stored with its SHA-256."""

    __tablename__ = "pledge_signatures"
    __table_args__ = (UniqueConstraint("pledge_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    signed_at: Mapped[datetime]
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(64))
