"""Authenticated read pages (issue 19): ``home()`` and ``mes_inscriptions()`` against the same reads without any
write (the session's token, the account, the active candidatures' cards, in one unit of work that commits nothing).
Target: ≤ 1.3×.

A third column shows the pages as they were before issue 19 (the session's last-used time written and committed
on every request: a portal with ``session_touch_interval=0`` over the same database).

Run: ``.venv/bin/python benchmarks/bench_read_pages.py [--postgres URL] [--runs 3]``; writes
``results/read_pages.json``. Each run is 50 rounds; in each round every side reads the pages of 20 signed-in
candidates, the sides in a random order.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _bench import finish, interleaved, letters, print_load_before, spread

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.cli.demo import BESANCON, SESSION, _catalogue, _identification, _identity_form
from cyclades_adapters.security import Argon2idHasher
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.model.tokens import digest
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.usecases import AccountSettings
from cyclades_core.usecases.forms import AcquisForm, DiplomaForm, EpreuvesForm, InformationsForm, QualificationForm
from cyclades_core.usecases.inscriptions import active_cards

CANDIDATES = 20
ROUNDS = 50
TARGET = 1.3
KEY = b"bench-document-key-0123456789"


def _portal(url: str, catalogue: Catalogue, settings: AccountSettings) -> Portal:
    return build_portal(
        url, migrate=True, hasher=Argon2idHasher.cheap(), catalogue=catalogue, settings=settings, environ={},
        document_key=KEY,
    )  # fmt: skip


def signed_in(portal: Portal, i: int) -> str:
    """A candidate with one saved candidature, signed in; distinct names, addresses and streets."""
    email = f"lecture{i}@exemple.fr"
    portal.accounts.create_account(
        _identity_form(f"MARTIN{letters(i)}", f"Zoé{letters(i).lower()}", email, "Vol*Plane7x")
    )
    body = next(m.body for m in portal.outbox.pending(10_000) if m.recipient == email)
    portal.accounts.activate(re.search(r"jeton=([\w-]+)", body).group(1))  # type: ignore[union-attr]
    token = portal.accounts.login(email, "Vol*Plane7x").session_token
    tabs: list[object] = [
        None, _identification(email, f"{i} rue des champs"),
        InformationsForm(category_code="320", establishment="INDIV BESANCON (02500005)"),
        QualificationForm(specialite_code="31310"), AcquisForm(), DiplomaForm(diploma_code="00012"), EpreuvesForm(),
    ]  # fmt: skip
    draft = portal.candidatures.start(token, SESSION, BESANCON)
    for form in tabs:
        draft = portal.candidatures.next(draft, form)
    portal.candidatures.save(token, draft)
    return token


def _bare(database: SqlDatabase, catalogue: Catalogue) -> Callable[[str], object]:
    """The page's reads and nothing else: no session check, no write, no commit."""

    def read(token: str) -> object:
        now = datetime.now(UTC)
        with database.unit_of_work() as uow:
            issued = uow.tokens.get(digest(token))
            assert issued is not None
            account = uow.accounts.get(issued.account_id)
            assert account is not None
            cards = active_cards(uow, catalogue, account, now)
        assert cards
        return account.home_header(), cards

    return read


def _cycling(page: Callable[[str], object], tokens: list[str]) -> Callable[[], None]:
    def run() -> None:
        for token in tokens:
            page(token)

    return run


def measure(url: str, runs: int) -> dict[str, Any]:
    catalogue = _catalogue(datetime.now(UTC))
    portal = _portal(url, catalogue, AccountSettings(creations_per_hour=100_000))
    every = _portal(url, catalogue, AccountSettings(creations_per_hour=100_000, session_touch_interval=timedelta(0)))
    assert isinstance(portal.storage, SqlDatabase)
    tokens = [signed_in(portal, i) for i in range(CANDIDATES)]
    bare = _bare(portal.storage, catalogue)
    sides = {
        "bare reads": _cycling(bare, tokens),
        "home": _cycling(portal.accounts.home, tokens),
        "mes_inscriptions": _cycling(portal.candidatures.mes_inscriptions, tokens),
        "home, touch every request": _cycling(every.accounts.home, tokens),
    }
    interleaved(sides, rounds=2, per_round=1)  # warm-up
    ratios: dict[str, list[float]] = {name: [] for name in sides if name != "bare reads"}
    per_page: dict[str, list[float]] = {name: [] for name in sides}
    loads = []
    for run in range(runs):
        load = print_load_before()
        times = interleaved(sides, rounds=ROUNDS, per_round=1)
        finish(load)
        loads.append(load.as_dict())
        totals = {name: sum(values) / (ROUNDS * CANDIDATES) for name, values in times.items()}
        for name in ratios:
            ratios[name].append(totals[name] / totals["bare reads"])
        for name, total in totals.items():
            per_page[name].append(total * 1000)
        print(
            f"  run {run + 1}: "
            + ", ".join(f"{name} {totals[name] * 1000:.3f} ms" for name in sides)
            + (" (noisy)" if load.noisy else ""),
            flush=True,
        )
    portal.storage.dispose()
    assert isinstance(every.storage, SqlDatabase)
    every.storage.dispose()
    return {
        "ms_per_page": {name: {"median": statistics.median(v), "min": min(v), "max": max(v)} for name, v in per_page.items()},
        "ratio_to_bare": {name: {"median": statistics.median(v), "min": min(v), "max": max(v)} for name, v in ratios.items()},
        "ratios_text": {name: spread(v) for name, v in ratios.items()},
        "runs": loads,
        "quiet_runs": sum(not load["noisy"] for load in loads),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (the tables go to schema bench_read_pages)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp())
    try:
        print("SQLite", flush=True)
        results["sqlite"] = measure(f"sqlite:///{folder / 'read.db'}", args.runs)
        if args.postgres:
            print("PostgreSQL", flush=True)
            from sqlalchemy import create_engine, text

            engine = create_engine(args.postgres)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS bench_read_pages CASCADE"))
            engine.dispose()
            separator = "&" if "?" in args.postgres else "?"
            results["postgresql"] = measure(f"{args.postgres}{separator}schema=bench_read_pages", args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'engine':<11} {'page':<27} {'ms/page':>22} {'÷ bare reads':>22} target")
    for engine, result in results.items():
        for name, ms in result["ms_per_page"].items():
            ratio = result["ratios_text"].get(name, "")
            target = f"≤ {TARGET}" if name in ("home", "mes_inscriptions") else ""
            print(
                f"{engine:<11} {name:<27} {ms['median']:>8.3f} [{ms['min']:.3f}–{ms['max']:.3f}] {ratio:>22} {target}"
            )
        print(f"{engine:<11} quiet runs: {result['quiet_runs']} of {len(result['runs'])}")
    out = Path(__file__).parent / "results" / "read_pages.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
