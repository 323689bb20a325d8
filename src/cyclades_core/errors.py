"""The one exception tree of cyclades.

Every error carries a stable ``code`` for programs (never renamed once released) and a French ``message`` for the
person in front of the screen, taken word for word from the candidate guide where it gives one. Adapters translate
driver errors into this tree; nothing else escapes a use case. Every ``CycladesError`` subclass of the core is defined
here (the model modules re-export their own, e.g. ``IllegalPieceTransition``).

The tree has one base per answer a web layer gives, each with its ``http_status``: map an error to a status with
``error.http_status``, never with a table of subclasses.

- 400 :class:`InvalidInput`: :class:`ValidationError` (every refused field named), :class:`InvalidLink` (and the
  expired links);
- 401 :class:`AuthenticationError`: wrong credentials, expired session, :class:`PasswordChangeRequired`;
- 403 :class:`ForbiddenError`: closed service, frozen identity, illegal transitions, locked pièces…;
- 404 :class:`NotFoundError`: account, candidature, pièce, catalogue item, manager (or not the caller's);
- 409 :class:`ConflictError`: duplicates (:class:`EmailAlreadyUsed`), :class:`ConcurrencyConflict`;
- 429 :class:`TooManyRequests`: throttles (``retry_after`` in seconds when known);
- 503 :class:`Unavailable`: :class:`StorageUnavailable`, :class:`MailDeliveryError`;
- 500 :class:`ConfigurationError` (and the root): the deployment is misconfigured, never the user's fault.

An error about one input names it: ``ValidationError.errors`` lists every refused field; other errors set
``field`` when one input is to blame (``EmailAlreadyUsed.field == "email"``), else ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AccountHasCandidatures",
    "AccountNotFound",
    "ActivationExpired",
    "AuthenticationError",
    "CandidatureAlreadyExists",
    "CandidatureNotFound",
    "CatalogueNotFound",
    "ConcurrencyConflict",
    "ConfigurationError",
    "ConflictError",
    "CycladesError",
    "DuplicateAccount",
    "DuplicateCandidature",
    "EmailAlreadyUsed",
    "FieldError",
    "FileTooLarge",
    "ForbiddenError",
    "IdentityFrozen",
    "IllegalAccountTransition",
    "IllegalCandidatureTransition",
    "IllegalPieceTransition",
    "InvalidCredentials",
    "InvalidInput",
    "InvalidLink",
    "InvalidManagerCredentials",
    "LinkExpired",
    "MailDeliveryError",
    "MailRejected",
    "ManagerLoginTaken",
    "ManagerNotFound",
    "ManagerSessionExpired",
    "NotFoundError",
    "PasswordChangeRequired",
    "PieceLocked",
    "PieceNotFound",
    "ServiceClosed",
    "SessionExpired",
    "StorageNotMigrated",
    "StorageUnavailable",
    "TooManyRequests",
    "Unavailable",
    "ValidationError",
    "WithdrawalAfterClosing",
]


class CycladesError(Exception):
    """Root of every error the library raises on purpose.

    ``code`` is stable and meant for programs; ``message`` is French and meant for people.
    """

    code: str = "cyclades_error"
    default_message: str = "Une erreur est survenue."
    #: The HTTP status a web layer answers with; set on each base of the tree, inherited by its members.
    http_status: int = 500
    #: The one input to blame (a form field's name), when there is one; ``ValidationError`` lists its fields.
    field: str | None = None

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class FieldError:
    """One refused field: its name in the command (``birth_date``), a stable code and the French message."""

    __slots__ = ("code", "field", "message")

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.code = code
        self.message = message

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldError):
            return NotImplemented
        return (self.field, self.code, self.message) == (other.field, other.code, other.message)

    def __hash__(self) -> int:
        return hash((self.field, self.code, self.message))

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {self.code!r}, {self.message!r})"


class InvalidInput(CycladesError):
    """400: the request itself is wrong (a form, a link); sending it again unchanged cannot succeed."""

    code = "invalid_input"
    default_message = "La demande est invalide."
    http_status = 400


class ValidationError(InvalidInput):
    """Input refused. ``errors`` names every wrong field; nothing was persisted."""

    code = "validation_error"
    default_message = "Le formulaire comporte des erreurs."

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("a ValidationError needs at least one FieldError")
        details = " ; ".join(f"{e.field} : {e.message}" for e in self.errors)
        super().__init__(f"{self.default_message} {details}")

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ValidationError:
        return cls([FieldError(field, code, message)])

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the refused fields, in the order they were checked."""
        return tuple(e.field for e in self.errors)

    def for_field(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)

    def prefixed(self, prefix: str) -> ValidationError:
        """The same refusals with every field name under ``prefix`` (``pupils[2].`` + ``birth_date``)."""
        return ValidationError(FieldError(prefix + e.field, e.code, e.message) for e in self.errors)


