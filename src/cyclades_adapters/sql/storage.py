"""The SQL storage adapter: SQLAlchemy 2 Core, explicit mappers between rows and domain objects.

One :class:`SqlUnitOfWork` is one database transaction (``BEGIN IMMEDIATE`` on SQLite, READ COMMITTED on
PostgreSQL); it rolls back unless committed. Optimistic concurrency is ``UPDATE … WHERE version = ?`` with a rowcount
check; uniqueness is the database's (unique constraints), and driver errors are translated into the core's tree.

The adapter is one module per repository (``accounts``, ``tokens``, ``outbox``, ``audit``, ``candidatures``,
``documents``, ``pieces``), the unit of work in ``unit_of_work`` and what they share in ``_common``; this module
re-exports the public names.
"""

from __future__ import annotations

from cyclades_adapters.sql._common import JSON_CONVERTER, translate_integrity_error
from cyclades_adapters.sql.unit_of_work import SqlUnitOfWork

__all__ = ["JSON_CONVERTER", "SqlUnitOfWork", "translate_integrity_error"]
