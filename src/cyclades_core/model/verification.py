"""The verification code printed on every document (issue 8): a keyed MAC of the document's identity, which the
managing service checks with one call to tell a genuine document from an edited one."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cyclades_core.model.documents import DocumentKind

__all__ = ["DocumentSigner"]


class DocumentSigner:
    """``key`` is the deployment's secret (at least 16 bytes), the same for every process."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the document key needs at least 16 bytes")
        self._key = key

    def code(self, kind: DocumentKind, candidate_number: str, inscription_number: str, version: int) -> str:
        """``ABCD-EFGH-IJKL``: 60 bits of HMAC-SHA256 over (type, candidate, inscription, version)."""
        identity = f"{kind.name}|{candidate_number}|{inscription_number}|{version}".encode()
        digest = hmac.new(self._key, identity, hashlib.sha256).digest()
        text = base64.b32encode(digest).decode("ascii")[:12]
        return "-".join(text[i : i + 4] for i in range(0, 12, 4))

    def verify(
        self, code: str, kind: DocumentKind, candidate_number: str, inscription_number: str, version: int
    ) -> bool:
        """Whether ``code`` is the one of that document; typing case and dashes do not matter."""
        identity = (candidate_number, inscription_number)
        if not all(map(_encodable, identity)) or not code.isascii():
            return False  # no document carries it: nothing printable on one is outside ASCII or unencodable
        expected = self.code(kind, candidate_number, inscription_number, version).replace("-", "")
        given = "".join(code.split()).replace("-", "").upper()
        return hmac.compare_digest(expected, given)


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
