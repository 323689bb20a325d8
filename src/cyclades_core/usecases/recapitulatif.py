"""The Récapitulatif (CAN-09) as data, built in one place for the candidate's tab, "Mon inscription", the PDF and the
managing service's reading of a candidature (MGR-06)."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from cyclades_core.model.account import Account
from cyclades_core.model.candidature import AcquisKind, Candidature, CandidatureContent, EpreuvePosition
from cyclades_core.model.catalogue import ExamSession
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.timeutil import format_date, paris

__all__ = ["NOT_YET_SAVED", "Recapitulatif", "build_recapitulatif", "masculine_nationality"]

#: CAN-09, the guide's warning on the Récapitulatif tab.
NOT_YET_SAVED = "Attention ! A ce stade, la candidature n'est pas encore enregistrée"
#: What the portal shows for a value that does not exist (« Nom d'usage - », « Académie d'origine: - »).
NONE = "-"


@frozen
class Recapitulatif:
    """CAN-09 as data, in the guide's order; the PDF renders it. ``sections`` are (title, rows).

    ``created_at`` is the candidature's creation (« Créée le »), ``saved_at`` its last save (« Version : n du … »);
    both are ``None`` before the first save."""

    candidate_number: str
    inscription_number: str | None
    version: int | None
    saved_at: datetime | None
    academie_label: str
    session_label: str
    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    epreuves: tuple[tuple[str, tuple[EpreuvePosition, ...], tuple[EpreuvePosition, ...]], ...]
    created_at: datetime | None = None
    #: « Session : 2023 », as the guide's Récapitulatif writes the session.
    session_year: int | None = None

    @property
    def warning(self) -> str | None:
        return NOT_YET_SAVED if self.inscription_number is None else None

    @property
    def references(self) -> tuple[tuple[str, str], ...]:
        """The tab's top block, in the guide's order (« N° candidat 02235030277 | Académie de destination: - »,
        « N° inscription 004 | Académie d'origine: - », « Créée le 31/08/2022 15:13 | N° candidature d'origine: - »).

        The library moves no candidature from one académie to another: destination, origin and original
        candidature are « - », as the guide's example shows them for a candidature made where it is."""
        created = NONE
        if self.created_at is not None:
            local = paris(self.created_at)
            created = f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}"
        return (
            ("N° candidat", self.candidate_number),
            ("Académie de destination", NONE),
            ("N° inscription", self.inscription_number or NONE),
            ("Académie d'origine", NONE),
            ("Créée le", created),
            ("N° candidature d'origine", NONE),
        )

    def section(self, title: str) -> dict[str, str]:
        return dict(next(rows for name, rows in self.sections if name == title))


#: Feminine endings of the nationality list and their masculine form (« Française » → « Français », « Italienne » →
#: « Italien », « Marocaine » → « Marocain », « Allemande » → « Allemand »); an adjective ending in a mute e after
#: another consonant (« Belge », « Russe », « Suisse », « Tchèque ») is the same in both.
_MASCULINE_ENDINGS = (
    ("enne", "en"), ("aise", "ais"), ("oise", "ois"), ("ine", "in"), ("ane", "an"), ("one", "on"), ("nde", "nd"),
    ("ole", "ol"), ("khe", "kh"), ("ize", "iz"), ("ike", "ik"),
)  # fmt: skip
_MASCULINE_WORDS = {"grecque": "Grec", "turque": "Turc", "kosovare": "Kosovar", "ouzbèke": "Ouzbek"}


def masculine_nationality(label: str) -> str:
    """The nationality as the guide's Récapitulatif writes it (« Nationalité Français »), from the catalogue's label,
    which is the feminine the confirmation prints (« Nationalité : Française »). A parenthesis stays as it is
    (« Congolaise (RDC) » → « Congolais (RDC) »)."""
    words = label.split(" ")
    index = max((i for i, word in enumerate(words) if not word.startswith("(")), default=0)
    word = words[index]
    if word.casefold() in _MASCULINE_WORDS:
        words[index] = _MASCULINE_WORDS[word.casefold()]
    else:
        for feminine, masculine in _MASCULINE_ENDINGS:
            if word.endswith(feminine):
                words[index] = word[: len(word) - len(feminine)] + masculine
                break
    return " ".join(words)


def _acquis_rows(
    catalogue: Catalogue, session: ExamSession, content: CandidatureContent
) -> tuple[tuple[str, str], ...]:
    """Per acquis, « Déjà présenté : BREVET DE TECHNICIEN SUPERIEUR Aéronautique » then « Type de droit : notes
    conservées dans la spécialité présentée - Année : 2021 Académie : BESANCON »."""
    exam = next((e.name for e in catalogue.exams() if e.code == session.exam_code), session.exam_code)
    rows: list[tuple[str, str]] = []
    for acquis in content.acquis:
        if acquis.kind in (AcquisKind.SAME_BTS, AcquisKind.OTHER_BTS):
            code = acquis.specialite_code or ""
            specialite = catalogue.specialite(code, acquis.year) or catalogue.specialite(code, session.year)
            since = f" (depuis {acquis.first_year})" if acquis.first_year else ""
            rows.append(("Déjà présenté", f"{exam} {specialite.name if specialite else code}".strip() + since))
        else:
            rows.append((acquis.kind.value, NONE))
        right = f"{acquis.kind.right_type} - Année : {acquis.year} Académie : {acquis.academie}"
        former = []
        if acquis.former_category_code:
            category = catalogue.category(acquis.former_category_code)
            former.append(f"Ancienne catégorie : {category.label if category else acquis.former_category_code}")
        if acquis.former_forme:
            former.append(f"Ancienne forme de passage : {acquis.former_forme.value}")
        rows.append(("Type de droit", " - ".join((right, " ".join(former))) if former else right))
    return tuple(rows)


