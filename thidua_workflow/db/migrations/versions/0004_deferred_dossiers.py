"""A dossier completed after its bloc round opened voting may be sent on to the bloc's next round: the
nomination keeps the round it left.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deferred_from_round_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_nominations_deferred_from_round_id_bloc_rounds"),
            "bloc_rounds",
            ["deferred_from_round_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_nominations_deferred_from_round_id_bloc_rounds"), type_="foreignkey"
        )
        batch_op.drop_column("deferred_from_round_id")
