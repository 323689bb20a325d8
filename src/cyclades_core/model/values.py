"""Value objects of the account and the total parsers that build them from what a person typed.

Every parser either returns a value or raises :class:`~cyclades_core.errors.ValidationError` naming the field;
no other exception escapes, whatever the input (proved by Hypothesis fuzzing in ``tests/unit``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

import email_validator
from attrs import frozen

from cyclades_core.errors import FieldError, ValidationError

T = TypeVar("T")

__all__ = [
    "CandidateNumber",
    "Civility",
    "EmailAddress",
    "ErrorCollector",
    "IdentifierKind",
    "classify_identifier",
    "email_key",
    "mask_email",
    "parse_birth_date",
    "parse_civility",
    "parse_email",
    "parse_landline_phone",
    "parse_mobile_phone",
    "parse_person_name",
    "parse_postal_code",
]

EMAIL_MAX_LENGTH = 254
EMAIL_LOCAL_MAX_LENGTH = 63
NAME_MAX_LENGTH = 80


class Civility(Enum):
    """Civilité (ACC-01)."""

    MONSIEUR = "Monsieur"
    MADAME = "Madame"

    @property
    def label(self) -> str:
        return self.value.upper()


def _required(field: str, raw: str | None) -> str:
    if raw is None or not raw.strip():
        raise ValidationError.single(field, "required", "Ce champ est obligatoire.")
    return raw


def parse_civility(raw: str | None, field: str = "civility") -> Civility:
    text = _required(field, raw).strip().casefold()
    for civility in Civility:
        if text in (civility.value.casefold(), civility.name.casefold()):
            return civility
    raise ValidationError.single(field, "invalid_choice", "Veuillez choisir Monsieur ou Madame.")


_NAME_PUNCTUATION = {" ", "'", "-", "’"}


def parse_person_name(raw: str | None, field: str, *, required: bool = True) -> str | None:
    """A name as on the identity document: Unicode letters, spaces, apostrophes and hyphens, NFC-normalised.

    Runs of spaces are collapsed and the typographic apostrophe becomes ``'``; the letters' case is kept as typed.
    Returns ``None`` for an empty optional name (nom d'usage).
    """
    if raw is None or not raw.strip():
        if required:
            raise ValidationError.single(field, "required", "Ce champ est obligatoire.")
        return None
    text = " ".join(unicodedata.normalize("NFC", raw).split()).replace("’", "'")
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError.single(field, "too_long", f"Ce champ ne peut pas dépasser {NAME_MAX_LENGTH} caractères.")
    for char in text:
        category = unicodedata.category(char)
        if not (category.startswith(("L", "M")) or char in _NAME_PUNCTUATION):
            raise ValidationError.single(
                field,
                "invalid_characters",
                "Seuls les lettres, les espaces, l'apostrophe et le trait d'union sont acceptés.",
            )
    if not unicodedata.category(text[0]).startswith("L"):
        raise ValidationError.single(field, "invalid_characters", "Ce champ doit commencer par une lettre.")
    return text


_DATE_PATTERN = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def parse_birth_date(raw: str | None, today: date, field: str = "birth_date") -> date:
    """A real date written ``JJ/MM/AAAA`` (e.g. ``28/11/2004``), not in the future and not before 1900."""
    text = _required(field, raw).strip()
    match = _DATE_PATTERN.fullmatch(text)
    if match is None or not text.isascii():
        raise ValidationError.single(
            field, "invalid_format", "La date doit être au format JJ/MM/AAAA (exemple : 30/05/1998)."
        )
    day, month, year = (int(part) for part in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValidationError.single(field, "invalid_date", "Cette date n'existe pas.") from None
    if value > today:
        raise ValidationError.single(field, "in_future", "La date de naissance ne peut pas être dans le futur.")
    if value.year < 1900:
        raise ValidationError.single(field, "too_old", "La date de naissance doit être postérieure à 1900.")
    return value


def _nfkc_casefold(text: str) -> str:
    # casefold and NFKC do not commute for every code point; iterate to the fixed point so the key is idempotent.
    previous = None
    current = text
    while current != previous:
        previous = current
        current = unicodedata.normalize("NFKC", current).casefold().strip()
    return current


def email_key(display: str) -> str:
    """The uniqueness key of an email (ACC-02, A2): stripped, NFKC, case-folded. ``key(key(x)) == key(x)``."""
    return _nfkc_casefold(display)


@frozen
class EmailAddress:
    """An email as the person typed it (domain lower-cased) and its case-insensitive uniqueness ``key``."""

    display: str
    key: str

    def __str__(self) -> str:
        return self.display


_FORBIDDEN_EMAIL_CHARS = re.compile(r"[\x00-\x1f\x7f\"'`\\<>]")


def parse_email(raw: str | None, field: str = "email") -> EmailAddress:
    """Validate with email-validator, syntax only (``check_deliverability=False``: no DNS, ever)."""
    text = _required(field, raw).strip()
    if len(text) > EMAIL_MAX_LENGTH or _FORBIDDEN_EMAIL_CHARS.search(text):
        raise ValidationError.single(
            field, "invalid_email", "L'adresse mail n'est pas valide (exemple : nom.prenom@domaine.fr)."
        )
    try:
        result = email_validator.validate_email(
            text, check_deliverability=False, allow_quoted_local=False, allow_domain_literal=False
        )
    except (email_validator.EmailNotValidError, ValueError, UnicodeError):
        raise ValidationError.single(
            field, "invalid_email", "L'adresse mail n'est pas valide (exemple : nom.prenom@domaine.fr)."
        ) from None
    local, _, domain = result.normalized.rpartition("@")
    if len(local) > EMAIL_LOCAL_MAX_LENGTH or len(result.normalized) > EMAIL_MAX_LENGTH:
        raise ValidationError.single(field, "invalid_email", "L'adresse mail est trop longue.")
    display = f"{local}@{domain.lower()}"
    return EmailAddress(display=display, key=email_key(display))


def mask_email(address: str) -> str:
    """The masked contact shown by "Mot de passe oublié" (ACC-10, E8): ``paul.martin@l.com`` → ``paul.***@l.com``.

    Keeps at most five leading characters and never more than half of the local part, so the whole local part of
    more than one character is never shown. Deterministic.
    """
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    keep = min(5, len(local) // 2)
    return f"{local[:keep]}***@{domain}" if at else f"{local[:keep]}***"


class IdentifierKind(Enum):
    """What a login identifier is (ACC-08, C1)."""

    EMAIL = "email"
    CANDIDATE_NUMBER = "candidate_number"
    CYCLADES_LOGIN = "cyclades_login"
    UNKNOWN = "unknown"


CANDIDATE_NUMBER_PATTERN = re.compile(r"[0-9]{11}")
CYCLADES_LOGIN_PATTERN = re.compile(r"[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*[0-9]{0,4}")


def classify_identifier(raw: str) -> IdentifierKind:
    """Total and unambiguous: an email holds ``@``, a candidate number is 11 ASCII digits, a Cyclades login is
    ``nom.prenomX``; anything else is ``UNKNOWN``. Never raises."""
    text = raw.strip()
    if "@" in text:
        return IdentifierKind.EMAIL
    if CANDIDATE_NUMBER_PATTERN.fullmatch(text):
        return IdentifierKind.CANDIDATE_NUMBER
    if CYCLADES_LOGIN_PATTERN.fullmatch(text.lower()) and text.isascii():
        return IdentifierKind.CYCLADES_LOGIN
    return IdentifierKind.UNKNOWN


@frozen
class CandidateNumber:
    """N° candidat (ACC-09): 11 digits, assigned by the system at creation, unique."""

    value: str

    def __attrs_post_init__(self) -> None:
        if not CANDIDATE_NUMBER_PATTERN.fullmatch(self.value):
            raise ValueError(f"a candidate number has 11 digits, got {self.value!r}")

    def __str__(self) -> str:
        return self.value


_MOBILE = re.compile(r"(?:0|\+33)([67][0-9]{8})")
_LANDLINE = re.compile(r"(?:0|\+33)([1-9][0-9]{8})")
#: Any other country's number in the international (E.164) form: ``+``, a country code that does not start with 0,
#: at most 15 digits in all (ITU-T E.164) and at least 8 (the shortest numbers in use).
_INTERNATIONAL = re.compile(r"\+([1-9][0-9]{7,14})")
#: What a number abroad looks like in the refusal message (the guide's French examples stay first).
INTERNATIONAL_EXAMPLE = "+4915112345678"


def _parse_phone(raw: str | None, field: str, pattern: re.Pattern[str], example: str) -> str:
    """A French number (``0…`` or ``+33…``, returned in the national form) or, for candidates living abroad (centres
    à l'étranger), any other country's number in the international form (returned as ``+`` and its digits)."""
    text = re.sub(r"[ .\-]", "", _required(field, raw).strip())
    if text.isascii():
        if (match := pattern.fullmatch(text)) is not None:
            return "0" + match.group(1)
        if not text.startswith("+33") and _INTERNATIONAL.fullmatch(text):
            return text
    raise ValidationError.single(
        field,
        "invalid_phone",
        f"Le numéro de téléphone n'est pas valide ({example} ; à l'étranger : {INTERNATIONAL_EXAMPLE}).",
    )


def parse_mobile_phone(raw: str | None, field: str = "mobile_phone") -> str:
    """Téléphone portable: ``0623456789`` or ``+33623456789``, returned in the national form; a number abroad in the
    international form (``+4915112345678``)."""
    return _parse_phone(raw, field, _MOBILE, "Exemples : 0623456789 ou +33623456789")


def parse_landline_phone(raw: str | None, field: str = "landline_phone") -> str | None:
    """Téléphone fixe, optional: ``0123456789`` or ``+33123456789``; a number abroad in the international form."""
    if raw is None or not raw.strip():
        return None
    return _parse_phone(raw, field, _LANDLINE, "Exemples : 0123456789 ou +33123456789")


_POSTAL_CODE = re.compile(r"[0-9]{5}")


def parse_postal_code(raw: str | None, field: str = "postal_code") -> str:
    """A French postal code: 5 digits (e.g. ``35000``)."""
    text = _required(field, raw).strip()
    if not (text.isascii() and _POSTAL_CODE.fullmatch(text)):
        raise ValidationError.single(
            field, "invalid_postal_code", "Le code postal doit comporter 5 chiffres (exemple : 35000)."
        )
    return text


class ErrorCollector:
    """Runs several parsers and reports every refused field at once, as a form does.

    ``attempt`` returns the parser's value, or ``None`` after recording its errors; ``raise_if_any`` raises one
    :class:`ValidationError` holding them all.
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def attempt(self, parser: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        try:
            return parser(*args, **kwargs)
        except ValidationError as refused:
            self.errors.extend(refused.errors)
            return None

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.append(FieldError(field, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def checked(self, value: T | None) -> T:
        """Raise every recorded error; otherwise return ``value``, which its parser then produced."""
        self.raise_if_any()
        if value is None:
            raise AssertionError("a parser returned nothing without recording an error")
        return value
