"""Mes documents: what each document says, rendering it ("Visualiser/Imprimer", CAN-15), and the managing
service's publications (DOC-01 … DOC-04, MGR-03)."""

from __future__ import annotations

import re

from attrs import evolve, frozen

from cyclades_core.errors import CandidatureNotFound, CatalogueNotFound, ConflictError
from cyclades_core.model.account import Account
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import AcquisKind, Candidature, EpreuvePosition
from cyclades_core.model.catalogue import FRENCH_MONTHS, FRENCH_WEEKDAYS, Academie, Contact, DepositMode
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.pieces import Piece, PieceStatus
from cyclades_core.model.text import check_choice
from cyclades_core.model.verification import DocumentSigner
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.files import DocumentContent, DocumentRenderer, DocumentTable
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.timeutil import format_date, format_datetime, paris
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.candidatures import CandidatureService
from cyclades_core.usecases.forms import CandidatureDraft
from cyclades_core.usecases.management import Manager
from cyclades_core.usecases.ownership import managed_candidature, owned_candidature
from cyclades_core.usecases.recapitulatif import Recapitulatif, build_recapitulatif
from cyclades_core.usecases.service_contact import printable_contact

__all__ = [
    "FORMULAIRES_MESSAGE",
    "DocumentService",
    "RenderedFile",
    "confirmation_content",
    "pieces_content",
    "recapitulatif_content",
    "relance_content",
]

#: DOC-04, the guide's words.
FORMULAIRES_MESSAGE = "Actuellement, cette section n'est pas utilisée dans le cadre du BTS."


@frozen
class RenderedFile:
    """A document ready to serve: the file name is the server's own (M2), never from input."""

    filename: str
    media_type: str
    data: bytes


def _return_by(pieces: list[Piece]) -> str | None:
    """DOC-02: "A RENVOYER IMPERATIVEMENT POUR LE DIMANCHE 31 OCTOBRE 2021", from the signed confirmation's pièce."""
    signed = next((p for p in pieces if p.code.startswith("CINSIG")), None)
    if signed is None:
        return None
    day = paris(signed.period.end)
    text = f"{FRENCH_WEEKDAYS[day.weekday()]} {day.day:02d} {FRENCH_MONTHS[day.month - 1]} {day.year}"
    return f"A RENVOYER IMPERATIVEMENT POUR LE {text.upper()}"


def _title(e: EpreuvePosition) -> str:
    return f"{e.title} (Académie d'obtention: {e.grade_academie})" if e.grade_academie else e.title


def _confirmation_table(title: str, epreuves: tuple[EpreuvePosition, ...]) -> DocumentTable:
    """The confirmation's columns: épreuve, unit, position, mode (« EF2 - Certification professionnelle | UF2 | Non
    Inscrit | Ponctuel »), and the bénéfice's grade when one is kept."""
    rows = [(_title(e), e.unit or "", e.position.value, e.mode.value if e.mode else "", e.benefice_details or "")
            for e in epreuves]  # fmt: skip
    if any(row[-1] for row in rows):
        return DocumentTable(title, ("Epreuve", "Unité", "Position", "Mode", "Bénéfice"), tuple(rows))
    return DocumentTable(title, ("Epreuve", "Unité", "Position", "Mode"), tuple(row[:-1] for row in rows))


def _recapitulatif_table(title: str, epreuves: tuple[EpreuvePosition, ...]) -> DocumentTable:
    """The Récapitulatif's columns, without unit: « E2-A - Compréhension orale | Inscrit | Ponctuel », « EF2 -
    Engagement étudiant | Non Inscrit » (no mode for an épreuve not taken), « E1 - … | Bénéfice | | Note: 15.00
    Année d'obtention: 2021 »."""
    rows = [
        (_title(e), e.position.value, e.recapitulatif_mode, e.benefice_details or "")
        for e in epreuves
    ]  # fmt: skip
    if any(row[-1] for row in rows):
        return DocumentTable(title, ("Epreuve", "Position", "Mode", "Bénéfice"), tuple(rows))
    return DocumentTable(title, ("Epreuve", "Position", "Mode"), tuple(row[:-1] for row in rows))


