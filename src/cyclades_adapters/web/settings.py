"""The web portal's settings: one frozen value, given to :func:`~cyclades_adapters.web.create_app`."""

from __future__ import annotations

from attrs import field, frozen
from attrs.validators import ge, optional

__all__ = ["WebSettings"]


def _long_enough(_: object, __: object, value: bytes) -> None:
    if len(value) < 32:
        raise ValueError("secret_key: at least 32 bytes (CYCLADES_WEB_SECRET)")


@frozen
class WebSettings:
    #: Signs the CSRF tokens and the candidature draft carried between tabs; the same in every worker process.
    secret_key: bytes = field(validator=_long_enough, repr=False)
    #: ``Secure`` on every cookie: keep it on behind HTTPS; ``False`` only for a portal served over local http.
    cookie_secure: bool = True
    #: The largest body of a pièce's upload (a multipart body to ``pieces.deposer``), refused with 413 before it is
    #: read; ``None``: the portal's largest pièce (``portal.pieces.max_bytes``) plus 64 KiB for the form's other fields
    #: and the multipart framing. Every other request is limited to ``security.FORM_BYTES`` (512 KiB), or to this
    #: when it is smaller.
    max_request_bytes: int | None = field(default=None, validator=optional(ge(1024)))
    #: Rows per page of the back office's list of candidatures.
    page_size: int = field(default=50, validator=ge(1))
    #: Trust ``X-Forwarded-For`` for the client address given to the throttles (behind one reverse proxy only).
    trust_proxy: bool = False
