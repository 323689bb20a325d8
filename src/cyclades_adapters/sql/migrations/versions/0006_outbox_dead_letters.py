"""The outbox's failures: why the last delivery failed (``last_error``: an SMTP code and class or an exception's
type, never the address) and the dead letters (``dead_at``: given up, never claimed again). Mails delivered before
this revision forget their recipient, as delivered mails now do (L1); the downgrade cannot bring them back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbox SET recipient = '' WHERE sent_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("dead_at")
        batch_op.drop_column("last_error")
