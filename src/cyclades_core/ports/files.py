"""Files: where deposited pièces are kept, the inspector and the antivirus that check them, the renderer of
documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from attrs import frozen

from cyclades_core.model.pieces import ScanVerdict

__all__ = ["DocumentContent", "DocumentRenderer", "DocumentTable", "FileScanner", "FileStore", "UploadInspector"]


class FileStore(Protocol):
    """Deposited files, under names the store generates. Adapters pass ``FileStoreContract``."""

    def put(self, chunks: Iterable[bytes], max_bytes: int) -> tuple[str, int]:
        """Store the stream; return ``(file_id, size)``.

        Reads at most ``max_bytes`` + one chunk: beyond ``max_bytes`` it stops reading, removes everything it wrote
        and raises :class:`~cyclades_core.errors.FileTooLarge` (H1). The id never comes from input.
        """
        ...

    def get(self, file_id: str) -> bytes:
        """The file's bytes; :class:`~cyclades_core.errors.NotFoundError` for an unknown or malformed id."""
        ...

    def delete(self, file_id: str) -> None:
        """Remove the file; no error when absent."""
        ...

    def ids(self) -> Sequence[str]:
        """Every stored id (housekeeping and tests)."""
        ...


class FileScanner(Protocol):
    """An antivirus. It fails closed (H6): a timeout, an error or an exceeded limit answer NOT_SCANNED, never
    CLEAN."""

    #: The largest file it scans whole; the application's size limit must not exceed it.
    max_bytes: int

    def scan(self, data: bytes) -> tuple[ScanVerdict, str]:
        """The verdict and a detail (virus name, reason not scanned)."""
        ...


class UploadInspector(Protocol):
    """Looks inside an uploaded file with a real parser (H3), after the magic bytes decided its type (H2) and
    before the antivirus (H6), which stays a second, independent layer. Adapters pass ``UploadInspectorContract``.
    """

    def inspect(self, data: bytes, content_type: str) -> None:
        """Return when the file is acceptable; otherwise raise the
        :class:`~cyclades_core.errors.ValidationError` naming ``file`` of an
        :class:`~cyclades_core.model.files.UploadRefusal` (``UploadRefusal.X.error()``).

        ``content_type`` is what :func:`~cyclades_core.model.files.sniff_content_type` returned:
        ``application/pdf``, ``image/png`` or ``image/jpeg``; any other refuses the file.

        For a PDF: every object and stream, names decoded, streams decompressed under a size cap. Refused:
        JavaScript, OpenAction actions other than showing a page (a destination such as
        ``[3 0 R /XYZ null null 0]`` or ``<< /S /GoTo /D [3 0 R /Fit] >>`` is accepted: LibreOffice and pdfTeX
        write them), AA actions, Launch, GoToR/GoToE, ImportData, SubmitForm, embedded files and attachments, XFA,
        RichMedia, an archive inside a stream (ACTIVE_CONTENT); bytes that belong to no PDF
        object, such as HTML after the header or data after the last ``%%EOF`` (FOREIGN_DATA); a password needed
        to open it (ENCRYPTED); a file the parser must repair (UNREADABLE); a stream or image whose decompressed
        size exceeds the adapter's caps (TOO_LARGE_INFLATED). For an image: it must decode whole, within a pixel
        cap (NOT_AN_IMAGE, TOO_LARGE_INFLATED).

        Fails closed: any error of the parser is a refusal, never an acceptance. Never writes anything.
        """
        ...


@frozen
class DocumentTable:
    """A table of a document (the épreuves): a title above it, column names, rows of cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@frozen
class DocumentContent:
    """What a document says, for a renderer to lay out: the title block, the top-right lines, titled blocks of
    lines, then tables; the verification code to print.

    ``columns`` are titled blocks laid side by side under the title block (the confirmation's candidate / exam /
    service block); a renderer that cannot place them side by side prints them one after the other. A block's
    title is printed in bold; a block may be a title alone (the confirmation's « A RENVOYER IMPERATIVEMENT … »).
    """

    title: tuple[str, ...]
    header: tuple[str, ...]
    blocks: tuple[tuple[str, tuple[str, ...]], ...]
    tables: tuple[DocumentTable, ...] = ()
    verification: str | None = None
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()


class DocumentRenderer(Protocol):
    media_type: str

    def render(self, content: DocumentContent) -> bytes:
        """The document's bytes (a PDF for the shipped renderers). Deterministic for the same content."""
        ...
