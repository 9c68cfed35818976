"""media files: a photo's own copy (WeChat keeps temporary media three days) and the random id its links name

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("content_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("downloaded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("download_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("download_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("download_error", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_attachments_public_id"), ["public_id"])
    attachments = sa.table("attachments", sa.column("id", sa.Integer()), sa.column("public_id", sa.String()))
    connection = op.get_bind()
    for (attachment_id,) in connection.execute(sa.select(attachments.c.id)).all():
        connection.execute(sa.update(attachments).where(attachments.c.id == attachment_id)
                           .values(public_id=secrets.token_urlsafe(16)))


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_attachments_public_id"), type_="unique")
        batch_op.drop_column("download_error")
        batch_op.drop_column("download_due_at")
        batch_op.drop_column("download_attempts")
        batch_op.drop_column("downloaded_at")
        batch_op.drop_column("content_type")
        batch_op.drop_column("size")
        batch_op.drop_column("sha256")
        batch_op.drop_column("public_id")
