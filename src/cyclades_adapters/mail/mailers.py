"""Mailer adapters and the MIME message they all send.

Every mail is multipart/alternative: the French text, and its HTML rendering where every value is escaped. Header
values are folded onto one line (no CR/LF can inject a header); addresses may be UTF-8 (SMTPUTF8).
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from cyclades_core.errors import MailDeliveryError, MailRejected
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
    """smtplib, with STARTTLS (default), implicit TLS or none, optional login, SMTPUTF8 when needed.

    ``timeout`` bounds a whole send, not each socket operation: a watchdog shuts the connection down when it runs
    out, so a server that hangs or trickles costs at most ``timeout`` seconds (the relay's lease is sized from it).
    Failures are classified for the relay: a 5xx answer to the message (MAIL, RCPT, DATA), a refused recipient or
    SMTPUTF8 unsupported raise :class:`MailRejected` (permanent); a 4xx, a timeout, a lost connection, a refused
    login or TLS raise :class:`MailDeliveryError` (retried). The stored reason is the SMTP code and enhanced code
    (``smtp 550 5.1.1``), never the server's text, which may quote the address.
    """

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
        deadline = _Deadline(self.timeout)
        stage = "connect"
        client: smtplib.SMTP
        if self.security == "ssl":
            client = smtplib.SMTP_SSL(timeout=self.timeout, context=self.context)
        else:
            client = smtplib.SMTP(timeout=self.timeout)
        # Connected under the watchdog (the greeting too); smtplib takes the TLS server name from the constructor's
        # host, which is left empty so that the constructor does not connect.
        client._host = self.host  # type: ignore[attr-defined]
        deadline.watch(client)
        try:
            try:
                client.connect(self.host, self.port)
                deadline.check()
                if self.security == "starttls":
                    stage = "tls"
                    client.starttls(context=self.context)
                if self.username is not None:
                    stage = "login"
                    client.login(self.username, self.password or "")
                stage = "send"
                needs_utf8 = not (message.recipient.isascii() and self.sender.isascii())
                client.send_message(mime, mail_options=["SMTPUTF8"] if needs_utf8 else [])
            except (smtplib.SMTPException, OSError) as failure:
                client.close()
                raise _classified(failure, stage, deadline.expired) from failure
            try:  # delivered: a failing QUIT must not make the relay send it again
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
        finally:
            deadline.cancel()


class _Deadline:
    """Shuts the watched client's socket down after ``seconds``: whatever step is blocked then fails at once. The
    TCP connection itself is bounded by the socket's own timeout (the same ``seconds``), then checked."""

    def __init__(self, seconds: float) -> None:
        self._client: smtplib.SMTP | None = None
        self._lock = threading.Lock()
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, client: smtplib.SMTP) -> None:
        with self._lock:
            self._client = client

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sock = getattr(self._client, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def check(self) -> None:
        """After the TCP connection, which the watchdog cannot interrupt (no socket to shut down yet)."""
        with self._lock:
            if self.expired:
                raise TimeoutError("send deadline passed")

    def cancel(self) -> None:
        self._timer.cancel()


_ENHANCED = re.compile(rb"^\s*([245]\.\d{1,3}\.\d{1,3})\b")


def _smtp_reason(code: int, reply: bytes | str) -> str:
    raw = reply.encode("utf-8", "replace") if isinstance(reply, str) else reply
    enhanced = _ENHANCED.match(raw)
    return f"smtp {code} {enhanced[1].decode()}" if enhanced else f"smtp {code}"


def _classified(failure: BaseException, stage: str, expired: bool) -> MailDeliveryError:
    """The relay's view of an SMTP failure: permanent (:class:`MailRejected`) or worth a retry."""
    if expired or isinstance(failure, TimeoutError):
        return MailDeliveryError("Envoi impossible (délai dépassé).", reason=f"timeout ({stage})")
    if isinstance(failure, smtplib.SMTPRecipientsRefused):
        answers = list(failure.recipients.values()) or [(550, b"")]
        code, reply = max(answers, key=lambda answer: answer[0])
        reason = f"{_smtp_reason(code, reply)} recipient refused"
        if code >= 500:
            return MailRejected(f"Destinataire refusé (SMTP {code}).", reason=reason)
        return MailDeliveryError(f"Destinataire refusé pour l'instant (SMTP {code}).", reason=reason)
    if isinstance(failure, smtplib.SMTPNotSupportedError):
        if stage == "send":  # the address needs SMTPUTF8 and the server does not offer it: it never will for it
            return MailRejected("Envoi impossible (SMTPUTF8 non pris en charge).", reason="smtputf8 unsupported")
        return MailDeliveryError(f"Envoi impossible ({stage} non pris en charge).", reason=f"{stage} unsupported")
    if isinstance(failure, smtplib.SMTPResponseException):
        code = failure.smtp_code
        reason = _smtp_reason(code, failure.smtp_error)
        # A 5xx to the message itself is final; to the sender, the greeting, TLS or the login it is the relay's
        # configuration, which the operator fixes: retried (bounded) so the queue survives the fix.
        if 500 <= code < 600 and stage == "send" and not isinstance(failure, smtplib.SMTPSenderRefused):
            return MailRejected(f"Message refusé par le serveur (SMTP {code}).", reason=reason)
        return MailDeliveryError(f"Envoi impossible (SMTP {code}).", reason=f"{reason} {stage}")
    return MailDeliveryError(
        f"Envoi impossible ({type(failure).__name__}).", reason=f"{type(failure).__name__} {stage}"
    )
