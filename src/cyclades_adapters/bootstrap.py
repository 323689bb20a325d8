"""The one composition root: builds the ports, injects them into the use cases, returns the :class:`Portal`.

Nothing is built at import time. Storage is chosen by URL: the ``storage_url`` argument first, then the
environment variable ``CYCLADES_DATABASE_URL``, then the embedded default ``memory://`` — or brought whole by the
integrator: ``build_portal(uow=…, rate_limiter=…, numbers=…)`` (see ``docs/writing-an-adapter.md``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attrs import frozen

from cyclades_adapters.observability import log_storage_opened, logging_unit_of_work
from cyclades_core.errors import ConfigurationError, StorageNotMigrated
from cyclades_core.model.verification import DocumentSigner
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.files import DocumentRenderer, FileScanner, FileStore, UploadInspector
from cyclades_core.ports.mail import Mailer
from cyclades_core.ports.reference import BirthplaceDirectory
from cyclades_core.ports.security import BreachedPasswords, CandidateNumberAllocator, PasswordHasher, RateLimiter
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.usecases.accounts import (
    AccountCreationService,
    AccountPorts,
    AccountSections,
    AccountService,
    AccountSettings,
    MyAccountService,
    PasswordResetService,
    SessionService,
)
from cyclades_core.usecases.audit import DEFAULT_RETENTION, AuditService
from cyclades_core.usecases.candidatures import CandidatureService
from cyclades_core.usecases.catalogue import CatalogueService
from cyclades_core.usecases.documents import DocumentService
from cyclades_core.usecases.mail import MailRelay, OutboxService, ReminderService
from cyclades_core.usecases.management import EstablishmentService, ManagerService
from cyclades_core.usecases.manager_accounts import ManagerAccountService
from cyclades_core.usecases.pieces import DEFAULT_MAX_BYTES, PieceService
from cyclades_core.usecases.reference import ReferenceService

if TYPE_CHECKING:
    from cyclades_adapters.memory import MemoryDatabase
    from cyclades_adapters.sql import SqlDatabase

__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_STORAGE_URL",
    "DOCUMENT_KEY_ENV",
    "DOCUMENT_OLD_KEYS_ENV",
    "EXTERNAL_STORAGE_URL",
    "Portal",
    "build_portal",
    "default_hasher",
    "document_signer",
]

DATABASE_URL_ENV = "CYCLADES_DATABASE_URL"
DEFAULT_STORAGE_URL = "memory://"
#: ``Portal.storage_url`` when the storage was passed as ``uow=``.
EXTERNAL_STORAGE_URL = "external://"
DOCUMENT_KEY_ENV = "CYCLADES_DOCUMENT_KEY"
DOCUMENT_OLD_KEYS_ENV = "CYCLADES_DOCUMENT_OLD_KEYS"
#: Appended to :class:`StorageNotMigrated` when ``build_portal`` refuses a database: the other way to migrate it.
_MIGRATE_HINT = "Depuis Python : build_portal(storage_url, migrate=True) crée ou met à jour le schéma au démarrage."


@frozen
class Portal:
    """The facade integrators use: one attribute per family of use cases."""

    #: The 0.1 facade over the four account services below (delegation only): new code uses those.
    accounts: AccountService
    #: "Créer un compte": creation, activation, resend, purge of unactivated accounts.
    registration: AccountCreationService
    #: "Se connecter": login, sessions, logout, the home page "Mes inscriptions".
    sessions: SessionService
    #: "Mot de passe oublié".
    password_reset: PasswordResetService
    #: "Modifier mon compte", "Supprimer mon compte", the export of personal data.
    my_account: MyAccountService
    catalogue: CatalogueService
    candidatures: CandidatureService
    management: ManagerService
    #: The managing service's accounts (back office): provisioning, login, sessions (``Manager.id`` is the login).
    managers: ManagerAccountService
    establishments: EstablishmentService
    pieces: PieceService
    documents: DocumentService
    outbox: OutboxService
    relay: MailRelay
    reminders: ReminderService
    audit: AuditService
    #: Reference lists of the forms: ``communes(departement, query)``, ``countries()``, ``departements()``,
    #: ``nationalities()``; their keys are codes.
    reference: ReferenceService
    unit_of_work: UnitOfWorkFactory
    clock: Clock
    #: The URL the storage was chosen by, or ``external://`` for a storage passed as ``uow=``.
    storage_url: str
    #: The shipped store behind ``unit_of_work``, for operations and inspection: a ``MemoryDatabase`` for
    #: ``memory://``, a ``SqlDatabase`` for SQLite and PostgreSQL (``dispose()`` at shutdown), ``None`` for a
    #: storage passed as ``uow=`` (the integrator holds that object already). Narrow it with ``isinstance``.
    storage: MemoryDatabase | SqlDatabase | None


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
) -> tuple[MemoryDatabase | SqlDatabase, UnitOfWorkFactory, CandidateNumberAllocator, RateLimiter]:
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
        try:
            # Without ``migrate``, a SQLite file that does not exist is StorageNotMigrated, never created empty.
            sql = SqlDatabase(url, create=migrate)
            if migrate:
                sql.upgrade()
            if check:
                sql.check()  # J4: the outbox relays only durable commits
                if not migrate:
                    sql.require_current()  # no portal whose use cases would meet missing tables
        except StorageNotMigrated as not_migrated:
            raise StorageNotMigrated(f"{not_migrated.message} {_MIGRATE_HINT}") from None
        return sql, sql.unit_of_work, SqlCandidateNumberAllocator(sql), SqlRateLimiter(sql)
    raise ConfigurationError(
        f"storage_url / {DATABASE_URL_ENV} : schéma de stockage non pris en charge {scheme!r} dans {url!r} "
        "(pris en charge : 'memory://', 'sqlite:///chemin.db', 'postgresql+psycopg://…')."
    )


def _default_renderer() -> DocumentRenderer:
    """The laid-out reportlab documents when the ``pdf`` extra is installed, else the dependency-free renderer."""
    try:
        from cyclades_adapters.pdf import ReportlabRenderer

        return ReportlabRenderer()
    except ImportError:
        from cyclades_adapters.documents import SimplePdfRenderer

        return SimplePdfRenderer()


def _key(text: str, name: str) -> bytes:
    if len(text.encode()) < 16:
        raise ConfigurationError(f"{name} : chaque clé doit compter au moins 16 caractères.")
    if "," in text:
        raise ConfigurationError(f"{name} : une clé ne contient pas de virgule ({DOCUMENT_OLD_KEYS_ENV} les sépare).")
    return text.encode()


def _upload_limit(max_upload_bytes: int | None, scanner: FileScanner) -> int:
    """``max_upload_bytes`` checked as ``PieceService`` checks it, the message naming ``build_portal``'s argument."""
    limit = DEFAULT_MAX_BYTES if max_upload_bytes is None else max_upload_bytes
    if limit < 1:
        raise ConfigurationError(
            f"max_upload_bytes : la taille maximale d'un dépôt ({limit}) doit être d'au moins 1 octet."
        )
    if limit > scanner.max_bytes:
        raise ConfigurationError(
            f"max_upload_bytes : la taille maximale d'un dépôt ({limit} octets) dépasse ce que l'antivirus analyse "
            f"(scanner.max_bytes = {scanner.max_bytes} octets) ; passez une limite plus basse ou un scanner qui "
            "analyse des fichiers plus grands."
        )
    return limit


