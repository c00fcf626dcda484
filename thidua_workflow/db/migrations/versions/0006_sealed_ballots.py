"""Secret ballots sealed apart from who cast them, counted only at the close (issue 15): the sealed
ballots' table, and each session's salt and key check.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_sealed_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_sealed_ballots_session_id_council_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_sealed_ballots")),
    )
    with op.batch_alter_table("council_sealed_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_sealed_ballots_session_id"), ["session_id"], unique=False
        )
    with op.batch_alter_table("council_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ballot_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ballot_check", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("council_sessions", schema=None) as batch_op:
        batch_op.drop_column("ballot_check")
        batch_op.drop_column("ballot_salt")
    with op.batch_alter_table("council_sealed_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_sealed_ballots_session_id"))
    op.drop_table("council_sealed_ballots")
