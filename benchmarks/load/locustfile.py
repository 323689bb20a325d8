"""The web portal under load (issue 18): simulated candidates doing the guide's journey against ``cyclades serve``.

Run by ``run_load.py`` (which starts the server and reads the results); by hand::

    CYCLADES_LOAD_MAILS=<data-dir>/mails locust -f benchmarks/load/locustfile.py --headless -u 50 -r 10 -t 2m \\
        --host http://127.0.0.1:8790

Each simulated candidate (one Locust user) does the journey again and again, each time as a new person: a new
browser (no cookie), a new address (unique email), a new client address. The journey: the home page, « Ouverture des
services », « Créer mon compte » (the form, then its submission), the activation link read from the .eml mail the
server wrote in ``<data-dir>/mails`` (the page with the button, then the click), « Se connecter », « Mes
inscriptions », then, when the portal has them, the candidature's form tab by tab, the Récapitulatif,
« Enregistrer », the confirmation PDF and a pièce justificative deposited (a small genuine PDF), « Modifier mon
compte », « Se déconnecter ». Every form is posted with the CSRF field of the page it is on, as a browser does.

Environment (set by run_load.py):

``CYCLADES_LOAD_MAILS``   the server's mails folder (required).
``CYCLADES_LOAD_WAIT``    ``1`` (default): 1–3 s between pages, as a person reading and filling forms; ``0``: none.
``CYCLADES_LOAD_STEPS``   ``10,20,40,80`` with ``CYCLADES_LOAD_STEP_SECONDS`` (default 30): a step load (the
                          saturation search) instead of ``-u``/``-t``.
``CYCLADES_LOAD_SAMPLES`` a file where every request is written (JSON lines: end time, method, page, ms, ok, users)
                          at the end, for run_load.py's per-page and per-step figures.
``CYCLADES_LOAD_PARTS``   ``full`` (default) or ``account`` (the account pages only, while the others are written).

Requests are named by page (``/activer-mon-compte?jeton=[jeton]``, ``/inscription/[onglet]``…), so the statistics are
per page. The wait for the mail is not a page: it is reported apart (request type ``MAIL``), and a mail that does
not come within 60 s is an error. A page answering an unexpected status, or without what the next step needs (the
CSRF field, the activation link, the candidature's number), is a failure and ends that journey.

Client addresses: the portal throttles account creations per client address (``creations_per_source_per_hour``,
20), as it must. Real candidates come from many addresses; here every journey binds its connections to its own
loopback address (127.x.y.z, all of 127.0.0.0/8 is the loopback interface on Linux; the server still listens on
127.0.0.1 only), so the throttle sees what it would see in production: one creation per address.
"""

from __future__ import annotations

import email
import html
import itertools
import json
import os
import random
import re
import time
from email import policy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import HttpUser, LoadTestShape, constant, events, task
from requests.adapters import HTTPAdapter

from cyclades_core.testing import minimal_pdf

PASSWORD = "Vol*Plane7x"
MAIL_TIMEOUT_SECONDS = 60.0
MAIL_POLL_SECONDS = 0.2

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
_LINK = re.compile(r"https?://\S+?/activer-mon-compte\?jeton=([A-Za-z0-9_-]+)")

WAIT = os.environ.get("CYCLADES_LOAD_WAIT", "1") != "0"
PARTS = os.environ.get("CYCLADES_LOAD_PARTS", "full")
MAILS = Path(os.environ.get("CYCLADES_LOAD_MAILS", "cyclades-data/mails"))
SAMPLES = os.environ.get("CYCLADES_LOAD_SAMPLES")
STEPS = tuple(int(n) for n in os.environ.get("CYCLADES_LOAD_STEPS", "").split(",") if n.strip())
STEP_SECONDS = float(os.environ.get("CYCLADES_LOAD_STEP_SECONDS", "30"))

#: Unique within a run (and across runs on the same database: the run's tag is random).
RUN_TAG = f"{random.getrandbits(32):08x}"
_journeys = itertools.count(1)


class JourneyFailed(Exception):
    """A page did not answer as the journey needs; the journey ends (the failure is already counted)."""


