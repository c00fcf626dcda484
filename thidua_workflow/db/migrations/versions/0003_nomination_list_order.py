"""Nomination lists are sorted and paged in SQL: each nomination keeps its nominee's Vietnamese order key
(kind, then the name in dictionary order, persons by given name), computed here for existing rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.identity import list_order_key

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nominee_order_key", sa.String(length=600), nullable=False, server_default="")
        )
    nominations = sa.table(
        "nominations",
        sa.column("id", sa.Integer()),
        sa.column("nominee_kind", sa.String()),
        sa.column("nominee_name", sa.String()),
        sa.column("nominee_order_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(nominations.c.id, nominations.c.nominee_kind, nominations.c.nominee_name))
    for row_id, kind, name in rows.all():
        bind.execute(
            nominations.update()
            .where(nominations.c.id == row_id)
            .values(nominee_order_key=list_order_key(NomineeKind(kind), name))
        )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.alter_column("nominee_order_key", server_default=None)
        batch_op.create_index(
            "ix_nominations_list_order",
            ["period_year", "award_form", "nominee_order_key", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_nominations_list_order")
        batch_op.drop_column("nominee_order_key")
