"""Deciding what an uploaded file is from its bytes, never from its name or declared type (JUS-06, H2, H3)."""

from __future__ import annotations

import re

from cyclades_core.errors import ValidationError

__all__ = ["ACCEPTED", "EXTENSIONS", "sniff_content_type"]

#: What the form states as accepted (JUS-03).
ACCEPTED = "PDF, JPEG ou PNG"
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
_ACTIVE_PDF = re.compile(rb"/(?:JS|JavaScript|OpenAction|AA|Launch|EmbeddedFile)\b")
_ZIP_MARKERS = (b"PK\x03\x04", b"PK\x05\x06")


def _kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):  # at offset 0, strictly (readers tolerate junk before it; we do not)
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def sniff_content_type(data: bytes, filename: str, field: str = "file") -> str:
    """The file's type from its magic bytes; it must agree with an allow-listed extension of the name, and a PDF
    must carry no active content and no embedded archive. Raises ValidationError naming ``field``."""
    kind = _kind(data)
    if kind is None:
        raise ValidationError.single(field, "unsupported_type", f"Format de fichier non accepté ({ACCEPTED}).")
    lowered = filename.lower()
    if not lowered.endswith(EXTENSIONS[kind]) or "\x00" in filename or "%00" in lowered:
        raise ValidationError.single(
            field, "extension_mismatch", "L'extension du fichier ne correspond pas à son contenu."
        )
    if kind == "application/pdf" and (_ACTIVE_PDF.search(data) or any(m in data for m in _ZIP_MARKERS)):
        raise ValidationError.single(
            field, "suspicious_content", "Ce PDF contient du contenu actif ou une archive : il est refusé."
        )
    return kind
