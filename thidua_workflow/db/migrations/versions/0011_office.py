"""The office at work (issue 22): delegations of a role's tasks, "for whom" on the record, notifications in
the app with each person's choice of channel, and the indexes the Ban's dashboard reads.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_person_id", sa.Integer(), nullable=False),
        sa.Column("to_person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_person_id"], ["people.id"], name=op.f("fk_delegations_from_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["to_person_id"], ["people.id"], name=op.f("fk_delegations_to_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_delegations_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["people.id"], name=op.f("fk_delegations_revoked_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index("ix_delegations_to", "delegations", ["to_person_id", "starts_on"])
    op.create_index("ix_delegations_from", "delegations", ["from_person_id"])
    op.create_table(
        "app_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_app_notices_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_notices")),
    )
    op.create_index("ix_app_notices_person", "app_notices", ["person_id", "read_at", "id"])
    op.create_table(
        "notice_choices",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("cadence", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_notice_choices_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", "kind", name=op.f("pk_notice_choices")),
    )
    # "For whom": plain ADD COLUMN (no table rebuild), so the audit log's append-only triggers stay.
    op.add_column("audit_events", sa.Column("on_behalf_of_id", sa.Integer(), nullable=True))
    op.add_column("audit_events", sa.Column("on_behalf_of_label", sa.String(length=300), nullable=True))
    op.add_column("tasks", sa.Column("on_behalf_of_id", sa.Integer(), nullable=True))
    op.add_column("tasks", sa.Column("reassigned_reason", sa.Text(), nullable=True))
    # The dashboard: throughput per week reads events by action and time; stages by year, status and unit.
    op.create_index("ix_audit_action_at", "audit_events", ["action", "at"])
    op.create_index(
        "ix_nominations_dashboard", "nominations", ["period_year", "status", "submitting_unit_id"]
    )
    op.create_index("ix_tasks_overdue", "tasks", ["status", "due_on"])
    op.create_index(
        "ix_tasks_mine",
        "tasks",
        ["status", "assignee_role", "assignee_person_id", "kind", "due_on", "nomination_id"],
    )
    op.create_index("ix_nominations_submitted_by", "nominations", ["submitted_by_id"])
    op.create_index("ix_nominations_nominee_person", "nominations", ["nominee_person_id"])
    op.create_table(
        "dashboard_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("dashboard_snapshots")
    op.drop_index("ix_nominations_nominee_person", table_name="nominations")
    op.drop_index("ix_nominations_submitted_by", table_name="nominations")
    op.drop_index("ix_tasks_mine", table_name="tasks")
    op.drop_index("ix_tasks_overdue", table_name="tasks")
    op.drop_index("ix_nominations_dashboard", table_name="nominations")
    op.drop_index("ix_audit_action_at", table_name="audit_events")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("reassigned_reason")
        batch_op.drop_column("on_behalf_of_id")
    op.drop_column("audit_events", "on_behalf_of_label")
    op.drop_column("audit_events", "on_behalf_of_id")
    op.drop_table("notice_choices")
    op.drop_index("ix_app_notices_person", table_name="app_notices")
    op.drop_table("app_notices")
    op.drop_index("ix_delegations_from", table_name="delegations")
    op.drop_index("ix_delegations_to", table_name="delegations")
    op.drop_table("delegations")
