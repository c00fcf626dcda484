"""Initial schema: organisation, nominations, rounds, council sessions, decisions, tasks, outboxes, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "year", name=op.f("pk_counters")),
    )
    op.create_table(
        "provinces",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issuing_body", sa.String(length=300), nullable=False),
        sa.Column("merged_into_id", sa.String(length=64), nullable=True),
        sa.Column("merged_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["provinces.id"], name=op.f("fk_provinces_merged_into_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provinces")),
    )
    op.create_table(
        "wakeups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wakeups")),
        sa.UniqueConstraint("token", name=op.f("uq_wakeups_token")),
    )
    with op.batch_alter_table("wakeups", schema=None) as batch_op:
        batch_op.create_index("ix_wakeups_pending", ["completed_at", "kind"], unique=False)

    op.create_table(
        "blocs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("province_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "criteria",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_blocs_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocs")),
    )
    with op.batch_alter_table("blocs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blocs_province_id"), ["province_id"], unique=False)

    op.create_table(
        "units",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("province_id", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("merged_into_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["merged_into_id"], ["units.id"], name=op.f("fk_units_merged_into_id_units")),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name=op.f("fk_units_parent_id_units")),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_units_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_units_province_id"), ["province_id"], unique=False)

    op.create_table(
        "bloc_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bloc_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("to_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_bloc_members_bloc_id_blocs")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_bloc_members_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bloc_members")),
        sa.UniqueConstraint(
            "bloc_id", "unit_id", "from_year", name=op.f("uq_bloc_members_bloc_id_unit_id_from_year")
        ),
    )
    with op.batch_alter_table("bloc_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bloc_members_bloc_id"), ["bloc_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bloc_members_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "bloc_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bloc_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chair_unit_id", sa.String(length=64), nullable=False),
        sa.Column("deputy_unit_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_bloc_officers_bloc_id_blocs")),
        sa.ForeignKeyConstraint(
            ["chair_unit_id"], ["units.id"], name=op.f("fk_bloc_officers_chair_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["deputy_unit_id"], ["units.id"], name=op.f("fk_bloc_officers_deputy_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bloc_officers")),
        sa.UniqueConstraint("bloc_id", "year", name=op.f("uq_bloc_officers_bloc_id_year")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("position", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_people_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("username", name=op.f("uq_people_username")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "unit_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_names_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_names")),
        sa.UniqueConstraint("unit_id", "valid_from", name=op.f("uq_unit_names_unit_id_valid_from")),
    )
    with op.batch_alter_table("unit_names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_names_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_names_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_audit_events_actor_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "bloc_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bloc_id", sa.String(length=64), nullable=False),
        sa.Column("period_code", sa.String(length=300), nullable=False),
        sa.Column("period_year", sa.Integer(), nullable=False),
        sa.Column("period_label", sa.String(length=300), nullable=False),
        sa.Column("policy_period", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "criteria",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "members",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voting_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_bloc_rounds_bloc_id_blocs")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["people.id"], name=op.f("fk_bloc_rounds_closed_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bloc_rounds")),
        sa.UniqueConstraint("bloc_id", "period_code", name=op.f("uq_bloc_rounds_bloc_id_period_code")),
    )
    op.create_table(
        "council_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("members_total", sa.Integer(), nullable=False),
        sa.Column("proposal_ref", sa.String(length=300), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["people.id"], name=op.f("fk_council_sessions_closed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_council_sessions_opened_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_sessions")),
    )
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_role_grants_person_id_people")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_role_grants_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grants")),
        sa.UniqueConstraint(
            "person_id", "role", "unit_id", name=op.f("uq_role_grants_person_id_role_unit_id")
        ),
    )
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_grants_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_role_grants_role"), ["role"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_submissions_submitted_by_id_people")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_submissions_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "bloc_round_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("scorer_unit_id", sa.String(length=64), nullable=False),
        sa.Column("scored_unit_id", sa.String(length=64), nullable=False),
        sa.Column(
            "points",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cast_by_id"], ["people.id"], name=op.f("fk_bloc_round_scores_cast_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bloc_rounds.id"], name=op.f("fk_bloc_round_scores_round_id_bloc_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["scored_unit_id"], ["units.id"], name=op.f("fk_bloc_round_scores_scored_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["scorer_unit_id"], ["units.id"], name=op.f("fk_bloc_round_scores_scorer_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bloc_round_scores")),
        sa.UniqueConstraint(
            "round_id",
            "scorer_unit_id",
            "scored_unit_id",
            name=op.f("uq_bloc_round_scores_round_id_scorer_unit_id_scored_unit_id"),
        ),
    )
    with op.batch_alter_table("bloc_round_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bloc_round_scores_round_id"), ["round_id"], unique=False)

    op.create_table(
        "council_session_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("voted", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_council_session_members_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_session_members_session_id_council_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_session_members")),
        sa.UniqueConstraint(
            "session_id", "person_id", name=op.f("uq_council_session_members_session_id_person_id")
        ),
    )
    with op.batch_alter_table("council_session_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_session_members_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("award_form", sa.String(length=64), nullable=False),
        sa.Column("award_name", sa.String(length=300), nullable=False),
        sa.Column("policy_period", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issuing_body", sa.String(length=300), nullable=False),
        sa.Column("reason_line", sa.Text(), nullable=False),
        sa.Column(
            "legal_basis",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("proposal_ref", sa.String(length=300), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("number_text", sa.String(length=100), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_title", sa.String(length=100), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_back_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["council_sessions.id"], name=op.f("fk_decisions_session_id_council_sessions")
        ),
        sa.ForeignKeyConstraint(["signer_id"], ["people.id"], name=op.f("fk_decisions_signer_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint(
            "issuing_body", "year", "number", name=op.f("uq_decisions_issuing_body_year_number")
        ),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_session_id"), ["session_id"], unique=False)

    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("submitting_unit_id", sa.String(length=64), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("award_form", sa.String(length=64), nullable=False),
        sa.Column("commendation_type", sa.String(length=16), nullable=False),
        sa.Column("procedure", sa.String(length=16), nullable=False),
        sa.Column("period_year", sa.Integer(), nullable=False),
        sa.Column("period_phase", sa.String(length=16), nullable=False),
        sa.Column("period_code", sa.String(length=300), nullable=False),
        sa.Column("period_label", sa.String(length=300), nullable=False),
        sa.Column("campaign", sa.String(length=300), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("movement", sa.String(length=300), nullable=True),
        sa.Column("nominee_kind", sa.String(length=16), nullable=False),
        sa.Column("nominee_name", sa.String(length=200), nullable=False),
        sa.Column("nominee_name_key", sa.String(length=200), nullable=False),
        sa.Column("nominee_position", sa.String(length=300), nullable=True),
        sa.Column("nominee_unit_id", sa.String(length=64), nullable=True),
        sa.Column("nominee_unit_name", sa.String(length=300), nullable=True),
        sa.Column("nominee_address", sa.String(length=300), nullable=True),
        sa.Column("nominee_birth_date", sa.Date(), nullable=True),
        sa.Column("nominee_person_id", sa.Integer(), nullable=True),
        sa.Column("nominee_key", sa.String(length=400), nullable=False),
        sa.Column("bloc_id", sa.String(length=64), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("returned_from", sa.String(length=24), nullable=True),
        sa.Column("held_from", sa.String(length=24), nullable=True),
        sa.Column("policy_period", sa.String(length=32), nullable=False),
        sa.Column("policy_digest", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=800), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("current_version >= 1", name=op.f("ck_nominations_current_version_positive")),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_nominations_bloc_id_blocs")),
        sa.ForeignKeyConstraint(
            ["nominee_person_id"], ["people.id"], name=op.f("fk_nominations_nominee_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["nominee_unit_id"], ["units.id"], name=op.f("fk_nominations_nominee_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bloc_rounds.id"], name=op.f("fk_nominations_round_id_bloc_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_nominations_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_nominations_submitted_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["submitting_unit_id"], ["units.id"], name=op.f("fk_nominations_submitting_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_nominations_dedupe_key")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index("ix_nominations_bloc_period", ["bloc_id", "period_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_nominee_key"), ["nominee_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_nominations_nominee_name_key"), ["nominee_name_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_nominations_nominee_unit_id"), ["nominee_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_period_year"), ["period_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_status"), ["status"], unique=False)
        batch_op.create_index("ix_nominations_status_award", ["status", "award_form"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_submission_id"), ["submission_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_nominations_submitting_unit_id"), ["submitting_unit_id"], unique=False
        )

    op.create_table(
        "award_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominee_key", sa.String(length=400), nullable=False),
        sa.Column("nominee_kind", sa.String(length=16), nullable=False),
        sa.Column("nominee_name", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("commendation_type", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=300), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_award_records_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_award_records_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_award_records_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_records")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_award_records_nomination_id")),
    )
    with op.batch_alter_table("award_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_records_nominee_key"), ["nominee_key"], unique=False)

    op.create_table(
        "bloc_round_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("voter_unit_id", sa.String(length=64), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("cast_by_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cast_by_id"], ["people.id"], name=op.f("fk_bloc_round_votes_cast_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_bloc_round_votes_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bloc_rounds.id"], name=op.f("fk_bloc_round_votes_round_id_bloc_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["voter_unit_id"], ["units.id"], name=op.f("fk_bloc_round_votes_voter_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bloc_round_votes")),
        sa.UniqueConstraint(
            "round_id",
            "voter_unit_id",
            "nomination_id",
            name=op.f("uq_bloc_round_votes_round_id_voter_unit_id_nomination_id"),
        ),
    )
    with op.batch_alter_table("bloc_round_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bloc_round_votes_round_id"), ["round_id"], unique=False)

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("golden_book", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_certificates_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_certificates_nomination_id_nominations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_certificates_nomination_id")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_pdf_sha256"), ["pdf_sha256"], unique=False)

    op.create_table(
        "council_session_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("needs_vote", sa.Boolean(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_council_session_items_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_session_items_session_id_council_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_session_items")),
        sa.UniqueConstraint(
            "session_id", "nomination_id", name=op.f("uq_council_session_items_session_id_nomination_id")
        ),
    )
    with op.batch_alter_table("council_session_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_session_items_nomination_id"), ["nomination_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_council_session_items_session_id"), ["session_id"], unique=False)

    op.create_table(
        "decision_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("nominee_kind", sa.String(length=16), nullable=False),
        sa.Column("nominee_name", sa.String(length=200), nullable=False),
        sa.Column("nominee_detail", sa.String(length=600), nullable=True),
        sa.Column("reward_amount", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_items_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_decision_items_nomination_id_nominations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_items")),
        sa.UniqueConstraint(
            "decision_id", "nomination_id", name=op.f("uq_decision_items_decision_id_nomination_id")
        ),
        sa.UniqueConstraint("decision_id", "ordinal", name=op.f("uq_decision_items_decision_id_ordinal")),
    )
    with op.batch_alter_table("decision_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_items_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_items_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "dossier_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("achievement", sa.Text(), nullable=False),
        sa.Column(
            "declared",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "checks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_dossier_versions_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_dossier_versions_nomination_id_nominations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_versions")),
        sa.UniqueConstraint("nomination_id", "number", name=op.f("uq_dossier_versions_nomination_id_number")),
    )
    with op.batch_alter_table("dossier_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_versions_nomination_id"), ["nomination_id"], unique=False
        )

    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_issued_documents_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_issued_documents_nomination_id_nominations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint(
            "decision_id",
            "kind",
            "nomination_id",
            name=op.f("uq_issued_documents_decision_id_kind_nomination_id"),
        ),
    )
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_documents_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_role", sa.String(length=32), nullable=False),
        sa.Column("assignee_unit_id", sa.String(length=64), nullable=True),
        sa.Column("assignee_person_id", sa.Integer(), nullable=True),
        sa.Column("bloc_id", sa.String(length=64), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_person_id"], ["people.id"], name=op.f("fk_tasks_assignee_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_unit_id"], ["units.id"], name=op.f("fk_tasks_assignee_unit_id_units")
        ),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_tasks_bloc_id_blocs")),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["people.id"], name=op.f("fk_tasks_completed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_tasks_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_tasks_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["bloc_rounds.id"], name=op.f("fk_tasks_round_id_bloc_rounds")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["council_sessions.id"], name=op.f("fk_tasks_session_id_council_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_assignee_person_id"), ["assignee_person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_assignee_unit_id"), ["assignee_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index("ix_tasks_open_role", ["status", "assignee_role"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_session_id"), ["session_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("number", sa.String(length=300), nullable=True),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_version_id"],
            ["dossier_versions.id"],
            name=op.f("fk_documents_dossier_version_id_dossier_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["people.id"], name=op.f("fk_documents_signed_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documents_dossier_version_id"), ["dossier_version_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_notifications_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_notifications_person_id_people")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_notifications_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_pending", ["sent_at", "status"], unique=False)

    _audit_append_only()


# Audit events are the record: the database itself refuses to change or remove one.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
_PG_TRIGGERS = (
    "CREATE FUNCTION thidua_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION thidua_refuse_audit_change()",
)


def _audit_append_only() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _PG_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS thidua_refuse_audit_change()")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_pending")

    op.drop_table("notifications")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_documents_dossier_version_id"))

    op.drop_table("documents")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_session_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_round_id"))
        batch_op.drop_index("ix_tasks_open_role")
        batch_op.drop_index(batch_op.f("ix_tasks_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_decision_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_assignee_unit_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_assignee_person_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_documents_decision_id"))

    op.drop_table("issued_documents")
    with op.batch_alter_table("dossier_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_versions_nomination_id"))

    op.drop_table("dossier_versions")
    with op.batch_alter_table("decision_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_items_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_decision_items_decision_id"))

    op.drop_table("decision_items")
    with op.batch_alter_table("council_session_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_session_items_session_id"))
        batch_op.drop_index(batch_op.f("ix_council_session_items_nomination_id"))

    op.drop_table("council_session_items")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_pdf_sha256"))
        batch_op.drop_index(batch_op.f("ix_certificates_decision_id"))

    op.drop_table("certificates")
    with op.batch_alter_table("bloc_round_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bloc_round_votes_round_id"))

    op.drop_table("bloc_round_votes")
    with op.batch_alter_table("award_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_records_nominee_key"))

    op.drop_table("award_records")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominations_submitting_unit_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_submission_id"))
        batch_op.drop_index("ix_nominations_status_award")
        batch_op.drop_index(batch_op.f("ix_nominations_status"))
        batch_op.drop_index(batch_op.f("ix_nominations_round_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_period_year"))
        batch_op.drop_index(batch_op.f("ix_nominations_nominee_unit_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_nominee_name_key"))
        batch_op.drop_index(batch_op.f("ix_nominations_nominee_key"))
        batch_op.drop_index("ix_nominations_bloc_period")

    op.drop_table("nominations")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_session_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("council_session_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_session_members_session_id"))

    op.drop_table("council_session_members")
    with op.batch_alter_table("bloc_round_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bloc_round_scores_round_id"))

    op.drop_table("bloc_round_scores")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_unit_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_grants_role"))
        batch_op.drop_index(batch_op.f("ix_role_grants_person_id"))

    op.drop_table("role_grants")
    op.drop_table("council_sessions")
    op.drop_table("bloc_rounds")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_events")
    with op.batch_alter_table("unit_names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_names_unit_id"))
        batch_op.drop_index(batch_op.f("ix_unit_names_name_key"))

    op.drop_table("unit_names")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_unit_id"))
        batch_op.drop_index(batch_op.f("ix_people_name_key"))

    op.drop_table("people")
    op.drop_table("bloc_officers")
    with op.batch_alter_table("bloc_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bloc_members_unit_id"))
        batch_op.drop_index(batch_op.f("ix_bloc_members_bloc_id"))

    op.drop_table("bloc_members")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_province_id"))
        batch_op.drop_index(batch_op.f("ix_units_parent_id"))

    op.drop_table("units")
    with op.batch_alter_table("blocs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocs_province_id"))

    op.drop_table("blocs")
    with op.batch_alter_table("wakeups", schema=None) as batch_op:
        batch_op.drop_index("ix_wakeups_pending")

    op.drop_table("wakeups")
    op.drop_table("provinces")
    op.drop_table("counters")
