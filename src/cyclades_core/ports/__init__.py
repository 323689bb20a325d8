"""Ports: the ``typing.Protocol`` interfaces the core needs and adapters implement."""

from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.files import DocumentContent, DocumentRenderer, FileScanner, FileStore, UploadInspector
from cyclades_core.ports.mail import Mailer, TimedMailer
from cyclades_core.ports.reference import BirthplaceDirectory, Commune, Country, Departement
from cyclades_core.ports.security import (
    BreachedPasswords,
    CandidateNumberAllocator,
    PasswordHasher,
    RateLimiter,
    ThrottlePolicy,
)
from cyclades_core.ports.storage import (
    AccountRepository,
    AuditLog,
    CandidatureIndex,
    CandidatureRepository,
    DocumentRepository,
    ManagerRepository,
    Outbox,
    PieceRepository,
    TokenStore,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = [
    "AccountRepository",
    "AuditLog",
    "BirthplaceDirectory",
    "BreachedPasswords",
    "CandidateNumberAllocator",
    "CandidatureIndex",
    "CandidatureRepository",
    "Catalogue",
    "Clock",
    "Commune",
    "Country",
    "Departement",
    "DocumentContent",
    "DocumentRenderer",
    "DocumentRepository",
    "FileScanner",
    "FileStore",
    "Mailer",
    "ManagerRepository",
    "Outbox",
    "PasswordHasher",
    "PieceRepository",
    "RateLimiter",
    "ThrottlePolicy",
    "TimedMailer",
    "TokenStore",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UploadInspector",
]
