"""faq_entries.street_id: an entry is district-wide (NULL, as every entry before this revision) or one street's.
A question is unique within its street (and among the district-wide entries, which storage/faq_edit.py and the
import check by question_key): two streets may each answer 社区服务中心在哪 their own way.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_entries") as batch:
        batch.add_column(sa.Column("street_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_faq_entries_street_id_streets", "streets", ["street_id"], ["id"])
        batch.drop_constraint("uq_faq_entries_question", type_="unique")
        batch.create_unique_constraint("uq_faq_entries_street_id_question", ["street_id", "question"])


def downgrade() -> None:
    # Street entries whose question another entry has would break the old constraint: only district-wide ones stay.
    op.execute("DELETE FROM faq_answers WHERE faq_id IN (SELECT id FROM faq_entries WHERE street_id IS NOT NULL)")
    op.execute("DELETE FROM faq_entries WHERE street_id IS NOT NULL")
    with op.batch_alter_table("faq_entries") as batch:
        batch.drop_constraint("uq_faq_entries_street_id_question", type_="unique")
        batch.drop_constraint("fk_faq_entries_street_id_streets", type_="foreignkey")
        batch.drop_column("street_id")
        batch.create_unique_constraint("uq_faq_entries_question", ["question"])
