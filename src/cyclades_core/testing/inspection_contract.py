"""The contract suite of the :class:`~cyclades_core.ports.files.UploadInspector` port (H3), and the small file
builders it uses. Public API, versioned; never renamed.

Subclass it and provide its one fixture::

    class TestMyInspector(UploadInspectorContract):
        @pytest.fixture
        def inspector(self) -> UploadInspector:
            return MyInspector()

The files are built with the standard library only (``zlib``, a correct cross-reference table), in
``cyclades_core.testing._files`` (no pytest there) and re-exported here, so the suite runs for any adapter without a
PDF library. The larger corpus of ``tests/data/uploads`` (built by ``scripts/build_upload_corpus.py`` with
reportlab, img2pdf and pikepdf) runs against the shipped adapter.
"""

from __future__ import annotations

import zlib

import pytest

from cyclades_core.errors import ValidationError
from cyclades_core.model.files import UploadRefusal
from cyclades_core.ports.files import UploadInspector
from cyclades_core.testing._files import (
    _chunk,
    _flate_bomb,
    _MiB,
    _pages,
    _stream,
    _zip,
    minimal_jpeg,
    minimal_pdf,
    minimal_png,
    pdf_from_objects,
)

__all__ = ["UploadInspectorContract", "minimal_jpeg", "minimal_pdf", "minimal_png", "pdf_from_objects"]

_JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
_LINK = b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A "

