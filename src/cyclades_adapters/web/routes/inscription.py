"""Guide sections 6 « S'INSCRIRE A UN EXAMEN » and 7 « CONFIRMATION D'INSCRIPTION »: « M'inscrire » (the choice of
Domaine, Examen, Session and Académie with its dates), the form's tabs one page each (CAN-02 … CAN-09), the
Récapitulatif with « Visualiser/imprimer » (CAN-17) and « Enregistrer » (CAN-10), the « N° Inscription » page, and
« Modifier » (CAN-12).

The draft travels in a signed hidden field (:mod:`cyclades_adapters.web.drafts`); each tab's page posts to its own
URL (``/inscription/<onglet>``) with the button pressed (« Suivant », « Précédent », or an « Ajouter » of a repeated
group, which re-renders the tab: no JavaScript needed). The core checks every tab; the pages only read the fields
into the core's tab forms and show what the core answers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from attrs import frozen
from flask import Blueprint, redirect, render_template, request, session
from werkzeug.wrappers import Response

from cyclades_adapters.web import security
from cyclades_adapters.web.app import error_page, portal
from cyclades_adapters.web.downloads import attachment
from cyclades_adapters.web.drafts import DRAFT_FIELD, DraftRefused, read_draft, sign_draft
from cyclades_adapters.web.errors import FormErrors
from cyclades_adapters.web.navigation import PARIS
from cyclades_adapters.web.tab_forms import (
    ACQUIS_KINDS,
    MAX_ACQUIS,
    MAX_GRADES,
    NO,
    YES,
    field_value,
    read_tab,
    regroup,
    specialite_of,
    the_catalogue,
    without_blanks,
)
from cyclades_core import (
    AcquisForm,
    CandidatureDraft,
    DiplomaForm,
    Domain,
    EpreuvesForm,
    FormeDePassage,
    IdentificationForm,
    InformationsForm,
    QualificationForm,
    SaveConfirmation,
)
from cyclades_core.errors import CycladesError, ValidationError

__all__ = [
    "ACQUIS_KINDS",
    "MAX_ACQUIS",
    "MAX_GRADES",
    "NUMERO_TAB",
    "blueprint",
    "tab_slug",
]

blueprint = Blueprint("inscription", __name__)

#: The tab shown after « Enregistrer » (CAN-02), last in the list of tabs.
NUMERO_TAB = "N° Inscription"
RECAP = "Récapitulatif"
YES_NO = ((YES, "Oui"), (NO, "Non"))
POSITIONS = (("Inscrit", "Inscrit"), ("Non Inscrit", "Non Inscrit"))
GROUPS = ((1, "Session normale 1er groupe"), (2, "Session normale 2nd groupe"))
#: The N° Inscription page's data after « Enregistrer », kept in the message cookie for this browser; it names the
#: candidate, so it goes at every login and logout (``security.start_session``, ``security.clear_session``).
CONFIRMATION_KEY = "inscription_enregistree"


def tab_slug(tab: str) -> str:
    """``Qualification présentée`` → ``qualification-presentee`` (the tab's URL)."""
    plain = unicodedata.normalize("NFKD", tab).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


# -- « M'inscrire »: the choice, step by step (CAN-01, SVC-02, SVC-03) ---------------------------------------------


def _choose(**params: str) -> str:
    """The address of one step of « M'inscrire » (a GET: the choice works without JavaScript)."""
    return f"/inscription/nouvelle?{urlencode(params)}" if params else "/inscription/nouvelle"


@blueprint.app_template_filter("heure_paris")
def _heure_paris(instant: datetime | None) -> str:
    """``31/08/2022 15:13`` in Paris time."""
    if instant is None:
        return "-"
    return instant.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _choice_page(errors: FormErrors | None = None) -> tuple[str, int]:
    """The choice as the guide shows it: « Sur quoi et où voulez-vous vous inscrire ? », the selection summary with
    a link back to each step (↶), then the next step's choices; the académies each with their opening sentence."""
    catalogue = portal().catalogue
    args = request.values
    domain = next((d for d in Domain if d.value == args.get("domaine")), None)
    exams = [e for e in catalogue.catalogue.exams() if domain is not None and e.domain is domain]
    exam = next((e for e in exams if e.code == args.get("examen")), None)
    sessions = [s for s in catalogue.catalogue.sessions(exam.code) if not s.closed] if exam else []
    chosen_session = next((s for s in sessions if s.id == args.get("session")), None)
    openings = (
        list(catalogue.openings(domain, exam.code, chosen_session.id)) if domain and exam and chosen_session else []
    )
    opening = next((o for o in openings if o.academie.code == args.get("academie")), None)
    steps: list[tuple[str, str, str]] = []  # (step, chosen label, link back to this step)
    if domain is not None:
        steps.append(("Domaine", domain.value, _choose()))
        if exam is not None:
            steps.append(("Examen", exam.name, _choose(domaine=domain.value)))
            if chosen_session is not None:
                steps.append(("Session", chosen_session.label, _choose(domaine=domain.value, examen=exam.code)))
                if opening is not None:
                    back = _choose(domaine=domain.value, examen=exam.code, session=chosen_session.id)
                    steps.append(("Académie", opening.selection_label, back))
    errors = errors or FormErrors()
    page = render_template(
        "inscription/nouvelle.html", errors=errors, domains=list(Domain), domain=domain, exams=exams, exam=exam,
        sessions=sessions, chosen_session=chosen_session, openings=openings, opening=opening, steps=steps,
        choose=_choose,
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/inscription/nouvelle")
@security.login_required
def nouvelle() -> tuple[str, int]:
    return _choice_page()


@blueprint.post("/inscription/nouvelle")
@security.login_required
def demarrer() -> Any:
    """« Démarrer mon inscription »: the core starts the form (an activated account, the service open)."""
    try:
        draft = portal().candidatures.start(
            security.current_token(), request.form.get("session", ""), request.form.get("academie", "")
        )
    except CycladesError as refused:
        return _choice_page(FormErrors.of(refused))
    return _tab_page(draft)


@blueprint.get("/inscription/<candidature_id>/modifier")
@security.login_required
def modifier(candidature_id: str) -> Any:
    """CAN-12 « Modifier »: the saved candidature as a draft, on its first tab (reading writes nothing)."""
    draft = portal().candidatures.edit(security.current_token(), candidature_id)
    return _tab_page(draft)


# -- the tabs ---------------------------------------------------------------------------------------------------


@frozen
class EpreuveRow:
    """One épreuve of the « Epreuves » tab: what the core computed (position, bénéfice) and what may be chosen."""

    code: str
    label: str
    unit: str | None
    mandatory: bool
    group: int
    parent: str | None
    is_parent: bool
    position: str
    details: str | None
    academie: str | None
    options: tuple[str, ...]
    option: str | None
    modes: tuple[str, ...]
    mode: str | None

    @property
    def editable(self) -> bool:
        """A facultative chooses its position; an Inscrit épreuve its option and, where several, its mode."""
        return not self.is_parent and (not self.mandatory or (self.position == "Inscrit" and self.has_choices))

    @property
    def has_choices(self) -> bool:
        return bool(self.options) or len(self.modes) > 1

    @property
    def option_choices(self) -> list[tuple[str, str]]:
        return [(o, o) for o in self.options]

    @property
    def mode_choices(self) -> list[tuple[str, str]]:
        return [(m, m) for m in self.modes]


def _draft() -> CandidatureDraft:
    """The request's draft, checked against the session's account (DraftRefused otherwise)."""
    principal = portal().sessions.authenticate(security.current_token())
    return read_draft(field_value(DRAFT_FIELD), principal.account_id)


def _refused(refused: DraftRefused) -> tuple[str, int]:
    """400 with the French message: nothing of the refused draft is used."""
    return error_page(400, refused.message, "Formulaire d'inscription invalide")


@blueprint.get("/inscription/<onglet>")
@security.login_required
def onglet_get(onglet: str) -> Response:
    """A tab's address opened directly (a bookmark, a reload): the draft lives in the page, so start again."""
    return redirect("/inscription/nouvelle", code=303)


@blueprint.post("/inscription/<onglet>")
@security.login_required
def onglet(onglet: str) -> Any:
    """One tab's buttons: « Suivant » (the core checks the tab), « Précédent » (what was typed is kept), and the
    Acquis tab's « Ajouter » / « Supprimer » buttons (the tab re-rendered with one row more or less)."""
    try:
        draft = _draft()
    except DraftRefused as refused:
        return _refused(refused)
    if tab_slug(draft.tab) != onglet:
        return _refused(DraftRefused("Ce formulaire ne correspond pas à l'onglet demandé : veuillez recommencer."))
    form, aliases = read_tab(draft)
    action = field_value("action")
    candidatures = portal().candidatures
    try:
        if action == "precedent":
            return _tab_page(candidatures.previous(draft.with_form(form) if form is not None else draft))
        if action == "suivant":
            if isinstance(form, AcquisForm):
                form = without_blanks(form)
            return _tab_page(candidatures.next(draft, form))
    except CycladesError as refused:
        kept = draft.with_form(form) if form is not None else draft
        return _tab_page(kept, FormErrors.of(refused, aliases=aliases), typed=form)
    if isinstance(form, AcquisForm):
        regrouped = regroup(draft, form, action)
        if regrouped is not None:
            return _tab_page(draft.with_form(regrouped))
    return _refused(DraftRefused("Ce bouton n'existe pas sur cet onglet : veuillez recommencer."))


def _tab_page(draft: CandidatureDraft, errors: FormErrors | None = None, *, typed: object | None = None) -> Any:
    """The page of the draft's current tab: the list of tabs, the tab's fields (``typed`` when the core refused them),
    the errors next to their fields and in the summary, the buttons."""
    errors = errors or FormErrors()
    token = security.current_token()
    catalogue = the_catalogue()
    exam_session = catalogue.session(draft.session_id)
    academie = catalogue.academie(draft.academie_code)
    exam = next((e for e in catalogue.exams() if exam_session and e.code == exam_session.exam_code), None)
    tab = draft.tab
    form = typed if typed is not None else draft.form_for(tab)
    context: dict[str, Any] = {
        "draft": draft, "tab": tab, "tabs": (*draft.tabs, NUMERO_TAB), "current": draft.current, "errors": errors,
        "signed": sign_draft(draft), "draft_field": DRAFT_FIELD, "slug": tab_slug(tab), "exam": exam,
        "exam_session": exam_session, "academie": academie,
        "last": draft.current == len(draft.tabs) - 1, "first": draft.current == 0,
    }  # fmt: skip
    if tab == "Candidatures précédentes":
        context["previous"] = portal().candidatures.candidatures_precedentes(token, draft)
    elif tab == "Identification":
        context["form"] = form or IdentificationForm(
            street="", postal_code="", locality="", pcs_code="", nationality_code="", mobile_phone="", email=""
        )
        context["account"] = portal().my_account.account(token)
        context["pcs"] = [(p.code, p.label) for p in catalogue.pcs()]
        context["nationalities"] = [(n.code, n.label) for n in catalogue.nationalities()]
    elif tab == "Informations candidature":
        context["form"] = form or InformationsForm(category_code="", establishment="")
        context["categories"] = [(c.code, c.label) for c in catalogue.categories()]
        context["situations"] = [(s.label, s.label) for s in catalogue.situations()]
        context["establishments"] = [(e.label, e.label) for e in catalogue.establishments(draft.academie_code)]
        context["yes_no"] = YES_NO
    elif tab == "Qualification présentée":
        context.update(_qualification_context(draft, form))
    elif tab == "Acquis":
        context.update(_acquis_context(draft, form))
    elif tab == "Diplôme possédé":
        context["form"] = form or DiplomaForm(diploma_code="")
        context["diplomas"] = [(d.code, d.label) for d in catalogue.diplomas()]
    elif tab == "Epreuves":
        context.update(_epreuves_context(draft, form))
    elif tab == RECAP:
        context["recap"] = portal().candidatures.recapitulatif(token, draft)
    return render_template("inscription/onglet.html", **context), errors.status


def _qualification_context(draft: CandidatureDraft, form: object | None) -> dict[str, Any]:
    catalogue = the_catalogue()
    exam_session = catalogue.session(draft.session_id)
    shown = form if isinstance(form, QualificationForm) else QualificationForm(specialite_code="")
    specialites = list(catalogue.specialites(exam_session.exam_code, exam_session.year)) if exam_session else []
    category = catalogue.category(draft.informations.category_code) if draft.informations else None
    formes = [f.value for f in (category.formes if category else FormeDePassage)]
    chosen = next((s for s in specialites if s.code == shown.specialite_code), None)
    final = shown.forme
    if shown.derogation:
        final = next((f.value for f in FormeDePassage if f.value != shown.forme), shown.forme)
    return {
        "form": shown, "specialites": [(s.code, f"{s.name} ({s.code})") for s in specialites],
        "enseignements": [(e, e) for e in chosen.enseignements] if chosen else [],
        "formes": [(f, f) for f in formes], "final": final, "yes_no": YES_NO,
    }  # fmt: skip


def _acquis_context(draft: CandidatureDraft, form: object | None) -> dict[str, Any]:
    catalogue = the_catalogue()
    exam_session = catalogue.session(draft.session_id)
    shown = form if isinstance(form, AcquisForm) else AcquisForm()
    specialites = list(catalogue.specialites(exam_session.exam_code, exam_session.year)) if exam_session else []
    presented = draft.qualification.specialite_code if draft.qualification else ""

    def epreuves_of(code: str | None) -> list[tuple[str, str]]:
        specialite = next((s for s in specialites if s.code == (code or presented)), None)
        if specialite is None:
            return []
        parents = {e.parent for e in specialite.epreuves if e.parent}
        return [(e.code, f"{e.code} - {e.label}") for e in specialite.epreuves if e.code not in parents]

    return {
        "form": shown, "kinds": [(k, f"{label} (Type de droit : {right})") for k, label, right in ACQUIS_KINDS],
        "additions": ACQUIS_KINDS,
        "rights": {k: right for k, _, right in ACQUIS_KINDS},
        "specialites": [(s.code, f"{s.name} ({s.code})") for s in specialites],
        "categories": [(c.code, c.label) for c in catalogue.categories()],
        "formes": [(f.value, f.value) for f in FormeDePassage], "epreuves_of": epreuves_of,
        "max_acquis": MAX_ACQUIS,
    }  # fmt: skip


def _epreuves_context(draft: CandidatureDraft, form: object | None) -> dict[str, Any]:
    """The épreuves of the presented spécialité, grouped as the guide shows them, each with the position the core
    computes (an obligatoire kept by an acquis is « Bénéfice ») and the choices the candidate may make."""
    shown = form if isinstance(form, EpreuvesForm) else EpreuvesForm()
    specialite = specialite_of(draft)
    computed: dict[str, Any] = {}
    for attempt in (draft.with_form(shown), draft.with_form(EpreuvesForm())):
        try:
            recap = portal().candidatures.recapitulatif(security.current_token(), attempt)
        except ValidationError:
            continue
        computed = {e.code: e for _, mandatory, optional in recap.epreuves for e in (*mandatory, *optional)}
        break
    category = draft.informations.category_code if draft.informations else ""
    chosen = {c.code: c for c in shown.choices}
    parents = {e.parent for e in specialite.epreuves if e.parent} if specialite else set()
    rows: list[EpreuveRow] = []
    for epreuve in specialite.epreuves if specialite else ():
        done = computed.get(epreuve.code)
        choice = chosen.get(epreuve.code)
        if not epreuve.mandatory and choice is not None:
            position = choice.position
        elif done is not None:
            position = done.position.value
        else:
            position = "Inscrit" if epreuve.mandatory else "Non Inscrit"
        option = choice.option if choice else (done.option if done else None)
        mode = choice.mode if choice and choice.mode else (done.mode.value if done and done.mode else None)
        rows.append(
            EpreuveRow(
                epreuve.code, epreuve.label, epreuve.unit, epreuve.mandatory, epreuve.group, epreuve.parent,
                epreuve.code in parents, position, done.benefice_details if done else None,
                done.grade_academie if done else None, tuple(epreuve.options), option,
                tuple(m.value for m in epreuve.modes_for(category)), mode,
            )
        )  # fmt: skip
    groups = []
    for number, title in GROUPS:
        in_group = [r for r in rows if r.group == number]
        if in_group:
            groups.append((title, [r for r in in_group if r.mandatory], [r for r in in_group if not r.mandatory]))
    return {"form": shown, "groups": groups, "positions": POSITIONS, "specialite": specialite}


# -- Récapitulatif: « Visualiser/imprimer » and « Enregistrer » (CAN-17, CAN-10, CAN-12) -------------------------


@blueprint.post("/inscription/recapitulatif.pdf")
@security.login_required
def recapitulatif_pdf() -> Any:
    """CAN-17: the draft's Récapitulatif as a PDF, before the save (marked « pas encore enregistrée »)."""
    try:
        draft = _draft()
    except DraftRefused as refused:
        return _refused(refused)
    rendered = portal().documents.render_draft_recapitulatif(security.current_token(), draft)
    return attachment(rendered.data, rendered.media_type, rendered.filename, fallback="recapitulatif.pdf")


@blueprint.post("/inscription/enregistrer")
@security.login_required
def enregistrer() -> Any:
    """CAN-10 / CAN-12 « Enregistrer »: the core saves (version 1, or the next one of a modification); then the
    « N° Inscription » page. A refusal (service closed, a concurrent change) is shown on the Récapitulatif."""
    try:
        draft = _draft()
    except DraftRefused as refused:
        return _refused(refused)
    try:
        saved = portal().candidatures.save(security.current_token(), draft)
    except CycladesError as refused:
        try:
            return _tab_page(draft, FormErrors.of(refused))
        except CycladesError:
            return error_page(refused.http_status, refused.message)
    session[CONFIRMATION_KEY] = {
        "account_id": draft.account_id, "candidature_id": saved.candidature_id,
        "candidate_number": saved.candidate_number, "inscription_number": saved.inscription_number,
        "version": saved.version,
        "saved_at": saved.saved_at.isoformat(), "closes_at": saved.closes_at.isoformat(),
        "academie": saved.academie.code, "documents": list(saved.documents), "tabs": list(draft.tabs),
    }  # fmt: skip
    return redirect(f"/inscription/{saved.candidature_id}/numero", code=303)


def _stored_confirmation(candidature_id: str, account_id: str) -> SaveConfirmation | None:
    """The confirmation of this browser's last save, when it is this candidature's, saved by this account."""
    stored = session.get(CONFIRMATION_KEY)
    if not isinstance(stored, Mapping) or stored.get("candidature_id") != candidature_id:
        return None
    if stored.get("account_id") != account_id:
        return None
    academie = the_catalogue().academie(str(stored.get("academie", "")))
    if academie is None:
        return None
    try:
        return SaveConfirmation(
            candidature_id, str(stored["candidate_number"]), str(stored["inscription_number"]), int(stored["version"]),
            datetime.fromisoformat(str(stored["saved_at"])), datetime.fromisoformat(str(stored["closes_at"])),
            academie, tuple(str(d) for d in stored["documents"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None


@blueprint.get("/inscription/<candidature_id>/numero")
@security.login_required
def numero(candidature_id: str) -> Any:
    """The « N° Inscription » tab after « Enregistrer » (CAN-10), with the guide's texts word for word. Its data is
    the save's answer kept for this browser; another visit is sent to « Mon inscription »."""
    principal = portal().sessions.authenticate(security.current_token())
    confirmation = _stored_confirmation(candidature_id, principal.account_id)
    if confirmation is None:
        return redirect(f"/mon-inscription/{quote(candidature_id, safe='')}", code=303)
    stored = session.get(CONFIRMATION_KEY, {})
    tabs = tuple(str(t) for t in stored.get("tabs", ())) if isinstance(stored, Mapping) else ()
    return render_template("inscription/numero.html", confirmation=confirmation, tabs=(*tabs, NUMERO_TAB))
