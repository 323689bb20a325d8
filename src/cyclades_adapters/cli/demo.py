"""``cyclades demo``: the guide's journeys end to end on the embedded default (a SQLite file in a folder).

ACCRALL Dack creates his account, activates it from the mail, logs in, registers to BTS Aéronautique with his E1
in Bénéfice, prints his Récapitulatif before saving, modifies (version 2), deposits and validates his pièces; the
managing service marks one Non conforme; he deposits it again and the managing service finds it Conforme, then
corrects a mistaken Conforme. DUBOIS Pierre registers to BTS Banque and withdraws. A school registers DUPONT Marie, who
validates her préinscription. Mails are written as .eml files, documents as PDFs.
"""

from __future__ import annotations

import email
import re
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from attrs import frozen

from cyclades_adapters.bootstrap import Portal, build_portal
from cyclades_adapters.documents import SimplePdfRenderer
from cyclades_adapters.files import FileCatalogue, FileSystemFileStore
from cyclades_adapters.mail import EmlFolderMailer
from cyclades_core.errors import ConfigurationError
from cyclades_core.model.catalogue import (
    DepositMode,
    ExamSession,
    Period,
    PieceCondition,
    PieceRule,
    RegistrationService,
)
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.pieces import PieceStatus
from cyclades_core.ports.files import DocumentContent
from cyclades_core.usecases import AccountSettings, CreateAccountForm, ScolaireRegistrationForm
from cyclades_core.usecases.forms import (
    AcquisEntryForm,
    AcquisForm,
    DiplomaForm,
    EpreuveChoiceForm,
    EpreuvesForm,
    GradeForm,
    IdentificationForm,
    InformationsForm,
    QualificationForm,
)
from cyclades_core.usecases.management import Manager, PreinscriptionForm

__all__ = ["MARKER", "DemoSummary", "prepare_directory", "run_demo"]

#: The file a demo leaves in its folder: a folder holding it may be cleared by the next demo, no other.
MARKER = ".cyclades-demo"

SESSION = "BTS-DEMO"
BESANCON, REIMS = "03", "19"


@frozen
class DemoSummary:
    directory: Path
    database_url: str
    accounts: int
    candidatures: int
    versions: int
    documents: tuple[Path, ...]
    mails: tuple[Path, ...]
    seconds: float


def _catalogue(now: datetime) -> FileCatalogue:
    """The shipped catalogue, plus a demo session open from yesterday for a month in Besançon and Reims."""
    catalogue = FileCatalogue.default()
    local_year = now.year + 1
    catalogue.put(ExamSession(SESSION, "BTS", f"BTS {local_year}", local_year, 6))
    period = Period(now - timedelta(days=1), now + timedelta(days=30))
    for academie in (BESANCON, REIMS):
        catalogue.put(RegistrationService(SESSION, academie, period))
    deposit = Period(now - timedelta(days=1), now + timedelta(days=45))
    catalogue.put(PieceRule(SESSION, "CINSIG01", "Confirmation d'inscription signée", "Confirmation d'inscription",
                            DepositMode.EN_LIGNE, deposit))  # fmt: skip
    catalogue.put(PieceRule(SESSION, "RELNOT01", "Relevé de notes de la session précédente",
                            "Confirmation d'inscription", DepositMode.EN_LIGNE, deposit,
                            PieceCondition.ACQUIS))  # fmt: skip
    return catalogue


def _identity_form(name: str, first: str, email_address: str, password: str) -> CreateAccountForm:
    return CreateAccountForm(
        civility="Monsieur", birth_name=name, birth_name_confirmation=name, first_names=first,
        birth_date="28/11/2004", birth_date_confirmation="28/11/2004", birth_country="99100",
        birth_departement="014", birth_commune="MAY-SUR-ORNE", email=email_address,
        email_confirmation=email_address, password=password, password_confirmation=password,
    )  # fmt: skip


def _identification(email_address: str, street: str) -> IdentificationForm:
    return IdentificationForm(
        street=street, postal_code="25000", locality="Besançon", pcs_code="64", nationality_code="99100",
        mobile_phone="0606060606", email=email_address,
    )  # fmt: skip


def _piece_pdf(title: str) -> bytes:
    """A real, well-formed PDF to deposit (the upload inspector refuses anything less)."""
    return SimplePdfRenderer().render(DocumentContent((title,), (), ()))


