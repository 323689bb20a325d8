"""Deciding a file's type by its content (JUS-06, H2, H3) and sanitizing names (H4), fuzzed (N4)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyclades_core.errors import ValidationError
from cyclades_core.model.files import sniff_content_type
from cyclades_core.model.pieces import sanitize_filename

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
            (PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
             "x.pdf", "suspicious_content"),
            (PDF + b"PK\x03\x04payload", "x.pdf", "suspicious_content"),  # a PDF+ZIP polyglot
        ],
    )  # fmt: skip
    def test_refused_files_name_the_field(self, data: bytes, name: str, code: str) -> None:
        with pytest.raises(ValidationError) as refused:
            sniff_content_type(data, name)
        error = refused.value.for_field("file")
        assert error is not None
        assert error.code == code

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


@given(st.text())
def test_sanitizing_is_total_and_idempotent(name: str) -> None:
    shown = sanitize_filename(name)
    assert sanitize_filename(shown) == shown
    assert "/" not in shown
    assert len(shown.encode("utf-8")) <= 255
