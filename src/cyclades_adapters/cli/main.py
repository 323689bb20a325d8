"""``cyclades``: the demo and the operator commands, in French, with one line per error and a distinct exit code.

Exit codes (``docs/operations.md``): 0 success; 1 a refusal or a failed check (a catalogue file invalid, a document
not authentic, ``outbox relay`` when a mail failed in the run); 2 usage (bad arguments); 3 storage unreachable;
4 storage not migrated (a SQLite file that does not exist included: it is never created as a side effect); 5
configuration (an unsupported URL, a missing key, a misconfigured database); 70 an unexpected error (a bug). An
error is one French line on stderr, never a traceback.

Start-up is kept light: click is the only import at start (``cyclades --help``); the storage commands load the
storage and the services they use, never the commune index (loaded lazily by ``FileBirthplaceDirectory``), the PDF
libraries nor the upload parser.

Over 500 lines on purpose: one click command tree whose commands share the error-to-exit-code mapping, the storage
checks and the output helpers; the demo already lives apart (``demo.py``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from cyclades_adapters.bootstrap import Portal

__all__ = [
    "EXIT_CONFIGURATION",
    "EXIT_INTERNAL",
    "EXIT_NOT_MIGRATED",
    "EXIT_REFUSED",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "cli",
    "main",
]

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_NOT_MIGRATED = 4
EXIT_CONFIGURATION = 5
EXIT_INTERNAL = 70
URL_HELP = "URL de la base (sinon CYCLADES_DATABASE_URL), ex. sqlite:///cyclades.db"
SCHEMA_HELP = "Schéma PostgreSQL de la bibliothèque (comme ?schema=… dans l'URL)."


# -- click in French --------------------------------------------------------------------------------------------------
# click wraps its texts in gettext but ships no French catalogue: the texts of the help pages are given here, and
# errors are written by :func:`_usage_line`. Only the command's own click objects use them (see _FrenchContext).

_HELP_TEXTS = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "required": "obligatoire",
}


class _FrenchFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else "Utilisation : ")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_HELP_TEXTS.get(name, name)):
            yield

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _french_help(text)) for term, text in rows], col_max, col_spacing)


def _french_help(text: str) -> str:
    text = _HELP_TEXTS.get(text, text)
    text = re.sub(r"\[default: (.*?)\]", r"[par défaut : \1]", text)
    text = re.sub(r"\[env var: (.*?)\]", r"[variable : \1]", text)
    return text.replace("[required]", "[obligatoire]")


class _FrenchContext(click.Context):
    formatter_class = _FrenchFormatter


class _Command(click.Command):
    context_class = _FrenchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Affiche cette aide et quitte."
        return option


class _Group(click.Group):
    context_class = _FrenchContext
    command_class = _Command
    group_class = type

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Affiche cette aide et quitte."
        return option

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:  # fmt: skip
        """Every invocation (``main()``, the console script, click's test runner) ends in one French line and an
        exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        sys.exit(main(list(args) if args is not None else None, _group=self))


class _LazyChoice(click.Choice):  # type: ignore[type-arg]
    """A choice whose values are read on first use (``--help`` of the command, or parsing it): the list of
    document kinds comes from the model without loading it for every command."""

    def __init__(self, load: Callable[[], tuple[str, ...]]) -> None:  # no super().__init__: the values wait
        self._load = load
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return self._load()


def _document_kinds() -> tuple[str, ...]:
    from cyclades_core.model.documents import DocumentKind

    return tuple(kind.name for kind in DocumentKind)


class Refused(click.BadParameter):
    """A parameter refused with a French message of ours."""


def _usage_line(error: click.ClickException) -> str:
    """click's exceptions, one French line (their own texts are English)."""
    if isinstance(error, click.NoSuchOption):
        maybe = f" (vouliez-vous dire {', '.join(sorted(error.possibilities))} ?)" if error.possibilities else ""
        return f"option inconnue : {error.option_name}{maybe}"
    if isinstance(error, click.BadOptionUsage):
        if "requires" in error.message:
            return f"l'option {error.option_name} attend une valeur"
        return f"l'option {error.option_name} ne prend pas de valeur"
    if isinstance(error, click.MissingParameter):
        hint = error.param_hint or (error.param.get_error_hint(error.ctx) if error.param and error.ctx else "")
        return f"paramètre obligatoire manquant : {hint}".replace("'", "")
    if isinstance(error, click.BadParameter):
        hint = error.param_hint or (error.param.get_error_hint(error.ctx) if error.param and error.ctx else "")
        hint = str(hint).replace("'", "")
        if isinstance(error, Refused):
            return f"{hint} : {error.message}"
        choices = getattr(error.param.type, "choices", None) if error.param is not None else None
        more = f" (choix : {', '.join(map(str, choices))})" if choices else ""
        return f"valeur invalide pour {hint}{more}"
    if isinstance(error, click.FileError):
        return f"fichier illisible : {error.ui_filename}"
    message = error.format_message()
    if found := re.fullmatch(r"No such command '(.*)'\.", message):
        return f"commande inconnue : {found.group(1)} (voir « cyclades --help »)"
    if found := re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", message):
        return f"argument en trop : {found.group(1)}"
    if message == "Missing command.":
        return "commande manquante (voir « cyclades --help »)"
    return message


def _error(code: str, message: str) -> None:
    click.echo(f"erreur [{code}] {message}", err=True)


def main(argv: list[str] | None = None, *, _group: click.Group | None = None) -> int:
    """Run the CLI; every error becomes one French line on stderr and an exit code, never a traceback."""
    from cyclades_adapters.cli.logs import library_warnings_on_stderr
    from cyclades_core.errors import ConfigurationError, CycladesError, StorageNotMigrated, StorageUnavailable

    group = _group or cli
    try:
        with library_warnings_on_stderr():  # the library's warnings, as before its NullHandler
            click.Group.main(group, args=argv, prog_name="cyclades", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrompu.", err=True)
        return 130
    except click.exceptions.NoArgsIsHelpError as bare:  # a group without its command: its help, then the error
        click.echo(bare.ctx.get_help())
        _error("usage", f"commande manquante après « {bare.ctx.command_path} » (voir l'aide ci-dessus)")
        return EXIT_USAGE
    except click.ClickException as usage:
        _error("usage", _usage_line(usage))
        return EXIT_USAGE
    except StorageUnavailable as unreachable:
        _error(unreachable.code, unreachable.message)
        return EXIT_UNAVAILABLE
    except StorageNotMigrated as not_migrated:
        _error(not_migrated.code, not_migrated.message)
        return EXIT_NOT_MIGRATED
    except ConfigurationError as configuration:
        _error(configuration.code, configuration.message)
        return EXIT_CONFIGURATION
    except CycladesError as refused:
        _error(refused.code, refused.message)
        return EXIT_REFUSED
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else EXIT_REFUSED)
    except KeyboardInterrupt:
        click.echo("Interrompu.", err=True)
        return 130
    except OSError as error:
        where = f" : {error.filename}" if error.filename else ""
        _error("configuration_error", f"fichier ou dossier inaccessible{where} ({error.strerror or error})")
        return EXIT_CONFIGURATION
    except Exception as bug:  # the last resort: a line, not a traceback
        if os.environ.get("CYCLADES_DEBUG"):
            raise
        _error("internal_error", f"erreur inattendue ({type(bug).__name__}) ; CYCLADES_DEBUG=1 montre le détail.")
        return EXIT_INTERNAL
    return 0


# -- shared helpers ---------------------------------------------------------------------------------------------------


def _url(database_url: str | None, schema: str | None = None) -> str:
    url = database_url or os.environ.get("CYCLADES_DATABASE_URL")
    if not url:
        raise click.UsageError("indiquez --database-url ou la variable d'environnement CYCLADES_DATABASE_URL")
    if schema:
        url = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    return url


def _migrated(url: str) -> None:
    """Before any work on SQL storage: reachable (else exit 3) and migrated to the shipped head (else exit 4); a
    SQLite file that does not exist is "not migrated" and is not created."""
    if not url.startswith(("sqlite", "postgresql")):
        return  # memory:// or an unsupported URL: build_portal says which
    from cyclades_adapters.sql import SqlDatabase

    database = SqlDatabase(url, create=False, pool_size=1, max_overflow=0)
    try:
        database.require_current()
    finally:
        database.dispose()


def _portal(url: str, **adapters: object) -> Portal:
    """The portal of an operator command, on migrated storage. These commands neither render nor upload documents:
    they get the dependency-free renderer, an inspector that is never called, and a per-process document key
    (codes are neither printed nor verified here)."""
    from cyclades_adapters.bootstrap import build_portal
    from cyclades_adapters.documents import SimplePdfRenderer

    _migrated(url)
    adapters.setdefault("renderer", SimplePdfRenderer())
    adapters.setdefault("inspector", _NoUploads())
    adapters.setdefault("document_key", secrets.token_bytes(32))
    return build_portal(url, **adapters)  # type: ignore[arg-type]


class _NoUploads:
    """The operator commands never receive an upload: no parser is loaded for them."""

    def inspect(self, data: bytes, content_type: str) -> None:  # pragma: no cover - never called
        raise RuntimeError("the operator commands receive no upload")


def _print_json(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _on_terminal(as_json: bool) -> bool:
    return not as_json and sys.stdout.isatty()


def _storage_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--schema", default=None, help=SCHEMA_HELP)(command)
    return click.option("--database-url", "--database", "database_url", default=None, help=URL_HELP)(command)


# -- commands -----------------------------------------------------------------------------------------------------


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cyclades", help="Affiche la version et quitte.", message="%(prog)s %(version)s")
def cli() -> None:
    """Cyclades : le portail des inscriptions aux examens (BTS) comme bibliothèque."""


@cli.command()
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("demo-output"),
              show_default=True, help="Dossier de la démonstration : absent, vide, ou créé par une démonstration "
              "précédente (vidé alors).")  # fmt: skip
@click.option("--database-url", "--database", "database_url", default=None,
              help="Une autre base que le fichier SQLite du dossier.")  # fmt: skip
def demo(directory: Path, database_url: str | None) -> None:
    """Joue les parcours du guide de bout en bout : comptes, candidatures, pièces, désinscription."""
    from cyclades_adapters.cli.demo import prepare_directory, run_demo
    from cyclades_core.errors import ConfigurationError

    try:
        prepare_directory(directory.resolve())
    except ConfigurationError as refused:
        raise Refused(refused.message, param_hint="--dir") from None
    from rich.console import Console
    from rich.table import Table

    console = Console()
    summary = run_demo(directory.resolve(), database_url, say=lambda line: console.print(f"• {line}"))
    table = Table(title="Démonstration terminée")
    table.add_column("")
    table.add_column("", justify="right")
    for label, value in (
        ("Comptes", summary.accounts), ("Candidatures", summary.candidatures),
        ("Versions enregistrées", summary.versions), ("Documents PDF", len(summary.documents)),
        ("Mails (.eml)", len(summary.mails)), ("Durée", f"{summary.seconds:.1f} s"),
    ):  # fmt: skip
        table.add_row(label, str(value))
    console.print(table)
    console.print(f"Base : {summary.database_url}")
    console.print(f"PDF : {summary.directory / 'pdf'}")
    console.print(f"Mails : {summary.directory / 'mails'}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port d'écoute.")
@click.option("--database-url", "--database", "database_url", default=None,
              help="Base SQLite ou PostgreSQL (sinon CYCLADES_DATABASE_URL, sinon DATA_DIR/cyclades.db).")  # fmt: skip
@click.option("--schema", default=None, help="Schéma PostgreSQL des tables de cyclades.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("cyclades-data"),
              show_default=True, help="Dossier des données locales : base SQLite, mails .eml, fichiers, clés.")  # fmt: skip
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processus de service.")
@click.option("--catalogue", "catalogue_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Fichier de catalogue ajouté au catalogue livré (répétable).")  # fmt: skip
@click.option("--demo", is_flag=True, help="Ouvre la session d'exemple du guide (BTS 2022) dès maintenant.")
@click.option("--base-url", default=None, help="Adresse publique du portail dans les liens des mails.")
@click.option("--insecure-cookies", is_flag=True, help="Cookies sans l'attribut Secure (portail local en http).")
@click.option("--trust-proxy", is_flag=True,
              help="Derrière un seul mandataire inverse : l'adresse du client est lue dans X-Forwarded-For.")  # fmt: skip
@click.option("--cheap-hashing", is_flag=True,
              help="Hachage des mots de passe au profil de test (essais de charge et tests seulement).")  # fmt: skip
def serve(
    host: str, port: int, database_url: str | None, schema: str | None, data_dir: Path, workers: int,
    catalogue_files: tuple[Path, ...], demo: bool, base_url: str | None, insecure_cookies: bool, trust_proxy: bool,
    cheap_hashing: bool,
) -> None:  # fmt: skip
    """Sert le portail web (candidats et gestion) avec l'envoi des mails ; arrêt par Ctrl+C."""
    from cyclades_adapters.cli.serve import serve as run

    run(
        host=host, port=port, database_url=database_url, schema=schema, data_dir=data_dir, workers=workers,
        catalogue_files=catalogue_files, demo=demo, base_url=base_url, insecure_cookies=insecure_cookies,
        cheap_hashing=cheap_hashing, trust_proxy=trust_proxy,
    )  # fmt: skip


@cli.group(cls=_Group)
def db() -> None:
    """La base de données : migrations (table de versions cyclades_alembic_version)."""


@db.command()
@_storage_options
def upgrade(database_url: str | None, schema: str | None) -> None:
    """Applique les migrations du schéma (crée le fichier SQLite, ou le schéma PostgreSQL de --schema)."""
    from cyclades_adapters.sql import SqlDatabase

    database = SqlDatabase(_url(database_url, schema))
    database.upgrade()
    click.echo(f"Schéma à jour (révision {database.current()}) : {database.check()}")
    database.dispose()


@db.command()
@_storage_options
def current(database_url: str | None, schema: str | None) -> None:
    """Affiche la révision de la base (« aucune » si elle n'a jamais été migrée) ; code 4 si elle n'est pas à jour."""
    from cyclades_adapters.sql import SqlDatabase
    from cyclades_adapters.sql.database import HEAD_REVISION

    database = SqlDatabase(_url(database_url, schema), create=False, pool_size=1, max_overflow=0)
    found = database.current()
    database.dispose()
    state = "à jour" if found == HEAD_REVISION else f"à migrer vers {HEAD_REVISION}"
    click.echo(f"Révision : {found or 'aucune'} ({state})")
    if found != HEAD_REVISION:
        sys.exit(EXIT_NOT_MIGRATED)


@db.command()
def history() -> None:
    """Liste les migrations livrées, de la plus ancienne à la plus récente."""
    from cyclades_adapters.sql.database import SqlDatabase

    for revision, description in SqlDatabase.history():
        click.echo(f"{revision}\t{description}")


@cli.command()
@_storage_options
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
def purge(database_url: str | None, schema: str | None, as_json: bool) -> None:
    """Efface les comptes non activés dans les 48 heures (ACC-05), puis nettoie les fichiers de la base (VACUUM)."""
    from cyclades_adapters.sql import SqlDatabase

    portal = _portal(_url(database_url, schema))
    with _status("Effacement des comptes non activés…", _on_terminal(as_json)):
        erased = portal.accounts.purge_unactivated()
        portal.managers.purge_expired_sessions()  # the back office's ended sessions go too
    vacuumed: list[str] = []
    if isinstance(portal.storage, SqlDatabase):  # the erased rows leave the files too (B7)
        vacuumed = portal.storage.vacuum()
        portal.storage.dispose()
    if as_json:
        _print_json({"erased": erased, "vacuumed": vacuumed})
        return
    click.echo(f"Comptes non activés effacés : {erased}")
    if vacuumed:
        click.echo(f"Nettoyage de la base : {len(vacuumed)} table(s) ou journal")


@contextmanager
def _status(text: str, shown: bool) -> Iterator[None]:
    """A spinner on a terminal while work of unknown length runs; nothing otherwise."""
    if not shown:
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text):
        yield