#: « M'inscrire »: the guide's choice, one step a page.
CHOICE = (("domaine", "Examen"), ("examen", "BTS"), ("session", "BTS-2022"), ("academie", "03"))
FORM_ID = "formulaire-inscription"
#: The guide's example, tab by tab (« Candidatures précédentes » has nothing to type).
IDENTIFICATION = {
    "identification.street": "1 rue des champs", "identification.postal_code": "25000",
    "identification.locality": "Besançon", "identification.pcs_code": "64",
    "identification.nationality_code": "99100", "identification.mobile_phone": "0606060606",
}  # fmt: skip
INFORMATIONS = {"informations.category_code": "340", "informations.establishment": "INDIV BESANCON (02500005)"}
QUALIFICATION = {"qualification.specialite_code": "32025", "qualification.forme": "Globale"}
ACQUIS = {
    "acquis.entries[0].year": "2021", "acquis.entries[0].academie": "Besancon",
    "acquis.entries[0].grades[0].epreuve_code": "E1", "acquis.entries[0].grades[0].grade": "15.00",
}  # fmt: skip
DIPLOMA = {"diploma.diploma_code": "00012"}
EPREUVES = {
    "epreuves.EF1.position": "Inscrit", "epreuves.EF1.option": "Russe", "epreuves.EF2.position": "Non Inscrit",
}  # fmt: skip
TABS: tuple[dict[str, str], ...] = ({}, IDENTIFICATION, INFORMATIONS, QUALIFICATION, ACQUIS, DIPLOMA, EPREUVES)
#: The pièce deposited: a small genuine two-page PDF (what the upload inspector accepts), 1–2 KiB.
PIECE = minimal_pdf(2)


class FormReader(HTMLParser):
    """The successful controls of one form (by id, else the first POST form of the page other than the header's
    « Se déconnecter »): what a browser sends, before the pressed button's name and value."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = self.done = False
        self.action = ""
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.inside and not self.done:
            if (self.form_id is None and a.get("method") == "post" and a.get("action") != "/deconnexion") or (
                self.form_id is not None and a.get("id") == self.form_id
            ):
                self.inside, self.action = True, a.get("action", "")
            return
        name = a.get("name")
        if not self.inside or (not name and tag != "option"):
            return
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._first, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                self.fields[self._select], self._selected = value, True
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            if not self._selected:
                self.fields[self._select] = self._first or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_of(page: str, form_id: str | None) -> tuple[str, dict[str, str]] | None:
    """(action, fields) of the page's form, or None."""
    reader = FormReader(form_id)
    reader.feed(page)
    return (reader.action, reader.fields) if reader.done else None


# -- the mails -----------------------------------------------------------------------------------------------------


