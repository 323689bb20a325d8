"""Candidate journeys per second (issue 10): create → activate → login → save → modify → confirmation PDF, on
SQLite, with the password hasher at its production parameters and again with a cheap one, so the hashing cost (by
design) is told apart from the library's own. Issue 19: the two hashers' journeys are interleaved (one production
journey and three cheap ones per round, in a random order), each on its own SQLite file, distinct candidates.
Run: ``.venv/bin/python benchmarks/bench_journey.py [--runs 3] [--rounds 10]``; writes ``results/journey.json``."""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _bench import finish, letters, print_load_before, spread

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.cli.demo import BESANCON, SESSION, _catalogue, _identification, _identity_form
from cyclades_adapters.security import Argon2idHasher
from cyclades_core.model.documents import DocumentKind
from cyclades_core.ports.security import PasswordHasher
from cyclades_core.usecases import AccountSettings
from cyclades_core.usecases.forms import AcquisForm, DiplomaForm, EpreuvesForm, InformationsForm, QualificationForm


def portal_for(hasher: PasswordHasher, folder: Path, name: str) -> Portal:
    return build_portal(
        f"sqlite:///{folder / name}", migrate=True, hasher=hasher, catalogue=_catalogue(datetime.now(UTC)),
        settings=AccountSettings(creations_per_hour=100_000), environ={}, document_key=b"bench-document-key-0123456789",
    )  # fmt: skip


def journey(portal: Portal, i: int) -> None:
    """One candidate: create, activate, login, save, modify, render the confirmation, relay the mails."""
    email = f"j{i}@exemple.fr"
    portal.accounts.create_account(_identity_form("MARTIN", letters(i).capitalize(), email, "Vol*Plane7x"))
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
    saved = portal.candidatures.save(token, draft)
    draft = portal.candidatures.edit(token, saved.candidature_id)
    for _ in tabs:
        draft = portal.candidatures.next(draft)
    portal.candidatures.save(token, draft)
    portal.documents.render(token, saved.candidature_id, DocumentKind.CONFIRMATION)
    portal.relay.run_until_idle()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    portals = {"argon2id defaults": portal_for(Argon2idHasher(), folder, "production.db"),
               "cheap hasher": portal_for(Argon2idHasher.cheap(), folder, "cheap.db")}  # fmt: skip
    per_round = {"argon2id defaults": 1, "cheap hasher": 3}
    counter = itertools.count()
    sides = {name: (lambda portal=portal: journey(portal, next(counter))) for name, portal in portals.items()}
    for side in sides.values():  # warm-up
        side()
    rates: dict[str, list[float]] = {name: [] for name in sides}
    loads = []
    rng = random.Random()  # noqa: S311 - the order of the sides
    for run in range(args.runs):
        load = print_load_before()
        spent = dict.fromkeys(sides, 0.0)
        for _ in range(args.rounds):
            names = list(sides)
            rng.shuffle(names)
            for name in names:  # the two hashers interleaved, in a random order per round
                started = time.perf_counter()
                for _ in range(per_round[name]):
                    sides[name]()
                spent[name] += time.perf_counter() - started
        finish(load)
        loads.append(load.as_dict())
        for name in sides:
            rates[name].append(args.rounds * per_round[name] / spent[name])
        print(f"  run {run + 1}: " + ", ".join(f"{n} {rates[n][-1]:.2f}/s" for n in sides), flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    share = [1 - p / c for p, c in zip(rates["argon2id defaults"], rates["cheap hasher"], strict=True)]
    result = {
        "journeys_per_s": {n: {"median": statistics.median(v), "min": min(v), "max": max(v)} for n, v in rates.items()},
        "hashing_share_of_a_production_journey": spread(share), "runs": loads,
        "quiet_runs": sum(not load["noisy"] for load in loads),
    }  # fmt: skip
    for name, values in rates.items():
        print(f"{name:<18} {spread(values)} journeys/s")
    print(f"hashing share of a production journey: {spread(share)}; quiet runs {result['quiet_runs']} of {args.runs}")
    out = Path(__file__).parent / "results" / "journey.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
