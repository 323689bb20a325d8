"""A short journey on the embedded default (in-memory storage): ``python -m cyclades_adapters.demo``.

ACCRALL Dack creates an account, activates it from the mail, logs in and sees "Mes inscriptions"; he forgets his
password and resets it; a school registers DUPONT Marie, who logs in with her papillon de connexion. Every mail the
journey queues is printed. The CLI issue replaces this with ``cyclades demo`` on SQLite.
"""

from __future__ import annotations

import re
import sys
import time
from typing import TextIO

from cyclades_adapters.bootstrap import build_portal
from cyclades_core.errors import CycladesError
from cyclades_core.model.mail import MailKind
from cyclades_core.usecases import CreateAccountForm, ScolaireRegistrationForm

__all__ = ["main", "run"]

_TOKEN = re.compile(r"jeton=([A-Za-z0-9_\-]+)")


def _last_token(portal_outbox: list[tuple[MailKind, str]], kind: MailKind) -> str:
    for mail_kind, body in reversed(portal_outbox):
        match = _TOKEN.search(body)
        if mail_kind is kind and match:
            return match.group(1)
    raise LookupError(f"no {kind.value} mail")


def run(out: TextIO = sys.stdout) -> int:
    started = time.perf_counter()
    portal = build_portal("memory://")
    accounts = portal.accounts

    def say(text: str) -> None:
        print(text, file=out)

    def mails() -> list[tuple[MailKind, str]]:
        return [(m.kind, m.body) for m in portal.outbox.pending(1000)]

    say("== Création du compte de ACCRALL Dack")
    created = accounts.create_account(
        CreateAccountForm(
            civility="Monsieur",
            birth_name="ACCRALL",
            birth_name_confirmation="ACCRALL",
            first_names="Dack",
            birth_date="28/11/2004",
            birth_date_confirmation="28/11/2004",
            birth_country="99100",
            birth_departement="014",
            birth_commune="MAY-SUR-ORNE",
            email="accrall@ac-rennes.fr",
            email_confirmation="accrall@ac-rennes.fr",
            password="Vol*Plane7x",
            password_confirmation="Vol*Plane7x",
        )
    )
    say(created.message)
    say(f"N° candidat attribué : {created.candidate_number}")

    say("\n== Activation depuis le mail « [CYCLADES] Activer mon compte »")
    say(accounts.activate(_last_token(mails(), MailKind.ACTIVATION)).message)

    say("\n== Connexion puis « Mes inscriptions »")
    session = accounts.login("accrall@ac-rennes.fr", "Vol*Plane7x")
    home = accounts.home(session.session_token)
    say(home.header)
    say(home.empty_message or "")

    say("\n== Mot de passe oublié (identifiant : numéro candidat)")
    say(accounts.request_password_reset(created.candidate_number).message)
    accounts.reset_password(_last_token(mails(), MailKind.PASSWORD_RESET), "Planeur#42q", "Planeur#42q")
    say(
        "Nouveau mot de passe enregistré ; connexion : "
        + accounts.login(created.candidate_number, "Planeur#42q").account_id
    )

    say("\n== Un établissement inscrit DUPONT Marie (candidate scolaire)")
    papillon = accounts.register_scolaire(
        ScolaireRegistrationForm(
            establishment_code="0250013D",
            civility="Madame",
            birth_name="DUPONT",
            first_names="Marie",
            birth_date="12/03/2003",
            birth_country="99100",
            birth_departement="025",
            birth_commune="BESANCON",
        )
    )
    say(f"Papillon de connexion : identifiant {papillon.login}, N° candidat {papillon.candidate_number}")
    first = accounts.login(papillon.login, papillon.initial_password)
    accounts.change_password(first.session_token, papillon.initial_password, "Hirondelle#7q", "Hirondelle#7q")
    say(accounts.home(first.session_token).header)

    say("\n== Mails en attente d'envoi (outbox)")
    for message in portal.outbox.pending(1000):
        say(f"- {message.recipient:<24} {message.subject}")
    say(f"\nTerminé en {time.perf_counter() - started:.2f} s.")
    return 0


def main() -> int:
    try:
        return run()
    except CycladesError as error:
        print(f"erreur [{error.code}] {error.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