@cli.group(cls=_Group)
def outbox() -> None:
    """Les mails en attente d'envoi."""


@outbox.command()
@_storage_options
@click.option("--smtp-host", default=None, help="Serveur SMTP (sinon --eml-dir).")
@click.option("--smtp-port", default=587, show_default=True, type=int, help="Port du serveur SMTP.")
@click.option("--smtp-security", type=click.Choice(["starttls", "ssl", "none"]), default="starttls", show_default=True,
              help="Chiffrement de la connexion SMTP.")  # fmt: skip
@click.option("--smtp-user", default=None, help="Identifiant SMTP.")
@click.option("--smtp-password", default=None, envvar="CYCLADES_SMTP_PASSWORD", help="Mot de passe SMTP.")
@click.option("--sender", default="Cyclades <ne-pas-repondre@cyclades.invalid>", show_default=True,
              help="Expéditeur des mails.")  # fmt: skip
@click.option("--eml-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Écrire les mails en .eml dans ce dossier au lieu de les envoyer.")  # fmt: skip
@click.option("--smtp-timeout", default=10.0, show_default=True,
              help="Secondes au plus par envoi ; le bail d'un lot en découle.")  # fmt: skip
@click.option("--loop", is_flag=True, help="Recommencer indéfiniment.")
@click.option("--interval", default=30.0, show_default=True, help="Secondes entre deux passages (avec --loop).")
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON par passage sur la sortie standard.")
def relay(
    database_url: str | None, schema: str | None, smtp_host: str | None, smtp_port: int, smtp_security: str,
    smtp_user: str | None, smtp_password: str | None, sender: str, eml_dir: Path | None, smtp_timeout: float,
    loop: bool, interval: float, as_json: bool,
) -> None:  # fmt: skip
    """Envoie les mails en attente (une fois, ou en boucle). Code de sortie 1 si un envoi a échoué (sans --loop) :
    voir « cyclades outbox failed »."""
    if smtp_host is None and eml_dir is None:
        raise click.UsageError("indiquez --smtp-host ou --eml-dir")
    url = _url(database_url, schema)
    from cyclades_adapters.mail import EmlFolderMailer, SmtpMailer

    mailer = (
        SmtpMailer(smtp_host, smtp_port, sender=sender, security=smtp_security, username=smtp_user,  # type: ignore[arg-type]
                   password=smtp_password, timeout=smtp_timeout)
        if smtp_host else EmlFolderMailer(eml_dir or Path("."), sender=sender)
    )  # fmt: skip
    portal = _portal(url, mailer=mailer)
    while True:
        sent, failed, dead = _relay_until_idle(portal, _on_terminal(as_json))
        if as_json:
            _print_json({"sent": sent, "failed": failed, "retry_later": failed - dead, "dead": dead})
        else:
            click.echo(
                f"Envoyés : {sent} ; en échec : {failed} (réessai plus tard : {failed - dead} ; abandonnés : {dead})"
            )
        if not loop:
            if failed:
                click.echo("Des envois ont échoué : voir « cyclades outbox failed ».", err=True)
                sys.exit(EXIT_REFUSED)
            return
        time.sleep(interval)


