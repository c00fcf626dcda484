"""Statistics and the reward fund (issue 20b): the recipient class the Ministry's forms count by, the
figures staff enter for the forms no record can give, and the fund's append-only ledger.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The ledger is the record of money: the database itself refuses to change or remove a line.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries "
    "BEGIN SELECT RAISE(ABORT, 'fund_entries is append-only'); END",
    "CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries "
    "BEGIN SELECT RAISE(ABORT, 'fund_entries is append-only'); END",
)
_PG_TRIGGERS = (
    "CREATE FUNCTION thidua_refuse_fund_change() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'fund_entries is append-only'; END $$",
    "CREATE TRIGGER fund_entries_append_only BEFORE UPDATE OR DELETE ON fund_entries "
    "FOR EACH ROW EXECUTE FUNCTION thidua_refuse_fund_change()",
)


def upgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nominee_stat_group", sa.String(length=32), nullable=True))
    op.create_table(
        "report_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.String(length=64), nullable=False),
        sa.Column("form", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_report_figures_province_id_provinces")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["people.id"], name=op.f("fk_report_figures_entered_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_figures")),
        sa.UniqueConstraint(
            "province_id", "form", "year", name=op.f("uq_report_figures_province_id_form_year")
        ),
    )
    op.create_table(
        "fund_books",
        sa.Column("province_id", sa.String(length=64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_fund_books_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("province_id", name=op.f("pk_fund_books")),
    )
    op.create_table(
        "fund_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("decision_item_id", sa.Integer(), nullable=True),
        sa.Column("payee", sa.String(length=300), nullable=True),
        sa.Column("voucher_number", sa.String(length=100), nullable=True),
        sa.Column("voucher_date", sa.Date(), nullable=True),
        sa.Column("voucher_file_name", sa.String(length=300), nullable=True),
        sa.Column("voucher_sha256", sa.String(length=64), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_fund_entries_amount_positive")),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_fund_entries_province_id_provinces")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_fund_entries_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["decision_item_id"],
            ["decision_items.id"],
            name=op.f("fk_fund_entries_decision_item_id_decision_items"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["fund_entries.id"], name=op.f("fk_fund_entries_reverses_id_fund_entries")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_fund_entries_recorded_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_entries")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_fund_entries_reverses_id")),
    )
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.create_index("ix_fund_entries_book", ["province_id", "year", "source"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_entries_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_fund_entries_decision_item_id"), ["decision_item_id"], unique=False
        )
    dialect = op.get_bind().dialect.name
    for statement in _PG_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS fund_entries_append_only ON fund_entries")
        op.execute("DROP FUNCTION IF EXISTS thidua_refuse_fund_change()")
    op.drop_table("fund_entries")
    op.drop_table("fund_books")
    op.drop_table("report_figures")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_column("nominee_stat_group")
