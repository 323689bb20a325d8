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
        sha1 = hashlib.sha1(password.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = sha1[:5], sha1[5:]
        # utf-8-sig: a byte-order mark before the first line is tolerated; any other undecodable byte is an error.
        with (self._directory / f"{prefix}.txt").open(encoding="utf-8-sig") as lines:
            for line in lines:
                found, _, count = line.strip().partition(":")
                if found.upper() == suffix:
                    # A line without a readable count still lists the password: it counts as seen.
                    return int(count) >= self._min_count if count.strip().isdigit() else True
        return False
