"""The one composition root: builds the ports, injects them into the use cases, returns the :class:`Portal`.

Nothing is built at import time. Storage is chosen by URL: the ``storage_url`` argument first, then the
environment variable ``CYCLADES_DATABASE_URL``, then the embedded default ``memory://``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from attrs import frozen

from cyclades_adapters.observability import log_storage_opened, logging_unit_of_work
from cyclades_core.errors import ConfigurationError
from cyclades_core.model.verification import DocumentSigner
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.files import DocumentRenderer, FileScanner, FileStore, UploadInspector
from cyclades_core.ports.mail import Mailer
from cyclades_core.ports.reference import BirthplaceDirectory
from cyclades_core.ports.security import BreachedPasswords, CandidateNumberAllocator, PasswordHasher, RateLimiter
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.usecases.accounts import AccountService, AccountSettings
from cyclades_core.usecases.audit import AuditService
from cyclades_core.usecases.candidatures import CandidatureService
from cyclades_core.usecases.catalogue import CatalogueService
from cyclades_core.usecases.documents import DocumentService
from cyclades_core.usecases.mail import MailRelay, OutboxService, ReminderService
from cyclades_core.usecases.management import EstablishmentService, ManagerService
from cyclades_core.usecases.pieces import PieceService

__all__ = ["DATABASE_URL_ENV", "DEFAULT_STORAGE_URL", "Portal", "build_portal", "default_hasher"]

DATABASE_URL_ENV = "CYCLADES_DATABASE_URL"
DEFAULT_STORAGE_URL = "memory://"


@frozen
class Portal:
    """The facade integrators use: one attribute per family of use cases."""

    accounts: AccountService
    catalogue: CatalogueService
    candidatures: CandidatureService
    management: ManagerService
    establishments: EstablishmentService
    pieces: PieceService
    documents: DocumentService
    outbox: OutboxService
    relay: MailRelay
    reminders: ReminderService
    audit: AuditService
    unit_of_work: UnitOfWorkFactory
    clock: Clock
    storage_url: str
    #: The backing store, for operations and inspection: a ``MemoryDatabase`` for ``memory://``.
    storage: object


def default_hasher() -> PasswordHasher:
    """Argon2id when the ``argon2`` extra is installed, else the standard library's scrypt."""
    try:
        from cyclades_adapters.security import Argon2idHasher

        return Argon2idHasher()
    except ImportError:
        from cyclades_adapters.security import ScryptHasher

        return ScryptHasher()


def _storage(
    url: str, migrate: bool, check: bool
) -> tuple[object, UnitOfWorkFactory, CandidateNumberAllocator, RateLimiter]:
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from cyclades_adapters.memory import MemoryCandidateNumberAllocator, MemoryDatabase, MemoryRateLimiter

        database = MemoryDatabase()
        return database, database.unit_of_work, MemoryCandidateNumberAllocator(), MemoryRateLimiter()
    if scheme.startswith(("sqlite", "postgresql")):
        try:
            from cyclades_adapters.sql import SqlCandidateNumberAllocator, SqlDatabase, SqlRateLimiter
        except ImportError as missing:  # pragma: no cover - depends on the installed extras
            raise ConfigurationError(
                f"storage_url / {DATABASE_URL_ENV} : {scheme!r} demande l'extra 'sql' (pip install 'cyclades[sql]')."
            ) from missing
        sql = SqlDatabase(url)
        if migrate:
            sql.upgrade()
        if check:
            sql.check()  # J4: the outbox relays only durable commits
        return sql, sql.unit_of_work, SqlCandidateNumberAllocator(sql), SqlRateLimiter(sql)
    raise ConfigurationError(
        f"storage_url / {DATABASE_URL_ENV} : schéma de stockage non pris en charge {scheme!r} dans {url!r} "
        "(pris en charge : 'memory://', 'sqlite:///chemin.db', 'postgresql+psycopg://…')."
    )


DOCUMENT_KEY_ENV = "CYCLADES_DOCUMENT_KEY"


def _default_renderer() -> DocumentRenderer:
    """The laid-out reportlab documents when the ``pdf`` extra is installed, else the dependency-free renderer."""
    try:
        from cyclades_adapters.pdf import ReportlabRenderer

        return ReportlabRenderer()
    except ImportError:
        from cyclades_adapters.documents import SimplePdfRenderer

        return SimplePdfRenderer()


def _document_key(given: bytes | None, env: Mapping[str, str]) -> bytes:
    """The secret of the documents' verification codes: the argument, then ``CYCLADES_DOCUMENT_KEY``; without
    either, a random key for this process only (codes then verify only in this process)."""
    if given is not None:
        return given
    text = env.get(DOCUMENT_KEY_ENV)
    if text:
        if len(text.encode()) < 16:
            raise ConfigurationError(f"document_key / {DOCUMENT_KEY_ENV} : au moins 16 caractères.")
        return text.encode()
    return secrets.token_bytes(32)


