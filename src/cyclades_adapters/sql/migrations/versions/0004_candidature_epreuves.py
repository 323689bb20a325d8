"""The épreuves of each candidature as rows (effectifs par épreuve), filled from the candidatures' content.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The stored names of the content's values (Position and EvaluationMode), fixed here as at this revision.
POSITIONS = {"Inscrit": "INSCRIT", "Non Inscrit": "NON_INSCRIT", "Bénéfice": "BENEFICE"}
MODES = {"Ponctuel": "PONCTUEL", "CCF": "CCF"}
BATCH = 1000


def upgrade() -> None:
    epreuves = op.create_table(
        "candidature_epreuves",
        sa.Column("candidature_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("option", sa.Text(), nullable=True),
        sa.Column("position", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidature_id"],
            ["candidatures.id"],
            name=op.f("fk_candidature_epreuves_candidature_id_candidatures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidature_id", "seq", name=op.f("pk_candidature_epreuves")),
    )
    candidatures = sa.table("candidatures", sa.column("id", sa.String()), sa.column("content", sa.JSON()))
    connection = op.get_bind()
    after = ""
    while True:  # in batches by id: memory stays bounded whatever the number of candidatures
        batch = connection.execute(
            sa.select(candidatures.c.id, candidatures.c.content)
            .where(candidatures.c.id > after).order_by(candidatures.c.id).limit(BATCH)
        ).all()  # fmt: skip
        if not batch:
            break
        rows = [
            {"candidature_id": cid, "seq": seq, "code": e["code"], "option": e.get("option"),
             "position": POSITIONS[e["position"]], "mode": MODES[e["mode"]] if e.get("mode") else None}
            for cid, content in batch
            for seq, e in enumerate(content.get("epreuves", ()))
        ]  # fmt: skip
        if rows:
            op.bulk_insert(epreuves, rows)
        after = batch[-1][0]


def downgrade() -> None:
    op.drop_table("candidature_epreuves")
