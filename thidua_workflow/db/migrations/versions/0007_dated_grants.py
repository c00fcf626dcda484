"""Authority by date: a role grant holds from ``valid_from`` to ``valid_until`` and ends with its body
(``ends_on``, kept by the organisation load); a decision knows the province that issued it.

Grants loaded before this revision hold from the beginning (2/9/1945) and are open-ended, as the
organisation file without dates says. Decisions take the province whose issuing body they name.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("valid_from", sa.Date(), nullable=False, server_default=sa.text("'1945-09-02'"))
        )
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("province_id", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_role_grants_province_id_provinces"), "provinces", ["province_id"], ["id"]
        )
        batch_op.drop_constraint("uq_role_grants_person_id_role_unit_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_role_grants_person_id_role_unit_id_valid_from"),
            ["person_id", "role", "unit_id", "valid_from"],
        )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("province_id", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_province_id_provinces"), "provinces", ["province_id"], ["id"]
        )
    op.execute(
        "UPDATE role_grants SET province_id = (SELECT u.province_id FROM people p "
        "JOIN units u ON u.id = p.unit_id WHERE p.id = role_grants.person_id)"
    )
    op.execute(
        "UPDATE decisions SET province_id = (SELECT MIN(p.id) FROM provinces p "
        "WHERE p.issuing_body = decisions.issuing_body)"
    )


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_decisions_province_id_provinces"), type_="foreignkey")
        batch_op.drop_column("province_id")
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_role_grants_person_id_role_unit_id_valid_from"), type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_role_grants_person_id_role_unit_id", ["person_id", "role", "unit_id"]
        )
        batch_op.drop_constraint(batch_op.f("fk_role_grants_province_id_provinces"), type_="foreignkey")
        batch_op.drop_column("province_id")
        batch_op.drop_column("ends_on")
        batch_op.drop_column("valid_until")
        batch_op.drop_column("valid_from")
