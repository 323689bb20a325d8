"""Alembic environment of the cyclades schema; run through :meth:`cyclades_adapters.sql.SqlDatabase.upgrade`.

The revisions are recorded in the library's own version table (``cyclades_alembic_version``), in the library's
schema when one is set: a host application's ``alembic_version`` is never read nor written.
"""

from __future__ import annotations

from alembic import context

from cyclades_adapters.sql.schema import metadata

attributes = context.config.attributes
connection = attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    version_table=attributes.get("version_table", "cyclades_alembic_version"),
    version_table_schema=attributes.get("version_table_schema"),
)
with context.begin_transaction():
    context.run_migrations()