def _service_block(academie: Academie) -> tuple[str, tuple[str, ...]]:
    """The issuing service as the confirmation prints it: « Recteur », its address, « Tél : 03 83 03 03 03 »,
    « Mél : sactBesancon@ac-besancon.fr ». A placeholder contact is refused (DOC-05, ConfigurationError)."""
    contact: Contact = printable_contact(academie)
    return contact.name, (
        *contact.address,
        *((f"Tél : {contact.phone}",) if contact.phone else ()),
        *((f"Mél : {contact.email}",) if contact.email else ()),
    )


def _header(account: Account, candidature: Candidature, session_month: str, version: int, at: str) -> tuple[str, ...]:
    return (
        f"N° candidat : {account.candidate_number}",
        f"Inscription n° : {candidature.inscription_number}",
        f"Session : {session_month}",
        f"Version : {version} du {at}",
    )


def confirmation_content(
    account: Account,
    candidature: Candidature,
    catalogue: Catalogue,
    pieces: list[Piece],
    version_at: str,
    verification: str | None = None,
) -> DocumentContent:
    """DOC-01: the confirmation d'inscription in the order of the guide's example: the three columns (the candidate,
    the exam, the issuing service), « A RENVOYER IMPERATIVEMENT … » in bold, the spécialité, the épreuves.

    An académie whose contact is a placeholder is refused with a ConfigurationError naming it (DOC-05)."""
    session = catalogue.session(candidature.session_id)
    academie = catalogue.academie(candidature.academie_code)
    if session is None or academie is None:
        raise CatalogueNotFound()
    service = _service_block(academie)
    exam = next((e.name for e in catalogue.exams() if e.code == session.exam_code), session.exam_code)
    content, identity = candidature.content, candidature.identity
    ident, info, qual = content.identification, content.informations, content.qualification
    specialite = catalogue.specialite(qual.specialite_code, session.year)
    category = catalogue.category(info.category_code)
    diploma = next((d for d in catalogue.diplomas() if d.code == content.diploma_code), None)
    nationality = next((n.label for n in catalogue.nationalities() if n.code == ident.nationality_code), "")
    place = identity.birth_place
    presented = [a.year for a in content.acquis if a.kind is AcquisKind.SAME_BTS]
    mobile = ident.mobile_phone
    if len(mobile) == 10 and mobile.isdigit():  # « 06 06 06 06 06 »; an international number as typed
        mobile = " ".join(mobile[i : i + 2] for i in range(0, 10, 2))
    candidate = (
        f"{identity.civility.label} {identity.birth_name.upper()} {identity.first_names}",
        (
            *ident.address.lines()[:-1],
            f"Nom d'utilisateur : {account.login or ''}",
            f"Nationalité : {nationality}",
            f"Né(e) le : {format_date(identity.birth_date)} A : {place.commune_name}"
            + (f" - {place.departement_code}" if place.departement_code else ""),
            f"Tél : {ident.landline_phone or ''}",
            f"Tél. mobile : {mobile}",
            f"Mél : {ident.email}",
            "VAE : " + ("OUI" if any(a.kind is AcquisKind.VAE for a in content.acquis) else "NON"),
        ),
    )
    exam_block = ("", (
        "Diplôme possédé : " + (f"{diploma.label} {diploma.short_label} ({diploma.code})" if diploma else ""),
        f"Etablissement : {info.establishment}",
        f"Catégorie du Candidat : {category.label if category else ''} ({info.category_code})",
        "Aménagement d'épreuve demandé au titre du handicap : " + ("OUI" if info.disability_arrangement else "NON"),
    ))  # fmt: skip
    return_by = _return_by(pieces)
    blocks: list[tuple[str, tuple[str, ...]]] = [(return_by, ())] if return_by else []
    blocks.append(
        (f"Spécialité : {specialite.label if specialite else qual.specialite_code}", (
            f"Forme de passage : {qual.forme_finale.value}",
            *([f"Déjà présenté en : {max(presented)}"] if presented else []),
        ))
    )  # fmt: skip
    tables = [_confirmation_table("EPREUVES OBLIGATOIRES", tuple(e for e in content.epreuves if e.mandatory))]
    optional = tuple(e for e in content.epreuves if not e.mandatory)
    if optional:
        tables.append(_confirmation_table("EPREUVE(S) FACULTATIVE(S)", optional))
    return DocumentContent(
        ("CONFIRMATION D'INSCRIPTION", exam),
        _header(account, candidature, session.month_code, candidature.version, version_at),
        tuple(blocks),
        tuple(tables),
        verification,
        columns=(candidate, exam_block, service),
    )


