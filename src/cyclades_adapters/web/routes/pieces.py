"""Guide section 11 « Mes pièces justificatives »: the pièces of one candidature grouped by mode of deposit and
deadline (JUS-01), the online deposit (« Ajouter », JUS-03), the deletion of a deposited file, « J'ai fourni toutes
mes pièces » (JUS-04), the manager's status and comment (JUS-05), and the download of the candidate's own file.

The deposit is streamed: the file is read from the request in chunks handed to the core, which enforces the size
limit while reading and decides the type by the content (JUS-06). A body larger than the limit is refused by werkzeug
(``MAX_CONTENT_LENGTH``) with 413 before it is read; this blueprint shows that refusal next to the pièce's field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from flask import Blueprint, flash, g, redirect, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from cyclades_adapters.web import security
from cyclades_adapters.web.app import error_page, portal
from cyclades_adapters.web.downloads import attachment
from cyclades_adapters.web.errors import FormErrors
from cyclades_core import FileTooLarge
from cyclades_core.errors import CycladesError

__all__ = ["CHUNK_BYTES", "blueprint", "chunks", "field_id", "group_field"]

blueprint = Blueprint("pieces", __name__)

#: The size of the chunks the upload is read in.
CHUNK_BYTES = 64 * 1024
#: The pièce a deposit is for travels in the form's action (``?piece=CINSIG01``), so that a body refused before it
#: is read (413) can still be reported next to the right field.
PIECE_ARG = "piece"
NO_FILE = "Choisissez le fichier à déposer."
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")


def field_id(code: str) -> str:
    """The id of a pièce's file input (one form per pièce, each input named ``file``)."""
    return f"fichier-{code}"


def chunks(stream: IO[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The upload read ``size`` bytes at a time; the core stops reading past its limit."""
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


def _page_path(candidature_id: str) -> str:
    return f"/mes-pieces-justificatives/{candidature_id}"


def _code() -> str:
    """The pièce named by the request (query for a deposit, form for a deletion); "" when malformed."""
    code = request.args.get(PIECE_ARG) or request.form.get("code", "")
    return code if _CODE.fullmatch(code) else ""


def _at_field(error: CycladesError, field: str) -> FormErrors:
    """Every message of ``error`` next to ``field`` (the refused file's input, or the group's button), and in the
    summary: a refusal of the type, the size, the antivirus, the period or the lock is about that field."""
    found = FormErrors.of(error)
    messages = tuple(m for _, m in found.summary())
    return FormErrors({field: messages}, (), found.status)


def _page(candidature_id: str, errors: FormErrors | None = None) -> tuple[str, int]:
    errors = errors or FormErrors()
    groups = portal().pieces.mes_justificatifs(security.current_token(), candidature_id)
    page = render_template(
        "pieces/mes_pieces.html", candidature_id=candidature_id, groups=groups, errors=errors,
        accepted=portal().pieces.accepted, field_id=field_id, group_field=group_field, piece_arg=PIECE_ARG,
    )  # fmt: skip
    return page, errors.status


@blueprint.get("/mes-pieces-justificatives/<candidature_id>")
@security.login_required
def mes_pieces(candidature_id: str) -> tuple[str, int]:
    return _page(candidature_id)


@blueprint.post("/mes-pieces-justificatives/<candidature_id>/deposer")
@security.login_required
def deposer(candidature_id: str) -> Any:
    """JUS-03 « Ajouter »: the file read in chunks, handed to the core as it is read."""
    code = _code()
    upload = request.files.get("file")
    if upload is None or not upload.filename:  # the form sent without a file chosen
        return _page(candidature_id, FormErrors.of_field(field_id(code), NO_FILE))
    try:
        portal().pieces.upload(security.current_token(), candidature_id, code, upload.filename, chunks(upload.stream))
    except CycladesError as refused:
        return _page(candidature_id, _at_field(refused, field_id(code)))
    flash("Votre fichier a été déposé.")
    return redirect(_page_path(candidature_id), code=303)


@blueprint.post("/mes-pieces-justificatives/<candidature_id>/supprimer")
@security.login_required
def supprimer(candidature_id: str) -> Any:
    code = _code()
    try:
        portal().pieces.delete_file(security.current_token(), candidature_id, code)
    except CycladesError as refused:
        return _page(candidature_id, _at_field(refused, field_id(code)))
    flash("Le fichier a été supprimé.")
    return redirect(_page_path(candidature_id), code=303)


@blueprint.post("/mes-pieces-justificatives/<candidature_id>/valider")
@security.login_required
def valider(candidature_id: str) -> Any:
    """JUS-04 « J'ai fourni toutes mes pièces » for one group."""
    group = request.form.get("group", "")
    try:
        portal().pieces.validate(security.current_token(), candidature_id, group)
    except CycladesError as refused:
        return _page(candidature_id, _at_field(refused, group_field(group)))
    flash("Vos pièces ont été validées : elles pourront être étudiées par le gestionnaire.")
    return redirect(_page_path(candidature_id), code=303)


def group_field(group_id: str) -> str:
    return "valider-" + re.sub(r"[^A-Za-z0-9_-]", "-", group_id)


@blueprint.get("/mes-pieces-justificatives/<candidature_id>/fichier/<code>")
@security.login_required
def fichier(candidature_id: str, code: str) -> Response:
    """The candidate's own deposited file, as an attachment (never shown inline)."""
    name, content_type, data = portal().pieces.file(security.current_token(), candidature_id, code)
    return attachment(data, content_type, name)


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    """A body over the limit, refused by werkzeug before it is read (nothing of it is kept): the pièces page with
    the core's size message next to the pièce's field, or the plain 413 page when there is no page to show."""
    candidature_id = (request.view_args or {}).get("candidature_id")
    code = request.args.get(PIECE_ARG, "")
    token = security.session_token()
    if not candidature_id or token is None or not _CODE.fullmatch(code):
        return error_page(413)
    refused = FileTooLarge(portal().pieces.max_bytes)
    g.session_token = token  # what login_required would have set
    try:
        page, _ = _page(candidature_id, FormErrors({field_id(code): (refused.errors[0].message,)}, (), 413))
    except CycladesError:
        return error_page(413)
    return page, 413