def document_signer(
    document_key: bytes | None = None,
    old_keys: Sequence[bytes] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    required: bool = True,
) -> DocumentSigner:
    """The signer of the documents' verification codes, as :func:`build_portal` makes it.

    The key is ``document_key``, else ``CYCLADES_DOCUMENT_KEY`` (at least 16 characters); the verify-only keys of
    a rotation are ``old_keys``, else ``CYCLADES_DOCUMENT_OLD_KEYS`` (comma-separated, newest first). Without a
    key: :class:`ConfigurationError` naming the variable when ``required`` (every storage but ``memory://``,
    whose documents die with the process), else a random key for this process only.
    """
    env = os.environ if environ is None else environ
    if document_key is not None:
        if len(document_key) < 16:
            raise ConfigurationError("document_key : au moins 16 octets.")
        key = document_key
    elif env.get(DOCUMENT_KEY_ENV):
        key = _key(env[DOCUMENT_KEY_ENV], DOCUMENT_KEY_ENV)
    elif required:
        raise ConfigurationError(
            f"document_key / {DOCUMENT_KEY_ENV} : la clé des codes de vérification des documents est nécessaire "
            "avec un stockage persistant (au moins 16 caractères, la même pour tous les processus) ; sans elle, un "
            "code imprimé par un processus ne serait vérifiable par aucun autre."
        )
    else:
        key = secrets.token_bytes(32)
    if old_keys is None:
        texts = [part.strip() for part in env.get(DOCUMENT_OLD_KEYS_ENV, "").split(",")]
        old_keys = [_key(text, DOCUMENT_OLD_KEYS_ENV) for text in texts if text]
    elif any(len(old) < 16 for old in old_keys):
        raise ConfigurationError("document_old_keys : chaque clé doit compter au moins 16 octets.")
    return DocumentSigner(key, old_keys)


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
    uow: UnitOfWorkFactory | None = None,
    rate_limiter: RateLimiter | None = None,
    numbers: CandidateNumberAllocator | None = None,
    document_key: bytes | None = None,
    document_old_keys: Sequence[bytes] | None = None,
    environ: Mapping[str, str] | None = None,
    migrate: bool = False,
    check_storage: bool = True,
    max_upload_bytes: int | None = None,
    audit_retention: timedelta | None = None,
) -> Portal:
    """Build a portal. Every argument is optional; ``None`` means the embedded default.

    ``storage_url``: ``memory://`` (default), ``sqlite:///path.db`` or ``postgresql+psycopg://…`` (extra ``sql``;
    the schema is migrated by ``migrate=True``, ``cyclades db upgrade`` or ``SqlDatabase(url).upgrade()``).
    ``environ`` defaults to ``os.environ`` and is read for
    ``CYCLADES_DATABASE_URL`` only when ``storage_url`` is not given. ``catalogue`` defaults to the catalogue
    shipped with the package (académies, BTS spécialités, reference lists), with no session configured.
    ``file_store`` defaults to an in-memory store (use ``FileSystemFileStore(root)`` for real deployments, with a
    root outside any served directory); ``scanner`` to the built-in signature scanner; ``inspector`` to
    ``ParserUploadInspector`` (pikepdf and Pillow: the ``uploads`` extra; without it, ConfigurationError here —
    there is no portal that accepts uploads unchecked; an integrator who wants other rules passes their own
    ``UploadInspector``); ``renderer`` to the simple
    PDF renderer; ``mailer`` to an in-memory mailer (use ``SmtpMailer`` or ``EmlFolderMailer``), driven by
    ``portal.relay``; ``breached_passwords`` to none (only the built-in blocklist of common passwords; see
    ``RangeFileBreachedPasswords``). With SQL storage the database is checked at once: its durability settings
    (``SqlDatabase.check``, J4) and, unless ``migrate=True``, its schema: a database without the library's tables or
    at an older revision raises ``StorageNotMigrated`` here (``SqlDatabase.require_current``; its message says to
    run ``cyclades db upgrade`` or to pass ``migrate=True``) rather than giving a portal whose use cases would fail.
    A database that cannot be reached raises ``StorageUnavailable`` here, unless ``check_storage=False`` (a
    process built before its database is up: nothing is read; the checks are then left to ``cyclades db
    upgrade``). A SQLite file that does not exist is never created unless ``migrate=True`` (``StorageNotMigrated``,
    naming the path, whatever ``check_storage``): a mistyped path is not a new empty database.

    Your own storage: ``uow`` (a :data:`~cyclades_core.ports.storage.UnitOfWorkFactory` that passes
    ``StorageContract``) instead of a URL, with ``rate_limiter`` (``RateLimiter``) and ``numbers``
    (``CandidateNumberAllocator``), which the library cannot choose for a storage it does not know (whether it is
    shared between processes): without them, ConfigurationError naming them. With a URL they replace the storage's
    own limiter and allocator.

    ``max_upload_bytes``: the largest pièce a candidate may deposit (``PieceService.max_bytes``; default 5 MiB); it
    may not exceed what the scanner scans whole (``scanner.max_bytes``: 25 MiB for the built-in scanner and
    ``ClamdScanner``'s default), else ConfigurationError naming it. ``audit_retention``: how long audit records are
    kept before ``portal.audit.purge_expired()`` removes them (``AuditService.retention``; default 365 days), a
    positive ``timedelta``.

    ``document_key`` (else ``CYCLADES_DOCUMENT_KEY``) signs the documents' verification codes; it is required with
    every storage but ``memory://`` (ConfigurationError naming the variable). ``document_old_keys`` (else
    ``CYCLADES_DOCUMENT_OLD_KEYS``, comma-separated) still verify the documents printed before a rotation.
    """
    env = os.environ if environ is None else environ
    if file_store is None or scanner is None:
        from cyclades_adapters.memory import MemoryFileStore, SignatureScanner

        file_store = file_store or MemoryFileStore()
        scanner = scanner or SignatureScanner()
    # The settings first: a wrong one is refused before the storage is opened (or migrated).
    upload_limit = _upload_limit(max_upload_bytes, scanner)
    retention = DEFAULT_RETENTION if audit_retention is None else audit_retention
    if retention <= timedelta(0):
        raise ConfigurationError("audit_retention : la durée de conservation du journal d'audit doit être positive.")
    storage: MemoryDatabase | SqlDatabase | None
    if uow is not None:
        if storage_url is not None:
            raise ConfigurationError("uow / storage_url : passez votre stockage (uow=) ou une URL, pas les deux.")
        if rate_limiter is None or numbers is None:
            missing = [name for name, given in (("rate_limiter", rate_limiter), ("numbers", numbers)) if given is None]
            raise ConfigurationError(
                f"{' / '.join(missing)} : avec votre propre stockage (uow=), passez aussi son limiteur de débit "
                "(RateLimiter) et son allocateur de numéros de candidat (CandidateNumberAllocator) ; ceux de "
                "cyclades_adapters.memory ne valent que pour un seul processus."
            )
        url, storage = EXTERNAL_STORAGE_URL, None
    else:
        url = storage_url or env.get(DATABASE_URL_ENV) or DEFAULT_STORAGE_URL
        storage, uow, own_numbers, own_limiter = _storage(url, migrate, check_storage)
        numbers, rate_limiter = numbers or own_numbers, rate_limiter or own_limiter
    persistent = urlsplit(url).scheme != "memory"  # a portal on memory:// forgets its documents with its process
    signer = document_signer(document_key, document_old_keys, environ=env, required=persistent)
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
    if inspector is None:
        from cyclades_adapters.files.inspection import ParserUploadInspector

        inspector = ParserUploadInspector()  # ConfigurationError (French) without the ``uploads`` extra
    if renderer is None:
        renderer = _default_renderer()
    if mailer is None:
        from cyclades_adapters.mail import MemoryMailer

        mailer = MemoryMailer()
    ports = AccountPorts(
        uow=uow,
        clock=clock,
        hasher=hasher or default_hasher(),
        numbers=numbers,
        limiter=rate_limiter,
        settings=settings or AccountSettings(),
    )
    sections = AccountSections.build(ports, birthplaces=birthplaces, catalogue=catalogue, breached=breached_passwords)
    authenticator = sections.authenticator
    candidatures = CandidatureService(
        uow=uow, clock=clock, catalogue=catalogue, authenticator=authenticator, files=file_store
    )
    return Portal(
        accounts=AccountService.over(sections),
        registration=sections.registration,
        sessions=sections.sessions,
        password_reset=sections.password_reset,
        my_account=sections.my_account,
        catalogue=CatalogueService(catalogue=catalogue, clock=clock),
        candidatures=candidatures,
        management=ManagerService(uow=uow, clock=clock, identities=sections.identities, catalogue=catalogue),
        managers=ManagerAccountService(ports, catalogue=catalogue, breached=breached_passwords),
        establishments=EstablishmentService(uow=uow, clock=clock, catalogue=catalogue, scolaire=sections.scolaire),
        pieces=PieceService(
            uow=uow,
            clock=clock,
            authenticator=authenticator,
            store=file_store,
            inspector=inspector,
            scanner=scanner,
            max_bytes=upload_limit,
        ),
        documents=DocumentService(
            uow=uow,
            clock=clock,
            catalogue=catalogue,
            authenticator=authenticator,
            renderer=renderer,
            signer=signer,
            candidatures=candidatures,
        ),
        outbox=OutboxService(uow=uow, clock=clock),
        relay=MailRelay(uow=uow, clock=clock, mailer=mailer),
        reminders=ReminderService(uow=uow, clock=clock, catalogue=catalogue),
        audit=AuditService(uow=uow, clock=clock, retention=retention),
        reference=ReferenceService(birthplaces=birthplaces, catalogue=catalogue),
        unit_of_work=uow,
        clock=clock,
        storage_url=url,
        storage=storage,
    )
