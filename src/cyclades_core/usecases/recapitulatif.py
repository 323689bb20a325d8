"""The Récapitulatif (CAN-09) as data, built in one place for the candidate's tab, "Mon inscription", the PDF and the
managing service's reading of a candidature (MGR-06)."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from cyclades_core.model.account import Account
from cyclades_core.model.candidature import Candidature, CandidatureContent, EpreuvePosition
from cyclades_core.model.catalogue import ExamSession
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.timeutil import format_date

__all__ = ["NOT_YET_SAVED", "Recapitulatif", "build_recapitulatif"]

#: CAN-09, the guide's warning on the Récapitulatif tab.
NOT_YET_SAVED = "Attention ! A ce stade, la candidature n'est pas encore enregistrée"


@frozen
class Recapitulatif:
    """CAN-09 as data, in the guide's order; the PDF issue renders it. ``sections`` are (title, rows)."""

    candidate_number: str
    inscription_number: str | None
    version: int | None
    saved_at: datetime | None
    academie_label: str
    session_label: str
    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    epreuves: tuple[tuple[str, tuple[EpreuvePosition, ...], tuple[EpreuvePosition, ...]], ...]

    @property
    def warning(self) -> str | None:
        return NOT_YET_SAVED if self.inscription_number is None else None

    def section(self, title: str) -> dict[str, str]:
        return dict(next(rows for name, rows in self.sections if name == title))


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
    nationality = next((n.label for n in catalogue.nationalities() if n.code == ident.nationality_code), "-")
    diploma = next((d for d in catalogue.diplomas() if d.code == content.diploma_code), None)
    place = identity.birth_place
    academie = catalogue.academie(academie_code)

    def yes_no(value: bool) -> str:
        return "Oui" if value else "Non"

    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
        ("Qualification présentée", (("Spécialité", specialite.name if specialite else qual.specialite_code),)),
        ("Identification du candidat", (
            ("Civilité", identity.civility.label),
            ("Nom de famille", identity.birth_name.upper()),
            ("Nom d'usage", identity.usage_name or "-"),
            ("Prénoms", identity.first_names),
            ("Date de naissance", format_date(identity.birth_date)),
            ("Commune de naissance", place.commune_name),
            ("Département, DOM ou COM de naissance", place.departement_code or "-"),
            ("Pays de naissance", place.country_name),
            ("Nationalité", nationality),
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
        ("Acquis déclarés", tuple(
            (a.kind.value, f"Année : {a.year} Académie : {a.academie}") for a in content.acquis
        )),
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
    )
