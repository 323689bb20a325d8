"""Pièces justificatives (JUS-01 … JUS-07, MGR-02): what a candidature must provide, the files deposited, and the
manager's review, as a plain transition table.

The guide: « Lorsque le gestionnaire contrôle les pièces justificatives, il peut leur changer leur statut et
éventuellement indiquer une date de réception » (JUS-07). A manager moves a pièce from any status (none, Reçue,
Conforme, Non conforme) to any other, the same included (to correct a reception date or a comment): the table is
total. What stays refused is a guard: an online pièce is controlled only once the candidate validated it (« J'ai
fourni toutes mes pièces … pour indiquer au gestionnaire que les pièces peuvent être contrôlées »). Non conforme lets
the candidate deposit again, even after validation, which clears the status and needs a new validation; a mistaken
Conforme corrected to Non conforme does the same. Validated pièces are otherwise immutable for the candidate.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import Enum

from attrs import evolve, frozen

from cyclades_core.errors import (  # the errors live in cyclades_core.errors; re-exported here
    ForbiddenError,
    IllegalPieceTransition,
    PieceLocked,
    ServiceClosed,
    ValidationError,
)
from cyclades_core.model.catalogue import DepositMode, Period, PieceCondition, PieceRule

__all__ = [
    "MANAGER_INFORMATION",
    "NOT_DEMATERIALISED",
    "REVIEW_STATUSES",
    "DepositMode",
    "IllegalPieceTransition",
    "Piece",
    "PieceCondition",
    "PieceLocked",
    "PieceRule",
    "PieceStatus",
    "ScanVerdict",
    "StoredFile",
    "display_name",
    "sanitize_filename",
]


class ScanVerdict(Enum):
    """The antivirus port's answer (H6). Only CLEAN may lead to validation: the scanner fails closed."""

    CLEAN = "clean"
    INFECTED = "infected"
    NOT_SCANNED = "not_scanned"


@frozen
class StoredFile:
    """A deposited file: the store's generated id; the original name kept only as sanitized metadata."""

    file_id: str
    display_name: str
    content_type: str  # decided by content: application/pdf, image/jpeg, image/png
    size: int
    deposited_at: datetime
    scan: ScanVerdict
    scan_detail: str = ""


class PieceStatus(Enum):
    RECUE = "Reçue"
    CONFORME = "Conforme"
    NON_CONFORME = "Non conforme"


#: What a manager may set (JUS-07): no status (« aucun statut n'est positionné ») or one of the three.
REVIEW_STATUSES: tuple[PieceStatus | None, ...] = (None, *PieceStatus)

#: Manager status changes (JUS-07, I1): from → allowed targets. Any status to any other, the same included; the
#: guards of :meth:`Piece.review` (an online pièce not yet validated) are what a manager cannot do.
_STATUS_TRANSITIONS: dict[PieceStatus | None, frozenset[PieceStatus | None]] = {
    None: frozenset(REVIEW_STATUSES),
    PieceStatus.RECUE: frozenset(REVIEW_STATUSES),
    PieceStatus.CONFORME: frozenset(REVIEW_STATUSES),
    PieceStatus.NON_CONFORME: frozenset(REVIEW_STATUSES),
}

#: The guide's line under a pièce sent by post or by other means (« Mes pièces justificatives », case 3).
NOT_DEMATERIALISED = "Gestion de la pièce non dématérialisée, à envoyer directement au service administratif"
#: The guide's label of the manager's comment on the candidate's pièce (« Information du gestionnaire  Pièce
#: illisible »).
MANAGER_INFORMATION = "Information du gestionnaire"


