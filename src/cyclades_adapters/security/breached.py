"""The breached-password port (D3) over a local copy of Have I Been Pwned's Pwned Passwords, by k-anonymity range.

The corpus is the one `PwnedPasswordsDownloader` writes: one text file per 5-hex-digit prefix of the SHA-1
(``00000.txt`` … ``FFFFF.txt``), each line ``SUFFIX:COUNT`` with the 35 remaining hex digits. A lookup reads the one
file of the password's prefix; nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["RangeFileBreachedPasswords"]


class RangeFileBreachedPasswords:
    """Looks a password up in ``directory``'s range files. ``min_count`` ignores suffixes seen fewer times.

    A missing directory or range file, or an unreadable one, raises ``OSError``: an incomplete corpus cannot say a
    password is clean, and the use cases apply the deployment's decision (``breached_passwords_unavailable``).
    """

    def __init__(self, directory: str | Path, *, min_count: int = 1) -> None:
        self._directory = Path(directory)
        self._min_count = min_count

    def breached(self, password: str) -> bool:
        sha1 = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = sha1[:5], sha1[5:]
        with (self._directory / f"{prefix}.txt").open(encoding="ascii") as lines:
            for line in lines:
                found, _, count = line.strip().partition(":")
                if found.upper() == suffix:
                    return int(count or 0) >= self._min_count
        return False
