"""Issue 15, items 5 and 6: "Mot de passe oublié" tells nothing of existence (E2, E8), and throttling cannot be
turned against the owner (C2, C3, C4, E4, decision 4). Two sources: the attacker's and the owner's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.files import FileBirthplaceDirectory
from cyclades_adapters.memory import MemoryCandidateNumberAllocator, MemoryCatalogue, MemoryDatabase, MemoryRateLimiter
from cyclades_core.errors import EmailAlreadyUsed, InvalidCredentials, LinkExpired, TooManyRequests
from cyclades_core.model.mail import MailKind
from cyclades_core.ports.security import ThrottlePolicy
from cyclades_core.testing import CountingHasher, ManualClock, PlainHasher, link_in
from cyclades_core.usecases import AccountService, AccountSettings, LoginResult, ScolaireRegistrationForm
from tests.conftest import PASSWORD, T0, activation_token, form, fresh_portal, mails

ActiveAccount = Callable[..., LoginResult]
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.2"
WRONG = "Wrong*Pass9"
PUPIL = ScolaireRegistrationForm(
    establishment_code="0250013D", civility="Madame", birth_name="Dupont", first_names="Marie",
    birth_date="12/03/2003", birth_country="99100", birth_departement="025", birth_commune="BESANCON",
    email="marie.dupont@exemple.fr",
)  # fmt: skip


# -- "Mot de passe oublié" without enumeration ----------------------------------------------------------------


@pytest.mark.rule("E2", "E8", "ACC-10")
@pytest.mark.parametrize("show_masked_contact", [True, False])
def test_the_reset_answer_depends_only_on_what_was_typed(show_masked_contact: bool) -> None:
    """Issue 15 item 5: the same typed identifier gets the same answer from a portal where its account exists and
    from one where it does not — for an email in any casing (the stored casing used to show through) as for a
    candidate number or a Cyclades login (a mask used to show for a known one, none for an unknown one)."""
    settings = AccountSettings(base_url="https://cyclades.exemple.fr", show_masked_contact=show_masked_contact)
    known, empty = fresh_portal(settings), fresh_portal(settings)
    known.accounts.create_account(form(email="Paul.Martin@exemple.fr"))
    known.accounts.activate(activation_token(known))
    pupil = known.accounts.register_scolaire(PUPIL)
    number = next(a.candidate_number for a in _rows(known) if a.email and a.email.display.startswith("Paul"))
    typed = [
        "Paul.Martin@Exemple.fr", "PAUL.MARTIN@EXEMPLE.FR", " paul.martin@exemple.fr ", str(number),
        pupil.login, pupil.login.upper(), pupil.candidate_number, "marie.dupont@exemple.fr", "not an identifier",
    ]  # fmt: skip
    for identifier in typed:
        here, nowhere = (
            known.accounts.request_password_reset(identifier),
            empty.accounts.request_password_reset(identifier),
        )
        assert (here, here.message) == (nowhere, nowhere.message), identifier
    shown = [known.accounts.request_password_reset(i).masked_contact for i in typed]
    if show_masked_contact:
        assert shown[:3] == ["paul.***@exemple.fr"] * 3
        assert shown[3:7] == [None] * 4  # no mask without a lookup
    else:
        assert shown == [None] * len(typed)
    assert len(mails(known, MailKind.PASSWORD_RESET)) > 0  # the known portal did mail its owners
    assert mails(empty) == []


class _Spy:
    """Records every method called through it as ``name.method``."""

    def __init__(self, inner: Any, name: str, calls: list[str]) -> None:
        self._inner, self._name, self._calls = inner, name, calls

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._inner, attribute)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(f"{self._name}.{attribute}")
            return value(*args, **kwargs)

        return call


class _SpyUnitOfWork(_Spy):
    def __init__(self, inner: Any, calls: list[str]) -> None:
        super().__init__(inner, "uow", calls)
        for repository in ("accounts", "tokens", "outbox", "audit"):
            setattr(self, repository, _Spy(getattr(inner, repository), repository, calls))

    def __enter__(self) -> _SpyUnitOfWork:
        self._calls.append("uow.begin")
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._calls.append("uow.end")
        self._inner.__exit__(*exc)


@pytest.mark.rule("E2", "E3")
@pytest.mark.parametrize("source", [None, OWNER])
def test_a_reset_request_does_the_same_work_for_an_unknown_identifier_minus_the_link_and_its_mail(
    source: str | None,
) -> None:
    """Issue 15 item 5: the same limiter counters, the same units of work, the same reads, the same revocation and
    audit record whether or not the account exists; an existing account's request adds only its link and its mail
    (queued in the outbox, E3). The unknown path used to stop after its lookup (the existing one took ~3× longer)."""
    calls: list[str] = []
    database = MemoryDatabase()
    clock = ManualClock(T0)
    service = _spied_service(database, calls, clock)
    created = service.create_account(form(email="paul.martin@exemple.fr"))
    service.activate(link_in(next(iter(database.outbox.rows.values()))))
    traces = {}
    for identifier in ("paul.martin@exemple.fr", "paul.marten@exemple.fr", created.candidate_number, "02199999999"):
        clock.advance(minutes=3)  # past the reset cooldown: each request of the known account mails its link
        calls.clear()
        service.request_password_reset(identifier, source=source)
        traces[identifier] = list(calls)
    link_and_mail = {"tokens.add", "outbox.add"}
    assert link_and_mail <= set(traces["paul.martin@exemple.fr"])
    for known, unknown in (
        ("paul.martin@exemple.fr", "paul.marten@exemple.fr"),
        (created.candidate_number, "02199999999"),
    ):
        assert traces[unknown] == [c for c in traces[known] if c not in link_and_mail]
    requested = [r for r in database.audit.rows.values() if r.action == "password_reset_requested"]
    assert [r.account_id for r in requested] == [created.account_id, None, created.account_id, None]


def _spied_service(database: MemoryDatabase, calls: list[str], clock: ManualClock | None = None) -> AccountService:
    return AccountService(
        uow=lambda: _SpyUnitOfWork(database.unit_of_work(), calls), clock=clock or ManualClock(T0), hasher=PlainHasher(),
        numbers=MemoryCandidateNumberAllocator(), limiter=_Spy(MemoryRateLimiter(), "limiter", calls),
        birthplaces=FileBirthplaceDirectory(), catalogue=MemoryCatalogue(),
        settings=AccountSettings(base_url="https://cyclades.exemple.fr"),
    )  # fmt: skip


# -- throttling that cannot be turned against the owner -------------------------------------------------------


@pytest.mark.rule("C4")
@pytest.mark.parametrize("source", [None, OWNER])
def test_a_failed_login_does_the_same_work_for_an_unknown_identifier(source: str | None) -> None:
    """C4 beside the per-source counters: a wrong password for an existing account and any password for an unknown
    identifier read and write the same limiter counters and the same storage, so their time does not tell them
    apart either (the hasher, one call each, dominates anyway)."""
    calls: list[str] = []
    database = MemoryDatabase()
    service = _spied_service(database, calls)
    service.create_account(form(email="paul.martin@exemple.fr"))
    service.activate(link_in(next(iter(database.outbox.rows.values()))))
    traces = []
    for identifier in ("paul.martin@exemple.fr", "paul.marten@exemple.fr"):
        calls.clear()
        with pytest.raises(InvalidCredentials):
            service.login(identifier, WRONG, source=source)
        traces.append(list(calls))
    assert traces[0] == traces[1]
    assert traces[0].count("limiter.record_failure") == (1 if source is None else 3)


@pytest.mark.rule("C2", "C3", "C4")
def test_an_attacker_s_fifty_wrong_passwords_never_keep_the_owner_out(
    portal: Portal, active_account: ActiveAccount, hasher: CountingHasher, database: MemoryDatabase
) -> None:
    """Issue 15 item 6: 50 wrong passwords from the attacker's source, by email and by candidate number (one counter
    per account, C2), do not stop the owner's correct password from the owner's source. The attacker's source is
    throttled after its free failures: its later attempts, the right password included, verify only the dummy hash
    (C3) and fail alike (C4)."""
    account_id = active_account().account_id
    number = str(database.accounts.rows[account_id].candidate_number)
    stored = database.accounts.rows[account_id].password_hash
    hasher.reset()
    for i in range(50):
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr" if i % 2 else number, WRONG, source=ATTACKER)
    free = AccountSettings().login_throttle.free_failures
    assert hasher.verified.count(stored) == free  # the rest were refused before the real hash was looked at
    assert hasher.verify_calls == 50
    hasher.reset()
    with pytest.raises(InvalidCredentials) as refused:
        portal.accounts.login("accrall@ac-rennes.fr", PASSWORD, source=ATTACKER)
    assert refused.value.message == InvalidCredentials().message
    assert stored not in hasher.verified
    assert portal.accounts.login("accrall@ac-rennes.fr", PASSWORD, source=OWNER).account_id == account_id
    assert portal.accounts.login(number, PASSWORD, source=OWNER).account_id == account_id


@pytest.mark.rule("C3")
def test_one_source_failing_across_many_accounts_is_refused_until_the_next_window(clock: ManualClock) -> None:
    """A source spraying one password over many accounts is limited as a whole (``login_failures_per_source`` per
    ``login_source_window``), every account it has not touched included; other sources are not."""
    settings = AccountSettings(base_url="https://cyclades.exemple.fr", login_failures_per_source=10)
    portal = fresh_portal(settings, clock)
    emails = [f"spray{i}@exemple.fr" for i in range(12)]
    for email in emails:
        portal.accounts.create_account(form(email=email), source=OWNER)
        portal.accounts.activate(activation_token(portal))
    clock.set(T0.replace(minute=0) + timedelta(hours=1))  # the start of a window
    for email in emails[:10]:
        with pytest.raises(InvalidCredentials):
            portal.accounts.login(email, WRONG, source=ATTACKER)
    with pytest.raises(InvalidCredentials):
        portal.accounts.login(emails[11], PASSWORD, source=ATTACKER)  # refused: the source is spent
    assert portal.accounts.login(emails[11], PASSWORD, source=OWNER)
    clock.advance(settings.login_source_window)
    assert portal.accounts.login(emails[10], PASSWORD, source=ATTACKER)


@pytest.mark.rule("C3")
def test_past_the_account_wide_limit_only_sources_that_failed_are_held_back(clock: ManualClock) -> None:
    """Many sources (a botnet) failing against one account: once the account-wide count is reached, each source that
    has failed for it is throttled from its next attempt, while a source that never failed still logs in."""
    settings = AccountSettings(
        base_url="https://cyclades.exemple.fr", login_throttle_per_account=ThrottlePolicy(free_failures=10)
    )
    portal = fresh_portal(settings, clock)
    portal.accounts.create_account(form())
    portal.accounts.activate(activation_token(portal))
    bots = [f"192.0.2.{i}" for i in range(10)]
    for bot in bots:
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", WRONG, source=bot)
    with pytest.raises(InvalidCredentials):
        portal.accounts.login("accrall@ac-rennes.fr", PASSWORD, source=bots[0])  # failed before: held back
    assert portal.accounts.login("accrall@ac-rennes.fr", PASSWORD, source=OWNER)
    assert portal.accounts.login("accrall@ac-rennes.fr", PASSWORD, source=bots[0])  # the owner's success cleared it


@pytest.mark.rule("A1", "ACC-02")
def test_an_attacker_s_creations_for_the_owner_s_address_never_keep_the_owner_from_signing_up(
    portal: Portal, active_account: ActiveAccount
) -> None:
    """Issue 15 item 6, decision 4: sign-up is throttled per source, not per address. While the address is taken the
    attacker gets the clear duplicate error, then TooManyRequests for its own source; once the address is free
    (its account deleted), the owner creates an account from the owner's source at once."""
    session = active_account(email="owner@exemple.fr").session_token
    per_source = AccountSettings().creations_per_source_per_hour
    for _ in range(per_source):
        with pytest.raises(EmailAlreadyUsed, match="Un compte existe déjà avec cette adresse mail"):
            portal.accounts.create_account(form(email="owner@exemple.fr"), source=ATTACKER)
    with pytest.raises(TooManyRequests):
        portal.accounts.create_account(form(email="someone.else@exemple.fr"), source=ATTACKER)
    portal.accounts.delete_account(session)
    created = portal.accounts.create_account(form(email="owner@exemple.fr"), source=OWNER)
    assert created.email == "owner@exemple.fr"


