"""Looking inside uploaded files with real parsers (H3): pikepdf (qpdf) for PDFs, Pillow for PNG and JPEG.

:class:`ParserUploadInspector` implements the :class:`~cyclades_core.ports.files.UploadInspector` port. It needs
the ``uploads`` extra (``pip install 'cyclades[uploads]'``); pikepdf and Pillow are imported when it is built, not
when ``cyclades_adapters`` is imported.

A PDF is accepted only when all of this holds:

1. qpdf opens it without a warning: no repair, no reconstructed cross-reference table (a file a parser must
   guess at is one that two readers may read differently), no password needed (an owner-only password, which any
   reader opens, is accepted and inspected decrypted);
2. the file is made only of the header, objects, cross-reference sections, trailers and short comments: no byte
   belongs to nothing (HTML after the header, a ZIP between objects or after the last ``%%EOF``), every object the
   cross-reference table lists starts where it says, and an object left over by an incremental update or listed
   nowhere — in the file body or inside an object stream — is still parsed on its own and inspected;
3. no dictionary, anywhere (object streams and nested dictionaries included, names decoded — ``/J#61vaScript``
   is ``/JavaScript``), holds JavaScript, an OpenAction other than "show this page", AA, a Launch, GoToR, GoToE, ImportData, SubmitForm,
   Rendition, Sound, Movie or RichMediaExecute action, embedded files or file attachments, XFA, RichMedia, 3D or
   Screen annotations;
4. every stream decodes (FlateDecode, LZWDecode, RunLengthDecode, ASCIIHexDecode, ASCII85Decode; image codecs
   — DCT, JPX, CCITT, JBIG2 — are left to the antivirus) within caps: ``max_stream_bytes`` for a non-image stream,
   the declared size of an image (at most ``max_pixels``), ``max_inflated_bytes`` in all, and a non-image stream
   may not inflate more than ``max_ratio`` times what it has read once past 1 MiB; a decoded non-image stream is
   no archive and carries no ZIP that unzip would find (:func:`_holds_an_archive`). Inflating 1 MiB at a time, a 1 GiB bomb (ratio 1000) is refused after 2 MiB.
   qpdf inflates an xref stream whole inside ``open`` and an object stream whole when it reads an object stored in
   it, before any of these caps: so every non-image stream of the raw file is first decoded under the same caps
   (:meth:`ParserUploadInspector._prescan`), and an encrypted file's object streams, decrypted, before any object
   is read;
5. the whole file holds no ZIP that unzip would list (:func:`_holds_a_zip`: in an image stream too).

Images: the magic bytes were checked by the core; here the chunk or marker structure must end exactly at the end
of the file, the size must be at most ``max_pixels``, every pixel must decode (a PNG's IDAT inflated 1 MiB at a time
against the rows IHDR declares, CRCs checked; a JPEG by Pillow in draft mode), and no ZIP may sit in a chunk or a
segment.

Over 500 lines on purpose: it is one security decision whose checks (byte coverage, objects, streams and their
decoders, images) share the opened file and one budget of caps; split, a reader would have to hold several modules
to see what is accepted.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from attrs import frozen

from cyclades_core.errors import ConfigurationError, ValidationError
from cyclades_core.model.files import ACCEPTED, UploadRefusal

__all__ = ["ParserUploadInspector"]

_MiB = 1024 * 1024
_WS = b"\x00\t\n\x0c\r "
_WS_RE = re.compile(rb"[\x00\t\n\x0c\r ]*")
_DELIM = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"
_OBJ = re.compile(rb"(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,5})[\x00\t\n\x0c\r ]+obj" + _DELIM)
_STARTXREF = re.compile(rb"startxref[\x00\t\n\x0c\r ]+\d{1,20}" + _DELIM)
_XREF_SUBSECTION = re.compile(rb"[\x00\t\n\x0c\r ]*(\d{1,10}) +(\d{1,10})[ \t]*(?:\r\n|\r|\n)")
_XREF_ENTRY = re.compile(rb"\d{10} \d{5} [nf](?: \r| \n|\r\n| \r\n|\r|\n)")
_TRAILER = re.compile(rb"[\x00\t\n\x0c\r ]*trailer[\x00\t\n\x0c\r ]*")
_STREAM_KEYWORD = re.compile(rb"(?<=[\x00\t\n\x0c\r >])stream(?:\r\n|\n|\r)")
#: What a reference becomes in a dictionary the raw pre-scan parses on its own (a /Type or /Filter qpdf resolves).
_INDIRECT = b"/CycladesIndirect"
_STREAM_EOL = re.compile(rb"stream(?:\r\n|\n|\r)")
_BEFORE_STREAM = frozenset(b"\x00\t\n\x0c\r >")
_ENDSTREAM = re.compile(rb"[\x00\t\n\x0c\r ]*endstream[\x00\t\n\x0c\r ]*endobj" + _DELIM)
_REFERENCE = re.compile(rb"\b\d{1,10}[\x00\t\n\x0c\r ]+\d{1,5}[\x00\t\n\x0c\r ]+R\b")
#: A comment between objects: short, and no markup (``%<script>…`` is how a PDF/HTML polyglot hides its page).
_MAX_COMMENT = 256
#: Archives a decoded non-image stream may not be or carry: one starting the stream (ZIP, RAR, 7-Zip, gzip), or a
#: ZIP anywhere in it whose end-of-central-directory record points back at its central directory (what unzip
#: reads). Four bytes alone are not enough: a font program holds ``PK\x03\x04`` by chance (3 in 10⁹ per byte).
_ARCHIVE_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b\x08")
_ZIP_END = re.compile(rb"PK\x05\x06")
#: How far before ``stream`` a raw scan looks for the ``N G obj`` that opens its dictionary.
_MAX_DICTIONARY = 64 * 1024
_OBJ_HEAD = re.compile(rb"\d[\x00\t\n\x0c\r ]+\d{1,5}[\x00\t\n\x0c\r ]+\Z")

_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/XFA",
     "/RichMedia", "/RichMediaContent", "/RichMediaSettings"}
)  # fmt: skip
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm", "/Rendition", "/Sound", "/Movie",
     "/RichMediaExecute"}
)  # fmt: skip
_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMediaContent"})
#: How a destination array may fit the page: an /OpenAction that is only a destination (what LibreOffice writes,
#: ``[3 0 R /XYZ null null 0]``), or a GoTo to one (pdfTeX), opens the document at a page and runs nothing.
_FITS = frozenset({"/XYZ", "/Fit", "/FitH", "/FitV", "/FitR", "/FitB", "/FitBH", "/FitBV"})
#: The only link targets a URI action may have (a link to the web or a mail address).
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
#: Filters whose output is image data for an image codec: decoding stops there.
_IMAGE_CODECS = frozenset({"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode", "/DCT", "/CCF"})
#: Filters whose output is smaller than their input.
_SHRINKING = frozenset({"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"})
_COMPONENTS = {"/DeviceGray": 1, "/G": 1, "/CalGray": 1, "/Indexed": 1, "/I": 1, "/DeviceRGB": 3, "/RGB": 3,
               "/CalRGB": 3, "/Lab": 3, "/DeviceCMYK": 4, "/CMYK": 4}  # fmt: skip


class _Refused(Exception):
    def __init__(self, refusal: UploadRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@frozen
class _TopLevelObject:
    number: int
    generation: int
    offset: int
    body: bytes  # from after ``obj`` to ``stream`` or ``endobj``
    stream: tuple[int, int] | None  # the raw data's [start, end)


class ParserUploadInspector:
    """The :class:`~cyclades_core.ports.files.UploadInspector` backed by pikepdf and Pillow. Fails closed: any
    error of either library refuses the file. Thread-safe (no shared state beyond its settings)."""

    def __init__(
        self,
        *,
        max_stream_bytes: int = 32 * _MiB,
        max_ratio: int = 200,
        max_inflated_bytes: int = 512 * _MiB,
        max_pixels: int = 80_000_000,
        max_depth: int = 64,
        max_objects: int = 100_000,
    ) -> None:
        """``max_stream_bytes``: a non-image stream, decompressed; ``max_ratio``: how much a non-image stream may
        grow once past 1 MiB decompressed (page content, fonts and object streams grow 2 to 50 times; a bomb of
        zeros 1000 times); ``max_inflated_bytes``: all streams of a PDF,
        decompressed; ``max_pixels``: an image (PDF image or PNG/JPEG file), at most Pillow's own warning threshold
        (89 478 485) — kept at 80 M, not lowered to what an A4 scan at 600 dpi needs (35 M), because phones take
        48–50 Mpx photos of documents and a JPEG is decoded at 1/8 scale, a PNG row by row: memory no longer grows
        with the pixels (an 8900×8900 16-bit RGBA PNG of zeros, 616 kB, costs ~1.5 s of CPU and a few MiB); ``max_depth``: nesting of arrays and dictionaries; ``max_objects``: objects in a PDF.

        Raises ConfigurationError (French) when pikepdf or Pillow is not installed."""
        try:
            import pikepdf
            from PIL import Image
        except ImportError as missing:
            raise ConfigurationError(
                "inspector : l'inspection des pièces déposées demande pikepdf et Pillow "
                "(pip install 'cyclades[uploads]'), ou un autre UploadInspector passé à build_portal(inspector=…)."
            ) from missing
        if Image.MAX_IMAGE_PIXELS and max_pixels > Image.MAX_IMAGE_PIXELS:
            raise ConfigurationError(
                f"max_pixels : au plus {Image.MAX_IMAGE_PIXELS} pixels (le seuil de Pillow, Image.MAX_IMAGE_PIXELS)."
            )
        self._pikepdf: Any = pikepdf
        self._image: Any = Image
        self.max_stream_bytes = max_stream_bytes
        self.max_ratio = max_ratio
        self.max_inflated_bytes = max_inflated_bytes
        self.max_pixels = max_pixels
        self.max_depth = max_depth
        self.max_objects = max_objects

    def inspect(self, data: bytes, content_type: str) -> None:
        """See :meth:`cyclades_core.ports.files.UploadInspector.inspect`."""
        if content_type == "application/pdf":
            check: Callable[[bytes], None] = self._pdf
            fallback = UploadRefusal.UNREADABLE
        elif content_type in ("image/png", "image/jpeg"):
            check = self._png if content_type == "image/png" else self._jpeg
            fallback = UploadRefusal.NOT_AN_IMAGE
        else:
            raise ValidationError.single("file", "unsupported_type", f"Format de fichier non accepté ({ACCEPTED}).")
        try:
            check(data)
            if _holds_a_zip(data):  # a ZIP unzip would list: in a PDF image stream, a PNG chunk, a JPEG segment
                raise _Refused(UploadRefusal.FOREIGN_DATA)  # (last: the checks above name what they find better)
        except _Refused as refused:
            raise refused.refusal.error("file") from None
        except ValidationError:
            raise
        except Exception:  # fail closed: whatever a parser chokes on (RecursionError, MemoryError…) is refused
            raise fallback.error("file") from None

    # -- PDF ------------------------------------------------------------------------------------------------------

    def _pdf(self, data: bytes) -> None:
        pikepdf = self._pikepdf
        last_eof = data.rfind(b"%%EOF")
        if last_eof != -1 and data[last_eof + 5 :].strip(_WS):  # a payload after the end (PDF+ZIP, PDF+HTML)
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        self._prescan(data)  # qpdf inflates xref and object streams whole, before any cap of ours: bombs first
        try:
            pdf = pikepdf.open(io.BytesIO(data), password="", suppress_warnings=True)
        except pikepdf.PasswordError:
            raise _Refused(UploadRefusal.ENCRYPTED) from None
        with pdf:
            if pdf.get_warnings():
                raise _Refused(UploadRefusal.UNREADABLE)
            xref = pdf.get_xref_table()
            if len(xref) > self.max_objects:
                raise _Refused(UploadRefusal.UNREADABLE)
            if pdf.is_encrypted:  # the raw scan saw ciphertext: check object streams, decrypted, before qpdf reads one
                self._encrypted_object_streams(pdf, xref)
            current = {
                offset: objgen
                for objgen, entry in xref.items()
                if int(entry.type) == 1 and (offset := int(entry.offset)) > 0
            }
            lengths: dict[tuple[int, int], int] = {}
            budget = _Budget(self.max_inflated_bytes)
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    lengths[obj.objgen] = int(obj.stream_dict.get("/Length", -1))
                    self._walk(obj.stream_dict, 0)
                    self._check_stream(obj.stream_dict, obj.read_raw_bytes(), budget)
                    if obj.stream_dict.get("/Type") == pikepdf.Name.ObjStm:
                        number = obj.objgen[0]

                        def member(num: int, stream: int = number) -> bool:
                            entry = xref.get((num, 0))
                            return entry is not None and int(entry.type) == 2 and entry.obj_stream_number == stream

                        self._object_stream(obj.read_bytes(), obj.stream_dict, member)
                else:
                    self._walk(obj, 0)
            self._walk(pdf.trailer, 0)
            if pdf.get_warnings():  # objects are parsed lazily: what qpdf had to skip or repair shows up now
                raise _Refused(UploadRefusal.UNREADABLE)
            stale = self._layout(data, current, lengths)
            if stale:
                if pdf.is_encrypted:  # the leftovers' strings and streams are encrypted: nothing to read them with
                    raise _Refused(UploadRefusal.UNREADABLE)
                for leftover in stale:
                    self._check_leftover(data, leftover, budget)

    def _prescan(self, data: bytes) -> None:
        """Every stream of the raw file that is not an image, decoded under the caps of :meth:`_check_stream`
        (ratio, ``max_stream_bytes``, ``max_inflated_bytes`` in all) before qpdf sees the file: qpdf inflates an
        xref stream whole inside ``pikepdf.open`` and an object stream whole when one of its objects is read.
        The data is taken from ``stream`` to the end of the file: every decoder stops at its own end marker (a
        deflate stream's last block, LZW's and RunLength's EOD), so a ``/Length`` that lies, is indirect, or a
        ``endstream`` written inside the data cannot shorten what is measured. A dictionary that does not parse,
        or whose /Filter is indirect, is decoded as FlateDecode when its data starts with a zlib header.
        Encrypted streams are ciphertext here (zlib fails at once): :meth:`_encrypted_object_streams`."""
        pikepdf = self._pikepdf
        budget = _Budget(self.max_inflated_bytes)
        view = memoryview(data)
        for keyword in _STREAM_EOL.finditer(data):  # (_STREAM_KEYWORD's look-behind is 20 times slower on 5 MiB)
            if not keyword.start() or data[keyword.start() - 1] not in _BEFORE_STREAM:
                continue  # ``endstream``, or the word inside some data
            begin = keyword.end()
            floor = max(0, keyword.start() - _MAX_DICTIONARY)
            opened = data.rfind(b"obj", floor, keyword.start())
            while opened != -1 and not _OBJ_HEAD.search(data, max(floor, opened - 20), opened):
                opened = data.rfind(b"obj", floor, opened)  # an ``obj`` inside a string of the dictionary
            dictionary = None
            if opened != -1:
                text = _REFERENCE.sub(_INDIRECT, data[opened + 3 : keyword.start()]).strip(_WS)
                try:
                    dictionary = pikepdf.Object.parse(text)
                except Exception:  # not a dictionary we can read: decoded below if it looks like zlib
                    dictionary = None
            if not isinstance(dictionary, pikepdf.Dictionary):
                dictionary = pikepdf.Dictionary()
            indirect = pikepdf.Name(_INDIRECT.decode())
            if dictionary.get("/Subtype") == pikepdf.Name.Image and dictionary.get("/Type") in (
                None, pikepdf.Name.XObject
            ):  # fmt: skip
                continue  # qpdf decodes no image on its own; _check_stream caps it by its declared size later
            filters = _as_list(dictionary.get("/Filter"), pikepdf)
            if not filters or indirect in filters:  # none, or one qpdf resolves and we cannot: zlib if it looks so
                if not _zlib_header(data[begin : begin + 2]):
                    continue
                filters = [pikepdf.Name.FlateDecode]
            # decoded as qpdf decodes an object or xref stream: capped as a non-image stream
            dictionary = pikepdf.Dictionary(Filter=pikepdf.Array(filters), DecodeParms=dictionary.get("/DecodeParms"))
            first = _as_list(dictionary.get("/Filter"), pikepdf)[:1]
            if first and first[0] in (pikepdf.Name.ASCIIHexDecode, pikepdf.Name.AHx):
                stop = data.find(b">", begin)
            elif first and first[0] in (pikepdf.Name.ASCII85Decode, pikepdf.Name.A85):
                stop = data.find(b"~>", begin)
            else:
                stop = len(data)
            stop = len(data) if stop == -1 else stop
            # memoryviews, not copies: zlib and bytes.join read them as bytes
            chunks = cast("Iterator[bytes]", (view[at : min(at + _CHUNK, stop)] for at in range(begin, stop, _CHUNK)))
            try:
                self._check_stream(dictionary, b"", budget, chunks=chunks, search=False)
            except _Refused as refused:
                if refused.refusal is not UploadRefusal.TOO_LARGE_INFLATED:
                    continue  # a filter we do not know, or bad data: qpdf and the checks after it decide
                raise
            except (zlib.error, ValueError):
                continue  # not what its filter says (or ciphertext): qpdf and the checks after it decide

    def _encrypted_object_streams(self, pdf: Any, xref: Any) -> None:
        """An encrypted file's object streams, decrypted by qpdf but not yet decompressed, under the caps."""
        pikepdf = self._pikepdf
        budget = _Budget(self.max_inflated_bytes)
        for objgen, entry in xref.items():
            if int(entry.type) != 1:
                continue
            obj = pdf.get_object(objgen)
            if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Type") == pikepdf.Name.ObjStm:
                self._check_stream(obj.stream_dict, obj.read_raw_bytes(), budget, search=False)

    def _walk(self, obj: Any, depth: int) -> None:
        """Every direct dictionary and array under ``obj`` (indirect ones are walked as objects of their own)."""
        pikepdf = self._pikepdf
        if depth > self.max_depth:
            raise _Refused(UploadRefusal.UNREADABLE)
        if isinstance(obj, pikepdf.Dictionary):
            self._check_dictionary(obj)
            for _, value in obj.items():
                if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                    self._walk(value, depth + 1)
        elif isinstance(obj, pikepdf.Array):
            for value in obj:
                if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                    self._walk(value, depth + 1)

    def _check_dictionary(self, dictionary: Any) -> None:
        keys = set(dictionary.keys())
        if keys & _ACTIVE_KEYS:
            raise _Refused(UploadRefusal.ACTIVE_CONTENT)
        if "/OpenAction" in keys and not self._opens_at_a_page(dictionary.get("/OpenAction")):
            raise _Refused(UploadRefusal.ACTIVE_CONTENT)  # nothing but "open at this page" may run on open
        for key, refused in (("/S", _ACTIVE_ACTIONS), ("/Subtype", _ACTIVE_SUBTYPES), ("/Type", _ACTIVE_TYPES)):
            if key in keys:
                value = dictionary.get(key)
                if isinstance(value, self._pikepdf.Name) and str(value) in refused:
                    raise _Refused(UploadRefusal.ACTIVE_CONTENT)
        if "/URI" in keys and dictionary.get("/S") == self._pikepdf.Name.URI:
            target = dictionary.get("/URI")
            # str() decodes a text string as readers do (a UTF-16 BOM, PDFDocEncoding); a URI is 7-bit ASCII
            text = str(target) if isinstance(target, self._pikepdf.String) else ""
            if not text.isascii() or not _safe_link(text):  # javascript:, file:, data:, a UNC path…
                raise _Refused(UploadRefusal.ACTIVE_CONTENT)

    def _opens_at_a_page(self, value: Any) -> bool:
        """An OpenAction that only shows a page: a destination (``[3 0 R /XYZ null null 0]``, LibreOffice), or a GoTo
        action to one with no /Next (``<< /S /GoTo /D [99 0 R /Fit] >>``, pdfTeX's hyperref)."""
        pikepdf = self._pikepdf
        if isinstance(value, pikepdf.Dictionary):
            keys = set(value.keys()) - {"/Type"}
            return value.get("/S") == pikepdf.Name.GoTo and keys == {"/S", "/D"} and self._destination(value.get("/D"))
        return self._destination(value)

    def _destination(self, value: Any) -> bool:
        """``[page /Fit…]``: an explicit destination, or a named one (a name or a string)."""
        pikepdf = self._pikepdf
        if isinstance(value, (pikepdf.Name, pikepdf.String, str)):
            return True
        if not isinstance(value, pikepdf.Array) or len(value) < 2 or len(value) > 6:
            return False
        page, fit = value[0], value[1]
        # a page reference, a page number, or null (a leftover object is parsed with its references as null)
        page_ok = page is None or isinstance(page, int) or (isinstance(page, pikepdf.Dictionary) and page.is_indirect)
        return page_ok and isinstance(fit, pikepdf.Name) and str(fit) in _FITS

    def _check_stream(
        self,
        dictionary: Any,
        raw: bytes,
        budget: _Budget,
        *,
        keep: bool = False,
        chunks: Iterable[bytes] | None = None,
        search: bool = True,
    ) -> bytes:
        """Decode under the caps and search a non-image stream for archives (unless not ``search``); the decoded
        bytes if ``keep``. ``chunks``, when given, is the raw data instead of ``raw``."""
        pikepdf = self._pikepdf
        filters = _as_list(dictionary.get("/Filter"), pikepdf)
        parms = _as_list(dictionary.get("/DecodeParms", dictionary.get("/DP")), pikepdf)
        names = [str(f) if isinstance(f, pikepdf.Name) else "" for f in filters]
        image = dictionary.get("/Subtype") == pikepdf.Name.Image
        cap = self._image_bytes(dictionary) if image else self.max_stream_bytes
        if chunks is None:
            chunks = (raw,)
        codec = next((i for i, name in enumerate(names) if name in _IMAGE_CODECS), None)
        if codec is not None and all(name in _SHRINKING for name in names[:codec]):
            if codec == 0 and names[0] in ("/DCTDecode", "/DCT"):
                self._jpeg_frame(raw)
            return b""  # (ASCII85 or hex, then) an image codec: nothing to inflate, nothing to search
        for index, name in enumerate(names):
            if name in _IMAGE_CODECS:  # what is left is an image codec's data, random-looking: not searched
                image = True
                break
            parm = parms[index] if index < len(parms) else None
            chunks = _decoder(name, parm, pikepdf, None if image else self.max_ratio)(chunks, cap)
        total = 0
        kept = []
        for chunk in chunks:
            if keep or (search and not image):
                kept.append(chunk)
            total += len(chunk)
            budget.spend(len(chunk))
            if total > cap:
                raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)
        content = b"".join(kept)
        if search and not image and _holds_an_archive(content):
            raise _Refused(UploadRefusal.ACTIVE_CONTENT)
        return content if keep else b""

    def _object_stream(self, content: bytes, dictionary: Any, current: Callable[[int], bool]) -> None:
        """The objects of an object stream that the cross-reference table does not take from it (shadowed by an
        incremental update, or the whole stream a leftover): parsed on their own and walked."""
        first, count = int(dictionary.get("/First", -1)), int(dictionary.get("/N", -1))
        header = content[:first].split() if first >= 0 else []
        if count < 0 or len(header) < 2 * count:
            raise _Refused(UploadRefusal.UNREADABLE)
        pairs = sorted((int(header[2 * i + 1]), int(header[2 * i])) for i in range(count))
        for index, (offset, number) in enumerate(pairs):
            if current(number):
                continue
            end = first + pairs[index + 1][0] if index + 1 < len(pairs) else len(content)
            text = _REFERENCE.sub(b"null", content[first + offset : end]).strip(_WS)
            if text:
                self._walk(self._pikepdf.Object.parse(text), 0)

    def _image_bytes(self, dictionary: Any) -> int:
        """The most an image XObject may decode to: its declared pixels (at most ``max_pixels``), 4 components of
        16 bits, a predictor byte per row, and 64 KiB of slack."""
        width = int(dictionary.get("/Width", 0))
        height = int(dictionary.get("/Height", 0))
        if width <= 0 or height <= 0:
            raise _Refused(UploadRefusal.UNREADABLE)
        if width * height > self.max_pixels:
            raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)
        space = dictionary.get("/ColorSpace")
        name = str(space[0] if isinstance(space, self._pikepdf.Array) and len(space) else space)
        components = _COMPONENTS.get(name, 4)
        bits = int(dictionary.get("/BitsPerComponent", 8)) if not dictionary.get("/ImageMask", False) else 1
        return (width * components * max(bits, 1) + 7) // 8 * height + height + 65536

    def _layout(
        self, data: bytes, current: dict[int, tuple[int, int]], lengths: dict[tuple[int, int], int]
    ) -> list[_TopLevelObject]:
        """Walk the file's top level; refuse any byte outside the PDF syntax. Returns the objects that are not the
        ones the cross-reference table points to (left by incremental updates, or listed nowhere)."""
        end = len(data)
        header_end = data.find(b"\n", 0, 1024)
        cr = data.find(b"\r", 0, 1024)
        if cr != -1 and (header_end == -1 or cr < header_end):
            header_end = cr
        if header_end == -1 or not re.fullmatch(rb"%PDF-[12]\.\d[\x00\t\x0c\r ]*", data[:header_end]):
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        pos = header_end
        last_eof = -1
        seen: set[int] = set()
        stale: list[_TopLevelObject] = []
        while True:
            match = _WS_RE.match(data, pos)
            pos = match.end() if match else pos
            if pos >= end:
                break
            byte = data[pos]
            if byte == 0x25:  # % comment
                stop = _line_end(data, pos)
                comment = data[pos:stop]
                if comment.startswith(b"%%EOF"):
                    if comment[5:].strip(_WS):
                        raise _Refused(UploadRefusal.FOREIGN_DATA)
                    last_eof = stop
                elif len(comment) > _MAX_COMMENT or b"<" in comment or b">" in comment:
                    raise _Refused(UploadRefusal.FOREIGN_DATA)
                pos = stop
            elif 0x30 <= byte <= 0x39:
                obj = _OBJ.match(data, pos)
                if obj is None:
                    raise _Refused(UploadRefusal.FOREIGN_DATA)
                objgen = (int(obj.group(1)), int(obj.group(2)))
                found, pos = self._object(data, pos, obj.end(), objgen, current, lengths)
                if current.get(found.offset) == objgen:
                    seen.add(found.offset)
                else:
                    stale.append(found)
            elif data.startswith(b"xref", pos):
                pos = _skip_xref(data, pos + 4)
            elif data.startswith(b"startxref", pos):
                startxref = _STARTXREF.match(data, pos)
                if startxref is None:
                    raise _Refused(UploadRefusal.FOREIGN_DATA)
                pos = startxref.end()
            else:
                raise _Refused(UploadRefusal.FOREIGN_DATA)
        if last_eof == -1 or data[last_eof:].strip(_WS):
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        if set(current) - seen:  # an object listed at an offset where the file holds no object: hidden inside data
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        return stale

    def _object(
        self,
        data: bytes,
        start: int,
        pos: int,
        objgen: tuple[int, int],
        current: dict[int, tuple[int, int]],
        lengths: dict[tuple[int, int], int],
    ) -> tuple[_TopLevelObject, int]:
        is_current = current.get(start) == objgen
        endobj = data.find(b"endobj", pos)
        stream = None
        if not is_current or objgen in lengths:
            stream = _STREAM_KEYWORD.search(data, pos, endobj if endobj != -1 else len(data))
        if stream is None:
            if endobj == -1:
                raise _Refused(UploadRefusal.FOREIGN_DATA)
            return _TopLevelObject(objgen[0], objgen[1], start, data[pos:endobj], None), endobj + 6
        body = data[pos : stream.start()]
        begin = stream.end()
        length = lengths.get(objgen, -1) if is_current else -1
        if length >= 0:
            close = _ENDSTREAM.match(data, begin + length)
            if close is None:
                raise _Refused(UploadRefusal.FOREIGN_DATA)
            stop = begin + length
        else:  # a leftover object: its /Length may be indirect and stale; the data ends at ``endstream``
            found = data.find(b"endstream", begin)
            close = _ENDSTREAM.match(data, found) if found != -1 else None
            if close is None:
                raise _Refused(UploadRefusal.FOREIGN_DATA)
            stop = found
        return _TopLevelObject(objgen[0], objgen[1], start, body, (begin, stop)), close.end()

    def _check_leftover(self, data: bytes, leftover: _TopLevelObject, budget: _Budget) -> None:
        """An object the cross-reference table does not point to, parsed on its own (references become null)."""
        pikepdf = self._pikepdf
        text = _REFERENCE.sub(b"null", leftover.body).strip(_WS)
        parsed = pikepdf.Object.parse(text) if text else None
        if parsed is not None:
            self._walk(parsed, 0)
        if leftover.stream is not None:
            if not isinstance(parsed, pikepdf.Dictionary):
                raise _Refused(UploadRefusal.UNREADABLE)
            start, stop = leftover.stream
            content = self._check_stream(parsed, data[start:stop].rstrip(b"\r\n"), budget, keep=True)
            if parsed.get("/Type") == pikepdf.Name.ObjStm:
                if parsed.get("/DecodeParms") is not None:  # predictors are not applied here
                    raise _Refused(UploadRefusal.UNREADABLE)
                self._object_stream(content, parsed, lambda _: False)

    # -- images ---------------------------------------------------------------------------------------------------

    def _png(self, data: bytes) -> None:
        """The chunks (CRCs checked) must end at IEND, at the end of the file; the pixel data is then inflated 1 MiB
        at a time and must be exactly the rows IHDR declares, each with a valid filter byte: every pixel is decoded
        in constant memory, where Pillow's ``load()`` would hold the whole picture (330 MB for 79 Mpx of 16-bit
        RGBA zeros in a 616 kB file)."""
        pos = 8
        end = len(data)
        header = b""
        idat: list[tuple[int, int]] = []
        palette = False
        while True:
            if pos + 12 > end:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            length = int.from_bytes(data[pos : pos + 4], "big")
            kind = data[pos + 4 : pos + 8]
            if pos + 12 + length > end:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            crc = int.from_bytes(data[pos + 8 + length : pos + 12 + length], "big")
            if zlib.crc32(memoryview(data)[pos + 4 : pos + 8 + length]) != crc:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            if kind == b"IHDR" and length >= 8:
                self._pixels(int.from_bytes(data[pos + 8 : pos + 12], "big"), data[pos + 12 : pos + 16])
                header = data[pos + 8 : pos + 8 + length]
            elif kind == b"PLTE":
                palette = True
            elif kind == b"IDAT":
                idat.append((pos + 8, pos + 8 + length))
            elif kind == b"acTL":  # an animated PNG: its other frames would need a whole-image decode; no scan is one
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            pos += 12 + length
            if kind == b"IEND":
                break
        if pos < end:
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        _png_rows(data, header, idat, palette)
        self._decode(data, "PNG", load=False)

    def _jpeg(self, data: bytes) -> None:
        pos, multi = self._jpeg_image(data, 0)
        extra = 0
        while multi and data.startswith(b"\xff\xd8\xff", pos) and extra < _MAX_MPF_IMAGES:
            pos, _ = self._jpeg_image(data, pos)  # a Multi-Picture file (MPF): the next image follows the first
            extra += 1
        if data[pos:].strip(b"\x00\xff"):  # padding (zeros, fill bytes) after the last EOI is tolerated
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        self._decode(data, "JPEG")

    def _jpeg_image(self, data: bytes, start: int) -> tuple[int, bool]:
        """Walk one JPEG's markers from its SOI at ``start``: where its EOI ends, and whether it declares other
        images (an APP2 ``MPF`` segment: phones' depth maps and Ultra HDR gain maps, stereo cameras)."""
        end = len(data)
        pos = start + 2
        multi = False
        while True:
            marker = data.find(b"\xff", pos)
            if marker == -1 or marker + 1 >= end:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            code = data[marker + 1]
            if code == 0xFF:  # fill byte
                pos = marker + 1
                continue
            if marker != pos:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            if code == 0xD9:  # EOI
                return marker + 2, multi
            if 0xD0 <= code <= 0xD7 or code == 0x01:
                pos = marker + 2
                continue
            if marker + 4 > end:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE)
            if code in _JPEG_FRAMES and marker + 9 <= end:
                self._pixels(int.from_bytes(data[marker + 7 : marker + 9], "big"), data[marker + 5 : marker + 7])
            if code == 0xE2 and data.startswith(b"MPF\x00", marker + 4):
                multi = True
            pos = marker + 2 + int.from_bytes(data[marker + 2 : marker + 4], "big")
            if code == 0xDA:  # start of scan: entropy-coded data until a marker other than a restart or a stuffed 0
                scan = _JPEG_SCAN_END.search(data, pos)
                if scan is None:
                    raise _Refused(UploadRefusal.NOT_AN_IMAGE)
                pos = scan.start()

    def _jpeg_frame(self, raw: bytes) -> None:
        """A DCT image in a PDF: readers size it by its own frame header, not by /Width and /Height."""
        pos, end = 2, min(len(raw), 1 << 20)
        while pos + 9 <= end and raw[pos] == 0xFF:
            code = raw[pos + 1]
            if code in _JPEG_FRAMES:
                self._pixels(int.from_bytes(raw[pos + 7 : pos + 9], "big"), raw[pos + 5 : pos + 7])
                return
            if code == 0xDA:
                return
            pos += 2 + int.from_bytes(raw[pos + 2 : pos + 4], "big")

    def _pixels(self, width: int, height: bytes) -> None:
        """Refuse a declared size beyond ``max_pixels`` before Pillow sees it (nor warns about it)."""
        if width * int.from_bytes(height, "big") > self.max_pixels:
            raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)

    def _decode(self, data: bytes, kind: str, *, load: bool = True) -> None:
        """Pillow opens the file (and checks its size); it decodes every pixel when ``load``."""
        image_module = self._image
        try:
            image = image_module.open(io.BytesIO(data), formats=[kind])
        except image_module.DecompressionBombError:
            raise _Refused(UploadRefusal.TOO_LARGE_INFLATED) from None
        except Exception:
            raise _Refused(UploadRefusal.NOT_AN_IMAGE) from None
        with image:
            width, height = image.size
            if width * height > self.max_pixels:
                raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)
            if not load:
                return
            frames = min(getattr(image, "n_frames", 1), _MAX_MPF_IMAGES + 1)
            if kind == "JPEG" and frames == 1:  # every coefficient is still entropy-decoded; the IDCT at 1/8 scale
                image.draft(image.mode, (max(width // 8, 1), max(height // 8, 1)))
            try:
                for frame in range(frames):  # every picture of a Multi-Picture JPEG decodes too (draft mode and
                    image.seek(frame)  # seek do not mix in Pillow: those are decoded at full scale)
                    image.load()
            except image_module.DecompressionBombError:
                raise _Refused(UploadRefusal.TOO_LARGE_INFLATED) from None
            except Exception:
                raise _Refused(UploadRefusal.NOT_AN_IMAGE) from None


#: Pictures after the first in a Multi-Picture JPEG (CIPA DC-007): more is refused as foreign data.
_MAX_MPF_IMAGES = 4
_JPEG_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
#: Start-of-frame markers (they carry the image's height and width).
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


class _Budget:
    """What all the streams of one PDF may decompress to, together."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)


def _safe_link(text: str) -> bool:
    """A URI action's target: http, https or mailto, or no scheme at all (``www.exemple.fr``, as Word writes what
    was typed) unless it looks like a network path (``\\\\serveur\\partage``, ``//serveur``)."""
    link = "".join(ch for ch in text if ch > " ")  # readers drop spaces and controls before the scheme
    scheme = _SCHEME.match(link)
    if scheme is None:
        return bool(link) and "\\" not in link and not link.startswith("//")
    return scheme.group(1).lower() in _LINK_SCHEMES


def _holds_an_archive(content: bytes) -> bool:
    if content.lstrip(_WS).startswith(_ARCHIVE_STARTS):
        return True
    for end in _ZIP_END.finditer(content):
        at = end.start()
        if at + 22 > len(content):
            continue
        directory = at - int.from_bytes(content[at + 12 : at + 16], "little")
        if directory >= 0 and content.startswith(b"PK\x01\x02", directory):
            return True
    return False


def _holds_a_zip(data: bytes) -> bool:
    """An end-of-central-directory record anywhere in the upload whose central directory is where unzip looks for
    it: right before the record (unzip's guess when data was prepended to the archive), at the offset the record
    names, or a ZIP64 locator just before it. Run on the whole file: a ZIP inside an image stream or a PNG chunk is
    found as well as one between PDF objects."""
    for end in _ZIP_END.finditer(data):
        at = end.start()
        if at + 22 > len(data):
            continue
        size = int.from_bytes(data[at + 12 : at + 16], "little")
        offset = int.from_bytes(data[at + 16 : at + 20], "little")
        if at >= size and data.startswith(b"PK\x01\x02", at - size):
            return True
        if offset < at and data.startswith(b"PK\x01\x02", offset):
            return True
        if at >= 20 and data.startswith(b"PK\x06\x07", at - 20):
            return True
    return False


#: PNG colour type → samples per pixel, and the bit depths it allows.
_PNG_TYPES = {0: (1, (1, 2, 4, 8, 16)), 2: (3, (8, 16)), 3: (1, (1, 2, 4, 8)), 4: (2, (8, 16)), 6: (4, (8, 16))}
#: Adam7: (first column, first row, column step, row step) of each of the seven passes.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_rows(data: bytes, header: bytes, idat: list[tuple[int, int]], palette: bool) -> None:
    """Inflate the IDAT data 1 MiB at a time: it must hold exactly the rows IHDR declares (per Adam7 pass when
    interlaced), each starting with a filter type from 0 to 4."""
    if len(header) != 13 or not idat:
        raise _Refused(UploadRefusal.NOT_AN_IMAGE)
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    bits, colour, compression, filtering, interlace = header[8:13]
    samples, depths = _PNG_TYPES.get(colour, (0, ()))
    if not width or not height or bits not in depths or compression or filtering or interlace > 1:
        raise _Refused(UploadRefusal.NOT_AN_IMAGE)
    if colour == 3 and not palette:
        raise _Refused(UploadRefusal.NOT_AN_IMAGE)
    rows: list[tuple[int, int]] = []  # (count, bytes per row after its filter byte)
    passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
    for column, row, column_step, row_step in passes:
        columns = (width - column + column_step - 1) // column_step
        count = (height - row + row_step - 1) // row_step
        if columns > 0 and count > 0:
            rows.append((count, (columns * samples * bits + 7) // 8))
    view = memoryview(data)
    produced = 0
    segment, left = 0, rows[0][0]
    next_row = 0  # where the next filter byte is, in the inflated stream
    inflater = zlib.decompressobj()
    for start, stop in idat:
        pending: bytes | memoryview = view[start:stop]
        while pending:
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            while segment < len(rows) and next_row < produced + len(out):
                if out[next_row - produced] > 4:
                    raise _Refused(UploadRefusal.NOT_AN_IMAGE)
                next_row += 1 + rows[segment][1]
                left -= 1
                if not left:
                    segment += 1
                    left = rows[segment][0] if segment < len(rows) else 0
            produced += len(out)
            if produced > next_row or inflater.eof:
                break
        if produced > next_row or inflater.eof:
            break
    if not inflater.eof or produced != next_row or segment != len(rows):
        raise _Refused(UploadRefusal.NOT_AN_IMAGE)


def _zlib_header(head: bytes) -> bool:
    """The two bytes a zlib stream starts with (deflate, a window of at most 32 KiB, the check bits)."""
    return len(head) == 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


def _line_end(data: bytes, pos: int) -> int:
    nl = data.find(b"\n", pos)
    cr = data.find(b"\r", pos)
    ends = [e for e in (nl, cr) if e != -1]
    return min(ends) if ends else len(data)


def _skip_xref(data: bytes, pos: int) -> int:
    """After ``xref``: subsections of 20-byte entries, then ``trailer`` and its dictionary."""
    while True:
        subsection = _XREF_SUBSECTION.match(data, pos)
        if subsection is None:
            break
        pos = subsection.end()
        for _ in range(int(subsection.group(2))):
            entry = _XREF_ENTRY.match(data, pos)
            if entry is None:
                raise _Refused(UploadRefusal.FOREIGN_DATA)
            pos = entry.end()
    trailer = _TRAILER.match(data, pos)
    if trailer is None or not data.startswith(b"<<", trailer.end()):
        raise _Refused(UploadRefusal.FOREIGN_DATA)
    return _skip_dictionary(data, trailer.end())


def _skip_dictionary(data: bytes, pos: int) -> int:
    """The end of the ``<< … >>`` starting at ``pos`` (strings and nesting honoured)."""
    depth = 0
    end = len(data)
    while pos < end:
        if data.startswith(b"<<", pos):
            depth += 1
            pos += 2
        elif data.startswith(b">>", pos):
            depth -= 1
            pos += 2
            if depth == 0:
                return pos
        elif data[pos] == 0x28:  # ( string )
            pos = _skip_string(data, pos)
        else:
            pos += 1
    raise _Refused(UploadRefusal.FOREIGN_DATA)


def _skip_string(data: bytes, pos: int) -> int:
    depth = 0
    end = len(data)
    while pos < end:
        byte = data[pos]
        if byte == 0x5C:  # backslash escape
            pos += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    raise _Refused(UploadRefusal.FOREIGN_DATA)


def _as_list(value: Any, pikepdf: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


_Decoder = Callable[[Iterable[bytes], int], Iterator[bytes]]
_CHUNK = 1024 * 1024


def _decoder(name: str, parm: Any, pikepdf: Any, ratio: int | None = None) -> _Decoder:
    """A decoding step that yields chunks and stops once it has produced more than ``cap`` bytes (and, for
    FlateDecode with a ``ratio``, refuses an output past 1 MiB more than ``ratio`` times the input read so far)."""
    if name in ("/FlateDecode", "/Fl"):
        return lambda chunks, cap: _inflate(chunks, cap, ratio)
    if name in ("/LZWDecode", "/LZW"):
        early = 1
        if isinstance(parm, pikepdf.Dictionary):
            early = int(parm.get("/EarlyChange", 1))
        return lambda chunks, cap: _lzw(chunks, cap, early, ratio)
    if name in ("/RunLengthDecode", "/RL"):
        return _run_length
    if name in ("/ASCIIHexDecode", "/AHx"):
        return _whole(_ascii_hex)
    if name in ("/ASCII85Decode", "/A85"):
        return _whole(_ascii85)
    if name == "/Crypt":  # qpdf already decrypted the raw bytes
        return lambda chunks, cap: iter(chunks)
    raise _Refused(UploadRefusal.UNREADABLE)


def _inflate(chunks: Iterable[bytes], cap: int, ratio: int | None = None) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    produced = consumed = 0
    for chunk in chunks:
        pending = chunk
        while pending:
            out = inflater.decompress(pending, _CHUNK)
            consumed += len(pending) - len(inflater.unconsumed_tail)
            pending = inflater.unconsumed_tail
            produced += len(out)
            if ratio is not None and produced > _MiB and produced > consumed * ratio:
                raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)  # a bomb: refused after its first MiB or two
            yield out
            if produced > cap:
                return
            if inflater.eof:
                return
    yield inflater.flush()


def _lzw(chunks: Iterable[bytes], cap: int, early: int, ratio: int | None = None) -> Iterator[bytes]:
    """LZW as PDF writes it (MSB first, ``EarlyChange``), about 4 MB/s here: a 5 MiB stream takes ~1.5 s."""
    data = b"".join(chunks)
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    out = bytearray()
    produced = 0
    bits = 9
    buffer = 0
    count = 0
    previous = b""
    for consumed, byte in enumerate(data, start=1):
        buffer = (buffer << 8) | byte
        count += 8
        while count >= bits:
            count -= bits
            code = (buffer >> count) & ((1 << bits) - 1)
            buffer &= (1 << count) - 1  # keep only the bits not read yet (else the integer grows with the stream)
            if code == 256:
                table = table[:258]
                bits = 9
                previous = b""
                continue
            if code == 257:
                yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif code == len(table) and previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                raise _Refused(UploadRefusal.UNREADABLE)
            out += entry
            previous = entry
            if len(table) + early >= (1 << bits) and bits < 12:
                bits += 1
            if len(out) >= _CHUNK:
                if ratio is not None and produced + len(out) > consumed * ratio:
                    raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)
                produced += len(out)
                yield bytes(out)
                out.clear()
                if produced > cap:
                    return
    yield bytes(out)


def _run_length(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    data = b"".join(chunks)
    out = bytearray()
    pos = 0
    end = len(data)
    while pos < end:
        length = data[pos]
        if length == 128:
            break
        if length < 128:
            out += data[pos + 1 : pos + 2 + length]
            pos += 2 + length
        else:
            out += data[pos + 1 : pos + 2] * (257 - length)
            pos += 2
        if len(out) > cap:
            break
    yield bytes(out)


def _whole(decode: Callable[[bytes], bytes]) -> _Decoder:
    def step(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
        yield decode(b"".join(chunks))

    return step


def _ascii_hex(data: bytes) -> bytes:
    text = data.split(b">", 1)[0].translate(None, _WS)
    if len(text) % 2:
        text += b"0"
    try:
        return binascii.unhexlify(text)
    except binascii.Error:
        raise _Refused(UploadRefusal.UNREADABLE) from None


def _ascii85(data: bytes) -> bytes:
    text = data.strip(_WS)
    if text.startswith(b"<~"):
        text = text[2:]
    if not text.endswith(b"~>"):
        text += b"~>"
    try:
        return base64.a85decode(b"<~" + text, adobe=True, ignorechars=_WS)
    except ValueError:
        raise _Refused(UploadRefusal.UNREADABLE) from None