def _how(piece: Piece) -> str:
    deadline = format_datetime(piece.period.end)
    return {
        DepositMode.EN_LIGNE: f"à déposer en ligne avant le {deadline}",
        DepositMode.COURRIER: f"à envoyer par voie postale avant le {deadline}",
        DepositMode.AUTRES: f"à fournir avant le {deadline}",
    }[piece.mode]


def outstanding(piece: Piece) -> bool:
    """A pièce the managing service still waits for: sent back Non conforme; or not received yet (by post or other
    means: no status; online: not deposited and validated)."""
    if piece.status is PieceStatus.NON_CONFORME:
        return True
    if piece.status is not None:
        return False
    return piece.validated_at is None if piece.mode is DepositMode.EN_LIGNE else True


def pieces_content(
    account: Account,
    candidature: Candidature,
    catalogue: Catalogue,
    pieces: list[Piece],
    version: int,
    at: str,
    verification: str | None = None,
) -> DocumentContent:
    """ "Demande de pièces justificatives": the pièces with codes, modes and deadlines, and the return address
    (JUS-02; never a placeholder, DOC-05)."""
    blocks = tuple((piece.group, (f"{piece.title} : {_how(piece)}",)) for piece in pieces)
    return _pieces_document(
        "DEMANDE DE PIECES JUSTIFICATIVES", account, candidature, catalogue, blocks, version, at, verification
    )


def relance_content(
    account: Account,
    candidature: Candidature,
    catalogue: Catalogue,
    pieces: list[Piece],
    version: int,
    at: str,
    verification: str | None = None,
) -> DocumentContent:
    """ "Relance de pièces justificatives" (DOC-06): its own title, the pièces still awaited (not received, or sent
    back Non conforme with the manager's comment), how and by when to send each, and the return address."""
    awaited = [piece for piece in pieces if outstanding(piece)]
    lines = tuple(
        f"{piece.title} : {_how(piece)}"
        + (f" - Non conforme{f' : {piece.comment}' if piece.comment else ''}"
           if piece.status is PieceStatus.NON_CONFORME else "")
        for piece in awaited
    )  # fmt: skip
    blocks = (("Pièces justificatives non reçues ou non conformes", lines or ("Aucune pièce n'est plus attendue.",)),)
    return _pieces_document(
        "RELANCE DE PIECES JUSTIFICATIVES", account, candidature, catalogue, blocks, version, at, verification
    )


def _pieces_document(
    title: str,
    account: Account,
    candidature: Candidature,
    catalogue: Catalogue,
    blocks: tuple[tuple[str, tuple[str, ...]], ...],
    version: int,
    at: str,
    verification: str | None,
) -> DocumentContent:
    """A document about pièces: its title with the académie and session, the references, ``blocks``, then the
    return address of the managing service (never a placeholder, DOC-05)."""
    session = catalogue.session(candidature.session_id)
    academie = catalogue.academie(candidature.academie_code)
    if session is None or academie is None:
        raise CatalogueNotFound()
    name, address = _service_block(academie)
    return DocumentContent(
        (title, f"{academie.label} - Session {session.label}"),
        _header(account, candidature, session.month_code, version, at),
        (*blocks, ("Adresse de retour des pièces", (name, *address))),
        verification=verification,
    )


