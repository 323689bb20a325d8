"""``cyclades serve``: the web portal (cyclades_adapters.web) served by gunicorn, with the mail relay beside it.

The composition happens here, not in the web package: each worker process builds its own portal (its own database
pool) after the fork, from a :class:`ServeConfig` computed once in the master; the master starts the mail relay
(``cyclades outbox relay --loop``) once it listens and stops it at shutdown. Everything a local run needs lives in ``--data-dir``: the SQLite file (unless
``--database``), the .eml mails, the pièces' files, and the two keys created on first run (documents' verification
codes, CSRF signatures) when ``CYCLADES_DOCUMENT_KEY`` / ``CYCLADES_WEB_SECRET`` are not set.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from attrs import evolve, frozen

from cyclades_core.errors import ConfigurationError

if TYPE_CHECKING:
    from cyclades_adapters.bootstrap import Portal
    from cyclades_adapters.files import FileCatalogue
    from cyclades_adapters.sql import SqlDatabase

__all__ = ["ServeConfig", "demo_catalogue", "serve"]

WEB_SECRET_ENV = "CYCLADES_WEB_SECRET"
RELAY_INTERVAL_SECONDS = 2.0
RELAY_WATCH_SECONDS = 2.0


@frozen
class ServeConfig:
    host: str
    port: int
    database_url: str
    data_dir: Path
    base_url: str
    document_key: bytes
    web_secret: bytes
    catalogue_files: tuple[Path, ...] = ()
    demo_now: datetime | None = None  # the guide's example session, opened around this instant
    cheap_hashing: bool = False
    cookie_secure: bool = True
    workers: int = 1
    trust_proxy: bool = False


#: The web secret signs the CSRF tokens, the draft carried between tabs and the one-shot messages: WebSettings asks
#: 32 bytes. The document key follows the library's rule (build_portal, document_signer and the other commands: 16).
WEB_SECRET_MIN = 32
DOCUMENT_KEY_MIN = 16


def _given_key(path: Path, env_name: str, minimum: int) -> bytes | None:
    """The key of ``env_name``, else the one kept in ``path``; None when neither exists yet (:func:`_create_key`
    makes it). Reads only: a start refused for a key creates nothing. ConfigurationError for a key shorter than
    ``minimum`` bytes, naming where it came from."""
    value = os.environ.get(env_name)
    if value:
        key, source = value.encode(), env_name
    elif path.is_file():
        key, source = path.read_bytes().strip(), f"{path} (ou {env_name})"
    else:
        return None
    if len(key) < minimum:
        raise ConfigurationError(f"{source} : la clé doit compter au moins {minimum} caractères.")
    return key


def _document_key(path: Path) -> bytes | None:
    """``CYCLADES_DOCUMENT_KEY``, else the key kept in ``path``, checked as build_portal checks them (16 characters
    or more, no comma; ``CYCLADES_DOCUMENT_OLD_KEYS`` too), the message naming the variable as the other commands
    do; None when the key is still to be created."""
    from cyclades_adapters.bootstrap import DOCUMENT_KEY_ENV, document_signer

    if os.environ.get(DOCUMENT_KEY_ENV):
        document_signer()  # the variable and the old keys, with the library's own messages
        return os.environ[DOCUMENT_KEY_ENV].encode()
    key = _given_key(path, DOCUMENT_KEY_ENV, DOCUMENT_KEY_MIN)
    document_signer(key, required=False)  # CYCLADES_DOCUMENT_OLD_KEYS
    return key


def _create_key(path: Path) -> bytes:
    """The key kept in ``path``, created on first run (0600, written whole then linked into place: two processes
    starting together read the same complete key)."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(secrets.token_urlsafe(48).encode())
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileExistsError):
            os.link(temporary, path)  # atomic: the first process wins, and its key is complete
        temporary.unlink()
    return path.read_bytes().strip()


