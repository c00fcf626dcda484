"""The appraiser's findings on criteria that need judgement (tiêu chuẩn cần thẩm định), per dossier version.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "criterion_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("dossier_version", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("article", sa.String(length=300), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_criterion_findings_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_criterion_findings_recorded_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_findings")),
    )
    op.create_index(
        "ix_criterion_findings_nomination", "criterion_findings", ["nomination_id", "dossier_version"]
    )


def downgrade() -> None:
    op.drop_index("ix_criterion_findings_nomination", table_name="criterion_findings")
    op.drop_table("criterion_findings")
