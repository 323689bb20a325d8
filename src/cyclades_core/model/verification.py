"""The verification code printed on every document (issue 8): a keyed MAC of the document's identity, which the
managing service checks with one call to tell a genuine document from an edited one."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cyclades_core.model.documents import DocumentKind

__all__ = ["DocumentSigner"]


class DocumentSigner:
    """``key`` is the deployment's secret (at least 16 bytes), the same for every process; it signs and verifies.

    ``old_keys`` are verify-only (key rotation): a document printed under a previous key still verifies, no new
    code is made with one. Rotate by making the current key the first old key and setting a new current key."""

    def __init__(self, key: bytes, old_keys: Sequence[bytes] = ()) -> None:
        if len(key) < 16 or any(len(old) < 16 for old in old_keys):
            raise ValueError("a document key needs at least 16 bytes")
        self._key = key
        self._keys = (key, *old_keys)

    def code(self, kind: DocumentKind, candidate_number: str, inscription_number: str, version: int) -> str:
        """``ABCD-EFGH-IJKL``: 60 bits of HMAC-SHA256 over (type, candidate, inscription, version)."""
        return _code(self._key, kind, candidate_number, inscription_number, version)

    def verify(
        self, code: str, kind: DocumentKind, candidate_number: str, inscription_number: str, version: int
    ) -> bool:
        """Whether ``code`` is the one of that document; typing case and dashes do not matter."""
        identity = (candidate_number, inscription_number)
        if not isinstance(kind, DocumentKind) or isinstance(version, bool) or not isinstance(version, int):
            return False  # no document of that type or version exists
        if not all(isinstance(part, str) and _encodable(part) for part in (code, *identity)) or not code.isascii():
            return False  # no document carries it: nothing printable on one is outside ASCII or unencodable
        given = "".join(code.split()).replace("-", "").upper()
        matches = [
            hmac.compare_digest(_code(key, kind, candidate_number, inscription_number, version).replace("-", ""), given)
            for key in self._keys  # every key is tried: the time does not tell which one matched
        ]
        return any(matches)


def _code(key: bytes, kind: DocumentKind, candidate_number: str, inscription_number: str, version: int) -> str:
    identity = f"{kind.name}|{candidate_number}|{inscription_number}|{version}".encode()
    digest = hmac.new(key, identity, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode("ascii")[:12]
    return "-".join(text[i : i + 4] for i in range(0, 12, 4))


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