def demo_catalogue(now: datetime, *extra: Path) -> FileCatalogue:
    """The shipped catalogue with the guide's example session (BTS 2022) whose services are open from yesterday for
    30 days, whose pièces can be deposited for 45 days and whose announcement is current: a person can register at
    once, as in the guide."""
    from cyclades_adapters.files import FileCatalogue
    from cyclades_adapters.files.catalogue import example_catalogue_path
    from cyclades_core import Period

    catalogue = FileCatalogue.default(example_catalogue_path(), *extra)
    opened = Period(now - timedelta(days=1), now + timedelta(days=30))
    deposit = Period(now - timedelta(days=1), now + timedelta(days=45))
    for exam in catalogue.exams():
        for session in catalogue.sessions(exam.code):
            if session.id != "BTS-2022":
                continue
            for service in catalogue.services(session.id):
                catalogue.put(evolve(service, period=opened))
            for rule in catalogue.piece_rules(session.id):
                catalogue.put(evolve(rule, period=deposit))
    for announcement in catalogue.announcements():
        catalogue.put(evolve(announcement, period=Period(now - timedelta(days=1), now + timedelta(days=7))))
    return catalogue


def build_served_portal(config: ServeConfig, *, mailer: object | None = None) -> Portal:
    """The portal one process serves (a worker) or relays the mails of (the master)."""
    from cyclades_adapters.bootstrap import build_portal
    from cyclades_adapters.files import FileCatalogue, FileSystemFileStore
    from cyclades_adapters.mail import EmlFolderMailer
    from cyclades_core import AccountSettings

    if config.demo_now is not None:
        catalogue = demo_catalogue(config.demo_now, *config.catalogue_files)
    else:
        catalogue = FileCatalogue.default(*config.catalogue_files)
    hasher = None
    if config.cheap_hashing:
        from cyclades_adapters.security import Argon2idHasher

        hasher = Argon2idHasher.cheap()
    return build_portal(
        config.database_url,
        settings=AccountSettings(base_url=config.base_url),
        catalogue=catalogue,
        hasher=hasher,
        file_store=FileSystemFileStore(config.data_dir / "files"),
        mailer=mailer or EmlFolderMailer(config.data_dir / "mails"),  # type: ignore[arg-type]
        document_key=config.document_key,
    )


def create_wsgi_app(config: ServeConfig) -> Any:
    from cyclades_adapters.web import WebSettings, create_app

    portal = build_served_portal(config)
    settings = WebSettings(
        secret_key=config.web_secret, cookie_secure=config.cookie_secure, trust_proxy=config.trust_proxy
    )
    return create_app(portal, settings)


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a ``preexec_fn`` that makes the child receive SIGTERM when the process (thread) that started it
    dies, even by SIGKILL: a relay never outlives its server. ``prctl`` is looked up here, in the parent, so the child
    only calls it between fork and exec."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def arm() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return arm


class MailRelayProcess:
    """``cyclades outbox relay --loop`` beside the server, started once the server listens and stopped with it.

    A process, not a thread of gunicorn's master: the master forks workers at any time (a crash, a restart), and a
    fork taken while a thread holds a lock (an import, the logging module, a database pool) leaves the child stuck.
    A watcher thread of the master only polls it and starts it again, with a French line, if it ends on its own; the
    relay receives SIGTERM when the master dies, however it dies (Linux)."""

    def __init__(
        self, config: ServeConfig, interval: float = RELAY_INTERVAL_SECONDS, *, say: Callable[[str], None] = print
    ) -> None:
        self._command = [
            sys.executable, "-m", "cyclades_adapters.cli", "outbox", "relay", "--database", config.database_url,
            "--eml-dir", str(config.data_dir / "mails"), "--loop", "--interval", str(interval),
        ]  # fmt: skip
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._say = say
        self._arm = _die_with_parent()

    def _spawn(self) -> None:
        self._process = subprocess.Popen(  # noqa: S603 - our own command
            self._command, stdout=subprocess.DEVNULL, preexec_fn=self._arm
        )

    def start(self) -> None:
        self._spawn()
        threading.Thread(target=self._watch, name="cyclades-relay-watcher", daemon=True).start()

    def _watch(self) -> None:
        while not self._stopping.wait(RELAY_WATCH_SECONDS):
            process = self._process
            if process is not None and process.poll() is not None and not self._stopping.is_set():
                self._say(f"Le relais des mails s'est arrêté (code {process.returncode}) : il est relancé.")
                self._spawn()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        self._stopping.set()
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)


