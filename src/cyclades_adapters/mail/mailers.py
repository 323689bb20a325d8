"""Mailer adapters and the MIME message they all send.

Every mail is multipart/alternative: the French text, and its HTML rendering where every value is escaped. Header
values are folded onto one line (no CR/LF can inject a header); addresses may be UTF-8 (SMTPUTF8).
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from cyclades_core.errors import MailDeliveryError
from cyclades_core.model.mail import OutboxMessage, html_body

__all__ = ["EmlFolderMailer", "MemoryMailer", "SmtpMailer", "compose"]


def _one_line(value: str) -> str:
    return " ".join(value.split())


def compose(message: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message of an outbox row: Message-ID from the row (stable across retries), text + HTML."""
    mime = EmailMessage(policy=SMTPUTF8)
    mime["Subject"] = _one_line(message.subject)
    mime["From"] = _one_line(sender)
    mime["To"] = _one_line(message.recipient)
    mime["Message-ID"] = message.message_id
    mime["Date"] = format_datetime(message.created_at)
    mime.set_content(message.body)
    mime.add_alternative(html_body(message.body), subtype="html")
    return mime


class MemoryMailer:
    """Keeps what it is asked to send (tests); ``fail`` makes it refuse, as a server that is down."""

    def __init__(self, sender: str = "Cyclades <ne-pas-repondre@cyclades.invalid>") -> None:
        self.sender = sender
        self.sent: list[EmailMessage] = []
        self.fail = False
        self._lock = threading.Lock()

    def send(self, message: OutboxMessage) -> None:
        if self.fail:
            raise MailDeliveryError("Serveur de messagerie indisponible.")
        mime = compose(message, self.sender)
        with self._lock:
            self.sent.append(mime)


class EmlFolderMailer:
    """Writes each mail as ``<message id>.eml`` in a folder (the demo); a retry overwrites the same file."""

    def __init__(self, directory: Path | str, sender: str = "Cyclades <ne-pas-repondre@cyclades.invalid>") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.sender = sender

    def send(self, message: OutboxMessage) -> None:
        name = f"{message.created_at:%Y%m%d-%H%M%S}-{message.kind.value}-{message.id}.eml"
        (self.directory / name).write_bytes(compose(message, self.sender).as_bytes())


class SmtpMailer:
    """smtplib, with STARTTLS (default), implicit TLS or none, optional login, a timeout, SMTPUTF8 when needed."""

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        sender: str,
        security: Literal["starttls", "ssl", "none"] = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.sender, self.security = host, port, sender, security
        self.username, self.password, self.timeout = username, password, timeout
        self.context = context or ssl.create_default_context()

    def send(self, message: OutboxMessage) -> None:
        mime = compose(message, self.sender)
        try:
            client: smtplib.SMTP
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=self.context)
                if self.username is not None:
                    client.login(self.username, self.password or "")
                needs_utf8 = not (message.recipient.isascii() and self.sender.isascii())
                client.send_message(mime, mail_options=["SMTPUTF8"] if needs_utf8 else [])
        except (smtplib.SMTPException, OSError) as failure:
            raise MailDeliveryError(f"Envoi impossible ({type(failure).__name__}).") from failure
