"""Pièces justificatives: "Mes justificatifs", deposit, deletion, "J'ai fourni toutes mes pièces", the manager's
review (JUS-01 … JUS-07, MGR-02) and the manager's view of a candidature's pièces and files (MGR-06).

Files go through the FileStore port (outside any transaction): a deposit stores the file first, checks its content
and its scan, then records it in a unit of work; whatever is refused or rolled back is removed from the store.

Slightly over 500 lines on purpose: one section of the guide (11 « Mes pièces justificatives ») seen from both
sides, the candidate's and the managing service's, which share the views and the checks of one pièce.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from attrs import frozen

from cyclades_core.errors import (
    CandidatureNotFound,
    ConfigurationError,
    ForbiddenError,
    IllegalPieceTransition,
    PieceNotFound,
    ValidationError,
)
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature, CandidatureContent, CandidatureState
from cyclades_core.model.catalogue import DepositMode, PieceCondition, PieceRule
from cyclades_core.model.files import ACCEPTED, sniff_content_type
from cyclades_core.model.pieces import (
    MANAGER_INFORMATION,
    NOT_DEMATERIALISED,
    REVIEW_STATUSES,
    Piece,
    PieceStatus,
    ScanVerdict,
    StoredFile,
    display_name,
)
from cyclades_core.model.text import check_text, lookup_key
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.files import FileScanner, FileStore, UploadInspector
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.timeutil import format_date, format_datetime, paris
from cyclades_core.usecases.authentication import SessionAuthenticator
from cyclades_core.usecases.management import Manager
from cyclades_core.usecases.ownership import managed_candidature, owned_candidature

__all__ = [
    "VALIDATE_WARNING",
    "ManagerPieceView",
    "PieceGroupView",
    "PieceService",
    "PieceView",
    "required_rules",
    "sync_pieces",
]

#: JUS-04, the guide's words next to the button.
VALIDATE_WARNING = (
    'En cliquant sur "J\'ai fourni toutes les pièces", vous validez que vous avez fourni toutes vos pièces, '
    "vous ne pourrez plus les modifier et vos pièces pourront être étudiées."
)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def required_rules(rules: Sequence[PieceRule], content: CandidatureContent) -> list[PieceRule]:
    """The session's rules that apply to this candidature's answers."""
    foreign = content.diploma_code == "00020"

    def applies(rule: PieceRule) -> bool:
        match rule.condition:
            case PieceCondition.ALWAYS:
                return True
            case PieceCondition.DISABILITY:
                return content.informations.disability_arrangement
            case PieceCondition.ACQUIS:
                return bool(content.acquis)
            case PieceCondition.FOREIGN_DIPLOMA:
                return foreign

    return [rule for rule in rules if applies(rule)]


def sync_pieces(uow: UnitOfWork, candidature: Candidature, rules: Sequence[PieceRule]) -> list[str]:
    """Make the candidature's pièces match the rules that apply (at each save): add the new ones, drop the ones no
    longer required unless validated. Returns the file ids to remove from the store once committed."""
    wanted = {rule.code: rule for rule in required_rules(rules, candidature.content)}
    orphans = []
    for piece in uow.pieces.for_candidature(candidature.id):
        if piece.code not in wanted and piece.validated_at is None:
            uow.pieces.remove(candidature.id, piece.code)
            if piece.file is not None:
                orphans.append(piece.file.file_id)
    for code, rule in wanted.items():
        if uow.pieces.get(candidature.id, code) is None:
            uow.pieces.add(Piece(candidature.id, rule.code, rule.label, rule.group, rule.mode, rule.period))
    return orphans


@frozen
class PieceView:
    """One pièce as "Mes justificatifs" shows it (JUS-01, JUS-03, JUS-05)."""

    code: str
    title: str
    group: str
    deposited: str | None  # "Déposé le 29/10/2018"
    file_name: str | None
    validated_on: str | None
    status: str | None
    received_on: str | None
    comment: str | None
    can_deposit: bool
    can_delete: bool

    @property
    def comment_label(self) -> str | None:
        """The guide's label before the manager's comment (« Information du gestionnaire    Pièce illisible »), when
        there is one."""
        return MANAGER_INFORMATION if self.comment else None


@frozen
class PieceGroupView:
    """Pièces sharing a deposit mode and a deadline, under the guide's heading."""

    heading: str
    mode: DepositMode
    pieces: tuple[PieceView, ...]
    #: The group's key for :meth:`PieceService.validate`: its mode and deposit period (``EN_LIGNE:…:…``, UTC).
    id: str = ""

    @property
    def notice(self) -> str | None:
        """Under each pièce sent by post or by other means, the guide's line « Gestion de la pièce non
        dématérialisée, à envoyer directement au service administratif »; none for online pièces."""
        return None if self.mode is DepositMode.EN_LIGNE else NOT_DEMATERIALISED

    @property
    def can_validate(self) -> bool:
        """JUS-04: every online pièce of the group has a file and one of them awaits validation."""
        online = [p for p in self.pieces if self.mode is DepositMode.EN_LIGNE]
        return bool(online) and all(p.file_name for p in online) and any(p.can_delete for p in online)


