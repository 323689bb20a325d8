"""On SQLite, an authenticated read page commits nothing while the session's last-used time is fresh (issue 19):
another connection's ``PRAGMA data_version`` changes only when some connection commits."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from cyclades_adapters import build_portal
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings
from tests.candidature_support import DURING, dubois_tabs, guide_portal, register, signed_in
from tests.conftest import DOCUMENT_KEY


@pytest.mark.rule("C5")
def test_read_pages_commit_nothing_on_sqlite_until_the_refresh_is_due(tmp_path: Path) -> None:
    path = tmp_path / "read.db"
    clock = ManualClock(DURING)
    catalogue = guide_portal(clock).catalogue.catalogue
    portal = build_portal(
        f"sqlite:///{path}", migrate=True, clock=clock, hasher=PlainHasher(), catalogue=catalogue, environ={},
        settings=AccountSettings(base_url="https://cyclades.exemple.fr"), document_key=DOCUMENT_KEY,
    )  # fmt: skip
    token = signed_in(portal, email="pdubois@ac-rennes.fr", birth_name="DUBOIS", first_names="Pierre")
    register(portal, token, dubois_tabs())
    watcher = sqlite3.connect(path)
    try:

        def version() -> int:
            return int(watcher.execute("PRAGMA data_version").fetchone()[0])

        before = version()
        clock.advance(timedelta(seconds=30))
        assert portal.accounts.home(token).candidatures
        assert portal.candidatures.mes_inscriptions(token).cards
        portal.accounts.account(token)
        assert version() == before  # no commit from any connection
        clock.advance(AccountSettings().session_touch_interval)
        portal.accounts.home(token)
        assert version() != before  # the refresh, once due, is committed
    finally:
        watcher.close()
