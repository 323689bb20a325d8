"""Login by email, Cyclades login or candidate number; throttling; sessions; scolaire accounts
(POR-02, ACC-08, ACC-13, ACC-14; checklist C1 … C7, D5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import InvalidCredentials, PasswordChangeRequired, SessionExpired, ValidationError
from cyclades_core.model.account import AccountKind
from cyclades_core.testing import CountingHasher, ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings, LoginResult, ScolaireRegistrationForm
from tests.conftest import PASSWORD, T0, activation_token, form

ActiveAccount = Callable[..., LoginResult]


def pupil(**overrides: str | None) -> ScolaireRegistrationForm:
    values: dict[str, str | None] = {
        "establishment_code": "0250013D",
        "civility": "Madame",
        "birth_name": "Dupont",
        "first_names": "Marie Claire",
        "birth_date": "12/03/2003",
        "birth_country": "99100",
        "birth_departement": "025",
        "birth_commune": "BESANCON",
    }
    values.update(overrides)
    return ScolaireRegistrationForm(**values)  # type: ignore[arg-type]


@pytest.mark.rule("ACC-08")
class TestThreeIdentifiers:
    def test_email_candidate_number_and_any_case_of_the_email_log_in(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
    ) -> None:
        first = active_account()
        number = str(database.accounts.rows[first.account_id].candidate_number)
        for identifier in ("accrall@ac-rennes.fr", " ACCRALL@AC-RENNES.FR ", number):
            assert portal.accounts.login(identifier, PASSWORD).account_id == first.account_id

    def test_each_login_gets_a_fresh_256_bit_session(self, portal: Portal, active_account: ActiveAccount) -> None:
        """C5: a new token per login."""
        first = active_account()
        second = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        assert first.session_token != second.session_token
        assert len(second.session_token) >= 43
        assert portal.accounts.authenticate(second.session_token).account_id == first.account_id

    def test_the_password_is_compared_whole_never_truncated(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """D1: login with the first 20 characters of a 21-character input fails; so does a longer input."""
        active_account(password="Tq9#mLpwXz4!kR2?vN8s")
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", "Tq9#mLpwXz4!kR2?vN8s+")
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", "Tq9#mLpwXz4!kR2?vN8")


@pytest.mark.rule("POR-02")
class TestScolaireCandidates:
    def test_the_establishment_creates_an_active_account_with_a_cyclades_login(
        self, portal: Portal, database: MemoryDatabase
    ) -> None:
        papillon = portal.accounts.register_scolaire(pupil())
        assert papillon.login == "dupont.marie1"
        account = database.accounts.rows[papillon.account_id]
        assert account.kind is AccountKind.SCOLAIRE
        assert account.is_active
        assert account.email is None
        assert account.establishment_code == "0250013D"

    def test_homonyms_get_the_next_number(self, portal: Portal) -> None:
        logins = [portal.accounts.register_scolaire(pupil()).login for _ in range(3)]
        assert logins == ["dupont.marie1", "dupont.marie2", "dupont.marie3"]
        accented = portal.accounts.register_scolaire(pupil(birth_name="Le Gall-Hervé", first_names="Anaïs"))
        assert accented.login == "le-gall-herve.anais1"

    def test_the_pupil_logs_in_with_the_papillon_and_must_change_the_password_first(self, portal: Portal) -> None:
        """C6: until the initial password is changed, everything else is refused."""
        papillon = portal.accounts.register_scolaire(pupil())
        session = portal.accounts.login(papillon.login, papillon.initial_password)
        assert session.must_change_password is True
        with pytest.raises(PasswordChangeRequired):
            portal.accounts.home(session.session_token)
        with pytest.raises(PasswordChangeRequired):
            portal.accounts.authenticate(session.session_token)
        portal.accounts.change_password(session.session_token, papillon.initial_password, "Tq9#mLpw", "Tq9#mLpw")
        assert portal.accounts.home(session.session_token).header.startswith(f"N°Candidat: {papillon.candidate_number}")
        assert portal.accounts.login("DUPONT.MARIE1", "Tq9#mLpw").must_change_password is False

    def test_the_initial_password_is_random_meets_the_policy_and_expires(
        self, portal: Portal, clock: ManualClock
    ) -> None:
        first, second = portal.accounts.register_scolaire(pupil()), portal.accounts.register_scolaire(pupil())
        assert first.initial_password != second.initial_password
        assert first.expires_at == T0 + AccountSettings().initial_password_ttl
        clock.advance(AccountSettings().initial_password_ttl + timedelta(seconds=1))
        with pytest.raises(InvalidCredentials, match="initial a expiré"):
            portal.accounts.login(first.login, first.initial_password)

    def test_the_registration_names_its_wrong_fields(self, portal: Portal) -> None:
        with pytest.raises(ValidationError) as refused:
            portal.accounts.register_scolaire(pupil(establishment_code="", birth_date="2003-03-12"))
        assert set(refused.value.fields) == {"establishment_code", "birth_date"}

    def test_an_individual_logs_in_with_the_email_and_has_no_cyclades_login(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        session = active_account()
        view = portal.accounts.account(session.session_token)
        assert (view.kind, view.login, view.email) == (AccountKind.INDIVIDUAL, None, "accrall@ac-rennes.fr")


@pytest.mark.rule("ACC-14")
class TestFailuresAndThrottling:
    def test_every_failure_gives_the_same_error_after_one_verification(
        self, portal: Portal, active_account: ActiveAccount, hasher: CountingHasher, clock: ManualClock
    ) -> None:
        """C4: unknown identifier, wrong password, unactivated and throttled accounts look alike."""
        active_account()
        portal.accounts.create_account(form(email="pending@exemple.fr"))
        outcomes = []

        def attempt(identifier: str, password: str) -> None:
            hasher.reset()
            with pytest.raises(InvalidCredentials) as failure:
                portal.accounts.login(identifier, password)
            outcomes.append((failure.value.code, failure.value.message, hasher.verify_calls))

        attempt("nobody@exemple.fr", PASSWORD)
        attempt("00000000000", PASSWORD)
        attempt("not an identifier", PASSWORD)
        attempt("accrall@ac-rennes.fr", "Wrong*Pass9")
        attempt("pending@exemple.fr", PASSWORD)
        for _ in range(5):
            attempt("accrall@ac-rennes.fr", "Wrong*Pass9")
        attempt("accrall@ac-rennes.fr", PASSWORD)  # throttled: even the right password fails
        assert len(set(outcomes)) == 1
        assert outcomes[0][2] == 1

    def test_throttling_does_not_check_the_real_password_and_ends_after_the_delay(
        self, portal: Portal, active_account: ActiveAccount, hasher: CountingHasher, clock: ManualClock
    ) -> None:
        """C3: attempt N+1 inside the window is refused without verifying the stored hash; after it, allowed."""
        active_account()
        for _ in range(AccountSettings().login_throttle.free_failures):
            with pytest.raises(InvalidCredentials):
                portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
        hasher.reset()
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        assert hasher.verify_calls == 1
        assert not any(
            encoded.startswith("plain$") and encoded in _stored_hashes(portal) for encoded in hasher.verified
        )
        clock.advance(minutes=1, seconds=1)
        assert portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)

    def test_one_counter_per_account_whatever_the_identifier(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
    ) -> None:
        """C2: failures by email, by candidate number and by another case of the email add up."""
        first = active_account()
        number = str(database.accounts.rows[first.account_id].candidate_number)
        settings = AccountSettings()
        identifiers = ["accrall@ac-rennes.fr", number, "ACCRALL@ac-rennes.fr", number, "accrall@AC-RENNES.fr"]
        for identifier in identifiers[: settings.login_throttle.free_failures]:
            with pytest.raises(InvalidCredentials):
                portal.accounts.login(identifier, "Wrong*Pass9")
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)

    def test_the_cyclades_login_feeds_the_same_counter_as_the_candidate_number(
        self, portal: Portal, clock: ManualClock
    ) -> None:
        """C2: a scolaire account's Cyclades login (any case) and candidate number count against one limit."""
        papillon = portal.accounts.register_scolaire(pupil())
        free = AccountSettings().login_throttle.free_failures
        identifiers = [papillon.login, str(papillon.candidate_number), papillon.login.upper()] * free
        for identifier in identifiers[:free]:
            with pytest.raises(InvalidCredentials):
                portal.accounts.login(identifier, "Wrong*Pass9")
        with pytest.raises(InvalidCredentials):
            portal.accounts.login(str(papillon.candidate_number), papillon.initial_password)
        clock.advance(AccountSettings().login_throttle.base_delay)
        assert portal.accounts.login(papillon.login, papillon.initial_password).must_change_password is True

    def test_delays_rise_and_a_success_resets_the_counter(
        self, portal: Portal, active_account: ActiveAccount, clock: ManualClock
    ) -> None:
        active_account()
        policy = AccountSettings().login_throttle
        for _ in range(policy.free_failures):
            with pytest.raises(InvalidCredentials):
                portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
        clock.advance(policy.base_delay)
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
        clock.advance(policy.base_delay)  # the second delay is twice as long
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        clock.advance(policy.base_delay)
        portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
        portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)  # counter was reset by the success

    def test_authentication_events_are_logged_without_secrets(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
    ) -> None:
        """C7: success and failure events with UTC time and account id, never the password or a token."""
        first = active_account()
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
        records = list(database.audit.rows.values())
        actions = [r.action for r in records if r.account_id == first.account_id]
        assert "authn_login_success" in actions
        assert "authn_login_fail" in actions
        assert all(r.at.utcoffset() == timedelta(0) for r in records)
        dump = repr(records)
        assert PASSWORD not in dump
        assert "Wrong*Pass9" not in dump
        assert first.session_token not in dump
        assert "accrall@ac-rennes.fr" not in dump

    def test_the_last_free_failure_and_throttled_attempts_are_logged_as_such(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
    ) -> None:
        """C7: ``authn_login_fail`` up to the limit, ``authn_login_fail_max`` when it is reached, then
        ``authn_login_lock`` for attempts the throttle refuses (the right password included)."""
        first = active_account()
        free = AccountSettings().login_throttle.free_failures
        for _ in range(free):
            with pytest.raises(InvalidCredentials):
                portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        actions = [r.action for r in database.audit.rows.values() if r.account_id == first.account_id]
        failures = [a for a in actions if a.startswith("authn_login_") and a != "authn_login_success"]
        assert failures == ["authn_login_fail"] * (free - 1) + ["authn_login_fail_max", "authn_login_lock"]

    def test_passwords_are_stored_only_as_salted_hashes(self, portal: Portal, database: MemoryDatabase) -> None:
        created = portal.accounts.create_account(form())
        stored = database.accounts.rows[created.account_id].password_hash
        assert stored.startswith("plain$")
        assert PASSWORD not in repr(list(database.all_rows()))


