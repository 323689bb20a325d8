"""The candidature draft carried between the form's tabs in a signed hidden field (guide section 6).

Nothing of the form is stored on the server until « Enregistrer »: the core hands the page a
:class:`~cyclades_core.CandidatureDraft`, the page hands it back with the next request. On the way it is unstructured
(:func:`cyclades_adapters.edge.unstructure_form`), written as compact JSON, zlib-compressed when that is shorter and
signed by :class:`itsdangerous.URLSafeSerializer` with :attr:`WebSettings.secret_key` and a salt of its own, so that
neither a CSRF token nor a session cookie can pass for a draft. A draft whose signature does not match, that no longer
fits the current form, or that belongs to another account than the session's is refused (:class:`DraftRefused`,
answered with 400 and a French message); the core still checks every value it reads from it.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer

from cyclades_adapters.edge import structure_form, unstructure_form
from cyclades_adapters.web import security
from cyclades_core import CandidatureDraft
from cyclades_core.errors import ValidationError

__all__ = [
    "DRAFT_FIELD",
    "FOREIGN_DRAFT",
    "INVALID_DRAFT",
    "MAX_SIGNED_BYTES",
    "DraftRefused",
    "read_draft",
    "sign_draft",
]

#: The hidden field's name in every tab's form.
DRAFT_FIELD = "brouillon"
#: A draft signed for another purpose (or with another salt) is not a draft.
SALT = "cyclades.web.inscription.brouillon"
#: A signed draft of the guide's example is about 1 KB; anything far larger was not made here.
MAX_SIGNED_BYTES = 16 * 1024

INVALID_DRAFT = (
    "Le formulaire d'inscription reçu est invalide ou a été modifié : il n'a pas été pris en compte. "
    "Veuillez recommencer votre inscription depuis « Mes inscriptions »."
)
FOREIGN_DRAFT = (
    "Ce formulaire d'inscription a été commencé avec un autre compte : il n'a pas été pris en compte. "
    "Veuillez recommencer votre inscription depuis « Mes inscriptions »."
)


class DraftRefused(Exception):
    """A hidden draft that cannot be used: its French message is shown with status 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(security.settings().secret_key, salt=SALT)


def sign_draft(draft: CandidatureDraft) -> str:
    """The hidden field's value for ``draft`` (URL-safe text, signed)."""
    signed: str = _serializer().dumps(unstructure_form(draft))
    return signed


def read_draft(signed: str, account_id: str) -> CandidatureDraft:
    """The draft of a hidden field, checked: signed here, of the current form's shape, of ``account_id``'s account.

    Raises :class:`DraftRefused` otherwise (the signature is checked before anything is decompressed or parsed)."""
    if not signed or len(signed) > MAX_SIGNED_BYTES:
        raise DraftRefused(INVALID_DRAFT)
    try:
        payload = _serializer().loads(signed)
    except BadData:
        raise DraftRefused(INVALID_DRAFT) from None
    if not isinstance(payload, dict):
        raise DraftRefused(INVALID_DRAFT)
    try:
        draft = structure_form(CandidatureDraft, payload)
    except (ValidationError, TypeError, ValueError):  # a draft of an earlier version of the form
        raise DraftRefused(INVALID_DRAFT) from None
    if draft.account_id != account_id:
        raise DraftRefused(FOREIGN_DRAFT)
    if isinstance(draft.current, bool) or not 0 <= draft.current < len(draft.tabs):
        raise DraftRefused(INVALID_DRAFT)
    return draft
