"""Page objects of the browser journeys (tests/browser/test_journeys.py): a person's steps through the served portal,
driven by the labels and roles the person reads (``get_by_label("Nom de famille")``, ``get_by_role("button",
name="Suivant")``), and the checks every page gets on arrival (:meth:`Visit.arrive`): a screenshot, one ``<h1>``,
``lang="fr"``, axe-core's WCAG 2.0/2.1 A/AA rules, nothing refused or failed in the browser.

What is not a person's step is done the way the service does it, on the server's own database: the managing
service's account with ``cyclades manager add`` (the CLI), the pupil's préinscription by its establishment through the
library (``portal.establishments.register``), whose papillon de connexion gives the login and initial password.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import attrs
from playwright.sync_api import Locator, Page
from pypdf import PdfReader

from tests.browser.support import LiveServer, Mail, axe_violations, describe_violations, shot, watch_for_errors

__all__ = [
    "ACCRALL",
    "DUBOIS",
    "MANAGER",
    "MANAGER_PASSWORD",
    "NEW_PUPIL_PASSWORD",
    "Person",
    "Visit",
    "add_manager",
    "button",
    "field",
    "link",
    "mail_to",
    "pdf_text",
    "register_pupil",
    "sample_pdf",
    "server_database",
    "texts_in",
]

MANAGER = "gestion.besancon"
MANAGER_PASSWORD = "Gestion*2022x"
NEW_PUPIL_PASSWORD = "Tq9#mLpw"
#: Where the choice of « M'inscrire » leads for the guide's example.
DOMAIN, EXAM, SESSION_LABEL, ACADEMIE_LABEL = "Examen", "BREVET DE TECHNICIEN SUPERIEUR", "BTS 2022", "BESANCON"
CLI_SECONDS = 60


@attrs.frozen
class Person:
    """An individual candidate, as the account creation form asks for it (ACC-01)."""

    civility: str
    birth_name: str
    first_names: str
    birth_date: str
    departement: str  # the label of the département's option
    commune_typed: str  # what the person types before « Rechercher la commune »
    commune: str  # the commune chosen in the list the search gives
    email: str
    password: str

    @property
    def display_name(self) -> str:
        return f"{self.birth_name} {self.first_names}"


ACCRALL = Person(
    "Monsieur", "ACCRALL", "Dack", "28/11/2004", "014", "MAY-SUR", "MAY-SUR-ORNE", "accrall@ac-rennes.fr", "Vol*Plane7x"
)
DUBOIS = Person(
    "Monsieur",
    "DUBOIS",
    "Pierre",
    "12/03/2001",
    "014",
    "MAY-SUR",
    "MAY-SUR-ORNE",
    "pdubois@ac-rennes.fr",
    "Ciel*Bleu42x",
)


def field(scope: Page | Locator, label: str) -> Locator:
    """The control whose label reads ``label`` exactly (a required field's label ends with its « * »)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s*\*)?\s*$"))


def button(scope: Page | Locator, name: str) -> Locator:
    return scope.get_by_role("button", name=name, exact=True)


def link(scope: Page | Locator, name: str | re.Pattern[str]) -> Locator:
    return (
        scope.get_by_role("link", name=name, exact=True)
        if isinstance(name, str)
        else scope.get_by_role("link", name=name)
    )


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def sample_pdf(folder: Path, name: str) -> Path:
    """A small genuine PDF (a scanned-looking page: an image made a PDF by img2pdf) the candidate deposits."""
    import img2pdf  # type: ignore[import-not-found, unused-ignore]

    from cyclades_core.testing import minimal_png

    path = folder / name
    path.write_bytes(img2pdf.convert(minimal_png(64, 48)))
    return path


# -- the server's database: the manager (CLI) and the pupil (library) -----------------------------------------------


def server_database(server: LiveServer) -> tuple[str, str | None]:
    """(database URL, PostgreSQL schema or None) the server was started with, read from its command line."""
    args = [str(a) for a in server.process.args]  # type: ignore[union-attr]
    url = args[args.index("--database") + 1]
    schema = args[args.index("--schema") + 1] if "--schema" in args else None
    return url, schema


def add_manager(server: LiveServer, login: str = MANAGER, password: str = MANAGER_PASSWORD) -> Callable[[], None]:
    """``cyclades manager add LOGIN --academie 03 --password-stdin`` on the server's database, started at once in the
    background; the function returned waits for it (at most :data:`CLI_SECONDS`) and fails with its output."""
    url, schema = server_database(server)
    command = [sys.executable, "-m", "cyclades_adapters.cli", "manager", "add", login, "--academie", "03",
               "--name", "Service des examens de Besançon", "--password-stdin", "--database", url]  # fmt: skip
    if schema:
        command += ["--schema", schema]
    runner = ThreadPoolExecutor(max_workers=1)
    running = runner.submit(
        subprocess.run, command, input=f"{password}\n", capture_output=True, text=True, timeout=CLI_SECONDS, check=False
    )
    runner.shutdown(wait=False)

    def done() -> None:
        finished = running.result()  # subprocess.run's own timeout bounds the wait
        assert finished.returncode == 0, (
            f"cyclades manager add failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}"
        )

    return done


def register_pupil(server: LiveServer) -> tuple[str, str]:
    """DUPONT Marie préinscrite in BTS Banque at Besançon by its establishment (LP P-ADRIEN PARIS), through the
    library on the server's database: (login, initial password) of its papillon de connexion."""
    from cyclades_adapters import build_portal
    from cyclades_adapters.cli.serve import demo_catalogue
    from cyclades_adapters.security import Argon2idHasher
    from cyclades_adapters.sql import SqlDatabase
    from tests.web.support_scolaire import preinscription

    url, schema = server_database(server)
    if schema:
        url = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    portal = build_portal(
        url, catalogue=demo_catalogue(datetime.now(UTC)), hasher=Argon2idHasher.cheap(),
        document_key=(server.data_dir / "document-key").read_bytes().strip(),
    )  # fmt: skip
    try:
        [papillon] = portal.establishments.register("BTS-2022", "03", [preinscription()])
    finally:
        if isinstance(portal.storage, SqlDatabase):
            portal.storage.dispose()
    return papillon.login, papillon.initial_password


# -- a person's visit -----------------------------------------------------------------------------------------------


@attrs.define
class Visit:
    """One person's browser on the served portal: every page it arrives on is checked by :meth:`arrive`; what is
    wrong with a page is gathered in ``problems`` (the journey goes on, the test fails at its end), what a page
    lacks for the next step fails at once."""

    page: Page
    server: LiveServer
    errors: list[str] = attrs.field(factory=list)
    problems: list[str] = attrs.field(factory=list)
    visited: list[str] = attrs.field(factory=list)
    downloads: set[str] = attrs.field(factory=set)

    @classmethod
    def open(cls, page: Page, server: LiveServer) -> Visit:
        return cls(page, server, watch_for_errors(page))

    # -- the checks of every page --

    def arrive(self, name: str, *, status: int = 200) -> None:
        """The page now shown: screenshot ``NN-name.png``, then the checks; ``status``: the one its address answers
        (the last navigation's)."""
        page = self.page
        shot(page, name)
        where = f"{name} ({urlsplit(page.url).path})"
        self.visited.append(where)
        if page.locator("html").get_attribute("lang") != "fr":
            self.problems.append(f"{where}: <html lang> is not 'fr'")
        headings = page.locator("h1").count()
        if headings != 1:
            self.problems.append(f"{where}: {headings} <h1> instead of one")
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{where}: {describe_violations(violations, page.url)}")
        self.problems.extend(
            f"{where}: {error}" for error in self.errors if not _expected(error, status, self.downloads)
        )
        self.errors.clear()

    def goto(self, path: str, name: str, *, status: int = 200) -> None:
        answer = self.page.goto(self.server.url + path.lstrip("/"))
        assert answer is not None, path
        assert answer.status == status, f"{path}: {answer.status}"
        self.arrive(name, status=status)

    def click(self, target: Locator, name: str) -> None:
        """Click a link or a button that leads to another page, and check that page."""
        with self.page.expect_navigation():
            target.click()
        self.arrive(name)

    def download(self, target: Locator) -> tuple[str, bytes]:
        """Click what gives a file (an attachment): (its suggested name, its bytes)."""
        with self.page.expect_download() as info:
            target.click()
        download = info.value
        self.downloads.add(download.url)
        path = download.path()
        assert path is not None, download.failure()
        return download.suggested_filename, Path(path).read_bytes()

    def text(self) -> str:
        return " ".join(self.page.locator("main").inner_text().split())

    def assert_no_problem(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)

    # -- the account (sections 3 and 4 of the guide) --

    def create_account(self, person: Person) -> None:
        """« Je n'ai pas de compte, je le crée »: the form, the commune search (without JavaScript), « Créer mon
        compte », then the page saying the activation mail is sent."""
        page = self.page
        self.goto("/", "accueil")
        self.click(link(page, "Je n'ai pas de compte, je le crée"), "creer-mon-compte")
        page.get_by_label(person.civility, exact=True).check()
        field(page, "Nom de famille").fill(person.birth_name)
        field(page, "Confirmation du nom de naissance").fill(person.birth_name)
        field(page, "Prénoms").fill(person.first_names)
        field(page, "Date de naissance").fill(person.birth_date)
        field(page, "Confirmation date de naissance").fill(person.birth_date)
        field(page, "Département, DOM ou COM de naissance").select_option(person.departement)
        field(page, "Commune de naissance").fill(person.commune_typed)
        field(page, "Adresse mail").fill(person.email)
        field(page, "Confirmation de l'adresse mail").fill(person.email)
        self.click(button(page, "Rechercher la commune"), "creer-mon-compte-communes")
        field(page, "Commune de naissance").select_option(label=person.commune)
        field(page, "Mot de passe").fill(person.password)  # a password is never sent back: typed after the search
        field(page, "Confirmation du mot de passe").fill(person.password)
        self.click(button(page, "Créer le compte"), "compte-en-cours-de-creation")
        assert "Votre compte est en cours de création." in self.text(), self.text()

    def activate(self, mail_link: str) -> None:
        """The mail's link opened (it only shows a button), then « Activer mon compte »: the login page."""
        answer = self.page.goto(mail_link)
        assert answer is not None, mail_link
        assert answer.status == 200, mail_link
        self.arrive("activer-mon-compte")
        self.click(button(self.page, "Activer mon compte"), "connexion-apres-activation")
        assert urlsplit(self.page.url).path == "/connexion"

    def log_in(self, person: Person, *, from_home: bool = True) -> None:
        """« J'ai un compte, je me connecte », the email and password, « Se connecter »: Mes inscriptions."""
        page = self.page
        if from_home:
            self.goto("/", "accueil")
            self.click(link(page, "J'ai un compte, je me connecte"), "connexion")
        field(page, "Identifiant de connexion :").fill(person.email)
        field(page, "Mot de passe :").fill(person.password)
        self.click(button(page, "Se connecter"), "mes-inscriptions")
        assert urlsplit(page.url).path == "/mes-inscriptions", page.url

    def log_out(self) -> None:
        self.click(button(self.page, "Se déconnecter"), "deconnecte")

    # -- « M'inscrire » and the form's tabs (sections 6 and 7) --

    def choose_session(self) -> None:
        """« Ajouter une nouvelle candidature », then Domaine, Examen, Session, Académie, « Démarrer mon
        inscription »: the first tab."""
        page = self.page
        self.click(link(page, "Ajouter une nouvelle candidature"), "m-inscrire-domaine")
        self.click(link(page, DOMAIN), "m-inscrire-examen")
        self.click(link(page, EXAM), "m-inscrire-session")
        self.click(link(page, SESSION_LABEL), "m-inscrire-academie")
        self.click(page.get_by_role("link", name=re.compile(rf"^ACADÉMIE DE {ACADEMIE_LABEL}\b")), "m-inscrire-choix")
        self.click(button(page, "Démarrer mon inscription"), "onglet-candidatures-precedentes")

    def tabs(self) -> list[str]:
        """The form's tabs as listed above it (« 1 - Candidatures précédentes », …)."""
        listed = self.page.get_by_role("navigation", name="Onglets du formulaire d'inscription").get_by_role("listitem")
        return [" ".join(text.split()) for text in listed.all_inner_texts()]

    def current_tab(self) -> str:
        return " ".join(self.page.locator("[aria-current=step]").inner_text().split()).split(" - ", 1)[1]

    def next_tab(self, name: str) -> None:
        """« Suivant »; the next tab must be ``name`` (the core refused nothing)."""
        self.click(button(self.page, "Suivant"), "onglet-" + _slug(name))
        shown = self.current_tab()
        assert shown == name, f"on « {shown} » instead of « {name} »:\n{self.text()}"

    def fill_tabs(self, *, acquis_e1: bool, option: str = "Russe") -> None:
        """The guide's example, section 6, tab by tab up to the Récapitulatif: Aéronautique (32025), EX.SCOLAIRE,
        with, when ``acquis_e1``, E1 « Culture générale et expression » kept from the 2021 session (Bénéfice)."""
        page = self.page
        self.next_tab("Identification")
        field(page, "Numéro, rue, voie").fill("1 rue des champs")
        field(page, "Code postal").fill("25000")
        field(page, "Localité").fill("Besançon")
        field(page, "Catégorie socio-professionnelle du candidat ou d'un représentant légal").select_option(
            label="Chauffeurs"
        )
        field(page, "Nationalité").select_option(label="Française")
        field(page, "Téléphone portable").fill("0606060606")
        self.next_tab("Informations candidature")
        field(page, "Catégorie du candidat").select_option(label="EX.SCOLAIRE")
        field(page, "Etablissement").select_option(label="INDIV BESANCON (02500005)")
        self.next_tab("Qualification présentée")
        field(page, "Spécialité").select_option(label="Aéronautique (32025)")
        field(page, "Forme de passage").select_option(label="Globale")
        self.next_tab("Acquis")
        if acquis_e1:
            same_bts = (
                "Je me suis déjà présenté(e) à ce BTS lors d'une session précédente et je n'ai pas obtenu le diplôme"
            )
            self.click(button(page, same_bts), "onglet-acquis-ajoute")
            acquis = page.get_by_role("group", name="Acquis n° 1")
            field(acquis, "Année").fill("2021")
            field(acquis, "Académie").fill("Besancon")
            grade = acquis.get_by_role("group", name="Note n° 1")
            field(grade, "Epreuve").select_option(label="E1 - Culture générale et expression")
            field(grade, "Note obtenue").fill("15.00")
        self.next_tab("Diplôme possédé")
        field(page, "Diplôme ou formation").select_option(label="BACCALAURÉAT GÉNÉRAL")
        self.next_tab("Epreuves")
        facultative = page.get_by_role("group", name=re.compile(r"^EF1 : Langue vivante 2"))
        facultative.get_by_label("Inscrit", exact=True).check()
        field(facultative, "Option").select_option(label=option)
        self.next_tab("Récapitulatif")

    def through_tabs(self) -> None:
        """« Suivant » on each tab as it comes filled (a modification, a préinscription) up to the Récapitulatif."""
        for _ in range(10):
            tab = self.current_tab()
            if tab == "Récapitulatif":
                return
            following = self.page.locator("[aria-current=step] + li").inner_text().split(" - ", 1)[1]
            self.next_tab(" ".join(following.split()))
        raise AssertionError("the Récapitulatif was not reached")

    def save(self) -> str:
        """« Enregistrer » on the Récapitulatif: the « N° Inscription » page; returns its text."""
        self.click(button(self.page, "Enregistrer"), "numero-inscription")
        assert self.current_tab() == "N° Inscription", self.text()
        return self.text()


def _expected(error: str, status: int, downloads: set[str]) -> bool:
    """A status the journey asked for (a refusal page's own 4xx) is not a browser error, nor the end of a form's
    navigation that became a download (Chromium reports it as aborted: the page stays)."""
    if status >= 400 and (
        error.startswith(f"{status} for ")
        or f"Failed to load resource: the server responded with a status of {status} " in error
    ):
        return True
    return any(error == f"request failed: {url} net::ERR_ABORTED" for url in downloads)


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def texts_in(text: str, expected: Sequence[str]) -> list[str]:
    """The ``expected`` phrases missing from ``text``."""
    return [phrase for phrase in expected if phrase not in text]


def mail_to(server: LiveServer, address: str, subject: str, timeout: float = 10.0) -> Mail:
    """The newest mail to ``address`` with ``subject``, once the relay has written it (at most ``timeout`` s)."""
    deadline = time.perf_counter() + timeout
    while True:
        found = [m for m in server.mails() if (m.to, m.subject) == (address, subject)]
        if found:
            return found[-1]
        if time.perf_counter() > deadline:
            seen = [(m.to, m.subject) for m in server.mails()]
            raise AssertionError(f"no mail {subject!r} to {address} after {timeout} s; mails: {seen}")
        time.sleep(0.05)
