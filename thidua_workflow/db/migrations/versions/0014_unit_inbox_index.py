"""A unit's inbox counted from an index: the open tasks of a unit-scoped role (a bloc representative's,
a unit clerk's) by unit, person, kind and due date. Without it, counting one bloc member's tasks read
every bloc representative's open task in the province (36 ms of the 41 ms page at 100,000 dossiers).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = [
    "status",
    "assignee_role",
    "assignee_unit_id",
    "assignee_person_id",
    "kind",
    "due_on",
    "nomination_id",
]


def upgrade() -> None:
    op.create_index("ix_tasks_unit_inbox", "tasks", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_tasks_unit_inbox", table_name="tasks")