class MailBox:
    """The activation links of the .eml files in the server's mails folder, by recipient.

    One scan at a time for every simulated user (gevent is cooperative: a scan does not yield), reading only the
    files not read yet; a file caught half-written (the relay writes it in place) is read again at the next scan."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.links: dict[str, str] = {}
        self._read: set[str] = set()

    def scan(self) -> None:
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return
        for entry in entries:
            if entry.name in self._read or not entry.name.endswith(".eml"):
                continue
            try:
                message = email.message_from_bytes(Path(entry.path).read_bytes(), policy=policy.default)
                body = message.get_body(("plain",))
                found = _LINK.search(body.get_content()) if body is not None else None
                recipient = str(message.get("To", "")).strip().lower()
            except (OSError, LookupError, ValueError):
                continue  # half-written: read again next time
            if "-activation-" not in entry.name:
                self._read.add(entry.name)
                continue
            if found is None or not recipient:
                continue
            self._read.add(entry.name)
            self.links[recipient] = found.group(1)

    def activation_token(self, address: str, timeout: float = MAIL_TIMEOUT_SECONDS) -> str | None:
        deadline = time.monotonic() + timeout
        while True:
            token = self.links.pop(address, None)
            if token is not None:
                return token
            if time.monotonic() > deadline:
                return None
            time.sleep(MAIL_POLL_SECONDS)
            self.scan()


MAILBOX = MailBox(MAILS)


# -- one new person per journey --------------------------------------------------------------------------------------


class FromAddress(HTTPAdapter):
    """Connections bound to one loopback source address (the person's own machine)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, source_address=(self.address, 0), **kwargs)


def loopback_address(number: int) -> str:
    """127.1.0.1, 127.1.0.2, … : 127.0.0.0/24 (the server's) is left alone, 0 and 255 are skipped."""
    host = number % 254 + 1
    rest = number // 254
    return f"127.{rest // 256 % 254 + 1}.{rest % 256}.{host}"


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FIRST_NAMES = ("Dack", "Lou", "Maëlle", "Yanis", "Inès", "Hugo", "Zoé", "Noah", "Léna", "Tom")


def person(number: int) -> dict[str, str]:
    """The account form of the journey's candidate: a unique email, a name and birth date of its own."""
    letters, n = "", number
    while True:
        n, digit = divmod(n, 26)
        letters = _LETTERS[digit] + letters
        if n == 0:
            break
    name = f"CHARGE-{letters}"
    birth = f"{number % 28 + 1:02d}/{number % 12 + 1:02d}/{2000 + number % 6}"
    address = f"charge-{RUN_TAG}-{number}@example.org"
    return {
        "civility": ("Monsieur", "Madame")[number % 2], "birth_name": name, "birth_name_confirmation": name,
        "usage_name": "", "first_names": _FIRST_NAMES[number % len(_FIRST_NAMES)], "birth_date": birth,
        "birth_date_confirmation": birth, "birth_country": "99100", "birth_departement": "014",
        "birth_commune": "MAY-SUR-ORNE", "email": address, "email_confirmation": address, "password": PASSWORD,
        "password_confirmation": PASSWORD,
    }  # fmt: skip


# -- the journey -----------------------------------------------------------------------------------------------------


class Candidate(HttpUser):
    """A candidate doing the journey, again and again (a new person each time)."""

    wait_time = constant(0)  # the pauses are between the pages, inside the journey

    def on_start(self) -> None:
        self.csrf = ""

    def pause(self) -> None:
        """A person reading the page and filling its form: 1–3 s (none in the no-wait mode)."""
        if WAIT:
            time.sleep(random.uniform(1.0, 3.0))  # noqa: S311 - think time, not a secret

    # the requests ---------------------------------------------------------------------------------------------

    def page(self, method: str, path: str, name: str, expect: int | tuple[int, ...] = 200, **kwargs: Any) -> Any:
        """One page: ``expect`` as status (redirects are not followed: the next page is its own request), the CSRF
        field kept for the next form. A failure is counted, and ends the journey."""
        with self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code not in (expect if isinstance(expect, tuple) else (expect,)):
                detail = response.text[:300].replace("\n", " ") if response.text else ""
                response.failure(f"{method} {path}: {response.status_code} instead of {expect} {detail}")
                raise JourneyFailed(name)
            if "text/html" in response.headers.get("Content-Type", ""):
                found = _CSRF.search(response.text)
                if found is not None:
                    self.csrf = found.group(1)
            response.success()
            return response

    def form(
        self, path: str, name: str, data: dict[str, str], expect: int | tuple[int, ...] = 303, **kwargs: Any
    ) -> Any:
        if not self.csrf:
            raise JourneyFailed(f"{name}: no CSRF field on the previous page")
        return self.page("POST", path, name, expect, data={**data, "csrf_token": self.csrf}, **kwargs)

    def follow(self, answer: Any, name: str, expect: int = 200) -> Any:
        """The page a 303 leads to, as the browser opens it."""
        location = answer.headers.get("Location", "")
        return self.page("GET", location, name, expect)

    def new_person(self) -> int:
        number = next(_journeys)
        self.client.cookies.clear()
        self.csrf = ""
        old = self.client.adapters.get("http://")
        if old is not None:
            old.close()
        self.client.mount("http://", FromAddress(loopback_address(number)))
        return number

    @task
    def journey(self) -> None:
        try:
            self.run_journey()
        except JourneyFailed:
            time.sleep(1.0 if WAIT else 0.1)  # a failed journey starts again as a new person

    def run_journey(self) -> None:
        number = self.new_person()
        candidate = person(number)
        self.page("GET", "/", "/")
        self.pause()
        self.page("GET", "/ouverture-des-services", "/ouverture-des-services")
        self.pause()
        self.page("GET", "/creer-mon-compte", "/creer-mon-compte")
        self.pause()
        answer = self.form(
            "/creer-mon-compte", "/creer-mon-compte", {**candidate, "action": "creer"}, expect=(200, 303)
        )
        if answer.status_code == 303:  # POST/redirect/GET: « Confirmation de réception de mail »
            self.follow(answer, "/compte-en-cours-de-creation")
        token = self.wait_for_mail(candidate["email"])
        self.page("GET", f"/activer-mon-compte?jeton={token}", "/activer-mon-compte?jeton=[jeton]")
        self.pause()
        answer = self.form("/activer-mon-compte", "/activer-mon-compte", {"jeton": token})
        self.follow(answer, "/connexion")
        self.pause()
        answer = self.form("/connexion", "/connexion", {"identifier": candidate["email"], "password": PASSWORD})
        self.follow(answer, "/mes-inscriptions")
        self.pause()
        if PARTS == "full":
            self.candidature()
        self.page("GET", "/mon-compte", "/mon-compte")
        self.pause()
        answer = self.form("/deconnexion", "/deconnexion", {})
        self.follow(answer, "/connexion")
        self.pause()

    def candidature(self) -> None:
        """« M'inscrire » step by step, the form's tabs with the guide's example (ACCRALL's BTS Aéronautique at
        Besançon, an acquis E1 kept), the Récapitulatif, « Enregistrer », the « N° Inscription » page, « Mes
        documents » and the confirmation PDF, « Mes pièces justificatives » with a PDF deposited."""
        self.page("GET", "/inscription/nouvelle", "/inscription/nouvelle")
        choice: dict[str, str] = {}
        for key, value in CHOICE:  # Domaine, Examen, Session, Académie: one page each
            self.pause()
            choice[key] = value
            answer = self.page("GET", f"/inscription/nouvelle?{urlencode(choice)}", "/inscription/nouvelle?[choix]")
        self.pause()
        answer = self.submit(answer, None, None, "/inscription/nouvelle", form_id=None)  # « Démarrer »: 1st tab
        for values in TABS:
            self.pause()
            if values is ACQUIS:  # « Ajouter » the box of the same BTS, then fill its row
                answer = self.submit(answer, None, "ajouter-acquis-SAME_BTS", "/inscription/acquis (ajouter)")
                self.pause()
            answer = self.submit(answer, values, "suivant")
        if "Récapitulatif" not in answer.text:
            raise self.failed("/inscription/epreuves", "the Récapitulatif was not reached")
        self.pause()
        answer = self.submit(
            answer, None, None, "/inscription/enregistrer", expect=303, action="/inscription/enregistrer"
        )
        location = answer.headers.get("Location", "")
        found = re.search(r"/inscription/([^/]+)/numero", location)
        if found is None:
            raise self.failed("/inscription/enregistrer", f"no candidature in {location!r}")
        candidature = found.group(1)
        self.page("GET", location, "/inscription/[id]/numero")
        self.pause()
        answer = self.page("GET", f"/mes-documents/{candidature}", "/mes-documents/[id]")
        pdf = re.search(r'href="(/mes-documents/[^"]+/confirmation-inscription\.pdf)"', answer.text)
        if pdf is None:
            raise self.failed("/mes-documents/[id]", "no confirmation in Mes documents")
        self.pause()
        document = self.page("GET", pdf.group(1), "/mes-documents/[id]/confirmation-inscription.pdf")
        if not document.content.startswith(b"%PDF-"):
            raise self.failed("/mes-documents/[id]/confirmation-inscription.pdf", "not a PDF")
        self.pause()
        answer = self.page("GET", f"/mes-pieces-justificatives/{candidature}", "/mes-pieces-justificatives/[id]")
        deposit = re.search(r'action="(/mes-pieces-justificatives/[^"]+/deposer\?piece=[^"]+)"', answer.text)
        if deposit is None:
            raise self.failed("/mes-pieces-justificatives/[id]", "no pièce to deposit")
        self.pause()
        answer = self.page(
            "POST", html.unescape(deposit.group(1)), "/mes-pieces-justificatives/[id]/deposer", 303,
            data={"csrf_token": self.csrf}, files={"file": ("piece-identite.pdf", PIECE, "application/pdf")},
        )  # fmt: skip
        self.follow(answer, "/mes-pieces-justificatives/[id]")
        self.pause()
        self.page("GET", "/mes-inscriptions", "/mes-inscriptions")
        self.pause()

    def submit(
        self, answer: Any, values: dict[str, str] | None, button: str | None, name: str | None = None, *,
        form_id: str | None = FORM_ID, expect: int = 200, action: str | None = None,
    ) -> Any:  # fmt: skip
        """The page's form as a browser sends it, with ``values`` typed in and ``button`` pressed (its
        ``action=<button>``); ``action`` overrides the form's address (a button's ``formaction``)."""
        form = form_of(answer.text, form_id)
        if form is None:
            raise self.failed(name or "form", f"no form {form_id!r} on the page")
        target, fields = form
        fields.update(values or {})
        if button is not None:
            fields["action"] = button
        target = action or target
        return self.page("POST", target, name or target, expect, data=fields)

    def failed(self, name: str, reason: str) -> JourneyFailed:
        """A page that answered but without what the next step needs: an error of that page."""
        events.request.fire(  # type: ignore[no-untyped-call]
            request_type="CHECK", name=name, response_time=0.0, response_length=0, exception=AssertionError(reason),
            context={},
        )  # fmt: skip
        return JourneyFailed(name)

    def wait_for_mail(self, address: str) -> str:
        """The activation link from the mail the server wrote (not a page: reported as ``MAIL``)."""
        started = time.perf_counter()
        token = MAILBOX.activation_token(address)
        elapsed = (time.perf_counter() - started) * 1000
        failure = None if token is not None else TimeoutError(f"no activation mail for {address}")
        events.request.fire(  # type: ignore[no-untyped-call]
            request_type="MAIL", name="(mail d'activation)", response_time=elapsed, response_length=0,
            exception=failure, context={},
        )  # fmt: skip
        if token is None:
            raise JourneyFailed("mail")
        return token


# -- the step load (saturation search) -------------------------------------------------------------------------------

if STEPS:

    class StepLoad(LoadTestShape):
        """``STEPS`` users, each for ``STEP_SECONDS``, all spawned at once at the start of their step."""

        def tick(self) -> tuple[int, float] | None:
            step = int(self.get_run_time() // STEP_SECONDS)  # type: ignore[no-untyped-call]
            if step >= len(STEPS):
                return None
            return STEPS[step], float(max(STEPS))


# -- every request, for run_load.py ----------------------------------------------------------------------------------

_samples: list[tuple[float, str, str, float, bool, int]] = []


def _record(request_type: str, name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    runner = _environment.runner if _environment is not None else None
    users = runner.user_count if runner is not None else 0
    _samples.append((time.time(), request_type, name, float(response_time), exception is None, users))


def _user_error(user_instance: Any, exception: BaseException, tb: Any, **_: Any) -> None:
    _samples.append((time.time(), "ERROR", f"(exception) {type(exception).__name__}: {exception}"[:200], 0.0, False, 0))


_environment: Any = None


def _init(environment: Any, **_: Any) -> None:
    global _environment
    _environment = environment


def _started(**_: Any) -> None:
    _samples.append((time.time(), "START", "", 0.0, True, 0))


def _write_samples(**_: Any) -> None:
    if not SAMPLES:
        return
    with open(SAMPLES, "w", encoding="utf-8") as handle:
        for when, method, name, ms, ok, users in _samples:
            handle.write(json.dumps({"t": when, "method": method, "name": name, "ms": ms, "ok": ok, "users": users}))
            handle.write("\n")


# Listeners registered by call (the decorator form is untyped).
events.request.add_listener(_record)  # type: ignore[no-untyped-call]
events.user_error.add_listener(_user_error)  # type: ignore[no-untyped-call]
events.init.add_listener(_init)  # type: ignore[no-untyped-call]
events.test_start.add_listener(_started)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_write_samples)  # type: ignore[no-untyped-call]
