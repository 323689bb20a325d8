"""Outgoing mail as the outbox stores it, and the French templates of the account lifecycle.

Templates are plain text here; the mail issue adds HTML alternatives and SMTP delivery. Subjects and the
activation body are the guide's words.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from enum import Enum

from attrs import frozen

__all__ = [
    "MailContent",
    "MailKind",
    "OutboxMessage",
    "account_deleted_mail",
    "activation_mail",
    "candidature_saved_mail",
    "email_changed_mail",
    "html_body",
    "password_changed_mail",
    "pieces_reminder_mail",
    "reset_mail",
    "withdrawal_mail",
]

SIGNATURE = "A bientôt sur Cyclades\n\nCordialement\n\nLe Service Gestionnaire\n"


class MailKind(Enum):
    ACTIVATION = "activation"
    ACTIVATION_RESEND = "activation_resend"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    EMAIL_CHANGED = "email_changed"
    ACCOUNT_DELETED = "account_deleted"
    CANDIDATURE_SAVED = "candidature_saved"
    CANDIDATURE_MODIFIED = "candidature_modified"
    WITHDRAWAL = "withdrawal"
    PIECES_REMINDER = "pieces_reminder"


@frozen
class OutboxMessage:
    """One mail waiting in the outbox, written in the same unit of work as the change that caused it (J1).

    ``account_id`` lets the purge drop mails of an erased account; it is ``None`` for mails that must outlive
    the account (the deletion confirmation). ``message_id`` is stable, so a retried delivery is recognisable.

    A delivered message keeps neither its body (its live links) nor its recipient (L1). A failed delivery records
    its ``attempts`` and ``last_error`` (an SMTP code and class or an exception's type, never the address); a
    message that cannot be delivered is a dead letter from ``dead_at`` on, and no relay takes it again.
    """

    id: str
    kind: MailKind
    account_id: str | None
    recipient: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None  # after a failed delivery, not before
    claimed_until: datetime | None = None  # a relay's lease: no other relay takes it before
    last_error: str | None = None  # why the last delivery failed: "smtp 451 4.7.1", "timeout", "ValueError"
    dead_at: datetime | None = None  # a dead letter: given up, never sent

    @property
    def is_dead(self) -> bool:
        return self.dead_at is not None

    @property
    def message_id(self) -> str:
        return f"<{self.id}@cyclades>"


_LINK_LINE = re.compile(r"^(?P<label>[^:\n]{1,60}) : (?P<url>https?://\S+)$")
_URL = re.compile(r"(https?://[^\s<>\"]+)")


def html_body(text: str) -> str:
    """The HTML alternative of a text mail: every character escaped, paragraphs kept, "Label : URL" lines made into
    a link named by the label, other URLs linked."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = []
        for line in block.split("\n"):
            match = _LINK_LINE.match(line)
            if match:
                url = html.escape(match["url"], quote=True)
                lines.append(f'<a href="{url}">{html.escape(match["label"])}</a>')
            else:
                lines.append(_URL.sub(lambda m: f'<a href="{m[1]}">{m[1]}</a>', html.escape(line, quote=True)))
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return '<!DOCTYPE html>\n<html lang="fr"><body>\n' + "\n".join(paragraphs) + "\n</body></html>\n"


@frozen
class MailContent:
    kind: MailKind
    subject: str
    body: str


def activation_mail(link: str, *, resend: bool = False) -> MailContent:
    """ACC-04: subject and body word for word from the guide (section 3)."""
    body = (
        "Bonjour,\n\n"
        "Vous venez de créer un compte sur Cyclades. Votre inscription sera possible seulement quand vous aurez "
        "activé votre compte.\n\n"
        "Pour activer votre compte, veuillez cliquer sur le lien :\n\n"
        f"Activer mon compte : {link}\n\n"
        "Si le lien ci-dessus ne fonctionne pas, il vous suffit de copier l'adresse suivante dans la barre de votre "
        f"navigateur :\n{link}\n\n"
        "Ce lien n'est valable que pour une durée de 48h. Passé ce délai, vos informations seront effacées. "
        "Votre identifiant de connexion est votre mél renseigné lors de la création de votre compte.\n\n" + SIGNATURE
    )
    kind = MailKind.ACTIVATION_RESEND if resend else MailKind.ACTIVATION
    return MailContent(kind, "[CYCLADES] Activer mon compte", body)


def reset_mail(link: str) -> MailContent:
    """ACC-10: the link leads to entering a new password; valid 48 hours."""
    body = (
        "Bonjour,\n\n"
        "Vous avez demandé la réinitialisation de votre mot de passe Cyclades.\n\n"
        "Pour saisir un nouveau mot de passe, veuillez cliquer sur le lien :\n\n"
        f"Modifier mon mot de passe : {link}\n\n"
        "Si le lien ci-dessus ne fonctionne pas, il vous suffit de copier l'adresse suivante dans la barre de votre "
        f"navigateur :\n{link}\n\n"
        "Ce lien n'est valable que pour une durée de 48 heures. Passé ce délai, vous devrez re cliquer sur "
        "'Mot de passe oublié'.\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.\n\n"
        + SIGNATURE
    )
    return MailContent(MailKind.PASSWORD_RESET, "[CYCLADES] Réinitialisation du mot de passe", body)


def password_changed_mail() -> MailContent:
    body = (
        "Bonjour,\n\n"
        "Le mot de passe de votre compte Cyclades vient d'être modifié.\n\n"
        "Si vous n'êtes pas à l'origine de cette modification, utilisez sans attendre le lien "
        "'Mot de passe oublié' de la page de connexion et contactez le service gestionnaire.\n\n" + SIGNATURE
    )
    return MailContent(MailKind.PASSWORD_CHANGED, "[CYCLADES] Modification de votre mot de passe", body)


def email_changed_mail(new_address_masked: str) -> MailContent:
    """Sent to the **old** address (F3)."""
    body = (
        "Bonjour,\n\n"
        "L'adresse mail de votre compte Cyclades vient d'être remplacée par "
        f"{new_address_masked}. Votre identifiant de connexion est désormais cette nouvelle adresse.\n\n"
        "Si vous n'êtes pas à l'origine de cette modification, contactez sans attendre le service gestionnaire.\n\n"
        + SIGNATURE
    )
    return MailContent(MailKind.EMAIL_CHANGED, "[CYCLADES] Modification de votre adresse mail", body)


def account_deleted_mail() -> MailContent:
    body = (
        "Bonjour,\n\nVotre compte Cyclades a été supprimé, ainsi que les informations qu'il contenait.\n\n" + SIGNATURE
    )
    return MailContent(MailKind.ACCOUNT_DELETED, "[CYCLADES] Suppression de votre compte", body)


def candidature_saved_mail(
    exam: str, session: str, inscription_number: str, version: int, saved_at: str, closing: str, link: str
) -> MailContent:
    """CAN-10 / CAN-12: the save (version 1) or a modification (version 2, 3…) of a candidature."""
    first = version == 1
    body = (
        "Bonjour,\n\n"
        + (
            f"Votre inscription à l'examen {exam} (session {session}) a bien été prise en compte le {saved_at}.\n"
            if first
            else f"La modification de votre inscription à l'examen {exam} (session {session}) a bien été prise en "
            f"compte le {saved_at}.\n"
        )
        + f"Votre numéro d'inscription : {inscription_number} - Version {version:02d}\n\n"
        "Vous pourrez consulter et, éventuellement, modifier les données de votre dossier avant la fermeture du "
        f"service fixée le : {closing}.\n\n"
        'Votre récapitulatif d\'inscription est disponible dans votre espace candidat, menu "Mes documents" :\n\n'
        f"Mes documents : {link}\n\n" + SIGNATURE
    )
    kind = MailKind.CANDIDATURE_SAVED if first else MailKind.CANDIDATURE_MODIFIED
    subject = "[CYCLADES] Confirmation d'inscription" if first else "[CYCLADES] Modification de votre inscription"
    return MailContent(kind, subject, body)


def withdrawal_mail(exam: str, session: str, inscription_number: str) -> MailContent:
    """UNS-02: "Un mail confirmant ma désinscription m'est également adressé"."""
    body = (
        "Bonjour,\n\n"
        f"Votre désinscription de l'examen {exam} (session {session}, inscription n° {inscription_number}) a bien été "
        "prise en compte. Cette candidature n'est plus visible dans votre espace candidat.\n\n"
        "Si vous vous êtes désinscrit par erreur, vous pouvez créer une nouvelle candidature depuis le même compte "
        "candidat tant que le service d'inscription est ouvert.\n\n" + SIGNATURE
    )
    return MailContent(MailKind.WITHDRAWAL, "[CYCLADES] Confirmation de votre désinscription", body)


def pieces_reminder_mail(
    exam: str, session: str, inscription_number: str, pieces: list[str], deadline: str
) -> MailContent:
    """The reminder of missing pièces (issue 7): once per candidature and deadline."""
    listed = "\n".join(f"- {title}" for title in pieces)
    body = (
        "Bonjour,\n\n"
        f"Pour votre inscription à l'examen {exam} (session {session}, inscription n° {inscription_number}), "
        f"les pièces justificatives suivantes n'ont pas encore été déposées ou validées :\n{listed}\n\n"
        f"Elles sont à déposer en ligne avant le {deadline} (heure de Paris), dans votre espace candidat, "
        'menu "Mes justificatifs", puis cliquez sur "J\'ai fourni toutes mes pièces".\n\n' + SIGNATURE
    )
    return MailContent(MailKind.PIECES_REMINDER, "[CYCLADES] Pièces justificatives à fournir", body)