def build_recapitulatif(
    catalogue: Catalogue,
    account: Account,
    session: ExamSession,
    academie_code: str,
    content: CandidatureContent,
    saved: Candidature | None,
) -> Recapitulatif:
    """CAN-09: the Récapitulatif of ``content`` — a draft's (``saved`` None: with the warning) or a saved
    candidature's — as the candidate sees it on its tab and in "Mon inscription", and as the managing service reads
    it (MGR-06). One builder for every reader."""
    identity = saved.identity if saved else account.identity
    info, qual, ident = content.informations, content.qualification, content.identification
    specialite = catalogue.specialite(qual.specialite_code, session.year)
    category = catalogue.category(info.category_code)
    pcs = next((p.label for p in catalogue.pcs() if p.code == ident.pcs_code), ident.pcs_code)
    nationality = next((n.label for n in catalogue.nationalities() if n.code == ident.nationality_code), None)
    diploma = next((d for d in catalogue.diplomas() if d.code == content.diploma_code), None)
    place = identity.birth_place
    academie = catalogue.academie(academie_code)

    def yes_no(value: bool) -> str:
        return "Oui" if value else "Non"

    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
        ("Qualification présentée", (
            ("Spécialité", specialite.name if specialite else qual.specialite_code),
            *((("Enseignement", qual.enseignement),) if qual.enseignement else ()),
        )),
        ("Identification du candidat", (
            ("Civilité", identity.civility.label),
            ("Nom de famille", identity.birth_name.upper()),
            ("Nom d'usage", identity.usage_name or "-"),
            ("Prénoms", identity.first_names),
            ("Date de naissance", format_date(identity.birth_date)),
            ("Commune de naissance", place.commune_name),
            ("Département, DOM ou COM de naissance", place.departement_code or "-"),
            ("Pays de naissance", place.country_name),
            ("Nationalité", masculine_nationality(nationality) if nationality else NONE),
        )),
        ("Adresse et contact", (
            ("Adresse", " ".join(ident.address.lines())),
            ("Téléphone mobile", ident.mobile_phone),
            ("Téléphone fixe", ident.landline_phone or "-"),
            ("Adresse mail", ident.email),
        )),
        ("Situation du candidat", (
            ("Catégorie socio-professionnelle du candidat ou d'un représentant légal", pcs),
        )),
        ("Informations candidature", (
            ("Catégorie du candidat", category.label if category else info.category_code),
            ("Votre établissement", info.establishment),
            ("Votre ancien établissement", info.former_establishment or NONE),
            ("Aménagement durée de formation", yes_no(info.training_duration_adjustment)),
            ("Demande d'aménagement(s) d'épreuves au titre du handicap", yes_no(info.disability_arrangement)),
            ("Valorisation des acquis de l'expérience", "Non VAE" if not any(
                a.kind.name == "VAE" for a in content.acquis) else "VAE"),
            ("Forme de passage", qual.forme.value),
            ("Dérogation forme de passage", yes_no(qual.derogation)),
            ("Forme de passage finale", qual.forme_finale.value),
            ("Communication des résultats d'examen en vue d'une publication par la presse ou sur les sites "
             "internet de sociétés de droit privé", yes_no(info.press_consent)),
            ("Communication des résultats, de mon nom et de mon adresse aux collectivités territoriales en vue "
             "d'éventuelles félicitations", yes_no(info.local_authorities_consent)),
        )),
        ("Diplôme possédé", (
            ("Diplôme possédé", f"{diploma.label} - {diploma.short_label}" if diploma else content.diploma_code),
        )),
        ("Acquis déclarés", _acquis_rows(catalogue, session, content)),
    )  # fmt: skip
    groups = []
    for group, title in ((1, "Session normale 1er groupe"), (2, "Session normale 2nd groupe")):
        rows = [e for e in content.epreuves if e.group == group]
        if rows:
            groups.append((title, tuple(e for e in rows if e.mandatory), tuple(e for e in rows if not e.mandatory)))
    return Recapitulatif(
        candidate_number=str(account.candidate_number),
        inscription_number=saved.inscription_number if saved else None,
        version=saved.version if saved else None,
        saved_at=saved.updated_at if saved else None,
        academie_label=academie.label if academie else academie_code,
        session_label=session.label,
        sections=sections,
        epreuves=tuple(groups),
        created_at=saved.created_at if saved else None,
        session_year=session.year,
    )