def recapitulatif_content(recap: Recapitulatif, verification: str | None = None) -> DocumentContent:
    """The guide's "RECAPITULATIF D'INSCRIPTION" (section 3): the references (« Créée le », « Académie d'origine »…),
    every section of the Récapitulatif tab, the acquis and the épreuves by group, without unit (CAN-09). Printable
    before the first save (CAN-17): then it carries the tab's warning and no version."""
    header = [f"N° candidat : {recap.candidate_number}"]
    title = ["RECAPITULATIF D'INSCRIPTION"]
    if recap.saved_at is not None and recap.version is not None:
        local = paris(recap.saved_at)
        day = f"{FRENCH_WEEKDAYS[local.weekday()]} {local.day:02d} {FRENCH_MONTHS[local.month - 1]} {local.year}"
        title.append(f"Candidature enregistrée le {day} à {local.hour:02d}:{local.minute:02d}")
        header.insert(0, f"Version : {recap.version} du {format_datetime(recap.saved_at)}")
    else:
        title.append(recap.warning or "")
    if recap.inscription_number:
        header.append(f"Inscription n° : {recap.inscription_number}")
    session = recap.session_year if recap.session_year is not None else recap.session_label
    header += [f"Session : {session}", recap.academie_label]
    references = ("", tuple(f"{label} : {value}" for label, value in recap.references))
    blocks = (
        references,
        *((name, tuple(f"{label} : {value}" for label, value in rows)) for name, rows in recap.sections),
    )
    tables = []
    for group, mandatory, optional in recap.epreuves:
        tables.append(_recapitulatif_table(f"{group} - Epreuve(s) obligatoire(s)", mandatory))
        if optional:
            tables.append(_recapitulatif_table(f"{group} - Epreuve(s) facultative(s)", optional))
    return DocumentContent(tuple(title), tuple(header), blocks, tuple(tables), verification)


