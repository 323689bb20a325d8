"""``cyclades``: the demo and the operator commands. Clear errors and non-zero exit codes; ``--help`` everywhere.

Exit codes: 0 success, 1 a refusal or a failed check (and ``outbox relay`` when a mail failed in the run), 2 bad
arguments or configuration (database unreachable, unsupported URL, bad file).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from cyclades_core.errors import ConfigurationError, CycladesError, StorageUnavailable
from cyclades_core.model.documents import DocumentKind

__all__ = ["cli", "main"]

console = Console()
err = Console(stderr=True)
URL_HELP = "URL de la base (sinon CYCLADES_DATABASE_URL), ex. sqlite:///cyclades.db"


def _url(database_url: str | None) -> str:
    url = database_url or os.environ.get("CYCLADES_DATABASE_URL")
    if not url:
        raise click.UsageError("indiquez --database-url ou la variable d'environnement CYCLADES_DATABASE_URL")
    return url


def _portal(database_url: str | None, **adapters: object):  # type: ignore[no-untyped-def]
    from cyclades_adapters.bootstrap import build_portal

    return build_portal(_url(database_url), **adapters)  # type: ignore[arg-type]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cyclades")
def cli() -> None:
    """Cyclades : le portail des inscriptions aux examens (BTS) comme bibliothèque."""


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-output"),
              show_default=True, help="Dossier de la démonstration (recréé à chaque lancement).")  # fmt: skip
@click.option("--database-url", default=None, help="Une autre base que le fichier SQLite du dossier.")
def demo(directory: Path, database_url: str | None) -> None:
    """Joue les parcours du guide de bout en bout : comptes, candidatures, pièces, désinscription."""
    from cyclades_adapters.cli.demo import run_demo

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


@cli.group()
def db() -> None:
    """La base de données."""


@db.command()
@click.option("--database-url", default=None, help=URL_HELP)
def upgrade(database_url: str | None) -> None:
    """Applique les migrations du schéma."""
    from cyclades_adapters.sql import SqlDatabase

    database = SqlDatabase(_url(database_url))
    database.upgrade()
    console.print(f"Schéma à jour : {database.check()}")


@cli.command()
@click.option("--database-url", default=None, help=URL_HELP)
def purge(database_url: str | None) -> None:
    """Efface les comptes non activés dans les 48 heures (ACC-05), puis nettoie les fichiers de la base (VACUUM)."""
    from cyclades_adapters.sql import SqlDatabase

    portal = _portal(database_url)
    erased = portal.accounts.purge_unactivated()
    console.print(f"Comptes non activés effacés : {erased}")
    if isinstance(portal.storage, SqlDatabase):  # the erased rows leave the files too (B7)
        vacuumed = portal.storage.vacuum()
        console.print(f"Nettoyage de la base ({portal.storage.dialect}) : {len(vacuumed)} table(s) ou journal")


@cli.group()
def outbox() -> None:
    """Les mails en attente d'envoi."""


@outbox.command()
@click.option("--database-url", default=None, help=URL_HELP)
@click.option("--smtp-host", default=None, help="Serveur SMTP (sinon --eml-dir).")
@click.option("--smtp-port", default=587, show_default=True, type=int)
@click.option("--smtp-security", type=click.Choice(["starttls", "ssl", "none"]), default="starttls", show_default=True)
@click.option("--smtp-user", default=None)
@click.option("--smtp-password", default=None, envvar="CYCLADES_SMTP_PASSWORD")
@click.option("--sender", default="Cyclades <ne-pas-repondre@cyclades.invalid>", show_default=True)
@click.option("--eml-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Écrire les mails en .eml dans ce dossier au lieu de les envoyer.")  # fmt: skip
@click.option("--smtp-timeout", default=10.0, show_default=True,
              help="Secondes au plus par envoi ; le bail d'un lot en découle.")  # fmt: skip
