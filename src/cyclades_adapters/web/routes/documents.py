"""Guide sections 9 « Mes documents » and 10 « Les formulaires »: the documents published on one candidature with
their version and update time (DOC-03), each downloaded as a PDF rendered at its published version, and the
formulaires, unused for the BTS (DOC-04)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from werkzeug.wrappers import Response

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
from cyclades_adapters.web.downloads import attachment
from cyclades_core import DocumentKind

__all__ = ["KIND_SLUGS", "blueprint", "document_path"]

blueprint = Blueprint("documents", __name__)

#: The name of each kind of document in its address (``/mes-documents/<id>/confirmation-inscription.pdf``).
KIND_SLUGS = {
    DocumentKind.CONFIRMATION: "confirmation-inscription",
    DocumentKind.DEMANDE_PIECES: "demande-pieces-justificatives",
    DocumentKind.RELANCE_PIECES: "relance-pieces-justificatives",
    DocumentKind.RECAPITULATIF: "recapitulatif-inscription",
}
_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}


def document_path(candidature_id: str, kind: DocumentKind) -> str:
    return f"/mes-documents/{candidature_id}/{KIND_SLUGS[kind]}.pdf"


@blueprint.get("/mes-documents/<candidature_id>")
@security.login_required
def mes_documents(candidature_id: str) -> str:
    """DOC-03 « Liste des documents publiés », then DOC-04 « Les formulaires » (another candidate's candidature is
    CandidatureNotFound: the error page, 404)."""
    token = security.current_token()
    documents = portal().candidatures.documents(token, candidature_id)
    formulaires = portal().documents.formulaires(token, candidature_id)
    return render_template(
        "documents/mes_documents.html", candidature_id=candidature_id, documents=documents,
        formulaires=formulaires, document_path=document_path,
    )  # fmt: skip


@blueprint.get("/mes-documents/<candidature_id>/<slug>.pdf")
@security.login_required
def document(candidature_id: str, slug: str) -> Response:
    """The published document as a PDF attachment, at its published version; opening it marks it seen (CAN-14)."""
    kind = _KINDS.get(slug)
    if kind is None:
        abort(404)
    rendered = portal().documents.render(security.current_token(), candidature_id, kind)
    return attachment(rendered.data, rendered.media_type, rendered.filename, fallback="document.pdf")
