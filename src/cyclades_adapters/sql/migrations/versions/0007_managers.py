"""The managing service's accounts (back office) and their sessions: ``managers`` (a login, a name, the académies,
a password hash; disabled ones are kept) and ``manager_sessions`` (only a token's digest, apart from the candidates'
``tokens``). New tables only: nothing existing changes, and the downgrade drops them with what they hold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "managers",
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("academie_codes", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_managers")),
    )
    op.create_table(
        "manager_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["login"], ["managers.login"], name=op.f("fk_manager_sessions_login_managers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_manager_sessions")),
    )
    with op.batch_alter_table("manager_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manager_sessions_login"), ["login"], unique=False)
        batch_op.create_index("ix_manager_sessions_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("manager_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_manager_sessions_expires_at")
        batch_op.drop_index(batch_op.f("ix_manager_sessions_login"))
    op.drop_table("manager_sessions")
    op.drop_table("managers")
