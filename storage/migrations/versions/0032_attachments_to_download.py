"""attachments still to download: the index the worker's look for photos to save (every second) reads, instead of
every attachment ever received

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    where = sa.text("downloaded_at IS NULL")
    op.create_index("ix_attachments_to_download", "attachments", ["kind", "id"], sqlite_where=where,
                    postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_attachments_to_download", table_name="attachments")
