"""reply_windows, written by every message, becomes a SQLite WITHOUT ROWID table ordered by its openid (one b-tree
instead of the table and its key's index); PostgreSQL is unchanged

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # a PostgreSQL table has no rowid
    # Copied into a new table of the same columns and indexes.
    with op.batch_alter_table("reply_windows", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}):
        pass