def _link_from_mail(mails: Path, recipient: str, subject: str) -> str:
    """The candidate opens the .eml file and follows the link: what the demo does with its own mails."""
    for path in sorted(mails.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == recipient and message["Subject"] == subject:
            text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            found = re.search(r"jeton=([A-Za-z0-9_\-]+)", text)
            if found:
                return found.group(1)
    raise LookupError(f"no mail {subject!r} for {recipient}")


def prepare_directory(directory: Path) -> None:
    """Make ``directory`` an empty folder carrying the demo's marker. An absent or empty folder is used; a folder
    that carries the marker (left by an earlier demo) is cleared; any other folder is refused, untouched
    (ConfigurationError), as is a path that cannot be written."""
    try:
        if directory.exists():
            if not directory.is_dir():
                raise ConfigurationError(
                    f"{directory} existe et n'est pas un dossier (un fichier ?) : choisissez un dossier absent ou vide."
                )
            if (directory / MARKER).is_file():
                shutil.rmtree(directory)  # re-running starts over, cleanly: the folder is the demo's own
            elif any(directory.iterdir()):
                raise ConfigurationError(
                    f"le dossier {directory} n'est pas vide et n'a pas été créé par une démonstration : choisissez "
                    "un dossier absent ou vide."
                )
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MARKER).write_text(
            "Dossier créé par « cyclades demo » : la prochaine démonstration dans ce dossier le videra.\n",
            encoding="utf-8",
        )
    except OSError as error:
        raise ConfigurationError(
            f"le dossier {directory} ne peut être préparé ({error.strerror or type(error).__name__})."
        ) from None