#: name → a PDF holding active content, refused as ACTIVE_CONTENT.
ACTIVE_PDFS = {
    "openaction_javascript": lambda: _pages(catalog=b"/OpenAction " + _JS),
    "escaped_names": lambda: _pages(catalog=b"/#4FpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
    "escaped_aa_on_page": lambda: _pages(page=b"/#41A << /O << /S /GoTo /D [4 0 R /Fit] >> >>"),
    "names_javascript": lambda: _pages(catalog=b"/Names << /JavaScript << /Names [(a) " + _JS + b"] >> >>"),
    "launch": lambda: _pages(page=b"/Annots [6 0 R]", more=[_LINK + b"<< /S /Launch /F (cmd.exe) >> >>"]),
    "gotor": lambda: _pages(page=b"/Annots [6 0 R]", more=[_LINK + b"<< /S /GoToR /F (x.pdf) /D [0 /Fit] >> >>"]),
    "submitform": lambda: _pages(page=b"/Annots [6 0 R]", more=[_LINK + b"<< /S /SubmitForm /F (https://x) >> >>"]),
    "uri_javascript": lambda: _pages(page=b"/Annots [6 0 R]", more=[_LINK + b"<< /S /URI /URI ( JavaScript:x) >> >>"]),
    "uri_unc_path": lambda: _pages(
        page=b"/Annots [6 0 R]", more=[_LINK + b"<< /S /URI /URI (\\\\\\\\evil\\\\s) >> >>"]
    ),
    "embedded_files": lambda: _pages(
        catalog=b"/Names << /EmbeddedFiles << /Names [(x.zip) 6 0 R] >> >>",
        more=[b"<< /Type /Filespec /F (x.zip) /EF << /F 7 0 R >> >>", _stream(_zip(), b"/Type /EmbeddedFile ")],
    ),
    "file_attachment_annotation": lambda: _pages(
        page=b"/Annots [6 0 R]", more=[b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS (x) >>"]
    ),
    "xfa": lambda: _pages(catalog=b"/AcroForm << /Fields [] /XFA 6 0 R >>", more=[_stream(b"<xdp:xdp/>")]),
    "richmedia": lambda: _pages(
        page=b"/Annots [6 0 R]", more=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"]
    ),
    "javascript_in_flate_stream": lambda: _pages(
        catalog=b"/OpenAction << /S /JavaScript /J#53 6 0 R >>", more=[_stream(b"app.alert(1);")]
    ),
    "zip_inside_a_stream": lambda: _pages(more=[_stream(_zip())]),
}

#: name → a PDF carrying bytes that belong to no PDF object, refused as FOREIGN_DATA.
FOREIGN_PDFS = {
    "zip_appended": lambda: minimal_pdf() + _zip(),
    "html_after_header": lambda: _pages(after_header=b"<html><script>alert(1)</script></html>\n"),
    "script_after_eof": lambda: minimal_pdf() + b"<script>alert(1)</script>\n",
}


class UploadInspectorContract:
    """Fixture: ``inspector``. Genuine files pass; each hostile one is refused with the
    :class:`~cyclades_core.model.files.UploadRefusal` the port's docstring names, as a ValidationError on ``file``."""

    @pytest.fixture
    def inspector(self) -> UploadInspector:
        raise NotImplementedError

    @staticmethod
    def refusal(inspector: UploadInspector, data: bytes, content_type: str) -> str:
        with pytest.raises(ValidationError) as refused:
            inspector.inspect(data, content_type)
        error = refused.value.for_field("file")
        assert error is not None, refused.value.fields
        assert error.message
        return error.code

    @pytest.mark.parametrize("pages", [1, 12])
    def test_a_well_formed_pdf_is_accepted(self, inspector: UploadInspector, pages: int) -> None:
        inspector.inspect(minimal_pdf(pages), "application/pdf")

    def test_a_pdf_with_an_https_link_is_accepted(self, inspector: UploadInspector) -> None:
        link = _LINK + b"<< /S /URI /URI (https://www.education.gouv.fr/) >> >>"
        inspector.inspect(_pages(page=b"/Annots [6 0 R]", more=[link]), "application/pdf")

    @pytest.mark.parametrize(
        "opening", [b"[4 0 R /XYZ null null 0]", b"<< /S /GoTo /D [4 0 R /Fit] >>"], ids=["libreoffice", "pdftex"]
    )
    def test_an_openaction_that_only_shows_a_page_is_accepted(self, inspector: UploadInspector, opening: bytes) -> None:
        """What LibreOffice and pdfTeX write: the document opens at a page and nothing runs."""
        inspector.inspect(_pages(catalog=b"/OpenAction " + opening + b" "), "application/pdf")

    def test_an_openaction_that_does_more_is_refused(self, inspector: UploadInspector) -> None:
        data = _pages(catalog=b"/#4FpenAction << /S /URI /URI (https://tracker.example/open) >>")
        assert self.refusal(inspector, data, "application/pdf") == UploadRefusal.ACTIVE_CONTENT.value

    def test_a_link_typed_without_a_scheme_is_accepted(self, inspector: UploadInspector) -> None:
        """Word writes a link as it was typed: ``www.exemple.fr``."""
        link = _LINK + b"<< /S /URI /URI (www.education.gouv.fr) >> >>"
        inspector.inspect(_pages(page=b"/Annots [6 0 R]", more=[link]), "application/pdf")

    def test_well_formed_images_are_accepted(self, inspector: UploadInspector) -> None:
        inspector.inspect(minimal_png(), "image/png")
        inspector.inspect(minimal_jpeg(), "image/jpeg")

    @pytest.mark.parametrize("name", sorted(ACTIVE_PDFS))
    def test_active_content_is_refused(self, inspector: UploadInspector, name: str) -> None:
        code = self.refusal(inspector, ACTIVE_PDFS[name](), "application/pdf")
        assert code == UploadRefusal.ACTIVE_CONTENT.value

    @pytest.mark.parametrize("name", sorted(FOREIGN_PDFS))
    def test_bytes_outside_the_pdf_syntax_are_refused(self, inspector: UploadInspector, name: str) -> None:
        assert self.refusal(inspector, FOREIGN_PDFS[name](), "application/pdf") == UploadRefusal.FOREIGN_DATA.value

    def test_a_flate_bomb_is_refused(self, inspector: UploadInspector) -> None:
        """About 1 MB of compressed stream that inflates to 1 GiB."""
        bomb = _flate_bomb(1024 * _MiB)
        data = _pages(more=[b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"])
        assert self.refusal(inspector, data, "application/pdf") == UploadRefusal.TOO_LARGE_INFLATED.value

    def test_a_pdf_that_is_not_one_is_refused(self, inspector: UploadInspector) -> None:
        assert self.refusal(inspector, b"%PDF-1.7\n" + _zip(), "application/pdf") in {
            UploadRefusal.UNREADABLE.value,
            UploadRefusal.FOREIGN_DATA.value,
        }

    @pytest.mark.parametrize("content_type", ["image/png", "image/jpeg"])
    def test_an_image_that_does_not_decode_is_refused(self, inspector: UploadInspector, content_type: str) -> None:
        good = minimal_png() if content_type == "image/png" else minimal_jpeg()
        assert self.refusal(inspector, good[: len(good) // 2], content_type) == UploadRefusal.NOT_AN_IMAGE.value
        garbage = good[:8] + bytes(range(256)) * 4
        assert self.refusal(inspector, garbage, content_type) == UploadRefusal.NOT_AN_IMAGE.value

    def test_a_png_decompression_bomb_is_refused(self, inspector: UploadInspector) -> None:
        header = (100_000).to_bytes(4, "big") * 2 + bytes((8, 0, 0, 0, 0))
        bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(_MiB), 9))
        bomb += _chunk(b"IEND", b"")
        assert self.refusal(inspector, bomb, "image/png") == UploadRefusal.TOO_LARGE_INFLATED.value

    def test_an_image_carrying_an_archive_is_refused(self, inspector: UploadInspector) -> None:
        assert self.refusal(inspector, minimal_png() + _zip(), "image/png") == UploadRefusal.FOREIGN_DATA.value

    def test_a_type_outside_the_allow_list_is_refused(self, inspector: UploadInspector) -> None:
        self.refusal(inspector, b"GIF89a", "image/gif")