def build_portal(
    storage_url: str | None = None,
    *,
    settings: AccountSettings | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    birthplaces: BirthplaceDirectory | None = None,
    catalogue: Catalogue | None = None,
    file_store: FileStore | None = None,
    scanner: FileScanner | None = None,
    inspector: UploadInspector | None = None,
    renderer: DocumentRenderer | None = None,
    mailer: Mailer | None = None,
    breached_passwords: BreachedPasswords | None = None,
    document_key: bytes | None = None,
    environ: Mapping[str, str] | None = None,
    migrate: bool = False,
    check_storage: bool = True,
) -> Portal:
    """Build a portal. Every argument is optional; ``None`` means the embedded default.

    ``storage_url``: ``memory://`` (default), ``sqlite:///path.db`` or ``postgresql+psycopg://…`` (extra ``sql``;
    the schema is migrated by ``migrate=True`` or ``SqlDatabase(url).upgrade()``). ``environ`` defaults to ``os.environ`` and is read for
    ``CYCLADES_DATABASE_URL`` only when ``storage_url`` is not given. ``catalogue`` defaults to the catalogue
    shipped with the package (académies, BTS spécialités, reference lists), with no session configured.
    ``file_store`` defaults to an in-memory store (use ``FileSystemFileStore(root)`` for real deployments, with a
    root outside any served directory); ``scanner`` to the built-in signature scanner; ``inspector`` to
    ``ParserUploadInspector`` (pikepdf and Pillow: the ``uploads`` extra; without it, ConfigurationError here —
    there is no portal that accepts uploads unchecked; an integrator who wants other rules passes their own
    ``UploadInspector``); ``renderer`` to the simple
    PDF renderer; ``mailer`` to an in-memory mailer (use ``SmtpMailer`` or ``EmlFolderMailer``), driven by
    ``portal.relay``; ``breached_passwords`` to none (only the built-in blocklist of common passwords; see
    ``RangeFileBreachedPasswords``). With SQL storage the durability settings are checked at once (``SqlDatabase.check``, J4):
    a database that cannot be reached raises ``StorageUnavailable`` here, unless ``check_storage=False`` (a
    process built before its database is up; the check is then left to ``cyclades db upgrade``).
    """
    env = os.environ if environ is None else environ
    url = storage_url or env.get(DATABASE_URL_ENV) or DEFAULT_STORAGE_URL
    storage, uow, numbers, limiter = _storage(url, migrate, check_storage)
    # Every committed audit record is also logged on ``cyclades.audit`` (docs/operations.md, "Logging").
    uow = logging_unit_of_work(uow)
    log_storage_opened(url)
    if clock is None:
        from cyclades_adapters.system import SystemClock

        clock = SystemClock()
    if birthplaces is None:
        from cyclades_adapters.files import FileBirthplaceDirectory

        birthplaces = FileBirthplaceDirectory()
    if catalogue is None:
        from cyclades_adapters.files import FileCatalogue

        catalogue = FileCatalogue.default()
    if file_store is None or scanner is None:
        from cyclades_adapters.memory import MemoryFileStore, SignatureScanner

        file_store = file_store or MemoryFileStore()
        scanner = scanner or SignatureScanner()
    if inspector is None:
        from cyclades_adapters.files.inspection import ParserUploadInspector

        inspector = ParserUploadInspector()  # ConfigurationError (French) without the ``uploads`` extra
    if renderer is None:
        renderer = _default_renderer()
    if mailer is None:
        from cyclades_adapters.mail import MemoryMailer

        mailer = MemoryMailer()
    accounts = AccountService(
        uow=uow,
        clock=clock,
        hasher=hasher or default_hasher(),
        numbers=numbers,
        limiter=limiter,
        birthplaces=birthplaces,
        settings=settings,
        breached=breached_passwords,
    )
    candidatures = CandidatureService(uow=uow, clock=clock, catalogue=catalogue, accounts=accounts, files=file_store)
    return Portal(
        accounts=accounts,
        catalogue=CatalogueService(catalogue=catalogue, clock=clock),
        candidatures=candidatures,
        management=ManagerService(uow=uow, clock=clock, accounts=accounts),
        establishments=EstablishmentService(uow=uow, clock=clock, catalogue=catalogue, accounts=accounts),
        pieces=PieceService(
            uow=uow, clock=clock, accounts=accounts, store=file_store, inspector=inspector, scanner=scanner
        ),
        documents=DocumentService(
            uow=uow,
            clock=clock,
            catalogue=catalogue,
            accounts=accounts,
            renderer=renderer,
            signer=DocumentSigner(_document_key(document_key, env)),
            candidatures=candidatures,
        ),
        outbox=OutboxService(uow=uow, clock=clock),
        relay=MailRelay(uow=uow, clock=clock, mailer=mailer),
        reminders=ReminderService(uow=uow, clock=clock, catalogue=catalogue),
        audit=AuditService(uow=uow, clock=clock),
        unit_of_work=uow,
        clock=clock,
        storage_url=url,
        storage=storage,
    )
