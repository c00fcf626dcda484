"""The steps NĐ 152/2025 adds: public posting and its comments, opinions and clearances, proposals of
national awards and their outcomes, annulments; award records withdrawn (kept) when annulled.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_form", sa.String(length=64), nullable=False),
        sa.Column("policy_period", sa.String(length=32), nullable=False),
        sa.Column("central_body", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("letter_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("package_sha256", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_national_proposals_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["people.id"], name=op.f("fk_national_proposals_sent_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_proposals")),
    )
    op.create_table(
        "public_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("policy_period", sa.String(length=32), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_public_postings_created_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_postings")),
    )
    op.create_table(
        "annulments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("act_number", sa.String(length=100), nullable=False),
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column("act_signer", sa.String(length=200), nullable=True),
        sa.Column("ground", sa.Text(), nullable=False),
        sa.Column("article", sa.String(length=300), nullable=False),
        sa.Column("recover_amount", sa.Integer(), nullable=False),
        sa.Column("recover_items", sa.String(length=300), nullable=True),
        sa.Column("recover_due_on", sa.Date(), nullable=False),
        sa.Column("recovered_on", sa.Date(), nullable=True),
        sa.Column("recovered_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_annulments_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_annulments_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_annulments_nomination_id_nominations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annulments")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_annulments_nomination_id")),
    )
    with op.batch_alter_table("annulments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annulments_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "national_proposal_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_ref", sa.String(length=300), nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_national_proposal_items_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["national_proposals.id"],
            name=op.f("fk_national_proposal_items_proposal_id_national_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_proposal_items")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_national_proposal_items_nomination_id")),
    )
    with op.batch_alter_table("national_proposal_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_national_proposal_items_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "public_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["people.id"], name=op.f("fk_public_comments_answered_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["people.id"], name=op.f("fk_public_comments_entered_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_public_comments_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["public_postings.id"], name=op.f("fk_public_comments_posting_id_public_postings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_comments")),
    )
    with op.batch_alter_table("public_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_comments_client_address"), ["client_address"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_public_comments_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_comments_posting_id"), ["posting_id"], unique=False)

    op.create_table(
        "public_posting_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_public_posting_items_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["public_postings.id"],
            name=op.f("fk_public_posting_items_posting_id_public_postings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_posting_items")),
        sa.UniqueConstraint(
            "posting_id", "nomination_id", name=op.f("uq_public_posting_items_posting_id_nomination_id")
        ),
    )
    with op.batch_alter_table("public_posting_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_posting_items_nomination_id"), ["nomination_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_public_posting_items_posting_id"), ["posting_id"], unique=False)

    op.create_table(
        "clearance_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("letter_ref", sa.String(length=200), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("reply_ref", sa.String(length=200), nullable=True),
        sa.Column("reply_on", sa.Date(), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("document_name", sa.String(length=300), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["people.id"], name=op.f("fk_clearance_requests_answered_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_clearance_requests_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["people.id"], name=op.f("fk_clearance_requests_requested_by_id_people")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_clearance_requests_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance_requests")),
        sa.UniqueConstraint("nomination_id", "body", name=op.f("uq_clearance_requests_nomination_id_body")),
    )
    with op.batch_alter_table("clearance_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clearance_requests_nomination_id"), ["nomination_id"], unique=False
        )

    with op.batch_alter_table("award_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("award_records", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")

    with op.batch_alter_table("clearance_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clearance_requests_nomination_id"))

    op.drop_table("clearance_requests")
    with op.batch_alter_table("public_posting_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_posting_items_posting_id"))
        batch_op.drop_index(batch_op.f("ix_public_posting_items_nomination_id"))

    op.drop_table("public_posting_items")
    with op.batch_alter_table("public_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_comments_posting_id"))
        batch_op.drop_index(batch_op.f("ix_public_comments_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_public_comments_client_address"))

    op.drop_table("public_comments")
    with op.batch_alter_table("national_proposal_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_national_proposal_items_proposal_id"))

    op.drop_table("national_proposal_items")
    with op.batch_alter_table("annulments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annulments_decision_id"))

    op.drop_table("annulments")
    op.drop_table("public_postings")
    op.drop_table("national_proposals")