class TestSessions:
    def test_idle_and_absolute_timeouts_end_a_session(
        self, portal: Portal, active_account: ActiveAccount, clock: ManualClock
    ) -> None:
        """C5."""
        settings = AccountSettings()
        session = active_account().session_token
        clock.advance(settings.session_idle_timeout)
        portal.accounts.authenticate(session)
        clock.advance(settings.session_idle_timeout + timedelta(seconds=1))
        with pytest.raises(SessionExpired):
            portal.accounts.authenticate(session)
        second = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        step = settings.session_idle_timeout - timedelta(seconds=1)
        while clock.now() + step <= second.expires_at:
            clock.advance(step)
            portal.accounts.authenticate(second.session_token)  # kept alive by use, within the absolute limit
        clock.set(second.expires_at + timedelta(seconds=1))
        with pytest.raises(SessionExpired):
            portal.accounts.authenticate(second.session_token)

    def test_logout_ends_the_session(self, portal: Portal, active_account: ActiveAccount) -> None:
        session = active_account().session_token
        portal.accounts.logout(session)
        with pytest.raises(SessionExpired):
            portal.accounts.authenticate(session)
        with pytest.raises(SessionExpired):
            portal.accounts.authenticate("forged")


@pytest.mark.rule("ACC-13")
def test_mes_inscriptions_shows_number_name_birth_date_and_no_candidature(
    portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
) -> None:
    session = active_account()
    number = database.accounts.rows[session.account_id].candidate_number
    home = portal.accounts.home(session.session_token)
    assert home.header == f"N°Candidat: {number} ACCRALL Dack Né(e) le 28/11/2004"
    assert home.candidatures == ()
    assert home.empty_message == "Vous n'avez aucune candidature active."