@frozen
class Piece:
    """One pièce of one candidature, with its file, its validation and its review."""

    candidature_id: str
    code: str
    label: str
    group: str
    mode: DepositMode
    period: Period
    file: StoredFile | None = None
    validated_at: datetime | None = None
    status: PieceStatus | None = None
    received_on: date | None = None
    comment: str | None = None
    version: int = 1

    @property
    def title(self) -> str:
        """``CINSIG01 : Confirmation d'inscription signée``."""
        return f"{self.code} : {self.label}"

    @property
    def missing(self) -> bool:
        """An online pièce without a file, or sent back Non conforme: the candidate still has to deposit it."""
        return self.mode is DepositMode.EN_LIGNE and (self.file is None or self.status is PieceStatus.NON_CONFORME)

    @property
    def locked(self) -> bool:
        """Validated and not sent back as Non conforme: no change, no deletion."""
        return self.validated_at is not None and self.status is not PieceStatus.NON_CONFORME

    def _next(self, **changes: object) -> Piece:
        return evolve(self, version=self.version + 1, **changes)  # type: ignore[arg-type]

    def deposit(self, file: StoredFile, now: datetime) -> Piece:
        """JUS-03: online pièces only, inside the deposit period, not while locked. A deposit after Non conforme
        starts the review over and needs a new validation."""
        if self.mode is not DepositMode.EN_LIGNE:
            raise ForbiddenError("Cette pièce n'est pas à déposer en ligne.")
        if not self.period.contains(now):
            raise ServiceClosed("Le dépôt en ligne de cette pièce n'est possible que pendant sa période de dépôt.")
        if self.locked:
            raise PieceLocked()
        return self._next(file=file, validated_at=None, status=None, received_on=None, comment=None)

    def remove_file(self, now: datetime) -> Piece:
        if self.locked:
            raise PieceLocked()
        if not self.period.contains(now):
            raise ServiceClosed("La période de dépôt de cette pièce est terminée.")
        return self._next(file=None, validated_at=None)

    def validate(self, now: datetime) -> Piece:
        """JUS-04: idempotent; a clean file is required."""
        if self.validated_at is not None and self.status is not PieceStatus.NON_CONFORME:
            return self
        return self._next(validated_at=now)

    def review(self, status: PieceStatus | None, received_on: date | None, comment: str | None) -> Piece:
        """JUS-07 / MGR-02: the manager's status, with an optional reception date and comment.

        Any status to any other (:data:`REVIEW_STATUSES`); a reception date not given keeps the one recorded; no
        status (``None``) clears the date and the comment. An online pièce must have been validated by the candidate
        first (IllegalPieceTransition): before, its file may still change, or there is none."""
        if status not in _STATUS_TRANSITIONS[self.status]:  # only what is not a status at all
            raise IllegalPieceTransition(
                f"Le statut « {_label(status)} » n'est pas possible depuis « {_label(self.status)} »."
            )
        if self.mode is DepositMode.EN_LIGNE and self.validated_at is None:
            raise IllegalPieceTransition(
                "Le candidat n'a pas encore validé cette pièce (« J'ai fourni toutes mes pièces ») : "
                "elle ne peut pas encore être contrôlée."
            )
        if status is None:
            return self._next(status=None, received_on=None, comment=None)
        return self._next(status=status, received_on=received_on or self.received_on, comment=comment)


def _label(status: PieceStatus | None) -> str:
    return "aucun statut" if status is None else str(getattr(status, "value", status))


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
#: The extension kept whole when a name is shortened: a dot and up to ten letters or digits.
_EXTENSION = re.compile(r"\.[^\W_]{1,10}$")
#: Device names Windows reserves whatever their extension (``nul.pdf`` opens the null device there).
_RESERVED = re.compile(r"(?i)(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(?:[ .].*)?")
_MAX_NAME_BYTES = 255


def _clean(raw: str) -> tuple[str, str]:
    """The last path component, cleaned, as (stem, extension); the stem is not yet stripped."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join("_" if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} else ch for ch in name)
    name = _UNSAFE.sub("_", name).rstrip(" .")
    match = _EXTENSION.search(name)
    extension = match.group() if match else ""
    return name[: len(name) - len(extension)], extension


def sanitize_filename(raw: str) -> str:
    """The original name as display-only metadata (H4): no path, no control or reserved characters, NFC,
    at most 255 UTF-8 bytes; never used to build a path. Total and idempotent.

    A long name loses the end of its stem, never its extension (``"a" * 300 + ".pdf"`` keeps ``.pdf``); a name
    that is only an extension (``.pdf``) is shown as ``fichier.pdf`` (:func:`display_name` refuses it at upload);
    a Windows reserved device name (``CON``, ``nul.pdf``, ``COM1.jpg``…) gets a leading ``_``.
    """
    stem, extension = _clean(raw)
    stem = stem.strip(" .")
    budget = _MAX_NAME_BYTES - len(extension.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1].rstrip(" .")
    stem = stem or "fichier"
    if _RESERVED.fullmatch(stem + extension):
        stem = "_" + stem
        while len((stem + extension).encode("utf-8")) > _MAX_NAME_BYTES:
            stem = stem[:-1]
    return stem + extension


def display_name(raw: str, field: str = "file") -> str:
    """The name shown for an uploaded file (:func:`sanitize_filename`); a name that is only an extension
    (``.pdf``, ``dossier/ .pdf``) or empty is refused with a ValidationError naming ``field``."""
    stem, _ = _clean(raw)
    if not stem.strip(" ._"):
        raise ValidationError.single(
            field, "missing_name",
            "Le fichier n'a pas de nom : renommez-le (par exemple « attestation.pdf ») puis déposez-le à nouveau.",
        )  # fmt: skip
    return sanitize_filename(raw)
