"""A file sent to the browser: always an attachment (never shown inline), never kept by a cache, under a name that
a header can hold.

The core's names are already display names (the pièce's, the document's: quotes, separators and control characters
replaced); here only what a ``Content-Disposition`` header or a file system must not hold is replaced, so a French
name keeps its accents (werkzeug sends it as ``filename*=UTF-8''…`` beside an ASCII ``filename=``)."""

from __future__ import annotations

import io
import re

from flask import send_file
from werkzeug.wrappers import Response

__all__ = ["attachment"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]+')


def attachment(data: bytes, content_type: str, name: str, *, fallback: str = "document") -> Response:
    shown = _UNSAFE.sub("_", name).strip(" .") or fallback
    response = send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=shown, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
