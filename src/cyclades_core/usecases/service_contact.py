"""The managing service's contact as documents print it (DOC-05): never a placeholder.

An académie shipped without a sourced contact (``Contact.placeholder``, or no name or address) is a configuration
error: :func:`printable_contact` refuses it with a :class:`ConfigurationError` naming the académie, and
:func:`unprintable_contacts` lists every such académie for ``cyclades catalogue check``.
"""

from __future__ import annotations

from cyclades_core.errors import ConfigurationError
from cyclades_core.model.catalogue import Academie, Contact
from cyclades_core.ports.catalogue import Catalogue

__all__ = ["contact_lines", "contact_problem", "printable_contact", "unprintable_contacts"]


def contact_problem(academie: Academie) -> str | None:
    """Why ``academie``'s contact cannot be printed (a French sentence naming it), or ``None`` when it can."""
    contact = academie.contact
    if contact.placeholder or not contact.name.strip() or not any(line.strip() for line in contact.address):
        return (
            f"{academie.label} ({academie.code}) : les coordonnées du service gestionnaire ne sont pas renseignées ; "
            "aucun document de cette académie ne peut être imprimé."
        )
    return None


def contact_lines(academie: Academie) -> tuple[str, ...]:
    """``ACADÉMIE DE REIMS`` / ``Rectorat de Reims`` / ``1, Rue Navier`` / … / ``contact@ac-reims.fr``, as the
    N° Inscription tab shows the service; the académie's name alone where its contact is not configured (never a
    placeholder, DOC-05)."""
    if contact_problem(academie) is not None:
        return (academie.label,)
    return (academie.label, *academie.contact.lines())


def printable_contact(academie: Academie) -> Contact:
    """``academie``'s contact, for a document; ConfigurationError naming the académie when it is a placeholder."""
    problem = contact_problem(academie)
    if problem is not None:
        raise ConfigurationError(problem)
    return academie.contact


def unprintable_contacts(catalogue: Catalogue, *, every: bool = False) -> tuple[str, ...]:
    """One sentence per académie of ``catalogue`` whose contact cannot be printed (``catalogue check`` fails on one).

    By default only the académies where some session opens a registration service: the only ones a document can be
    printed for. ``every=True`` checks every académie of the catalogue."""
    served = {
        service.academie_code
        for exam in catalogue.exams()
        for session in catalogue.sessions(exam.code)
        for service in catalogue.services(session.id)
    }
    return tuple(
        problem
        for academie in catalogue.academies()
        if (every or academie.code in served) and (problem := contact_problem(academie))
    )
