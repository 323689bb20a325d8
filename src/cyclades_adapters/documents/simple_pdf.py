"""A small, dependency-free PDF renderer: real PDF 1.4, Helvetica in WinAnsi (French accents, œ, «, », °), A4,
as many pages as the text needs, byte-deterministic. The PDF issue brings the laid-out reportlab documents; this one
keeps every document readable until then and wherever reportlab is not installed."""

from __future__ import annotations

from cyclades_core.ports.files import DocumentContent

__all__ = ["SimplePdfRenderer"]

_WIDTH, _HEIGHT, _MARGIN, _LEADING = 595, 842, 50, 14
_LINES_PER_PAGE = (_HEIGHT - 2 * _MARGIN) // _LEADING
_WRAP = 95


def _escape(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(text: str) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > _WRAP:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


class SimplePdfRenderer:
    media_type = "application/pdf"

    def _lines(self, content: DocumentContent) -> list[tuple[str, bool]]:
        lines: list[tuple[str, bool]] = [(t, True) for t in content.title]
        lines += [(h, False) for h in content.header]
        for heading, rows in (*content.columns, *content.blocks):  # no columns here: one after the other
            lines.append(("", False))
            if heading:
                lines.append((heading, True))
            for row in rows:
                lines.extend((part, False) for part in _wrap(row))
        for table in content.tables:
            lines += [("", False), (table.title, True)]
            for cells in table.rows:
                lines.extend((part, False) for part in _wrap(" | ".join(c for c in cells if c)))
        if content.verification:
            lines += [("", False), (f"Code de vérification : {content.verification}", False)]
        return lines

    def render(self, content: DocumentContent) -> bytes:
        lines = self._lines(content)
        pages = [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)] or [[]]
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"",  # the page tree, once the pages are numbered
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        ]
        kids = []
        for number, page in enumerate(pages, start=1):
            stream = [b"BT"]
            y = _HEIGHT - _MARGIN
            for text, bold in page:
                stream.append(b"/F%d 10 Tf 1 0 0 1 %d %d Tm (%s) Tj" % (2 if bold else 1, _MARGIN, y, _escape(text)))
                y -= _LEADING
            footer = f"Page {number} / {len(pages)}"
            stream.append(b"/F1 8 Tf 1 0 0 1 %d %d Tm (%s) Tj" % (_WIDTH - _MARGIN - 50, _MARGIN / 2, _escape(footer)))
            stream.append(b"ET")
            body = b"\n".join(stream)
            objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body))
            content_ref = len(objects)
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (_WIDTH, _HEIGHT, content_ref)
            )
            kids.append(b"%d 0 R" % len(objects))
        objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for index, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (index, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)
