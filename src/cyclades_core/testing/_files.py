"""Well-formed (and a few hostile) files built with the standard library only (``zlib``, a correct cross-reference
table): what :mod:`cyclades_core.testing` exports as :func:`minimal_pdf`, :func:`minimal_png` and
:func:`minimal_jpeg`, and what the upload inspector's contract suite builds its cases from. No pytest here, so the
helpers import without the ``testing`` extra."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

__all__ = ["minimal_jpeg", "minimal_pdf", "minimal_png", "pdf_from_objects"]

_MiB = 1024 * 1024


def pdf_from_objects(objects: Sequence[bytes], *, version: str = "1.4", after_header: bytes = b"") -> bytes:
    """A PDF whose object ``i + 1`` has the body ``objects[i]`` (object 1 is the catalog), with a correct classic
    cross-reference table; ``after_header`` is written right after the ``%PDF-`` line."""
    out = bytearray(f"%PDF-{version}\n".encode() + after_header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    body = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def _pages(
    pages: int = 1, catalog: bytes = b"", page: bytes = b"", more: Sequence[bytes] = (), after_header: bytes = b""
) -> bytes:
    """Catalog 1, Pages 2, font 3, then for each page its Page and content stream, then ``more``."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R " % (first_page + 2 * i + 1)
            + b"/Resources << /Font << /F1 3 0 R >> >> "
            + page
            + b">>"
        )
        objects.append(_stream(b"BT /F1 12 Tf 72 770 Td (Page %d) Tj ET" % (i + 1)))
    objects.extend(more)
    return pdf_from_objects(objects, after_header=after_header)


def minimal_pdf(pages: int = 1, more: Sequence[bytes] = ()) -> bytes:
    """A small, well-formed PDF of ``pages`` pages of text (FlateDecode content streams): what a test uploads
    when it needs a file every inspector accepts. ``more``: bodies of extra objects (``<< … >>`` or streams),
    numbered after the pages' objects, referenced by nothing."""
    return _pages(pages, more=more)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def minimal_png(width: int = 16, height: int = 16) -> bytes:
    """A grayscale PNG of a gradient, written chunk by chunk."""
    rows = b"".join(b"\x00" + bytes((x * 16 + y) & 255 for x in range(width)) for y in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def minimal_jpeg() -> bytes:
    """An 8×8 grey baseline JPEG (331 bytes, as Pillow writes it at quality 50)."""
    return bytes.fromhex(_JPEG_8X8)


_JPEG_8X8 = (
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d"
    "3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffc0000b080008000801011100ffc4001f0000"
    "010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203000411"
    "05122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445"
    "464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9"
    "aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda00080101"
    "00003f002bffd9"
)


def _zip() -> bytes:
    """A one-entry stored ZIP archive (local header, central directory, end record)."""
    name, body = b"x.exe", b"MZ payload"
    crc = zlib.crc32(body).to_bytes(4, "little")
    sizes = len(body).to_bytes(4, "little") * 2
    local = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00" + crc + sizes + len(name).to_bytes(2, "little")
    local += b"\x00\x00" + name + body
    central = b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00" + crc + sizes
    central += len(name).to_bytes(2, "little") + bytes(12) + name
    end = b"PK\x05\x06" + bytes(4) + b"\x01\x00\x01\x00" + len(central).to_bytes(4, "little")
    end += len(local).to_bytes(4, "little") + b"\x00\x00"
    return local + central + end


def _flate_bomb(inflated: int) -> bytes:
    """A zlib stream of ``inflated`` zero bytes, made of one fully flushed 1 MiB block repeated (fast to build)."""
    block = bytes(_MiB)
    deflater = zlib.compressobj(9)
    first = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(inflated // _MiB):
        adler = zlib.adler32(block, adler)
    return first + again * (inflated // _MiB - 1) + b"\x03\x00" + adler.to_bytes(4, "big")
