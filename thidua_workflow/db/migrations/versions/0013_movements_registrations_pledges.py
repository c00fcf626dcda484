"""The year around the awards (issue 20a): movements with their covered units, documents and review
rounds; units' registrations (đăng ký thi đua) and their lines; blocs' yearly pledges (giao ước thi đua)
and each member unit's signature. New tables only.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("province_id", sa.String(length=64), nullable=False),
        sa.Column("launcher_kind", sa.String(length=16), nullable=False),
        sa.Column("launcher_unit_id", sa.String(length=64), nullable=True),
        sa.Column("launcher_bloc_id", sa.String(length=64), nullable=True),
        sa.Column("launcher_level", sa.String(length=24), nullable=False),
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("duration_class", sa.String(length=16), nullable=False),
        sa.Column("launched_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("registration_deadline", sa.Date(), nullable=True),
        sa.Column("goals", sa.Text(), nullable=True),
        sa.Column("criteria", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_movements_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["launcher_bloc_id"], ["blocs.id"], name=op.f("fk_movements_launcher_bloc_id_blocs")
        ),
        sa.ForeignKeyConstraint(
            ["launcher_unit_id"], ["units.id"], name=op.f("fk_movements_launcher_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_movements_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movements")),
        sa.UniqueConstraint("code", name=op.f("uq_movements_code")),
    )
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movements_launched_on"), ["launched_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_movements_province_id"), ["province_id"], unique=False)

    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bloc_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
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
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_pledges_bloc_id_blocs")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_pledges_created_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
        sa.UniqueConstraint("bloc_id", "year", name=op.f("uq_pledges_bloc_id_year")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_bloc_id"), ["bloc_id"], unique=False)

    op.create_table(
        "movement_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("number", sa.String(length=300), nullable=True),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["people.id"], name=op.f("fk_movement_documents_added_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_movement_documents_movement_id_movements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_documents")),
    )
    with op.batch_alter_table("movement_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movement_documents_movement_id"), ["movement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_movement_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "movement_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_movement_reviews_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["bloc_rounds.id"], name=op.f("fk_movement_reviews_round_id_bloc_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_reviews")),
        sa.UniqueConstraint("movement_id", "round_id", name=op.f("uq_movement_reviews_movement_id_round_id")),
    )
    with op.batch_alter_table("movement_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movement_reviews_movement_id"), ["movement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_movement_reviews_round_id"), ["round_id"], unique=False)

    op.create_table(
        "movement_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_movement_units_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_movement_units_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_units")),
        sa.UniqueConstraint("movement_id", "unit_id", name=op.f("uq_movement_units_movement_id_unit_id")),
    )
    with op.batch_alter_table("movement_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movement_units_movement_id"), ["movement_id"], unique=False)

    op.create_table(
        "pledge_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_pledge_signatures_pledge_id_pledges")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["people.id"], name=op.f("fk_pledge_signatures_signed_by_id_people")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_pledge_signatures_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_signatures")),
        sa.UniqueConstraint("pledge_id", "unit_id", name=op.f("uq_pledge_signatures_pledge_id_unit_id")),
    )
    with op.batch_alter_table("pledge_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledge_signatures_pledge_id"), ["pledge_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledge_signatures_sha256"), ["sha256"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("bloc_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("collected_by_id", sa.Integer(), nullable=True),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bloc_id"], ["blocs.id"], name=op.f("fk_registrations_bloc_id_blocs")),
        sa.ForeignKeyConstraint(
            ["collected_by_id"], ["people.id"], name=op.f("fk_registrations_collected_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_registrations_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["people.id"], name=op.f("fk_registrations_submitted_by_id_people")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_registrations_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("movement_id", "unit_id", name=op.f("uq_registrations_movement_id_unit_id")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registrations_movement_id"), ["movement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_year"), ["year"], unique=False)

    op.create_table(
        "registration_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("nominee_kind", sa.String(length=16), nullable=False),
        sa.Column("nominee_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=300), nullable=True),
        sa.Column("award_form", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_lines_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_lines")),
    )
    with op.batch_alter_table("registration_lines", schema=None) as batch_op:
        batch_op.create_index("ix_registration_lines_match", ["award_form", "name_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_registration_lines_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_lines_registration_id"))
        batch_op.drop_index("ix_registration_lines_match")

    op.drop_table("registration_lines")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_year"))
        batch_op.drop_index(batch_op.f("ix_registrations_unit_id"))
        batch_op.drop_index(batch_op.f("ix_registrations_movement_id"))

    op.drop_table("registrations")
    with op.batch_alter_table("pledge_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_signatures_sha256"))
        batch_op.drop_index(batch_op.f("ix_pledge_signatures_pledge_id"))

    op.drop_table("pledge_signatures")
    with op.batch_alter_table("movement_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movement_units_movement_id"))

    op.drop_table("movement_units")
    with op.batch_alter_table("movement_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movement_reviews_round_id"))
        batch_op.drop_index(batch_op.f("ix_movement_reviews_movement_id"))

    op.drop_table("movement_reviews")
    with op.batch_alter_table("movement_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movement_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_movement_documents_movement_id"))

    op.drop_table("movement_documents")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_bloc_id"))

    op.drop_table("pledges")
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movements_province_id"))
        batch_op.drop_index(batch_op.f("ix_movements_launched_on"))

    op.drop_table("movements")
