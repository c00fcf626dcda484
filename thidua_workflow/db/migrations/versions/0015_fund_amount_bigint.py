"""A ledger line of the reward fund holds a province's allocation: ``fund_entries.amount`` becomes a
64-bit integer. On PostgreSQL it was 32-bit, so one line held at most 2.147.483.647 đ, while a
province's yearly allocation to its fund runs to billions. SQLite's integers are 64-bit already (and
rebuilding the table there would drop its append-only triggers), so nothing changes on SQLite.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A change of type fires no row trigger: the append-only rule of the ledger holds throughout.
        op.alter_column("fund_entries", "amount", type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("fund_entries", "amount", type_=sa.Integer(), existing_type=sa.BigInteger())
