"""Signers: how each person signs (own PKCS#11 token, remote signing account, the office's seal), and the
PDF a decision's signer signed with their own key.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signers",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pkcs11_module", sa.String(length=500), nullable=True),
        sa.Column("token_label", sa.String(length=100), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("key_label", sa.String(length=100), nullable=True),
        sa.Column("remote_url", sa.String(length=500), nullable=True),
        sa.Column("remote_username", sa.String(length=200), nullable=True),
        sa.Column("credential_id", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_signers_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_signers")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_pdf_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("signed_with", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("signed_with")
        batch_op.drop_column("signed_pdf_sha256")
    op.drop_table("signers")