class NotFoundError(CycladesError):
    """404: the thing named does not exist, or is not the caller's (ownership never tells the two apart)."""

    code = "not_found"
    default_message = "L'élément demandé est introuvable."
    http_status = 404


class AccountNotFound(NotFoundError):
    code = "account_not_found"
    default_message = "Compte introuvable."


class ConflictError(CycladesError):
    """409: the request collides with the stored state (a duplicate, a concurrent change)."""

    code = "conflict"
    default_message = "L'opération est en conflit avec l'état actuel des données."
    http_status = 409


class ConcurrencyConflict(ConflictError):
    """The object was changed by someone else since it was read (optimistic concurrency)."""

    code = "concurrency_conflict"
    default_message = (
        "Ces données ont été modifiées entre-temps par une autre action. Veuillez recharger la page et recommencer."
    )


class DuplicateAccount(ConflictError):
    """A uniqueness rule of accounts was hit (login, candidate number)."""

    code = "duplicate_account"
    default_message = "Un compte existe déjà avec cet identifiant."


class EmailAlreadyUsed(DuplicateAccount):
    """ACC-02: one account per email address."""

    code = "email_already_used"
    default_message = "Un compte existe déjà avec cette adresse mail."

    def __init__(self, message: str | None = None, *, field: str = "email") -> None:
        self.field = field
        super().__init__(message)


class ForbiddenError(CycladesError):
    """403: the caller is known but this operation is not allowed now (rules, windows, states, rights)."""

    code = "forbidden"
    default_message = "Cette opération n'est pas autorisée."
    http_status = 403


class AccountHasCandidatures(ForbiddenError):
    """ACC-12: the guide's own words."""

    code = "account_has_candidatures"
    default_message = "Le compte ne peut pas être supprimé car une ou plusieurs candidatures y sont attachées"


class IdentityFrozen(ForbiddenError):
    """ACC-11 / CAN-11: once a candidature exists only the email and the password may change."""

    code = "identity_frozen"
    default_message = (
        "Dès qu'une candidature existe, seuls l'adresse mail et le mot de passe sont modifiables. "
        "Si une autre information est erronée, vous devez contacter le service gestionnaire."
    )


class AuthenticationError(CycladesError):
    """401: no valid session for this request; the web layer sends the person to a login (or password) form."""

    code = "authentication_error"
    default_message = "Authentification impossible."
    http_status = 401


class InvalidCredentials(AuthenticationError):
    """Unknown identifier, wrong password, unactivated or throttled account: one error for all (ACC-14)."""

    code = "invalid_credentials"
    default_message = "Identifiant de connexion ou mot de passe incorrect."


class SessionExpired(AuthenticationError):
    code = "session_expired"
    default_message = "Votre session a expiré. Veuillez vous identifier de nouveau."


class PasswordChangeRequired(AuthenticationError):
    """C6: an initial password (papillon de connexion) must be changed before anything else.

    An authentication error (401), not a forbidden one: the session does not yet open the portal, only the
    password form — as with an expired session, the web layer sends the person to a form, never to an error page.
    """

    code = "password_change_required"
    default_message = "Vous devez modifier votre mot de passe initial avant de continuer."


