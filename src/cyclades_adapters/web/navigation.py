"""Where a redirect may lead, and the portal's fixed addresses shared by several sections."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = ["FORCED_PASSWORD_CHANGE", "HOME", "PARIS", "local_path"]

#: Where a candidate lands after the login.
HOME = "/mes-inscriptions"
#: A pupil (or any account) that must first change its initial password (C6) is sent here from every page.
FORCED_PASSWORD_CHANGE = "/scolaire/mot-de-passe"
#: Every instant is stored in UTC and shown in Paris time.
PARIS = ZoneInfo("Europe/Paris")


def local_path(target: str, fallback: str, *, under: str = "/") -> str:
    """``target`` when it is a path of this portal starting with ``under``, else ``fallback`` (no open redirect).

    Refused: anything but an absolute path, a scheme or a host (``//evil``, ``/\\evil``), and any control character
    or space — browsers and ``urlsplit`` drop a tab or a newline, so ``/<TAB>/evil`` would become ``//evil``.
    """
    if not target.startswith(under) or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(character) < 0x21 or ord(character) == 0x7F for character in target):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target