def test_a_weaker_stored_hash_is_upgraded_after_a_successful_login_only(clock: ManualClock) -> None:
    """D5: re-hash only after a correct password; a wrong one leaves the hash alone."""
    hasher = PlainHasher(iterations=1)
    portal = build_portal(clock=clock, hasher=hasher, environ={})
    created = portal.accounts.create_account(form())
    portal.accounts.activate(activation_token(portal))
    hasher.iterations = 2  # the parameters are raised in production
    assert isinstance(portal.storage, MemoryDatabase)
    rows = portal.storage.accounts.rows
    before = rows[created.account_id].password_hash
    with pytest.raises(InvalidCredentials):
        portal.accounts.login("accrall@ac-rennes.fr", "Wrong*Pass9")
    assert rows[created.account_id].password_hash == before
    portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
    assert rows[created.account_id].password_hash.startswith("plain$2$")
    portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)


def _stored_hashes(portal: Portal) -> set[str]:
    assert isinstance(portal.storage, MemoryDatabase)
    return {a.password_hash for a in portal.storage.accounts.rows.values()}


def test_audit_records_are_kept_twelve_months_then_purged(
    portal: Portal, active_account: ActiveAccount, clock: ManualClock
) -> None:
    """I4: after 12 months plus one day the purge removes the old records and keeps the newer ones."""
    session = active_account()
    clock.advance(days=200)
    portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
    clock.advance(days=166)
    assert portal.audit.purge_expired() == 3  # created, activated, first login
    assert [r.action for r in portal.audit.records_for(session.account_id)] == ["authn_login_success"]