def run_server(config: ServeConfig, *, say: Callable[[str], None] = click.echo) -> None:
    """Serve until SIGTERM or SIGINT: gunicorn's master relays mails, its workers serve the portal."""
    from gunicorn.app.base import BaseApplication

    relay = MailRelayProcess(config, say=lambda line: click.echo(line, err=True))

    class _Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{config.host}:{config.port}",
                "workers": config.workers,
                "worker_class": "sync",
                "timeout": 60,
                "graceful_timeout": 10,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "limit_request_line": 8190,
                "when_ready": self._ready,
                "on_exit": self._exit,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        @staticmethod
        def _ready(_: Any) -> None:
            relay.start()
            say(f"Portail en écoute sur http://{config.host}:{config.port}/ (mails : {config.data_dir / 'mails'})")

        @staticmethod
        def _exit(_: Any) -> None:
            relay.stop()

        def load(self) -> Any:
            return create_wsgi_app(config)

    sys.argv = sys.argv[:1]  # gunicorn reads no option of ours
    _Application().run()


def _check_port_free(host: str, port: int) -> None:
    """A French line, before anything is created, when the address is taken (gunicorn would retry, in English)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as taken:
            raise ConfigurationError(
                f"--host/--port : l'adresse {host}:{port} n'est pas disponible ({taken.strerror})."
            ) from None


def prepare(
    *, host: str, port: int, database_url: str | None, schema: str | None, data_dir: Path, workers: int,
    catalogue_files: tuple[Path, ...], demo: bool, cheap_hashing: bool, insecure_cookies: bool, base_url: str | None,
    now: datetime, trust_proxy: bool = False,
) -> ServeConfig:  # fmt: skip
    """The configuration of a run: the data folder made, the database migrated, the keys read or created.

    Everything that can be refused is checked first (the address, the keys given, the URL given), so a refused start
    creates nothing: no data folder, database or key file."""
    from cyclades_adapters.bootstrap import DATABASE_URL_ENV
    from cyclades_adapters.sql import SqlDatabase

    _check_port_free(host, port)
    os.umask(0o077)  # the database, the mails (with their links) and the pièces are personal data: owner only
    data_dir = data_dir.resolve()
    document_key = _document_key(data_dir / "document-key")
    web_secret = _given_key(data_dir / "web-secret", WEB_SECRET_ENV, WEB_SECRET_MIN)
    given_url = database_url or os.environ.get(DATABASE_URL_ENV)
    url = given_url or f"sqlite:///{data_dir / 'cyclades.db'}"
    if schema:
        url = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    if given_url:  # its own place: migrated (or refused: unsupported, unreachable) before the data folder is made
        _upgrade(SqlDatabase(url))
    for folder in (data_dir, data_dir / "mails", data_dir / "files"):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
    if not given_url:
        _upgrade(SqlDatabase(url))
    return ServeConfig(
        host=host, port=port, database_url=url, data_dir=data_dir,
        base_url=(base_url or f"http://{host}:{port}").rstrip("/"),
        document_key=document_key or _create_key(data_dir / "document-key"),
        web_secret=web_secret or _create_key(data_dir / "web-secret"),
        catalogue_files=catalogue_files, demo_now=now if demo else None, cheap_hashing=cheap_hashing,
        cookie_secure=not insecure_cookies, workers=workers, trust_proxy=trust_proxy,
    )  # fmt: skip


def _upgrade(database: SqlDatabase) -> None:
    try:
        database.upgrade()
    finally:
        database.dispose()


def serve(
    *, host: str, port: int, database_url: str | None, schema: str | None, data_dir: Path, workers: int,
    catalogue_files: tuple[Path, ...], demo: bool, base_url: str | None, insecure_cookies: bool, cheap_hashing: bool,
    trust_proxy: bool = False,
) -> None:  # fmt: skip
    """``cyclades serve`` (its options are declared in cli/main.py with the other commands')."""
    from datetime import UTC

    if cheap_hashing:
        click.echo("Attention : hachage des mots de passe au profil de test (--cheap-hashing).", err=True)
    config = prepare(
        host=host, port=port, database_url=database_url, schema=schema, data_dir=data_dir, workers=workers,
        catalogue_files=catalogue_files, demo=demo, cheap_hashing=cheap_hashing, insecure_cookies=insecure_cookies,
        base_url=base_url, now=datetime.now(UTC), trust_proxy=trust_proxy,
    )  # fmt: skip
    run_server(config)
