"""Mail: templates, the transactional outbox and its relay, a real SMTP server (aiosmtpd), reminders (issue 7;
checklist J1 … J3; rules ACC-04, ACC-06, ACC-10, UNS-02)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.mail import MemoryMailer, SmtpMailer, compose
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.model.mail import MailKind, OutboxMessage, html_body
from cyclades_core.testing import ManualClock, PlainHasher, link_in, minimal_pdf, run_concurrently
from cyclades_core.usecases import AccountSettings
from cyclades_core.usecases.mail import MailRelay
from tests.candidature_support import DURING, dubois_tabs, guide_portal, register, signed_in
from tests.conftest import T0, form
from tests.sql_support import sql_database  # noqa: F401 - the parametrized fixture


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]  # type: ignore[misc]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    recorder, port = Recorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    yield recorder, port
    controller.stop()


def smtp_portal(port: int, clock: ManualClock | None = None) -> Portal:
    mailer = SmtpMailer(
        "127.0.0.1", port, sender="Cyclades <ne-pas-repondre@ac-exemple.fr>", security="none", timeout=5
    )
    return build_portal(
        clock=clock or ManualClock(T0), hasher=PlainHasher(), mailer=mailer, environ={},
        settings=AccountSettings(base_url="https://cyclades.exemple.fr", creations_per_hour=1000),
    )  # fmt: skip


@pytest.mark.rule("ACC-04")
def test_the_activation_mail_reaches_a_real_smtp_server_and_its_link_works(smtp: tuple[Recorder, int]) -> None:
    recorder, port = smtp
    portal = smtp_portal(port)
    portal.accounts.create_account(form(email="françois@exemple.fr"))
    assert portal.relay.run_once().sent == 1
    [received] = recorder.messages()
    assert received["Subject"] == "[CYCLADES] Activer mon compte"
    assert received["To"] == "françois@exemple.fr"
    assert recorder.envelopes[0].rcpt_tos == ["françois@exemple.fr"]
    text = received.get_body(("plain",)).get_content()
    assert "Vous venez de créer un compte sur Cyclades." in text
    html = received.get_body(("html",)).get_content()
    assert '<a href="https://cyclades.exemple.fr/activer-mon-compte?jeton=' in html
    token = text.split("jeton=")[1].split()[0]
    assert portal.accounts.activate(token).already_active is False
    assert portal.outbox.pending() == []


@pytest.mark.rule("ACC-06")
def test_a_resent_activation_mail_arrives_with_a_new_link(smtp: tuple[Recorder, int]) -> None:
    recorder, port = smtp
    portal = smtp_portal(port)
    portal.accounts.create_account(form())
    portal.accounts.resend_activation("accrall@ac-rennes.fr")
    portal.relay.run_once()
    first, second = recorder.messages()
    assert first["Subject"] == second["Subject"] == "[CYCLADES] Activer mon compte"
    assert first["Message-ID"] != second["Message-ID"]


@pytest.mark.rule("ACC-10")
def test_the_reset_mail_goes_to_the_stored_address(smtp: tuple[Recorder, int]) -> None:
    recorder, port = smtp
    portal = smtp_portal(port)
    created = portal.accounts.create_account(form())
    portal.accounts.activate(link_in(portal.outbox.pending()[0]))
    portal.accounts.request_password_reset(created.candidate_number)
    portal.relay.run_until_idle()
    reset = recorder.messages()[-1]
    assert (reset["Subject"], reset["To"]) == ("[CYCLADES] Réinitialisation du mot de passe", "accrall@ac-rennes.fr")


@pytest.mark.rule("UNS-02")
def test_the_withdrawal_mail_is_delivered(smtp: tuple[Recorder, int]) -> None:
    recorder, port = smtp
    mailer = SmtpMailer("127.0.0.1", port, sender="ne-pas-repondre@ac-exemple.fr", security="none")
    portal = guide_portal(ManualClock(DURING), mailer=mailer)
    token = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    candidature_id = register(portal, token, dubois_tabs())
    portal.candidatures.withdraw(token, candidature_id, confirmed=True)
    portal.relay.run_until_idle()
    assert [m["Subject"] for m in recorder.messages()][-1] == "[CYCLADES] Confirmation de votre désinscription"


def test_smtp_down_for_100_mails_loses_none_and_delivers_all_when_it_returns() -> None:
    """J2: the server is down during 100 sends → 0 lost; all delivered after it returns (backoff respected)."""
    port = free_port()
    clock = ManualClock(T0)
    portal = smtp_portal(port, clock)
    with portal.unit_of_work() as uow:
        for n in range(100):
            uow.outbox.add(OutboxMessage(f"m{n:03d}", MailKind.ACTIVATION, None, f"c{n}@exemple.fr", "s", "b", T0))
        uow.commit()
    relay = MailRelay(uow=portal.unit_of_work, clock=clock, mailer=portal.relay.mailer, batch=100)
    assert relay.run_once().failed == 100
    assert len(portal.outbox.pending(1000)) == 100
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert relay.run_once().sent == 0  # not before the backoff
        clock.advance(minutes=2)
        assert relay.run_once().sent == 100
    finally:
        controller.stop()
    assert len({m["Message-ID"] for m in recorder.messages()}) == 100
    assert portal.outbox.pending(1000) == []


class CrashAfterSend(MemoryMailer):
    """Sends, then the process "dies" before the relay can mark the message sent."""

    def __init__(self) -> None:
        super().__init__()
        self.crash = True

    def send(self, message: OutboxMessage) -> None:
        super().send(message)
        if self.crash:
            raise SystemExit("killed between send and mark")


def test_a_crash_between_send_and_mark_gives_at_most_one_duplicate_never_a_loss() -> None:
    """J2: the lease expires, the message is sent again with the same Message-ID."""
    clock = ManualClock(T0)
    mailer = CrashAfterSend()
    portal = build_portal(clock=clock, hasher=PlainHasher(), mailer=mailer, environ={})
    portal.accounts.create_account(form())
    with pytest.raises(SystemExit):
        portal.relay.run_once()
    mailer.crash = False
    assert portal.relay.run_once().sent == 0  # still leased
    clock.advance(portal.relay.lease)
    assert portal.relay.run_once().sent == 1
    ids = [m["Message-ID"] for m in mailer.sent]
    assert len(ids) == 2
    assert len(set(ids)) == 1


def test_four_concurrent_relays_send_each_of_1000_mails_once(sql_database: SqlDatabase) -> None:  # noqa: F811
    """J3 on SQLite and PostgreSQL: 1 000 sends, 0 duplicates."""
    mailer = MemoryMailer()
    clock = ManualClock(T0)
    with sql_database.unit_of_work() as uow:
        for n in range(1000):
            uow.outbox.add(OutboxMessage(f"m{n:04d}", MailKind.ACTIVATION, None, f"c{n}@exemple.fr", "s", "b", T0))
        uow.commit()
    relays = [MailRelay(uow=sql_database.unit_of_work, clock=clock, mailer=mailer, batch=20) for _ in range(4)]
    run_concurrently(lambda i: relays[i].run_until_idle(), 4)
    ids = [m["Message-ID"] for m in mailer.sent]
    assert len(ids) == len(set(ids)) == 1000


def test_mails_of_an_erased_account_are_dropped_not_sent() -> None:
    """J2 / B7: purge before relay → 0 sends."""
    clock = ManualClock(T0)
    mailer = MemoryMailer()
    portal = build_portal(clock=clock, hasher=PlainHasher(), mailer=mailer, environ={})
    portal.accounts.create_account(form())
    clock.advance(hours=49)
    portal.accounts.purge_unactivated()
    assert portal.relay.run_until_idle().sent == 0
    assert mailer.sent == []


def test_a_rolled_back_use_case_writes_no_mail() -> None:
    """J1: a refused creation (duplicate email) leaves exactly the first mail."""
    mailer = MemoryMailer()
    portal = build_portal(hasher=PlainHasher(), mailer=mailer, environ={})
    portal.accounts.create_account(form())
    with pytest.raises(Exception, match="existe déjà"):
        portal.accounts.create_account(form())
    assert portal.relay.run_until_idle().sent == 1


class TestTemplates:
    def test_every_value_is_escaped_in_html_and_links_keep_their_label(self) -> None:
        text = "Bonjour <script>alert(1)</script> & co,\n\nActiver mon compte : https://x.fr/a?jeton=a&b=<c>\n"
        html = html_body(text)
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
        assert '<a href="https://x.fr/a?jeton=a&amp;b=&lt;c&gt;">Activer mon compte</a>' in html

    def test_no_header_can_be_injected(self) -> None:
        message = OutboxMessage(
            "id1", MailKind.ACTIVATION, None, "victime@exemple.fr", "Objet\r\nBcc: pirate@exemple.fr", "corps", T0
        )
        mime = compose(message, "Cyclades <ne-pas-repondre@ac-exemple.fr>\r\nX-Evil: 1")
        raw = mime.as_bytes()
        assert b"\r\nBcc:" not in raw
        assert b"\nX-Evil" not in raw
        assert mime["Subject"] == "Objet Bcc: pirate@exemple.fr"
        assert mime["Message-ID"] == "<id1@cyclades>"


def test_reminders_go_once_per_candidature_for_missing_pieces() -> None:
    """Reminder N days before the deadline, never twice; nothing once the pièces are there."""
    clock = ManualClock(DURING)
    portal = guide_portal(clock)
    token = signed_in(portal)
    candidature_id = register(portal, token)  # CINSIG01 and RELNOT01, online, deadline 15/12/2021 23:59
    other = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    complete = register(portal, other, dubois_tabs())
    portal.pieces.upload(other, complete, "CINSIG01", "c.pdf", [minimal_pdf()])
    assert portal.reminders.send_due() == 0  # a month before: not yet
    clock.advance(days=24)
    assert portal.reminders.send_due() == 1
    assert portal.reminders.send_due() == 0
    [reminder] = [m for m in portal.outbox.pending(100) if m.kind is MailKind.PIECES_REMINDER]
    assert reminder.recipient == "accrall@ac-rennes.fr"
    assert "CINSIG01 : Confirmation d'inscription signée" in reminder.body
    assert "15/12/2021 à 23:59" in reminder.body
    assert candidature_id in reminder.id


def test_the_demo_mailer_writes_eml_files_and_the_saved_mail_links_the_documents(tmp_path: Any) -> None:
    from cyclades_adapters.mail import EmlFolderMailer

    portal = guide_portal(ManualClock(DURING), mailer=EmlFolderMailer(tmp_path / "mails"))
    token = signed_in(portal)
    candidature_id = register(portal, token)
    assert portal.relay.run_until_idle().sent == 2
    files = sorted((tmp_path / "mails").glob("*.eml"))
    assert [f.name.split("-")[2] for f in files] == ["activation", "candidature_saved"]
    saved = email.message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert saved["Subject"] == "[CYCLADES] Confirmation d'inscription"
    assert f"/mes-documents/{candidature_id}" in saved.get_body(("html",)).get_content()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login_against_a_real_server(security: str) -> None:
    """The SMTP adapter speaks STARTTLS or implicit TLS, verifies the server's certificate and logs in."""
    import ssl

    import trustme
    from aiosmtpd.smtp import AuthResult, LoginPassword

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"relay", b"s3cret")
        return AuthResult(success=ok)

    recorder, port = Recorder(), free_port()
    options: dict[str, Any] = {"authenticator": authenticator, "auth_require_tls": True}
    if security == "starttls":
        options.update(tls_context=server_context, require_starttls=True)
    else:  # implicit TLS: the whole session is encrypted (aiosmtpd does not count it for auth_require_tls)
        options.update(ssl_context=server_context, auth_require_tls=False)
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        mailer = SmtpMailer("127.0.0.1", port, sender="ne-pas-repondre@ac-exemple.fr", security=security,  # type: ignore[arg-type]
                            username="relay", password="s3cret", context=client_context, timeout=5)  # fmt: skip
        message = OutboxMessage(
            "tls1", MailKind.ACTIVATION, None, "candidat@exemple.fr", "[CYCLADES] Activer mon compte", "corps", T0
        )
        mailer.send(message)
        wrong = SmtpMailer("127.0.0.1", port, sender="x@ac-exemple.fr", security=security,  # type: ignore[arg-type]
                           username="relay", password="faux", context=client_context, timeout=5)  # fmt: skip
        with pytest.raises(Exception, match="Envoi impossible"):
            wrong.send(message)
    finally:
        controller.stop()
    [received] = recorder.messages()
    assert received["Message-ID"] == "<tls1@cyclades>"
