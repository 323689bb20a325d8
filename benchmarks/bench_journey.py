"""Candidate journeys per second (issue 10): create → activate → login → save → modify → confirmation PDF, on
SQLite, with the password hasher at its production parameters and again with a cheap one, so the hashing cost (by
design) is told apart from the library's own. Run: ``.venv/bin/python benchmarks/bench_journey.py``."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cyclades_adapters import build_portal
from cyclades_adapters.cli.demo import BESANCON, SESSION, _catalogue, _identification, _identity_form
from cyclades_adapters.security import Argon2idHasher
from cyclades_core.model.documents import DocumentKind
from cyclades_core.ports.security import PasswordHasher
from cyclades_core.usecases import AccountSettings
from cyclades_core.usecases.forms import AcquisForm, DiplomaForm, EpreuvesForm, InformationsForm, QualificationForm


def journeys(hasher: PasswordHasher, count: int) -> float:
    folder = Path(tempfile.mkdtemp())
    portal = build_portal(
        f"sqlite:///{folder / 'journey.db'}", migrate=True, hasher=hasher, catalogue=_catalogue(datetime.now(UTC)),
        settings=AccountSettings(creations_per_hour=100_000), environ={}, document_key=b"bench-document-key-0123456789",
    )  # fmt: skip
    started = time.perf_counter()
    for i in range(count):
        email = f"j{i}@exemple.fr"
        portal.accounts.create_account(_identity_form("MARTIN", "Zoé", email, "Vol*Plane7x"))
        body = next(m.body for m in portal.outbox.pending(10_000) if m.recipient == email)
        portal.accounts.activate(re.search(r"jeton=([\w-]+)", body).group(1))  # type: ignore[union-attr]
        token = portal.accounts.login(email, "Vol*Plane7x").session_token
        tabs: list[object] = [
            None, _identification(email, "1 rue des champs"),
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
    rate = count / (time.perf_counter() - started)
    shutil.rmtree(folder, ignore_errors=True)
    return rate


def main() -> None:
    production = journeys(Argon2idHasher(), 10)
    cheap = journeys(Argon2idHasher.cheap(), 30)
    result = {
        "journeys_per_s_argon2id_default": round(production, 2),
        "journeys_per_s_cheap_hasher": round(cheap, 2),
        "hashing_share_of_a_production_journey": round(1 - production / cheap, 2),
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "journey.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
