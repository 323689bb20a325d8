"""'Modifier mon compte' and 'Supprimer' (ACC-11, ACC-12, CAN-11; checklist F1 … F6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import (
    AccountHasCandidatures,
    AccountNotFound,
    EmailAlreadyUsed,
    IdentityFrozen,
    InvalidCredentials,
    SessionExpired,
    ValidationError,
)
from cyclades_core.model.account import Identity
from cyclades_core.model.candidature import CandidatureState
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import make_candidature, run_concurrently
from cyclades_core.usecases import AccountSettings, IdentityForm, LoginResult
from tests.conftest import PASSWORD, activation_token, form, fresh_portal, mails

ActiveAccount = Callable[..., LoginResult]


def identity_form(**overrides: Any) -> IdentityForm:
    values: dict[str, Any] = {
        "civility": "Monsieur",
        "birth_name": "ACCRALL",
        "birth_name_confirmation": "ACCRALL",
        "usage_name": None,
        "first_names": "Dack",
        "birth_date": "28/11/2004",
        "birth_date_confirmation": "28/11/2004",
        "birth_country": "99100",
        "birth_departement": "014",
        "birth_commune": "MAY-SUR-ORNE",
    }
    values.update(overrides)
    return IdentityForm(**values)


def attach_candidature(portal: Portal, account_id: str, state: CandidatureState = CandidatureState.ACTIVE) -> Identity:
    """What a candidature's save does to the account side: add it, with the identity snapshot, in one unit of work."""
    with portal.unit_of_work() as uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise AccountNotFound()
        number = uow.candidatures.next_inscription_number(account_id)
        candidature = make_candidature(account, inscription_number=number, state=state)
        uow.candidatures.add(candidature)
        uow.commit()
        return candidature.identity


IDENTITY_CHANGES = [
    {"civility": "Madame"},
    {"birth_name": "ACCRAL", "birth_name_confirmation": "ACCRAL"},
    {"usage_name": "MARTIN"},
    {"first_names": "Dack Jean"},
    {"birth_date": "27/11/2004", "birth_date_confirmation": "27/11/2004"},
    {"birth_country": "99350", "birth_departement": None, "birth_commune": "Rabat"},
    {"birth_departement": "014", "birth_commune": "CAEN"},
    {"birth_departement": "010", "birth_commune": "TROYES"},
]


