"""What the storage contract suites share: the instant they start from, a fixture slot, small builders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cyclades_core.model.account import Account, AccountState
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.model.tokens import IssuedToken, TokenPurpose
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing.support import make_account

T0 = datetime(2021, 10, 1, 8, 0, tzinfo=UTC)


def outbox_message(account_id: str | None, n: int = 0) -> OutboxMessage:
    return OutboxMessage(
        id=f"m{n}-{account_id}",
        kind=MailKind.ACTIVATION,
        account_id=account_id,
        recipient="accrall@ac-rennes.fr",
        subject="[CYCLADES] Activer mon compte",
        body="Bonjour",
        created_at=T0 + timedelta(seconds=n),
    )


def issued_token(account_id: str, digest: str, purpose: TokenPurpose = TokenPurpose.ACTIVATION) -> IssuedToken:
    return IssuedToken(digest, purpose, account_id, T0, T0 + timedelta(hours=48))


class StorageSuite:
    """Base of the storage suites: the ``uow_factory`` fixture a subclass provides, and an active account."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        raise NotImplementedError("subclass the contract and return your adapter's unit-of-work factory")

    def _active_account(self, uow_factory: UnitOfWorkFactory, email: str = "cand@exemple.fr") -> Account:
        account = make_account(email=email, state=AccountState.ACTIVE)
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        return account
