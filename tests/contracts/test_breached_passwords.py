"""The breached-password port (D3): the local range-file adapter passes the contract, reads only its prefix's file,
and cannot call a password clean when its range file is missing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cyclades_adapters.security import RangeFileBreachedPasswords
from cyclades_core.ports.security import BreachedPasswords
from cyclades_core.testing.contracts import BreachedPasswordsContract


def _sha1(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


def write_corpus(directory: Path, breached: dict[str, int], also_prefixes_of: tuple[str, ...] = ()) -> Path:
    """Range files as PwnedPasswordsDownloader writes them, with decoy lines around each real one."""
    files: dict[str, list[str]] = {}
    for password in also_prefixes_of:
        files.setdefault(_sha1(password)[:5], [])
    for password, count in breached.items():
        digest = _sha1(password)
        files.setdefault(digest[:5], []).append(f"{digest[5:]}:{count}")
    for prefix, lines in files.items():
        decoys = [f"{'0' * 34}{i}:3" for i in range(3)]
        (directory / f"{prefix}.txt").write_text("\r\n".join(sorted(decoys + lines)) + "\r\n", encoding="ascii")
    return directory


class TestRangeFiles(BreachedPasswordsContract):
    @pytest.fixture
    def corpus(self, tmp_path: Path) -> BreachedPasswords:
        write_corpus(tmp_path, {self.KNOWN_BREACHED: 52_000}, also_prefixes_of=(self.NOT_BREACHED,))
        return RangeFileBreachedPasswords(tmp_path)


def test_a_rare_suffix_is_ignored_below_the_minimum_count(tmp_path: Path) -> None:
    write_corpus(tmp_path, {"Rarement*Vu9": 1, "Souvent*Vu9": 40})
    corpus = RangeFileBreachedPasswords(tmp_path, min_count=2)
    assert corpus.breached("Rarement*Vu9") is False
    assert corpus.breached("Souvent*Vu9") is True


def test_a_missing_range_file_or_directory_is_an_error_never_a_clean_answer(tmp_path: Path) -> None:
    write_corpus(tmp_path, {"P@ssw0rd": 3})
    with pytest.raises(OSError):
        RangeFileBreachedPasswords(tmp_path).breached("un autre mot de passe")
    with pytest.raises(OSError):
        RangeFileBreachedPasswords(tmp_path / "absent").breached("P@ssw0rd")


def test_odd_lines_count_as_listed_and_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    """A matching line with no count or a garbled one still lists the password (never a clean answer by accident);
    a byte-order mark at the start of a file does not hide its first line; odd passwords are looked up too."""
    for password, line in (("Sans*Compte9", ""), ("Compte*Abime9", ":12abc")):
        digest = _sha1(password)
        (tmp_path / f"{digest[:5]}.txt").write_text(f"{digest[5:]}{line}\r\n", encoding="ascii")
        assert RangeFileBreachedPasswords(tmp_path).breached(password) is True
    digest = _sha1("Avec*Bom9")
    (tmp_path / f"{digest[:5]}.txt").write_text(f"{digest[5:].lower()}:7\r\n", encoding="utf-8-sig")
    assert RangeFileBreachedPasswords(tmp_path).breached("Avec*Bom9") is True
    lone = "x\udc80y"
    digest = hashlib.sha1(lone.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest().upper()
    (tmp_path / f"{digest[:5]}.txt").write_text(f"{digest[5:]}:2\n", encoding="ascii")
    assert RangeFileBreachedPasswords(tmp_path).breached(lone) is True