def run_demo(directory: Path, database_url: str | None = None, say: Callable[[str], None] = print) -> DemoSummary:
    """Play the journeys in ``directory`` (prepared by :func:`prepare_directory`: a non-empty folder that no demo
    created is refused)."""
    started = time.perf_counter()
    prepare_directory(directory)
    mails, pdfs = directory / "mails", directory / "pdf"
    pdfs.mkdir(parents=True)
    url = database_url or f"sqlite:///{directory / 'cyclades.db'}"
    now = datetime.now(UTC)
    portal: Portal = build_portal(
        url, migrate=True, catalogue=_catalogue(now), mailer=EmlFolderMailer(mails),
        file_store=FileSystemFileStore(directory / "pieces"), environ={},
        settings=AccountSettings(base_url="https://cyclades.exemple.fr"),
        document_key=b"demo-document-key-0123456789",
    )  # fmt: skip
    accounts, candidatures, documents = portal.accounts, portal.candidatures, portal.documents

    say("ACCRALL Dack crée son compte")
    accounts.create_account(_identity_form("ACCRALL", "Dack", "accrall@ac-rennes.fr", "Vol*Plane7x"))
    portal.relay.run_until_idle()
    accounts.activate(_link_from_mail(mails, "accrall@ac-rennes.fr", "[CYCLADES] Activer mon compte"))
    token = accounts.login("accrall@ac-rennes.fr", "Vol*Plane7x").session_token
    say(accounts.home(token).header)

    say(f"ACCRALL Dack s'inscrit au BTS Aéronautique, avec E1 en bénéfice (15.00, {now.year - 1})")
    aero_tabs: list[object] = [
        None,
        _identification("accrall@ac-rennes.fr", "1 rue des champs"),
        InformationsForm(category_code="340", establishment="INDIV BESANCON (02500005)"),
        QualificationForm(specialite_code="32025"),
        AcquisForm(
            entries=(
                AcquisEntryForm(
                    kind="SAME_BTS",
                    year=str(now.year - 1),
                    academie="BESANCON",
                    specialite_code="32025",
                    grades=(GradeForm(epreuve_code="E1", grade="15.00"),),
                ),
            )
        ),
        DiplomaForm(diploma_code="00012"),
        EpreuvesForm(choices=(EpreuveChoiceForm(code="EF1", position="Inscrit", option="Russe"),)),
    ]
    draft = candidatures.start(token, SESSION, BESANCON)
    for form in aero_tabs:
        draft = candidatures.next(draft, form)
    say("Il imprime son Récapitulatif avant d'enregistrer (« Visualiser/imprimer »)")
    printed = documents.render_draft_recapitulatif(token, draft)
    (pdfs / printed.filename).write_bytes(printed.data)
    saved = candidatures.save(token, draft)
    say(saved.sentence)
    draft = candidatures.edit(token, saved.candidature_id)
    for _ in range(len(aero_tabs)):
        draft = candidatures.next(draft)
    modified = candidatures.save(token, draft)
    say(f"Modification enregistrée : version {modified.version}")

    say("ACCRALL Dack dépose et valide ses pièces ; le gestionnaire en déclare une non conforme")
    for code in ("CINSIG01", "RELNOT01"):
        portal.pieces.upload(token, saved.candidature_id, code, f"{code.lower()}.pdf", [_piece_pdf(code)])
    [group] = portal.pieces.mes_justificatifs(token, saved.candidature_id)
    portal.pieces.validate(token, saved.candidature_id, group.heading)
    manager = Manager("gestionnaire-besancon", (BESANCON,))
    portal.pieces.review(manager, saved.candidature_id, "CINSIG01", PieceStatus.RECUE, received_on=now.date())
    portal.pieces.review(manager, saved.candidature_id, "CINSIG01", PieceStatus.NON_CONFORME, comment="Pièce illisible")
    legible = _piece_pdf("CINSIG01 lisible")
    portal.pieces.upload(token, saved.candidature_id, "CINSIG01", "cinsig01-lisible.pdf", [legible])
    portal.pieces.validate(token, saved.candidature_id, group.heading)
    say("Le gestionnaire contrôle la pièce redéposée : Conforme ; il corrige un « Conforme » posé par erreur")
    portal.pieces.review(manager, saved.candidature_id, "CINSIG01", PieceStatus.CONFORME, received_on=now.date())
    portal.pieces.review(manager, saved.candidature_id, "RELNOT01", PieceStatus.CONFORME)
    portal.pieces.review(
        manager, saved.candidature_id, "RELNOT01", PieceStatus.NON_CONFORME, comment="Relevé incomplet"
    )
    for piece in portal.pieces.manager_pieces(manager, saved.candidature_id):
        say(f"  {piece.title} : {piece.deposited or 'non déposée'} - Statut : {piece.status_label}")
    for kind in (DocumentKind.CONFIRMATION, DocumentKind.DEMANDE_PIECES):
        rendered = documents.render(token, saved.candidature_id, kind)
        (pdfs / rendered.filename).write_bytes(rendered.data)
    recap = documents.render_recapitulatif(token, saved.candidature_id)
    (pdfs / recap.filename).write_bytes(recap.data)

    say("DUBOIS Pierre s'inscrit au BTS Banque, puis se désinscrit")
    accounts.create_account(_identity_form("DUBOIS", "Pierre", "pdubois@ac-rennes.fr", "Port*Banque9"))
    portal.relay.run_until_idle()
    accounts.activate(_link_from_mail(mails, "pdubois@ac-rennes.fr", "[CYCLADES] Activer mon compte"))
    dubois = accounts.login("pdubois@ac-rennes.fr", "Port*Banque9").session_token
    banque_tabs: list[object] = [
        None,
        _identification("pdubois@ac-rennes.fr", "1 rue du port"),
        InformationsForm(category_code="320", establishment="LP P-ADRIEN PARIS - BESANCON (0250013D)"),
        QualificationForm(specialite_code="31310"),
        AcquisForm(),
        DiplomaForm(diploma_code="00012"),
        EpreuvesForm(
            choices=(
                EpreuveChoiceForm(code="EF1", position="Inscrit", option="Allemand"),
                EpreuveChoiceForm(code="EF3", position="Inscrit"),
            )
        ),
    ]
    draft = candidatures.start(dubois, SESSION, REIMS)
    for form in banque_tabs:
        draft = candidatures.next(draft, form)
    banque = candidatures.save(dubois, draft)
    rendered = documents.render(dubois, banque.candidature_id, DocumentKind.CONFIRMATION)
    (pdfs / rendered.filename).write_bytes(rendered.data)
    candidatures.withdraw(dubois, banque.candidature_id, confirmed=True)

    say("Un établissement inscrit DUPONT Marie, qui valide sa préinscription")
    [papillon] = portal.establishments.register(SESSION, BESANCON, [PreinscriptionForm(
        pupil=ScolaireRegistrationForm(establishment_code="0250013D", civility="Madame", birth_name="DUPONT",
                                       first_names="Marie", birth_date="12/03/2003", birth_country="99100",
                                       birth_departement="025", birth_commune="BESANCON",
                                       email="marie.dupont@exemple.fr"),
        identification=_identification("marie.dupont@exemple.fr", "3 place Granvelle"),
        informations=InformationsForm(category_code="100", establishment="LP P-ADRIEN PARIS - BESANCON (0250013D)"),
        qualification=QualificationForm(specialite_code="31310"),
        diploma=DiplomaForm(diploma_code="00013"),
    )])  # fmt: skip
    pupil = accounts.login(papillon.login, papillon.initial_password).session_token
    accounts.change_password(pupil, papillon.initial_password, "Hirondelle#7q", "Hirondelle#7q")
    [card] = candidatures.mes_inscriptions(pupil).cards
    draft = candidatures.edit(pupil, card.candidature_id)
    for _ in range(len(banque_tabs)):
        draft = candidatures.next(draft)
    candidatures.save(pupil, draft)
    say(f"Préinscription de {papillon.login} validée")

    portal.relay.run_until_idle()
    rows = portal.management.candidatures(Manager("gestionnaire", (BESANCON, REIMS)))
    return DemoSummary(
        directory=directory,
        database_url=url,
        accounts=3,
        candidatures=len(rows),
        versions=sum(r.version for r in rows),
        documents=tuple(sorted(pdfs.glob("*.pdf"))),
        mails=tuple(sorted(mails.glob("*.eml"))),
        seconds=time.perf_counter() - started,
    )
