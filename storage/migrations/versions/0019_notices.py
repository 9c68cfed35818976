"""broadcast notices: the notice, its chunks and recipients, 楼长 confirmations, channels stopped for the day,
and residents' opt-out of ordinary notices

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch: SQLite would copy and drop `residents`, which other tables refer to.
    op.add_column("residents", sa.Column("notices_opted_out_at", sa.DateTime(), nullable=True))
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("scope_path", sa.String(length=255), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("author_staff_id", sa.Integer(), nullable=True),
        sa.Column("account_type", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("send_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["author_staff_id"], ["staff.id"], name=op.f("fk_broadcasts_author_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
        sa.UniqueConstraint("number", name=op.f("uq_broadcasts_number")),
    )
    op.create_table(
        "broadcast_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.Column("first_claimed_at", sa.DateTime(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("msg_id", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("event_status", sa.String(length=32), nullable=True),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.Column("filter_count", sa.Integer(), nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_broadcast_chunks_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_chunks")),
        sa.UniqueConstraint("broadcast_id", "seq", name=op.f("uq_broadcast_chunks_broadcast_id_seq")),
    )
    op.create_index("ix_broadcast_chunks_status_due", "broadcast_chunks", ["status", "due_at"])
    op.create_index(op.f("ix_broadcast_chunks_msg_id"), "broadcast_chunks", ["msg_id"])
    op.create_table(
        "broadcast_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("chunk_id", sa.Integer(), nullable=True),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("mass_month", sa.String(length=6), nullable=True),
        sa.Column("msg_id", sa.String(length=32), nullable=True),
        sa.Column("sending_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_broadcast_recipients_broadcast_id_broadcasts")),
        sa.ForeignKeyConstraint(["chunk_id"], ["broadcast_chunks.id"],
                                name=op.f("fk_broadcast_recipients_chunk_id_broadcast_chunks")),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"],
                                name=op.f("fk_broadcast_recipients_resident_id_residents")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_broadcast_recipients_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_recipients")),
        sa.UniqueConstraint("broadcast_id", "openid", name=op.f("uq_broadcast_recipients_broadcast_id_openid")),
    )
    op.create_index("ix_broadcast_recipients_chunk_status", "broadcast_recipients", ["chunk_id", "status"])
    op.create_index("ix_broadcast_recipients_month", "broadcast_recipients", ["mass_month", "openid"])
    op.create_index(op.f("ix_broadcast_recipients_msg_id"), "broadcast_recipients", ["msg_id"])
    op.create_table(
        "broadcast_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_broadcast_confirmations_broadcast_id_broadcasts")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_broadcast_confirmations_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_confirmations")),
        sa.UniqueConstraint("broadcast_id", "staff_id", name=op.f("uq_broadcast_confirmations_broadcast_id_staff_id")),
    )
    op.create_table(
        "channel_stops",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel_stops")),
    )


def downgrade() -> None:
    op.drop_table("channel_stops")
    op.drop_table("broadcast_confirmations")
    op.drop_index(op.f("ix_broadcast_recipients_msg_id"), table_name="broadcast_recipients")
    op.drop_index("ix_broadcast_recipients_month", table_name="broadcast_recipients")
    op.drop_index("ix_broadcast_recipients_chunk_status", table_name="broadcast_recipients")
    op.drop_table("broadcast_recipients")
    op.drop_index(op.f("ix_broadcast_chunks_msg_id"), table_name="broadcast_chunks")
    op.drop_index("ix_broadcast_chunks_status_due", table_name="broadcast_chunks")
    op.drop_table("broadcast_chunks")
    op.drop_table("broadcasts")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_column("notices_opted_out_at")
