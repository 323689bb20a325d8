"""Contract suite of the token store (``uow.tokens``)."""

from __future__ import annotations

from datetime import timedelta

from cyclades_core.model.tokens import IssuedToken, TokenPurpose
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import T0, StorageSuite, issued_token
from cyclades_core.testing.support import make_account, run_concurrently


class TokenStoreContract(StorageSuite):
    """``uow.tokens``: read, claim once, revoke, expire. Fixture: ``uow_factory``."""

    def test_a_token_is_read_without_being_consumed(self, uow_factory: UnitOfWorkFactory) -> None:
        """B5: reading many times changes nothing; then exactly one claim wins."""
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.tokens.add(issued_token(account.id, "digest-1"))
            uow.commit()
        for _ in range(100):
            with uow_factory() as uow:
                token = uow.tokens.get("digest-1")
                assert token is not None
                assert token.used_at is None
        with uow_factory() as uow:
            assert uow.tokens.mark_used("digest-1", T0) is True
            assert uow.tokens.mark_used("digest-1", T0) is False
            assert uow.tokens.mark_used("unknown", T0) is False
            uow.commit()
        with uow_factory() as uow:
            used = uow.tokens.get("digest-1")
            assert used is not None
            assert used.used_at == T0

    def test_concurrent_claims_of_one_token_have_one_winner(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.tokens.add(issued_token(account.id, "digest-race"))
            uow.commit()

        def claim(_: int) -> bool:
            with uow_factory() as uow:
                won = uow.tokens.mark_used("digest-race", T0)
                uow.commit()
                return won

        assert sorted(r is True for r in run_concurrently(claim, 16)) == [False] * 15 + [True]

    def test_tokens_are_revoked_by_account_and_purpose(self, uow_factory: UnitOfWorkFactory) -> None:
        account, other = make_account(email="x@exemple.fr"), make_account(email="y@exemple.fr")
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.accounts.add(other)
            uow.tokens.add(issued_token(account.id, "act"))
            uow.tokens.add(issued_token(account.id, "reset", TokenPurpose.RESET))
            uow.tokens.add(issued_token(account.id, "s1", TokenPurpose.SESSION))
            uow.tokens.add(issued_token(account.id, "s2", TokenPurpose.SESSION))
            uow.tokens.add(issued_token(other.id, "s3", TokenPurpose.SESSION))
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.revoke_for_account(account.id, (TokenPurpose.SESSION, TokenPurpose.RESET), keep="s1") == 2
            uow.commit()
        with uow_factory() as uow:
            assert [uow.tokens.get(d) is not None for d in ("act", "reset", "s1", "s2", "s3")] == [
                True,
                False,
                True,
                False,
                True,
            ]
            uow.tokens.revoke("act")
            uow.tokens.revoke("absent")
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.get("act") is None

    def test_sessions_are_touched_and_expired_tokens_removed(self, uow_factory: UnitOfWorkFactory) -> None:
        account = make_account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.tokens.add(issued_token(account.id, "s", TokenPurpose.SESSION))
            uow.tokens.add(IssuedToken("late", TokenPurpose.RESET, account.id, T0, T0 + timedelta(hours=100)))
            uow.tokens.touch("s", T0 + timedelta(minutes=5))
            uow.commit()
        with uow_factory() as uow:
            touched = uow.tokens.get("s")
            assert touched is not None
            assert touched.last_used_at == T0 + timedelta(minutes=5)
            assert uow.tokens.remove_expired(T0 + timedelta(hours=48)) == 0
            assert uow.tokens.remove_expired(T0 + timedelta(hours=48, seconds=1)) == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.get("s") is None
            assert uow.tokens.get("late") is not None