@frozen
class ManagerPieceView:
    """One pièce of a candidature as the managing service sees it (MGR-06): « la date de dépôt est affichée (et
    visible par le gestionnaire) ». Instants are in Paris time."""

    code: str
    title: str
    heading: str  # the group's heading: deposit mode and deadline
    mode: DepositMode
    status: PieceStatus | None
    received_on: date | None
    comment: str | None
    deposited_at: datetime | None  # Europe/Paris
    validated_at: datetime | None  # Europe/Paris: the candidate's « J'ai fourni toutes mes pièces »
    file_name: str | None
    content_type: str | None
    size: int | None
    scan: ScanVerdict | None

    @property
    def deposited(self) -> str | None:
        """``Déposé le 29/10/2018 à 14:05`` (Paris time)."""
        return f"Déposé le {format_datetime(self.deposited_at)}" if self.deposited_at else None

    @property
    def status_label(self) -> str:
        """``Reçue``, ``Conforme``, ``Non conforme``, or ``Aucun statut`` (not yet controlled)."""
        return self.status.value if self.status else "Aucun statut"

    @property
    def can_review(self) -> bool:
        """An online pièce is controlled once the candidate validated it; one sent by post at any time."""
        return self.mode is not DepositMode.EN_LIGNE or self.validated_at is not None