class InvalidLink(InvalidInput):
    """A used, revoked or forged link (activation or password reset): 400, the link is a bad input (``token``, the
    argument of ``activate`` and ``reset_password`` that carries it)."""

    field = "token"
    code = "invalid_link"
    default_message = "Ce lien n'est pas valide ou a déjà été utilisé."


class LinkExpired(InvalidLink):
    code = "link_expired"
    default_message = "Ce lien n'est valable que pour une durée de 48 heures. Ce délai est dépassé."


class ActivationExpired(LinkExpired):
    """ACC-05: the 48 hours are over; the account's data is (or will be) erased."""

    code = "activation_expired"
    default_message = (
        "Ce lien n'est valable que pour une durée de 48h. Passé ce délai, vos informations sont effacées, "
        "vous devez recommencer votre démarche de création de compte."
    )


class TooManyRequests(CycladesError):
    """A throttle refused the request; ``retry_after`` is in seconds when known."""

    code = "too_many_requests"
    default_message = "Trop de demandes successives. Veuillez réessayer dans quelques minutes."
    http_status = 429

    def __init__(self, message: str | None = None, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ConfigurationError(CycladesError):
    """500: the library was configured wrongly; the message names the argument or environment key it read."""

    code = "configuration_error"
    default_message = "La configuration est invalide."


class StorageNotMigrated(ConfigurationError):
    """The database is reachable but holds no cyclades schema, or an older one: run ``cyclades db upgrade``
    (``SqlDatabase.upgrade``). A SQLite file that does not exist is not created by an operator command: it is this
    error too."""

    code = "storage_not_migrated"
    default_message = "La base n'est pas migrée : lancez « cyclades db upgrade »."


class ServiceClosed(ForbiddenError):
    """SVC-04: outside ``[start, end)`` every write the guide allows only "pendant la période d'ouverture"."""

    code = "service_closed"
    default_message = (
        "Le service d'inscription est fermé : cette opération n'est possible que pendant la période d'ouverture."
    )


class CatalogueNotFound(NotFoundError):
    code = "catalogue_not_found"
    default_message = "Cet élément du catalogue est introuvable."


class DuplicateCandidature(ConflictError):
    code = "duplicate_candidature"
    default_message = "Ce numéro d'inscription est déjà attribué pour ce candidat."


class CandidatureAlreadyExists(ConflictError):
    """CAN-18: the account already holds a candidature for this session (registered, préinscription or set aside);
    it is modified from « Mes inscriptions », not created twice."""

    code = "candidature_exists"
    default_message = (
        "Vous avez déjà une candidature pour cette session : vous pouvez la consulter ou la modifier depuis "
        "« Mes inscriptions »."
    )


class CandidatureNotFound(NotFoundError):
    code = "candidature_not_found"
    default_message = "Candidature introuvable."


class PieceNotFound(NotFoundError):
    """A pièce code the candidature does not ask for, or a pièce without a file where one is read. The candidature
    itself was found (and is the caller's): a missing or foreign one is :class:`CandidatureNotFound`."""

    code = "piece_not_found"
    default_message = "Cette pièce n'est pas demandée pour cette candidature."


class WithdrawalAfterClosing(ForbiddenError):
    """UNS-04: after closing, only the managing service can withdraw the candidate."""

    code = "withdrawal_after_closing"
    default_message = (
        "Après la fermeture des inscriptions, vous ne pouvez plus vous désinscrire par vos propres moyens. "
        "Contactez le service gestionnaire dont les coordonnées figurent sur votre récapitulatif d'inscription."
    )


class FileTooLarge(ValidationError):
    """JUS-03 / H1: the file exceeds the size limit; nothing of it was kept."""

    code = "file_too_large"

    def __init__(self, max_bytes: int, field: str = "file") -> None:
        self.max_bytes = max_bytes
        megabytes = max_bytes / (1024 * 1024)
        super().__init__(
            [FieldError(field, "file_too_large", f"Le fichier dépasse la taille maximale ({megabytes:g} Mo).")]
        )


class Unavailable(CycladesError):
    """503: a resource the library depends on cannot answer now; the same request may succeed later."""

    code = "unavailable"
    default_message = "Le service est momentanément indisponible. Veuillez réessayer plus tard."
    http_status = 503


class StorageUnavailable(Unavailable):
    """The database cannot be reached or refused the connection; nothing was written."""

    code = "storage_unavailable"
    default_message = "Le service est momentanément indisponible. Veuillez réessayer plus tard."


class MailDeliveryError(Unavailable):
    """The mail server could not be reached or refused the message for now (4xx, timeout, connection lost): the
    relay retries later, with backoff, a bounded number of times.

    ``reason`` is short and technical, for the outbox row and the logs: the SMTP code and its class (``smtp 451
    4.7.1``), ``timeout``, an exception's type; never the recipient nor the server's free text (which may quote the
    address)."""

    code = "mail_delivery_error"
    default_message = "L'envoi du message a échoué ; il sera retenté."
    permanent = False

    def __init__(self, message: str | None = None, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = (reason or type(self).__name__)[:200]


class MailRejected(MailDeliveryError):
    """The mail server refused this message for good (5xx, SMTPUTF8 unsupported, recipient refused): retrying it
    cannot succeed, the relay puts it in the dead letters."""

    code = "mail_rejected"
    default_message = "Le serveur de messagerie a refusé définitivement le message."
    permanent = True


class IllegalAccountTransition(ForbiddenError):
    """The account's state machine refuses this event in its current state (``cyclades_core.model.account``)."""

    code = "illegal_account_transition"
    default_message = "Cette opération n'est pas possible dans l'état actuel du compte."


class IllegalCandidatureTransition(ForbiddenError):
    """The candidature's state machine refuses this event in its current state."""

    code = "illegal_candidature_transition"
    default_message = "Cette opération n'est pas possible dans l'état actuel de la candidature."


class IllegalPieceTransition(ForbiddenError):
    """A pièce's status cannot change now (JUS-07): an online pièce not yet validated by the candidate, or a
    pièce of a withdrawn or deleted candidature. A manager moves a pièce between any two statuses otherwise."""

    code = "illegal_piece_transition"
    default_message = "Ce changement de statut n'est pas possible pour cette pièce."


class PieceLocked(ForbiddenError):
    """JUS-07: validated pièces are locked, but for one sent back Non conforme."""

    code = "piece_locked"
    default_message = (
        "Vous avez validé vos pièces : vous ne pouvez plus les modifier ou les supprimer "
        "(sauf une pièce déclarée non conforme par le gestionnaire)."
    )


# -- the managing service's accounts (back office) -------------------------------------------------------------------


class ManagerLoginTaken(ConflictError):
    """A manager account already has this login (enabled or disabled: a login names one person forever)."""

    field = "login"
    code = "manager_login_taken"
    default_message = "Un compte gestionnaire existe déjà avec cet identifiant."


class ManagerNotFound(NotFoundError):
    """No manager account has this login (the operator's commands)."""

    field = "login"
    code = "manager_not_found"
    default_message = "Compte gestionnaire introuvable."


class InvalidManagerCredentials(AuthenticationError):
    """A manager's login refused: unknown login, wrong password, disabled or throttled account — one error and one
    message for all (no enumeration)."""

    code = "invalid_manager_credentials"
    default_message = "Identifiant de connexion ou mot de passe incorrect."


class ManagerSessionExpired(AuthenticationError):
    """No valid manager session behind this token: unknown, forged, logged out, idle or past its absolute expiry, or
    its manager disabled. A candidate's session token is refused the same way."""

    code = "manager_session_expired"
    default_message = "Votre session a expiré. Veuillez vous identifier de nouveau."
