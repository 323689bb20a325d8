"""Guide sections 1 and 2: the home page (with its messages ponctuels) and "Ouverture des services"."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from cyclades_adapters.web.app import portal
from cyclades_core import Domain

blueprint = Blueprint("accueil", __name__)


@blueprint.get("/")
def accueil() -> str:
    return render_template("accueil/accueil.html", announcements=portal().catalogue.current_announcements())


@blueprint.get("/ouverture-des-services")
def ouverture() -> str:
    """SVC-02: choose Domaine – Examen – Session (a GET form: it works without JavaScript), then see the académies
    with a period open now or still to come, and each one's sentence (SVC-05: nothing listed when none is)."""
    catalogue = portal().catalogue
    domain_value = request.args.get("domaine", Domain.EXAMEN.value)
    domain = next((d for d in Domain if d.value == domain_value), Domain.EXAMEN)
    exams = [e for e in catalogue.catalogue.exams() if e.domain is domain]
    exam_code = request.args.get("examen", exams[0].code if len(exams) == 1 else "")
    sessions = catalogue.catalogue.sessions(exam_code) if any(e.code == exam_code for e in exams) else []
    session_id = request.args.get("session", "")
    openings = catalogue.openings(domain, exam_code, session_id) if session_id else []
    academie_code = request.args.get("academie", "")
    chosen = next((o for o in openings if o.academie.code == academie_code), None)
    # « Résumé de la sélection »: Examen, BREVET DE TECHNICIEN SUPERIEUR, BTS 2022 (the guide's example)
    summary = [
        domain.value,
        *(e.name for e in exams if e.code == exam_code),
        *(s.label for s in sessions if s.id == session_id),
    ]
    return render_template(
        "accueil/ouverture.html",
        domains=[(d.value, d.value) for d in Domain],
        domain=domain.value,
        exams=[(e.code, e.name) for e in exams],
        exam_code=exam_code,
        sessions=[(s.id, s.label) for s in sessions],
        session_id=session_id,
        openings=openings,
        chosen=chosen,
        searched=bool(session_id),
        summary=summary,
    )
