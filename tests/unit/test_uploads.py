"""Deciding a file's type by its content (JUS-06, H2, H3) and sanitizing names (H4), fuzzed (N4)."""

from __future__ import annotations

import contextlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyclades_core.errors import ValidationError
from cyclades_core.model.files import sniff_content_type
from cyclades_core.model.pieces import display_name, sanitize_filename
from cyclades_core.testing import minimal_pdf

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.rule("JUS-06")
class TestTypeByContent:
    @pytest.mark.parametrize(
        ("data", "name", "kind"),
        [(PDF, "confirmation signée.pdf", "application/pdf"), (PNG, "scan.PNG", "image/png"),
         (JPEG, "photo.jpeg", "image/jpeg"), (JPEG, "photo.jpg", "image/jpeg")],
    )  # fmt: skip
    def test_accepted_files(self, data: bytes, name: str, kind: str) -> None:
        assert sniff_content_type(data, name) == kind

    @pytest.mark.parametrize(
        ("data", "name", "code"),
        [
            (PNG, "x.pdf", "extension_mismatch"),  # a PNG renamed .pdf
            (PDF, "x.png", "extension_mismatch"),
            (b"junk" * 25 + PDF, "x.pdf", "unsupported_type"),  # junk before %PDF-
            (PDF, "x.pdf.exe", "extension_mismatch"),
            (PDF, "x.php%00.pdf", "extension_mismatch"),
            (PDF, "x.php\x00.pdf", "extension_mismatch"),
            (b"MZ\x90\x00", "x.pdf", "unsupported_type"),
            (b"", "x.pdf", "unsupported_type"),
        ],
    )  # fmt: skip
    def test_refused_files_name_the_field(self, data: bytes, name: str, code: str) -> None:
        with pytest.raises(ValidationError) as refused:
            sniff_content_type(data, name)
        error = refused.value.for_field("file")
        assert error is not None
        assert error.code == code

    @pytest.mark.rule("H3")
    @pytest.mark.parametrize("seed", range(20))
    def test_random_looking_image_data_does_not_decide_the_type(self, seed: int) -> None:
        """Issue 15 item 3: a scan's compressed image data holds ``/JS``, ``/AA`` or ``PK\\x03\\x04`` by chance
        (10 % of 1 MiB scans were refused); the sniffer reads magic bytes only, the inspector parses the rest."""
        noise = random.Random(seed).randbytes(64 * 1024) + b"/JS /AA PK\x03\x04"
        image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode /Length %d >>" % len(noise)
        scan = minimal_pdf(more=[image + b"\nstream\n" + noise + b"\nendstream"])
        assert sniff_content_type(scan, "scan.pdf") == "application/pdf"

    @given(st.binary(max_size=200), st.text(max_size=30))
    def test_the_sniffer_is_total(self, data: bytes, name: str) -> None:
        """N4: a type or a ValidationError, nothing else."""
        with contextlib.suppress(ValidationError):
            assert sniff_content_type(data, name) in {"application/pdf", "image/png", "image/jpeg"}


HOSTILE_NAMES = [
    "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "C:\\boot.ini", "x.pdf\x00.exe", "x.php%00.pdf",
    "....//....//etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f", "\u202etxt.pdf", "a\r\nb.pdf", "CON", "nul.pdf",
    ".htaccess", "~/.ssh/id_rsa", "file\x7f.pdf", "é" * 300 + ".pdf", "   ", "", "a/b/c/d.pdf",
]  # fmt: skip


@pytest.mark.rule("JUS-06")
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_display_names_hold_no_path_nor_control_character(name: str) -> None:
    """H4: 20 hostile names; the display name has no separator, NUL or control character and fits 255 bytes."""
    shown = sanitize_filename(name)
    assert shown
    assert not any(c in shown for c in "/\\\x00\r\n\x7f\u202e")
    assert len(shown.encode("utf-8")) <= 255
    assert shown not in {".", ".."}


@pytest.mark.rule("H4")
class TestDisplayNames:
    """Issue 15 item 7."""

    def test_a_long_name_keeps_its_extension(self) -> None:
        shown = sanitize_filename("a" * 300 + ".pdf")
        assert shown == "a" * 251 + ".pdf"
        accented = sanitize_filename("é" * 300 + ".jpeg")
        assert accented.endswith("é.jpeg")
        assert len(accented.encode("utf-8")) <= 255

    @pytest.mark.parametrize("name", [".pdf", " .pdf", "..pdf", "dossier/.png", "C:\\scans\\.jpeg", "\x00.pdf"])
    def test_a_name_that_is_only_an_extension_is_refused_and_never_shown_as_the_extension(self, name: str) -> None:
        assert sanitize_filename(name) != name.rsplit(".", 1)[-1]
        with pytest.raises(ValidationError) as refused:
            display_name(name)
        error = refused.value.for_field("file")
        assert error is not None
        assert error.code == "missing_name"

    @pytest.mark.parametrize(
        ("name", "shown"),
        [("CON.pdf", "_CON.pdf"), ("nul.pdf", "_nul.pdf"), ("Aux", "_Aux"), ("com1.jpg", "_com1.jpg"),
         ("LPT9.png", "_LPT9.png"), ("prn.tar.pdf", "_prn.tar.pdf"), ("console.pdf", "console.pdf"),
         ("conte.pdf", "conte.pdf")],
    )  # fmt: skip
    def test_windows_reserved_device_names_are_made_safe(self, name: str, shown: str) -> None:
        assert sanitize_filename(name) == shown
        assert display_name(name) == shown

    def test_an_ordinary_name_is_unchanged(self) -> None:
        assert display_name("Relevé de notes 2021.pdf") == "Relevé de notes 2021.pdf"


@given(st.text())
def test_sanitizing_is_total_and_idempotent(name: str) -> None:
    shown = sanitize_filename(name)
    assert sanitize_filename(shown) == shown
    assert "/" not in shown
    assert len(shown.encode("utf-8")) <= 255
