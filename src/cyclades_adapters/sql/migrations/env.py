"""Alembic environment of the cyclades schema; run through :func:`cyclades_adapters.sql.upgrade`."""

from __future__ import annotations

from alembic import context

from cyclades_adapters.sql.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
