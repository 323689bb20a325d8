"""Small, real helpers for tests: a clock you move by hand, a hasher that counts, a concurrency harness."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from cyclades_core.model.account import FRANCE, Account, AccountKind, AccountState, BirthPlace, Identity
from cyclades_core.model.candidature import (
    Address,
    Candidature,
    CandidatureContent,
    CandidatureState,
    EpreuvePosition,
    Identification,
    Informations,
    Position,
    Qualification,
)
from cyclades_core.model.catalogue import EvaluationMode, FormeDePassage
from cyclades_core.model.mail import OutboxMessage
from cyclades_core.model.values import CandidateNumber, Civility, EmailAddress, email_key
from cyclades_core.ports.security import PasswordHasher

__all__ = [
    "CountingHasher",
    "ManualClock",
    "PlainHasher",
    "link_in",
    "make_account",
    "make_candidature",
    "run_concurrently",
]

T = TypeVar("T")


class ManualClock:
    """A :class:`~cyclades_core.ports.clock.Clock` that only moves when told to. Thread-safe."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2021, 10, 1, 8, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        with self._lock:
            self._now += delta if delta is not None else timedelta(**kwargs)
            return self._now

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._now = instant.astimezone(UTC)


class PlainHasher:
    """A fast salted SHA-256 hasher for tests only (self-describing, ``needs_rehash`` by iteration count)."""

    def __init__(self, iterations: int = 1) -> None:
        self.iterations = iterations

    def hash(self, password: str) -> str:
        salt = secrets.token_hex(8)
        return f"plain${self.iterations}${salt}${self._derive(password, salt, self.iterations)}"

    @staticmethod
    def _derive(password: str, salt: str, iterations: int) -> str:
        data = password.encode("utf-8", "surrogatepass")
        return hashlib.pbkdf2_hmac("sha256", data, salt.encode(), iterations).hex()

    def verify(self, encoded: str, password: str) -> bool:
        parts = encoded.split("$")
        if len(parts) != 4 or parts[0] != "plain" or not parts[1].isdigit():
            return False
        return hmac.compare_digest(self._derive(password, parts[2], int(parts[1])), parts[3])

    def needs_rehash(self, encoded: str) -> bool:
        parts = encoded.split("$")
        return len(parts) != 4 or parts[1] != str(self.iterations)


class CountingHasher:
    """Wraps a hasher and counts its calls (checklist C4: the same number of verifications in every failure)."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.hash_calls = 0
        self.verify_calls = 0
        self.verified: list[str] = []
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        with self._lock:
            self.hash_calls += 1
        return self.inner.hash(password)

    def verify(self, encoded: str, password: str) -> bool:
        with self._lock:
            self.verify_calls += 1
            self.verified.append(encoded)
        return self.inner.verify(encoded, password)

    def needs_rehash(self, encoded: str) -> bool:
        return self.inner.needs_rehash(encoded)

    def reset(self) -> None:
        with self._lock:
            self.hash_calls = self.verify_calls = 0
            self.verified.clear()


def run_concurrently(fn: Callable[[int], T], n: int = 16) -> list[T | BaseException]:
    """Run ``fn(i)`` for ``i`` in ``range(n)`` on ``n`` threads released together by a barrier (N5).

    Returns each call's result or the exception it raised, in ``i`` order.
    """
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = fn(index)
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def make_account(
    *,
    email: str | None = "accrall@ac-rennes.fr",
    login: str | None = None,
    candidate_number: str | None = None,
    state: AccountState = AccountState.PENDING,
    created_at: datetime | None = None,
    deadline: timedelta = timedelta(hours=48),
    password_hash: str = "plain$1$00$00",
) -> Account:
    """An account built directly (no use case), for storage contract tests."""
    created = created_at or datetime(2021, 10, 1, 8, 0, tzinfo=UTC)
    address = EmailAddress(display=email, key=email_key(email)) if email else None
    return Account(
        id=uuid.uuid4().hex,
        kind=AccountKind.INDIVIDUAL if login is None else AccountKind.SCOLAIRE,
        state=state,
        candidate_number=CandidateNumber(candidate_number or f"0{secrets.randbelow(10**10):010d}"),
        identity=Identity(
            Civility.MONSIEUR,
            "ACCRALL",
            None,
            "Dack",
            date(2004, 11, 28),
            BirthPlace(FRANCE, "FRANCE (DONT OUTRE-MER)", "014", "CALVADOS", "14408", "MAY-SUR-ORNE"),
        ),
        email=address,
        login=login,
        password_hash=password_hash,
        created_at=created,
        activation_deadline=created + deadline if state is AccountState.PENDING else None,
        activated_at=created if state is AccountState.ACTIVE else None,
    )


_LINK = re.compile(r"https?://\S+\?jeton=([A-Za-z0-9_\-]+)")


def link_in(message: OutboxMessage) -> str:
    """The token of the link a mail carries (what the candidate clicks)."""
    match = _LINK.search(message.body)
    if match is None:
        raise AssertionError(f"no link in mail {message.subject!r}")
    return match.group(1)


def make_candidature(
    account: Account,
    *,
    inscription_number: str = "001",
    session_id: str = "BTS-2022",
    academie_code: str = "10",
    state: CandidatureState = CandidatureState.ACTIVE,
    now: datetime | None = None,
) -> Candidature:
    """A saved candidature built directly (no form), for storage contract tests and account-side tests."""
    at = now or datetime(2021, 11, 15, 10, 0, tzinfo=UTC)
    content = CandidatureContent(
        identification=Identification(
            Address("FRANCE (DONT OUTRE-MER)", "1 rue des champs", "25000", "BESANCON"),
            "64",
            "99100",
            "0606060606",
            account.email.display if account.email else "pupil@exemple.fr",
        ),
        informations=Informations("320", "INDIV BESANCON (02500005)"),
        qualification=Qualification("31310", FormeDePassage.GLOBALE),
        acquis=(),
        diploma_code="00012",
        epreuves=(
            EpreuvePosition("E1", "Culture générale et expression", "U1", True, 1, None, Position.INSCRIT,
                            EvaluationMode.PONCTUEL),
        ),
    )  # fmt: skip
    return Candidature(
        id=uuid.uuid4().hex,
        account_id=account.id,
        inscription_number=inscription_number,
        session_id=session_id,
        academie_code=academie_code,
        state=state,
        content=content,
        identity=account.identity,
        created_at=at,
        updated_at=at,
    )
