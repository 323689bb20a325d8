"""Deciding what an uploaded file is from its bytes, never from its name or declared type (JUS-06, H2), and the
refusals of the structural inspection that follows (H3, the :class:`~cyclades_core.ports.files.UploadInspector`
port).

The core only reads magic bytes and names. Looking inside a file (objects, streams, pixels) needs a real parser:
that is an adapter's work (``cyclades_adapters.files.inspection``), behind the port.
"""

from __future__ import annotations

from enum import Enum

from cyclades_core.errors import ValidationError

__all__ = ["ACCEPTED", "EXTENSIONS", "UploadRefusal", "sniff_content_type"]

#: What the form states as accepted (JUS-03).
ACCEPTED = "PDF, JPEG ou PNG"
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}


class UploadRefusal(Enum):
    """Why an inspector refuses a file: a stable code (the value) and a French message for the candidate."""

    ACTIVE_CONTENT = "suspicious_content"
    FOREIGN_DATA = "foreign_content"
    ENCRYPTED = "encrypted_pdf"
    UNREADABLE = "unreadable_pdf"
    TOO_LARGE_INFLATED = "inflated_too_large"
    NOT_AN_IMAGE = "not_an_image"

    @property
    def message(self) -> str:
        return _MESSAGES[self]

    def error(self, field: str = "file") -> ValidationError:
        """The ValidationError naming ``field`` that reports this refusal."""
        return ValidationError.single(field, self.value, self.message)


_MESSAGES = {
    UploadRefusal.ACTIVE_CONTENT: "Ce PDF contient du contenu actif ou une archive : il est refusé.",
    UploadRefusal.FOREIGN_DATA: (
        "Ce PDF contient des données qui ne sont pas du PDF (page web, archive ou autre fichier collé au document) :"
        " il est refusé."
    ),
    UploadRefusal.ENCRYPTED: ("Ce PDF est protégé par un mot de passe : déposez une version sans mot de passe."),
    UploadRefusal.UNREADABLE: (
        "Ce PDF est endommagé ou illisible : enregistrez-le à nouveau au format PDF puis déposez-le."
    ),
    UploadRefusal.TOO_LARGE_INFLATED: "Ce fichier est trop volumineux une fois décompressé : il est refusé.",
    UploadRefusal.NOT_AN_IMAGE: "Ce fichier n'est pas une image JPEG ou PNG lisible : il est refusé.",
}


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):  # at offset 0, strictly (readers tolerate junk before it; we do not)
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def sniff_content_type(data: bytes, filename: str, field: str = "file") -> str:
    """The file's type from its magic bytes; it must agree with an allow-listed extension of the name. Raises
    ValidationError naming ``field``.

    This is the first screen only: what the file holds (active content, archives, bombs, whether an image decodes)
    is the inspector's decision (:class:`~cyclades_core.ports.files.UploadInspector`, H3). Grepping the raw bytes
    for ``/JS`` or ``PK`` here was both bypassable (name escapes, compressed streams) and wrong on genuine scans
    (random-looking image data holds those bytes by chance).
    """
    kind = _kind(data)
    if kind is None:
        raise ValidationError.single(field, "unsupported_type", f"Format de fichier non accepté ({ACCEPTED}).")
    lowered = filename.lower()
    if not lowered.endswith(EXTENSIONS[kind]) or "\x00" in filename or "%00" in lowered:
        raise ValidationError.single(
            field, "extension_mismatch", "L'extension du fichier ne correspond pas à son contenu."
        )
    return kind