class PieceService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        authenticator: SessionAuthenticator,
        store: FileStore,
        inspector: UploadInspector,
        scanner: FileScanner,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        """``inspector`` is required: without one, a PDF's content would go unchecked (there is no fail-open
        default; ``build_portal`` supplies the parser-backed one). ``max_bytes``: the largest deposit, at least one
        byte and no more than the scanner scans whole (``scanner.max_bytes``), else ConfigurationError."""
        if max_bytes < 1:
            raise ConfigurationError(
                f"max_bytes : la taille maximale d'un dépôt ({max_bytes}) doit être d'au moins 1 octet."
            )
        if max_bytes > scanner.max_bytes:
            raise ConfigurationError(
                f"max_bytes : la taille maximale d'un dépôt ({max_bytes} octets) dépasse ce que l'antivirus analyse"
                f" (scanner.max_bytes = {scanner.max_bytes} octets)."
            )
        self._uow = uow
        self._clock = clock
        self._authenticator = authenticator
        self._store = store
        self._inspector = inspector
        self._scanner = scanner
        self.max_bytes = max_bytes

    @property
    def accepted(self) -> str:
        """JUS-03: "Le formulaire précise la taille et les formats de fichiers acceptés"."""
        return f"Formats acceptés : {ACCEPTED}. Taille maximale : {self.max_bytes / (1024 * 1024):g} Mo."

    # -- the candidate ------------------------------------------------------------------------------------------

    def mes_justificatifs(self, session_token: str, candidature_id: str) -> tuple[PieceGroupView, ...]:
        """JUS-01: the pièces grouped by deposit mode and deadline, each group under the guide's heading."""
        now = self._clock.now()
        with self._uow() as uow:
            candidature = self._own(uow, session_token, candidature_id)
            pieces = list(uow.pieces.for_candidature(candidature.id))
        groups: dict[tuple[DepositMode, datetime, datetime], list[Piece]] = {}
        for piece in pieces:
            groups.setdefault((piece.mode, piece.period.start, piece.period.end), []).append(piece)
        views = []
        modes = list(DepositMode)
        for (mode, _, _), members in sorted(groups.items(), key=lambda item: (item[0][2], modes.index(item[0][0]))):
            rule = PieceRule("", "", "", "", mode, members[0].period)
            group_id = f"{mode.name}:{members[0].period.start:%Y%m%dT%H%M%SZ}:{members[0].period.end:%Y%m%dT%H%M%SZ}"
            views.append(PieceGroupView(rule.heading, mode, tuple(self._view(p, now) for p in members), group_id))
        return tuple(views)

    def upload(
        self, session_token: str, candidature_id: str, code: str, filename: str, chunks: Iterable[bytes]
    ) -> PieceView:
        """JUS-03 / JUS-06: deposit a file for an online pièce, inside its deposit period.

        The size limit is enforced while reading; the type is decided by the content and must agree with the name
        (which must be more than an extension); the inspector looks inside the file (H3); the antivirus' verdict is
        recorded (only a clean file can be validated). Raises ValidationError naming ``file`` (FileTooLarge among
        them), ServiceClosed outside the period, PieceLocked once validated. A refused file is not kept.
        """
        now = self._clock.now()
        with self._uow() as uow:
            candidature = self._own(uow, session_token, candidature_id, write=True)
            piece = self._piece(uow, candidature.id, code)
        piece.deposit(_probe(now), now)  # refuse before reading anything: wrong mode, period, locked
        shown = display_name(filename)
        file_id, size = self._store.put(chunks, self.max_bytes)
        try:
            data = self._store.get(file_id)
            content_type = sniff_content_type(data, filename)
            self._inspector.inspect(data, content_type)
            verdict, detail = self._scanner.scan(data)
            if verdict is ScanVerdict.INFECTED:
                self._audit(candidature, "upload_validation", f"candidate:{candidature.account_id}",
                            piece=code, virusscan="FAILED", detail=detail)  # fmt: skip
                raise ValidationError.single("file", "infected", "Ce fichier est refusé : il contient un virus.")
            stored = StoredFile(file_id, shown, content_type, size, now, verdict, detail)
            with self._uow() as uow:
                self._own(uow, session_token, candidature_id, write=True)  # not withdrawn while we scanned
                current = self._piece(uow, candidature.id, code)
                updated = current.deposit(stored, now)
                uow.pieces.update(updated)
                outcome = "passed" if verdict is ScanVerdict.CLEAN else verdict.value
                uow.audit.append(
                    AuditRecord.of(now, "upload_validation", f"candidate:{candidature.account_id}",
                                   candidature.account_id, candidature=candidature.id, piece=code, virusscan=outcome)
                )  # fmt: skip
                cleared = {"cleared_status": current.status.value} if current.status else {}  # JUS-07
                uow.audit.append(
                    AuditRecord.of(now, "upload_complete", f"candidate:{candidature.account_id}",
                                   candidature.account_id, candidature=candidature.id, piece=code,
                                   virusscan=verdict.value, size=size, **cleared)
                )  # fmt: skip
                uow.commit()
        except BaseException:
            self._store.delete(file_id)
            raise
        if current.file is not None:
            self._store.delete(current.file.file_id)
        return self._view(updated, now)

    def delete_file(self, session_token: str, candidature_id: str, code: str) -> None:
        """JUS-03: a deposited file can be deleted until it is validated."""
        now = self._clock.now()
        with self._uow() as uow:
            candidature = self._own(uow, session_token, candidature_id, write=True)
            piece = self._piece(uow, candidature.id, code)
            if piece.file is None:
                return
            uow.pieces.update(piece.remove_file(now))
            uow.audit.append(
                AuditRecord.of(now, "upload_delete", f"candidate:{candidature.account_id}", candidature.account_id,
                               candidature=candidature.id, piece=code)
            )  # fmt: skip
            uow.commit()
        self._store.delete(piece.file.file_id)

    def validate(self, session_token: str, candidature_id: str, group_id: str) -> tuple[PieceView, ...]:
        """JUS-04 "J'ai fourni toutes mes pièces" for the group ``group_id`` (:attr:`PieceGroupView.id`; its display
        heading is still accepted, for compatibility): only when every pièce of the group has a clean file; each
        gets a validation date and is locked. Validating again changes nothing."""
        now = self._clock.now()
        listed = self.mes_justificatifs(session_token, candidature_id)
        group = next((g for g in listed if g.id == group_id), None) or next(
            (g for g in listed if g.heading == group_id), None
        )
        if group is None or group.mode is not DepositMode.EN_LIGNE:
            raise ValidationError.single("group", "unknown_group", "Ce regroupement de pièces n'existe pas.")
        with self._uow() as uow:
            candidature = self._own(uow, session_token, candidature_id, write=True)
            pieces = [self._piece(uow, candidature.id, view.code) for view in group.pieces]
            missing = [p.title for p in pieces if p.missing]
            if missing:
                raise ValidationError.single(
                    "group", "pieces_missing", f"Toutes les pièces doivent être déposées : {', '.join(missing)}."
                )
            unscanned = [p.title for p in pieces if p.file is not None and p.file.scan is not ScanVerdict.CLEAN]
            if unscanned:
                raise ValidationError.single(
                    "group",
                    "not_scanned",
                    f"L'analyse antivirus de ces pièces n'a pas abouti : {', '.join(unscanned)}.",
                )
            validated = []
            for piece in pieces:
                after = piece.validate(now)
                if after is not piece:
                    uow.pieces.update(after)
                validated.append(after)
            uow.audit.append(
                AuditRecord.of(now, "pieces_validated", f"candidate:{candidature.account_id}", candidature.account_id,
                               candidature=candidature.id, pieces=",".join(p.code for p in pieces))
            )  # fmt: skip
            uow.commit()
        return tuple(self._view(p, now) for p in validated)

    def file(self, session_token: str, candidature_id: str, code: str) -> tuple[str, str, bytes]:
        """The candidate's own deposited file: ``(display name, content type, bytes)``."""
        with self._uow() as uow:
            candidature = self._own(uow, session_token, candidature_id)
            piece = self._piece(uow, candidature.id, code)
        if piece.file is None:
            raise PieceNotFound("Aucun fichier déposé pour cette pièce.")
        return piece.file.display_name, piece.file.content_type, self._store.get(piece.file.file_id)

    # -- the managing service -----------------------------------------------------------------------------------

    def review(
        self,
        manager: Manager,
        candidature_id: str,
        code: str,
        status: PieceStatus | None,
        *,
        received_on: date | None = None,
        comment: str | None = None,
    ) -> Piece:
        """JUS-07 / MGR-02: « Lorsque le gestionnaire contrôle les pièces justificatives, il peut leur changer leur
        statut et éventuellement indiquer une date de réception. » Any status to any other — Reçue, Conforme,
        Non conforme, or none (``None``, not yet controlled) — with an optional reception date (not in the future;
        not given, the recorded one is kept) and comment.

        Refused: another académie's candidature (ForbiddenError, logged ``authz_fail``); a pièce the candidature
        does not ask for (PieceNotFound); an online pièce the candidate has not validated yet, or a
        candidature withdrawn or deleted (IllegalPieceTransition). No mail is sent (the guide: « Je ne reçois pas de
        mail automatique »); each change is audited (``piece_reviewed``, from → to, reception date, comment)."""
        now = self._clock.now()
        if status not in REVIEW_STATUSES:
            raise ValidationError.single("status", "unknown_status", "Ce statut de pièce n'existe pas.")
        if received_on is not None and (not isinstance(received_on, date) or isinstance(received_on, datetime)):
            raise ValidationError.single("received_on", "invalid_date", "La date de réception est invalide.")
        if received_on is not None and received_on > paris(now).date():
            raise ValidationError.single(
                "received_on", "in_future", "La date de réception ne peut pas être postérieure à aujourd'hui."
            )
        if comment is not None and len(comment) > 500:
            raise ValidationError.single("comment", "too_long", "Le commentaire ne peut pas dépasser 500 caractères.")
        if comment is not None:
            check_text(comment, "comment")
        if status is None and (received_on is not None or comment):
            raise ValidationError.single(
                "status", "no_status", "Une pièce sans statut n'a ni date de réception ni commentaire."
            )
        with self._uow() as uow:
            candidature = managed_candidature(uow, manager, candidature_id, now)
            piece = self._piece(uow, candidature.id, code)
            if candidature.state in _CLOSED:
                raise IllegalPieceTransition(
                    f"Cette candidature est à l'état « {candidature.state.value} » : "
                    "le statut de ses pièces ne change plus."
                )
            reviewed = piece.review(status, received_on, comment)
            uow.pieces.update(reviewed)
            uow.audit.append(
                AuditRecord.of(now, "piece_reviewed", f"manager:{manager.id}", candidature.account_id,
                               candidature=candidature.id, piece=code,
                               from_status=piece.status.value if piece.status else "aucun",
                               to_status=status.value if status else "aucun",
                               received_on=reviewed.received_on.isoformat() if reviewed.received_on else "",
                               comment=comment or "")
            )  # fmt: skip
            uow.commit()
        return reviewed

    def manager_pieces(self, manager: Manager, candidature_id: str) -> tuple[ManagerPieceView, ...]:
        """MGR-06: the candidature's pièces as the managing service sees them — status, deposit date (« la date
        de dépôt est affichée (et visible par le gestionnaire) »), validation, reception date, comment and file —
        in the order of "Mes justificatifs". Another académie's candidature is refused (ForbiddenError) and logged;
        withdrawn or deleted candidatures stay readable."""
        now = self._clock.now()
        with self._uow() as uow:
            candidature = managed_candidature(uow, manager, candidature_id, now)
            pieces = list(uow.pieces.for_candidature(candidature.id))
        modes = list(DepositMode)
        pieces.sort(key=lambda p: (p.period.end, modes.index(p.mode), p.period.start))
        return tuple(_manager_view(p) for p in pieces)

    def manager_file(self, manager: Manager, candidature_id: str, code: str) -> tuple[str, str, bytes]:
        """MGR-06: a deposited file, for the managing service to control: ``(display name, content type, bytes)``.
        Another académie's candidature is refused (ForbiddenError) and logged; a pièce without a file is
        PieceNotFound; a file the antivirus did not pass is not handed out (ForbiddenError). Each download
        is audited (``piece_file_read``)."""
        now = self._clock.now()
        with self._uow() as uow:
            candidature = managed_candidature(uow, manager, candidature_id, now)
            piece = self._piece(uow, candidature.id, code)
            if piece.file is None:
                raise PieceNotFound("Aucun fichier déposé pour cette pièce.")
            if piece.file.scan is not ScanVerdict.CLEAN:
                raise ForbiddenError("Ce fichier n'a pas été analysé par l'antivirus : il ne peut pas être ouvert.")
            uow.audit.append(
                AuditRecord.of(now, "piece_file_read", f"manager:{manager.id}", candidature.account_id,
                               candidature=candidature.id, piece=code)
            )  # fmt: skip
            uow.commit()
        return piece.file.display_name, piece.file.content_type, self._store.get(piece.file.file_id)

    # -- helpers ------------------------------------------------------------------------------------------------

    def _own(self, uow: UnitOfWork, session_token: str, candidature_id: str, *, write: bool = False) -> Candidature:
        """The signed-in candidate's own candidature; to change its pièces it must still be in Mes inscriptions
        (not withdrawn, set aside or deleted)."""
        candidature = owned_candidature(
            uow, self._authenticator.principal_in(uow, session_token).account_id, candidature_id, self._clock.now()
        )
        if write and not candidature.visible_to_candidate:
            raise CandidatureNotFound()
        return candidature

    @staticmethod
    def _piece(uow: UnitOfWork, candidature_id: str, code: str) -> Piece:
        piece = uow.pieces.get(candidature_id, code) if lookup_key(code) else None
        if piece is None:
            raise PieceNotFound()  # « Cette pièce n'est pas demandée pour cette candidature. »
        return piece

    def _audit(self, candidature: Candidature, action: str, actor: str, **details: object) -> None:
        with self._uow() as uow:
            uow.audit.append(
                AuditRecord.of(self._clock.now(), action, actor, candidature.account_id, candidature=candidature.id,
                               **details)
            )  # fmt: skip
            uow.commit()

    @staticmethod
    def _view(piece: Piece, now: datetime) -> PieceView:
        open_now = piece.mode is DepositMode.EN_LIGNE and piece.period.contains(now)
        file = piece.file
        return PieceView(
            code=piece.code,
            title=piece.title,
            group=piece.group,
            deposited=f"Déposé le {format_date(paris(file.deposited_at).date())}" if file else None,
            file_name=file.display_name if file else None,
            validated_on=format_date(paris(piece.validated_at).date()) if piece.validated_at else None,
            status=piece.status.value if piece.status else None,
            received_on=format_date(piece.received_on) if piece.received_on else None,
            comment=piece.comment,
            can_deposit=open_now and not piece.locked,
            can_delete=open_now and file is not None and not piece.locked,
        )


#: Candidatures whose pièces no longer change: withdrawn by the candidate or the manager, deleted by the manager.
_CLOSED = frozenset({CandidatureState.WITHDRAWN, CandidatureState.WITHDRAWN_BY_MANAGER, CandidatureState.DELETED})


def _manager_view(piece: Piece) -> ManagerPieceView:
    file = piece.file
    rule = PieceRule("", "", "", "", piece.mode, piece.period)
    return ManagerPieceView(
        code=piece.code,
        title=piece.title,
        heading=rule.heading,
        mode=piece.mode,
        status=piece.status,
        received_on=piece.received_on,
        comment=piece.comment,
        deposited_at=paris(file.deposited_at) if file else None,
        validated_at=paris(piece.validated_at) if piece.validated_at else None,
        file_name=file.display_name if file else None,
        content_type=file.content_type if file else None,
        size=file.size if file else None,
        scan=file.scan if file else None,
    )


def _probe(now: datetime) -> StoredFile:
    """A stand-in file to ask the pièce whether a deposit would be accepted, before reading the upload."""
    return StoredFile("probe", "probe", "application/pdf", 0, now, ScanVerdict.NOT_SCANNED)
