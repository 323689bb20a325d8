"""SQL storage: SQLite by default, PostgreSQL at scale (SQLAlchemy 2 Core, psycopg 3, Alembic migrations)."""

from cyclades_adapters.sql.catalogue import SqlCatalogue
from cyclades_adapters.sql.database import SqlCandidateNumberAllocator, SqlDatabase, SqlRateLimiter
from cyclades_adapters.sql.storage import SqlUnitOfWork

__all__ = ["SqlCandidateNumberAllocator", "SqlCatalogue", "SqlDatabase", "SqlRateLimiter", "SqlUnitOfWork"]