def _relay_until_idle(portal: Portal, progress: bool, max_rounds: int = 1000) -> tuple[int, int, int]:
    """``MailRelay.run_until_idle``, batch by batch, with a progress bar on a terminal (mails sent so far out of
    those pending at the start)."""
    if not progress:
        report = portal.relay.run_until_idle(max_rounds)
        return report.sent, report.failed, report.dead
    from rich.progress import Progress

    total = len(portal.outbox.pending(100_000))
    sent = failed = dead = 0
    with Progress(transient=True) as bar:
        task = bar.add_task("Envoi des mails", total=total or None)
        for _ in range(max_rounds):
            report = portal.relay.run_once()
            sent, failed, dead = sent + report.sent, failed + report.failed, dead + report.dead
            bar.update(task, completed=sent + failed)
            if report.sent + report.failed == 0 or report.sent == 0:
                break
    return sent, failed, dead


@outbox.command()
@_storage_options
@click.option("--limit", default=100, show_default=True, help="Nombre de mails listés au plus.")
def failed(database_url: str | None, schema: str | None, limit: int) -> None:
    """Liste les mails en échec : à réessayer ou abandonnés (sans leur destinataire en clair)."""
    from cyclades_core.model.values import mask_email

    portal = _portal(_url(database_url, schema))
    messages = portal.outbox.failed(limit)
    click.echo(f"Mails en échec : {len(messages)}")
    for message in messages:  # one line per mail, tab-separated: read by people and by scripts
        state = (
            f"abandonné le {message.dead_at:%Y-%m-%d %H:%M} UTC" if message.dead_at is not None
            else f"réessai après {message.next_attempt_at:%Y-%m-%d %H:%M} UTC" if message.next_attempt_at is not None
            else "à réessayer"
        )  # fmt: skip
        recipient = mask_email(message.recipient) if message.recipient else "-"
        fields = (message.id, message.kind.value, recipient, f"essais : {message.attempts}", message.last_error or "",
                  state)  # fmt: skip
        click.echo("\t".join(fields))