@pytest.mark.rule("ACC-11")
class TestModifyAccount:
    @pytest.mark.parametrize("change", IDENTITY_CHANGES)
    def test_every_identity_field_can_change_before_the_first_candidature(
        self, portal: Portal, active_account: ActiveAccount, change: dict[str, Any]
    ) -> None:
        session = active_account().session_token
        before = portal.accounts.account(session)
        view = portal.accounts.update_identity(session, identity_form(**change))
        assert view.identity != before.identity
        assert view.version == before.version + 1
        assert portal.accounts.account(session) == view

    @pytest.mark.rule("CAN-11")
    @pytest.mark.parametrize("change", IDENTITY_CHANGES)
    def test_once_a_candidature_exists_the_identity_is_frozen(
        self, portal: Portal, active_account: ActiveAccount, change: dict[str, Any]
    ) -> None:
        """F1: refused, the account unchanged (same version)."""
        session = active_account()
        attach_candidature(portal, session.account_id)
        before = portal.accounts.account(session.session_token)
        with pytest.raises(IdentityFrozen, match="contacter le service gestionnaire"):
            portal.accounts.update_identity(session.session_token, identity_form(**change))
        assert portal.accounts.account(session.session_token) == before

    def test_the_account_names_the_services_to_contact_latest_candidature_first(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """« …je dois contacter le service gestionnaire dont les coordonnées sont indiquées en haut de la page »:
        one service per académie of the account's candidatures, as the N° Inscription tab prints it; the académie's
        name alone where no contact is configured (never a placeholder, DOC-05)."""
        session = active_account()
        assert portal.accounts.account(session.session_token).service_contacts == ()
        with portal.unit_of_work() as uow:
            account = uow.accounts.get(session.account_id)
            assert account is not None
            for number, code, day in (("001", "03", 10), ("002", "10", 12), ("003", "19", 14), ("004", "03", 16)):
                at = datetime(2021, 11, day, 9, 0, tzinfo=UTC)
                uow.candidatures.add(make_candidature(account, inscription_number=number, academie_code=code, now=at))
            uow.commit()
        view = portal.accounts.account(session.session_token)
        assert view.identity_frozen
        assert view.service_contacts == (
            ("ACADÉMIE DE BESANCON", "Recteur", "1 chemin de l'olivier", "25000 BESANCON", "Tel : 03 83 03 03 03",
             "sactBesancon@ac-besancon.fr"),
            ("ACADÉMIE DE REIMS", "Rectorat de Reims", "1, Rue Navier", "51082 REIMS CEDEX", "Tel : 0326056969",
             "contact@ac-reims.fr"),
            ("ACADÉMIE DE LYON",),
        )  # fmt: skip

    def test_email_and_password_stay_changeable_with_a_candidature(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        session = active_account()
        attach_candidature(portal, session.account_id)
        portal.accounts.change_email(session.session_token, PASSWORD, "nouvelle@exemple.fr", "nouvelle@exemple.fr")
        portal.accounts.change_password(session.session_token, PASSWORD, "Nouv3au*Mdp", "Nouv3au*Mdp")
        assert portal.accounts.login("nouvelle@exemple.fr", "Nouv3au*Mdp").account_id == session.account_id

    def test_identity_changes_are_validated_with_their_confirmations(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        session = active_account().session_token
        with pytest.raises(ValidationError) as refused:
            portal.accounts.update_identity(session, identity_form(birth_name="X", birth_name_confirmation="Y"))
        assert refused.value.fields == ("birth_name_confirmation",)

    def test_an_identity_update_racing_the_first_candidature_never_leaves_a_stale_snapshot(self) -> None:
        """F2: 2 threads × 200 trials; a candidature's identity snapshot always equals the account's identity."""
        for trial in range(200):
            portal = fresh_portal()
            portal.accounts.create_account(form())
            portal.accounts.activate(activation_token(portal))
            session = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
            change = identity_form(first_names=f"Dack{'' if trial % 2 else ' Jean'}", usage_name="MARTIN")

            def act(
                i: int, session: LoginResult = session, change: IdentityForm = change, portal: Portal = portal
            ) -> object:
                if i == 0:
                    return portal.accounts.update_identity(session.session_token, change)
                return attach_candidature(portal, session.account_id)

            update, snapshot = run_concurrently(act, 2)
            assert isinstance(snapshot, Identity)
            assert portal.accounts.account(session.session_token).identity == snapshot
            if isinstance(update, BaseException):
                assert isinstance(update, IdentityFrozen)


class TestChangeEmail:
    def test_it_needs_the_password_tells_the_old_address_and_keeps_uniqueness(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """F3."""
        session = active_account().session_token
        portal.accounts.create_account(form(email="taken@exemple.fr"))
        with pytest.raises(ValidationError) as refused:
            portal.accounts.change_email(session, "Wrong*Pass9", "new@exemple.fr", "new@exemple.fr")
        assert refused.value.fields == ("current_password",)
        with pytest.raises(EmailAlreadyUsed):
            portal.accounts.change_email(session, PASSWORD, "TAKEN@exemple.fr", "TAKEN@exemple.fr")
        with pytest.raises(ValidationError) as refused:
            portal.accounts.change_email(session, PASSWORD, "new@exemple.fr", "neww@exemple.fr")
        assert refused.value.fields == ("new_email_confirmation",)
        portal.accounts.change_email(session, PASSWORD, "new@exemple.fr", "new@exemple.fr")
        notice = mails(portal, MailKind.EMAIL_CHANGED)
        assert [m.recipient for m in notice] == ["accrall@ac-rennes.fr"]
        assert "n***@exemple.fr" in notice[0].body
        assert "new@exemple.fr" not in notice[0].body
        with pytest.raises(InvalidCredentials):
            portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)
        portal.accounts.create_account(form(email="accrall@ac-rennes.fr"))  # the old address is free again

    def test_sixteen_concurrent_changes_to_one_address_give_it_to_one_account(self) -> None:
        """F3 / A1: 16 accounts race for one target address."""
        portal = fresh_portal(AccountSettings(creations_per_hour=100))
        sessions = []
        for i in range(16):
            portal.accounts.create_account(form(email=f"owner{i}@exemple.fr"))
            portal.accounts.activate(activation_token(portal))
            sessions.append(portal.accounts.login(f"owner{i}@exemple.fr", PASSWORD).session_token)
        results = run_concurrently(
            lambda i: portal.accounts.change_email(sessions[i], PASSWORD, "Target@exemple.fr", "target@exemple.fr"), 16
        )
        assert sum(r is None for r in results) == 1
        assert all(isinstance(r, EmailAlreadyUsed) for r in results if r is not None)


@pytest.mark.rule("ACC-12")
class TestDeleteAccount:
    def test_deletion_is_refused_with_the_guide_s_words_while_a_candidature_is_attached(
        self, portal: Portal, active_account: ActiveAccount
    ) -> None:
        """F4 / L6: refused while any candidature is attached, a désinscrite one as much as an active one; the
        account is unchanged."""
        for state in (CandidatureState.WITHDRAWN, CandidatureState.ACTIVE):
            session = active_account(email=f"{state.name.lower()}@exemple.fr")
            attach_candidature(portal, session.account_id, state)
            before = portal.accounts.account(session.session_token)
            with pytest.raises(AccountHasCandidatures) as refused:
                portal.accounts.delete_account(session.session_token)
            assert refused.value.message == (
                "Le compte ne peut pas être supprimé car une ou plusieurs candidatures y sont attachées"
            )
            assert portal.accounts.account(session.session_token) == before

    def test_deletion_erases_the_personal_data_sessions_links_and_pending_mails(
        self, portal: Portal, active_account: ActiveAccount, database: MemoryDatabase
    ) -> None:
        """F6: a PII grep of every table finds only the deletion confirmation; every session is rejected."""
        session = active_account()
        other = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token
        portal.accounts.request_password_reset("accrall@ac-rennes.fr")
        number = str(database.accounts.rows[session.account_id].candidate_number)
        portal.accounts.delete_account(session.session_token)
        pending = mails(portal)
        assert [m.kind for m in pending] == [MailKind.ACCOUNT_DELETED]
        deletion = pending[-1]
        assert deletion.account_id is None
        rows = [row for row in database.all_rows() if row != (deletion.id, deletion)]
        dump = repr(rows)
        for personal in ("accrall@ac-rennes.fr", "ACCRALL", "Dack", number, "MAY-SUR-ORNE"):
            assert personal not in dump
        for token in (session.session_token, other):
            with pytest.raises(SessionExpired):
                portal.accounts.authenticate(token)
        portal.accounts.create_account(form())

    def test_deletion_racing_the_first_candidature_never_leaves_an_orphan(self) -> None:
        """F5: 2 threads × 200 trials → (no account, no candidature) or (account, candidature)."""
        for _ in range(200):
            portal = fresh_portal()
            portal.accounts.create_account(form())
            portal.accounts.activate(activation_token(portal))
            session = portal.accounts.login("accrall@ac-rennes.fr", PASSWORD)

            def act(i: int, session: LoginResult = session, portal: Portal = portal) -> object:
                if i == 0:
                    return portal.accounts.delete_account(session.session_token)
                return attach_candidature(portal, session.account_id)

            run_concurrently(act, 2)
            assert isinstance(portal.storage, MemoryDatabase)
            account_exists = session.account_id in portal.storage.accounts.rows
            owners = [c.account_id for c in portal.storage.candidatures.rows.values()]
            assert (account_exists, owners) in ((False, []), (True, [session.account_id]))