class DocumentService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalogue: Catalogue,
        authenticator: SessionAuthenticator,
        renderer: DocumentRenderer,
        signer: DocumentSigner,
        candidatures: CandidatureService | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalogue = catalogue
        self._authenticator = authenticator
        self._renderer = renderer
        self._signer = signer
        self._candidatures = candidatures

    def verify(
        self, code: str, kind: DocumentKind, candidate_number: str, inscription_number: str, version: int
    ) -> bool:
        """The managing service's one call: is this code the one printed on that document (type, candidate,
        inscription, version as printed)? An edited document fails."""
        return self._signer.verify(code, kind, candidate_number, inscription_number, version)

    def render_recapitulatif(self, session_token: str, candidature_id: str) -> RenderedFile:
        """The "Récapitulatif d'inscription" of a saved candidature, as a PDF."""
        if self._candidatures is None:
            raise CandidatureNotFound("Récapitulatif indisponible.")
        recap = self._candidatures.mon_inscription(session_token, candidature_id)
        code = self._signer.code(
            DocumentKind.RECAPITULATIF, recap.candidate_number, recap.inscription_number or "", recap.version or 0
        )
        data = self._renderer.render(recapitulatif_content(recap, code))
        filename = f"recapitulatif-{recap.candidate_number}-{recap.inscription_number}-v{recap.version}.pdf"
        return RenderedFile(filename, self._renderer.media_type, data)

    def render_draft_recapitulatif(self, session_token: str, draft: CandidatureDraft) -> RenderedFile:
        """CAN-17: « Visualiser/imprimer » on the Récapitulatif tab, before « Enregistrer »: the draft's Récapitulatif
        as a PDF, with the tab's warning (« Attention ! A ce stade, la candidature n'est pas encore enregistrée »),
        no version and no verification code (nothing official is printed before the save).

        The draft is checked as the tab checks it (only its own candidate; a forged draft is refused)."""
        if self._candidatures is None:
            raise CandidatureNotFound("Récapitulatif indisponible.")
        recap = self._candidatures.recapitulatif(session_token, draft)
        data = self._renderer.render(recapitulatif_content(recap))
        number = recap.inscription_number or "nouvelle"
        filename = f"recapitulatif-{recap.candidate_number}-{number}-non-enregistre.pdf"
        return RenderedFile(filename, self._renderer.media_type, data)

    def render(self, session_token: str, candidature_id: str, kind: DocumentKind) -> RenderedFile:
        """ "Visualiser/Imprimer" (CAN-15): the published document of the candidate's own candidature, rendered at
        its published version, marked seen (the envelope goes out, CAN-14)."""
        kind = check_choice(kind, DocumentKind, "kind")
        now = self._clock.now()
        with self._uow() as uow:
            principal = self._authenticator.principal_in(uow, session_token)
            candidature = owned_candidature(uow, principal.account_id, candidature_id, now)
            document = uow.documents.get(candidature.id, kind)
            if document is None:
                raise CandidatureNotFound("Ce document n'est pas publié.")
            rendered = self._render(uow, candidature, document)
            if document.seen_at is None:
                uow.documents.publish(evolve(document, seen_at=now))
            uow.commit()
        return rendered

    def formulaires(self, session_token: str, candidature_id: str) -> tuple[str, ...]:
        """DOC-04: "Les formulaires" exists and is empty for the BTS."""
        with self._uow() as uow:
            owned_candidature(
                uow, self._authenticator.principal_in(uow, session_token).account_id, candidature_id, self._clock.now()
            )
            uow.commit()
        return ()

    def publish(self, manager: Manager, candidature_id: str, kind: DocumentKind) -> PublishedDocument:
        """MGR-03: publish (or republish) a document on a candidature; it appears in "Mes documents" with its
        version and lights the envelope. A relance with no pièce awaited is refused (ConflictError)."""
        kind = check_choice(kind, DocumentKind, "kind")
        now = self._clock.now()
        with self._uow() as uow:
            candidature = managed_candidature(uow, manager, candidature_id, now)
            if kind is DocumentKind.RELANCE_PIECES and not any(
                outstanding(p) for p in uow.pieces.for_candidature(candidature.id)
            ):
                raise ConflictError("Aucune pièce justificative n'est attendue : il n'y a rien à relancer.")
            previous = uow.documents.get(candidature.id, kind)
            version = (
                candidature.version if kind is DocumentKind.CONFIRMATION else (previous.version + 1 if previous else 1)
            )
            document = PublishedDocument(candidature.id, kind, version, now, f"manager:{manager.id}")
            uow.documents.publish(document)
            uow.audit.append(
                AuditRecord.of(now, "document_published", f"manager:{manager.id}", candidature.account_id,
                               candidature=candidature.id, document=kind.value, version=version)
            )  # fmt: skip
            uow.commit()
        return document

    def _render(self, uow: UnitOfWork, candidature: Candidature, document: PublishedDocument) -> RenderedFile:
        account = uow.accounts.get(candidature.account_id)
        if account is None:
            raise CandidatureNotFound()
        pieces = list(uow.pieces.for_candidature(candidature.id))
        at = format_datetime(document.updated_at)
        code = self._signer.code(
            document.kind, str(account.candidate_number), candidature.inscription_number, document.version
        )
        if document.kind is DocumentKind.CONFIRMATION:
            # The confirmation is republished at every save, so it shows the current version: the history (every
            # past version, parsed) is read only for an older one.
            snapshot = (
                candidature
                if document.version == candidature.version
                else next(
                    (c for c in uow.candidatures.history(candidature.id) if c.version == document.version), candidature
                )
            )
            content = confirmation_content(account, snapshot, self._catalogue, pieces, at, code)
        elif document.kind is DocumentKind.RELANCE_PIECES:
            content = relance_content(account, candidature, self._catalogue, pieces, document.version, at, code)
        elif document.kind is DocumentKind.DEMANDE_PIECES:
            content = pieces_content(account, candidature, self._catalogue, pieces, document.version, at, code)
        else:  # the Récapitulatif, published by the managing service: the candidature as saved
            session = self._catalogue.session(candidature.session_id)
            if session is None:
                raise CatalogueNotFound()
            recap = build_recapitulatif(
                self._catalogue, account, session, candidature.academie_code, candidature.content, candidature
            )
            # It prints the candidature's version (« Version : 2 du … »), as render_recapitulatif does: the code
            # signs the version printed, so that verify() answers for what the reader sees.
            printed = self._signer.code(
                document.kind, str(account.candidate_number), candidature.inscription_number, candidature.version
            )
            content = recapitulatif_content(recap, printed)
        slug = re.sub(r"[^a-z]+", "-", document.kind.name.lower()).strip("-")
        filename = f"{slug}-{account.candidate_number}-{candidature.inscription_number}-v{document.version}.pdf"
        return RenderedFile(filename, self._renderer.media_type, self._renderer.render(content))