@cli.command()
@_storage_options
@click.option("--days", default=7, show_default=True, help="Jours avant l'échéance des pièces.")
@click.option("--catalogue", "catalogue_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Fichiers du catalogue (sessions, pièces) en plus du catalogue livré.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
def reminders(database_url: str | None, schema: str | None, days: int, catalogue_files: tuple[str, ...],
              as_json: bool) -> None:  # fmt: skip
    """Met en file un rappel par candidature dont des pièces manquent avant l'échéance."""
    url = _url(database_url, schema)
    from cyclades_adapters.files import FileCatalogue

    portal = _portal(url, catalogue=FileCatalogue.default(*catalogue_files))
    portal.reminders.days_before = days
    queued = portal.reminders.send_due()
    if as_json:
        _print_json({"queued": queued, "days": days})
    else:
        click.echo(f"Rappels mis en file : {queued}")


@cli.group(cls=_Group)
def catalogue() -> None:
    """Le catalogue (examens, sessions, académies, spécialités…)."""


@catalogue.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
def check(files: tuple[Path, ...], as_json: bool) -> None:
    """Valide des fichiers de données du catalogue (avec le catalogue livré). Code 1 si un fichier est invalide ou si
    une académie où une session ouvre un service n'a pas de coordonnées imprimables."""
    from cyclades_adapters.files import FileCatalogue
    from cyclades_core.errors import ConfigurationError
    from cyclades_core.usecases.service_contact import unprintable_contacts

    try:
        loaded = FileCatalogue.default(*files)
    except ConfigurationError as invalid:
        if as_json:
            _print_json({"valid": False, "files": [str(f) for f in files], "error": invalid.message})
        _error(invalid.code, invalid.message)
        sys.exit(EXIT_REFUSED)
    sessions = sum(len(loaded.sessions(e.code)) for e in loaded.exams())
    contacts = unprintable_contacts(loaded)  # DOC-05: no document may print a placeholder
    if contacts:
        if as_json:
            _print_json(
                {"valid": False, "files": [str(f) for f in files], "error": contacts[0], "contacts": list(contacts)}
            )
        for problem in contacts:
            _error("configuration_error", problem)
        sys.exit(EXIT_REFUSED)
    if as_json:
        _print_json({"valid": True, "files": [str(f) for f in files], "sessions": sessions})
    else:
        click.echo(f"Fichiers valides : {len(files)} ; sessions : {sessions}")


@cli.group(cls=_Group)
def document() -> None:
    """Les documents publiés."""


@document.command()
@click.argument("code")
@click.option("--kind", type=_LazyChoice(_document_kinds), default="CONFIRMATION", show_default=True,
              help="Type du document.")  # fmt: skip
@click.option("--candidate", required=True, help="N° candidat imprimé sur le document.")
@click.option("--inscription", required=True, help="N° d'inscription imprimé sur le document.")
@click.option("--version", "version", required=True, type=int, help="Version imprimée sur le document.")
def verify(code: str, kind: str, candidate: str, inscription: str, version: int) -> None:
    """Vérifie le code imprimé sur un document (clés : CYCLADES_DOCUMENT_KEY, et CYCLADES_DOCUMENT_OLD_KEYS après
    une rotation)."""
    from cyclades_adapters.bootstrap import document_signer
    from cyclades_core.model.documents import DocumentKind

    signer = document_signer(environ=os.environ)  # ConfigurationError naming the variable when it is missing
    if signer.verify(code, DocumentKind[kind], candidate, inscription, version):
        click.echo("Document authentique.")
        return
    click.echo("Document NON authentique : le code ne correspond pas à ces informations.", err=True)
    sys.exit(EXIT_REFUSED)


# -- the managing service's accounts (back office) --------------------------------------------------------------------


@cli.group(cls=_Group)
def manager() -> None:
    """Les comptes du service gestionnaire (back office) : création, liste, désactivation, mot de passe."""


def _can_prompt() -> bool:
    """Whether a password can be typed without echo: standard input is a terminal, or the process has one
    (``/dev/tty``, where getpass asks when standard input is a pipe). Without either, getpass would print English
    warnings, read the pipe with echo, or stop at its end."""
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    if os.name == "nt":
        return False
    try:
        terminal = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(terminal)
    return True


def _check_password_source(from_stdin: bool) -> None:
    """Before anything is opened: with no terminal to type the password in (cron, Ansible, a CI job),
    ``--password-stdin`` is needed — a usage error (exit 2) naming it."""
    if not from_stdin and not _can_prompt():
        raise click.UsageError(
            "aucun terminal pour saisir le mot de passe sans écho : donnez-le sur la première ligne de l'entrée "
            "standard avec --password-stdin."
        )


def _manager_password(from_stdin: bool) -> str:
    """The password from the first line of standard input, or typed twice without echo (the two must match)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    from cyclades_core.errors import ValidationError
    from cyclades_core.model.passwords import CONFIRMATION_MESSAGE

    password = str(click.prompt("Mot de passe", hide_input=True, err=True))
    if str(click.prompt("Confirmation du mot de passe", hide_input=True, err=True)) != password:
        raise ValidationError.single("password_confirmation", "confirmation_mismatch", CONFIRMATION_MESSAGE)
    return password


_PASSWORD_STDIN_HELP = (
    "Lire le mot de passe sur la première ligne de l'entrée standard (sinon il est demandé sans écho ; sans "
    "terminal, cette option est nécessaire)."
)


@manager.command("add")
@click.argument("login")
@_storage_options
@click.option("--academie", "academies", multiple=True, required=True,
              help="Code d'une académie gérée (répéter l'option pour plusieurs académies).")  # fmt: skip
@click.option("--name", default="", help="Nom affiché (ex. « Service des examens de Rennes »).")
@click.option("--password-stdin", is_flag=True, help=_PASSWORD_STDIN_HELP)
def manager_add(login: str, database_url: str | None, schema: str | None, academies: tuple[str, ...], name: str,
                password_stdin: bool) -> None:  # fmt: skip
    """Crée le compte gestionnaire LOGIN pour ces académies (mot de passe : la politique des candidats)."""
    _check_password_source(password_stdin)
    portal = _portal(_url(database_url, schema))
    view = portal.managers.add(login, _manager_password(password_stdin), academies, name=name)
    click.echo(f"Gestionnaire créé : {view.login} (académies : {', '.join(view.academie_codes)})")


@manager.command("list")
@_storage_options
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
def manager_list(database_url: str | None, schema: str | None, as_json: bool) -> None:
    """Liste les comptes gestionnaires, désactivés compris (jamais leur mot de passe)."""
    views = _portal(_url(database_url, schema)).managers.list()
    if as_json:
        _print_json([
            {"login": v.login, "name": v.name, "academies": list(v.academie_codes), "active": v.active,
             "created_at": v.created_at.isoformat(), "disabled_at": v.disabled_at.isoformat() if v.disabled_at else None}
            for v in views
        ])  # fmt: skip
        return
    click.echo(f"Gestionnaires : {len(views)}")
    for view in views:  # one line per manager, tab-separated: read by people and by scripts
        state = "actif" if view.disabled_at is None else f"désactivé le {view.disabled_at:%Y-%m-%d %H:%M} UTC"
        click.echo("\t".join((view.login, state, ",".join(view.academie_codes), view.name)))


@manager.command("disable")
@click.argument("login")
@_storage_options
def manager_disable(login: str, database_url: str | None, schema: str | None) -> None:
    """Désactive le compte gestionnaire LOGIN : il ne peut plus se connecter et ses sessions sont closes. Le compte
    est conservé (son identifiant reste réservé : le journal d'audit nomme toujours la même personne)."""
    view = _portal(_url(database_url, schema)).managers.disable(login)
    click.echo(f"Gestionnaire désactivé : {view.login}")


@manager.command("password")
@click.argument("login")
@_storage_options
@click.option("--password-stdin", is_flag=True, help=_PASSWORD_STDIN_HELP)
def manager_password(login: str, database_url: str | None, schema: str | None, password_stdin: bool) -> None:
    """Remplace le mot de passe du gestionnaire LOGIN ; ses sessions en cours sont closes."""
    _check_password_source(password_stdin)
    portal = _portal(_url(database_url, schema))
    view = portal.managers.change_password(login, _manager_password(password_stdin))
    click.echo(f"Mot de passe du gestionnaire {view.login} remplacé.")