def _rows(portal: Portal) -> list[Any]:
    assert isinstance(portal.storage, MemoryDatabase)
    return list(portal.storage.accounts.rows.values())


@pytest.mark.rule("A1", "B2", "E1")
def test_the_owner_takes_back_an_address_squatted_by_a_pending_account(
    portal: Portal, database: MemoryDatabase, clock: ManualClock
) -> None:
    """Issue 15 item 6: an attacker creates an account with the owner's address first, with a password of its own;
    the owner's creation gets the duplicate error (decision 4), but "Mot de passe oublié" mails the owner (the
    address on record, E1) a link that, proving the mailbox as the activation link does, sets the owner's password
    and activates the account. The attacker's password no longer opens it."""
    squatted = portal.accounts.create_account(form(email="owner@exemple.fr", password="Squat*Pass42"), source=ATTACKER)
    with pytest.raises(EmailAlreadyUsed):
        portal.accounts.create_account(form(email="owner@exemple.fr"), source=OWNER)
    portal.accounts.request_password_reset("owner@exemple.fr", source=OWNER)
    [reset] = mails(portal, MailKind.PASSWORD_RESET)
    assert reset.recipient == "owner@exemple.fr"
    portal.accounts.reset_password(link_in(reset), PASSWORD, PASSWORD)
    assert portal.accounts.login("owner@exemple.fr", PASSWORD, source=OWNER).account_id == squatted.account_id
    with pytest.raises(InvalidCredentials):
        portal.accounts.login("owner@exemple.fr", "Squat*Pass42", source=ATTACKER)
    assert database.accounts.rows[squatted.account_id].activated_at == clock.now()
    assert portal.accounts.activate(activation_token(portal)).already_active  # the squatter's link is spent


@pytest.mark.rule("B2", "B7")
def test_a_pending_account_s_reset_link_ends_with_its_activation_deadline(clock: ManualClock) -> None:
    """The reset link of an unactivated account cannot outlive the 48 h after which the account is erased: asked for
    at 47 h, it works until the activation deadline to the second and not one second later."""
    for offset, ok in ((172_800, True), (172_801, False)):
        moving = ManualClock(clock.now())
        fresh = fresh_portal(clock=moving)
        fresh.accounts.create_account(form())
        moving.advance(hours=47)
        fresh.accounts.request_password_reset("accrall@ac-rennes.fr")
        moving.set(clock.now() + timedelta(seconds=offset))
        link = link_in(mails(fresh, MailKind.PASSWORD_RESET)[-1])
        if ok:
            fresh.accounts.reset_password(link, PASSWORD, PASSWORD)
            assert fresh.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        else:
            with pytest.raises(LinkExpired):
                fresh.accounts.reset_password(link, PASSWORD, PASSWORD)
