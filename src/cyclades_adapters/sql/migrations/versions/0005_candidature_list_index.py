"""An index in the order of the managing service's list (session, académie, creation instant, id), which now comes by
pages: a page reads its own rows instead of sorting every matching candidature.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_candidatures_list", "candidatures", ["session_id", "academie_code", "created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_candidatures_list", table_name="candidatures")