@click.option("--loop", is_flag=True, help="Recommencer indéfiniment.")
@click.option("--interval", default=30.0, show_default=True, help="Secondes entre deux passages (avec --loop).")
def relay(
    database_url: str | None, smtp_host: str | None, smtp_port: int, smtp_security: str, smtp_user: str | None,
    smtp_password: str | None, sender: str, eml_dir: Path | None, smtp_timeout: float, loop: bool, interval: float,
) -> None:  # fmt: skip
    """Envoie les mails en attente (une fois, ou en boucle). Code de sortie 1 si un envoi a échoué (sans --loop) :
    voir ``cyclades outbox failed``."""
    from cyclades_adapters.mail import EmlFolderMailer, SmtpMailer

    if smtp_host is None and eml_dir is None:
        raise click.UsageError("indiquez --smtp-host ou --eml-dir")
    mailer = (
        SmtpMailer(smtp_host, smtp_port, sender=sender, security=smtp_security, username=smtp_user,  # type: ignore[arg-type]
                   password=smtp_password, timeout=smtp_timeout)
        if smtp_host else EmlFolderMailer(eml_dir or Path("."), sender=sender)
    )  # fmt: skip
    portal = _portal(database_url, mailer=mailer)
    while True:
        report = portal.relay.run_until_idle()
        console.print(
            f"Envoyés : {report.sent} ; en échec : {report.failed} (réessai plus tard : {report.failed - report.dead}"
            f" ; abandonnés : {report.dead})"
        )
        if not loop:
            if report.failed:
                err.print("Des envois ont échoué : voir « cyclades outbox failed ».")
                sys.exit(1)
            return
        time.sleep(interval)


@outbox.command()
@click.option("--database-url", default=None, help=URL_HELP)
@click.option("--limit", default=100, show_default=True, help="Nombre de mails listés au plus.")
def failed(database_url: str | None, limit: int) -> None:
    """Liste les mails en échec : à réessayer ou abandonnés (sans leur destinataire en clair)."""
    from cyclades_core.model.values import mask_email

    portal = _portal(database_url)
    messages = portal.outbox.failed(limit)
    console.print(f"Mails en échec : {len(messages)}")
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
@click.option("--database-url", default=None, help=URL_HELP)
@click.option("--days", default=7, show_default=True, help="Jours avant l'échéance des pièces.")
@click.option("--catalogue", "catalogue_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Fichiers du catalogue (sessions, pièces) en plus du catalogue livré.")  # fmt: skip
def reminders(database_url: str | None, days: int, catalogue_files: tuple[str, ...]) -> None:
    """Met en file un rappel par candidature dont des pièces manquent avant l'échéance."""
    from cyclades_adapters.files import FileCatalogue

    portal = _portal(database_url, catalogue=FileCatalogue.default(*catalogue_files))
    portal.reminders.days_before = days
    console.print(f"Rappels mis en file : {portal.reminders.send_due()}")


@cli.group()
def catalogue() -> None:
    """Le catalogue (examens, sessions, académies, spécialités…)."""


@catalogue.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Valide des fichiers de données du catalogue (avec le catalogue livré)."""
    from cyclades_adapters.files import FileCatalogue

    loaded = FileCatalogue.default(*files)
    console.print(
        f"Fichiers valides : {len(files)} ; sessions : {sum(len(loaded.sessions(e.code)) for e in loaded.exams())}"
    )


@cli.group()
def document() -> None:
    """Les documents publiés."""


@document.command()
@click.argument("code")
@click.option("--kind", type=click.Choice([k.name for k in DocumentKind]), default="CONFIRMATION", show_default=True)
@click.option("--candidate", required=True, help="N° candidat imprimé sur le document.")
@click.option("--inscription", required=True, help="N° d'inscription imprimé sur le document.")
@click.option("--version", "version", required=True, type=int, help="Version imprimée sur le document.")
def verify(code: str, kind: str, candidate: str, inscription: str, version: int) -> None:
    """Vérifie le code imprimé sur un document (clé : CYCLADES_DOCUMENT_KEY)."""
    from cyclades_core.model.verification import DocumentSigner

    key = os.environ.get("CYCLADES_DOCUMENT_KEY")
    if not key or len(key.encode()) < 16:
        raise click.UsageError("la variable CYCLADES_DOCUMENT_KEY (au moins 16 caractères) est nécessaire")
    if DocumentSigner(key.encode()).verify(code, DocumentKind[kind], candidate, inscription, version):
        console.print("Document authentique.")
        return
    err.print("Document NON authentique : le code ne correspond pas à ces informations.")
    sys.exit(1)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; the library's errors become a message and an exit code, never a traceback."""
    try:
        cli.main(args=argv, prog_name="cyclades", standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Interrompu.")
        return 1
    except click.ClickException as usage:
        usage.show()
        return usage.exit_code
    except (ConfigurationError, StorageUnavailable) as configuration:
        err.print(f"erreur [{configuration.code}] {configuration.message}")
        return 2
    except CycladesError as refused:
        err.print(f"erreur [{refused.code}] {refused.message}")
        return 1
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0
