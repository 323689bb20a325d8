"""The password policy (ACC-03, checklist D1/D2).

The guide's rule is kept as written: 8 to 20 characters with at least one uppercase letter, one lowercase letter
and one special character. Beside it, as the standards require: a blocklist of common passwords (compared on their
*skeleton*, so ``Azerty123!`` is caught as ``azerty123``) and of context words (the candidate's names, birth date,
"cyclades", the académies' names), and keyboard or alphabet sequences.

Lengths count code points. A password over 20 characters is refused, never truncated. "Special" means any
character that is neither a letter nor a digit nor white space; white space is allowed but is not special;
control characters are refused.
"""

from __future__ import annotations

import gzip
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import cache
from importlib import resources

from attrs import frozen

from cyclades_core.errors import FieldError, ValidationError
from cyclades_core.model.text import INVALID_CHARACTERS, storable

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "POLICY_MESSAGE", "PasswordContext", "check_new_password", "skeleton"]

MIN_LENGTH = 8
MAX_LENGTH = 20

#: The guide's own sentence (section 3), shown for every breach of the basic rule.
POLICY_MESSAGE = (
    "Le mot de passe doit comporter au moins 8 caractères (20 caractères au maximum), "
    "ainsi qu'une minuscule, une majuscule et un caractère spécial."
)
COMMON_MESSAGE = "Ce mot de passe est trop courant ou trop facile à deviner. Veuillez en choisir un autre."
CONTEXT_MESSAGE = (
    "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre date de naissance, "
    "ni le nom du portail ou d'une académie."
)
CONFIRMATION_MESSAGE = "La confirmation du mot de passe ne correspond pas au mot de passe saisi."

#: Context words refused inside any password (section D2): the portal and the académies.
PORTAL_WORDS: tuple[str, ...] = (
    "cyclades",
    "aix",
    "marseille",
    "amiens",
    "besancon",
    "bordeaux",
    "clermont",
    "corse",
    "creteil",
    "dijon",
    "grenoble",
    "guadeloupe",
    "guyane",
    "lille",
    "limoges",
    "lyon",
    "martinique",
    "mayotte",
    "montpellier",
    "nancy",
    "metz",
    "nantes",
    "nice",
    "normandie",
    "caen",
    "rouen",
    "orleans",
    "tours",
    "paris",
    "poitiers",
    "reims",
    "rennes",
    "reunion",
    "strasbourg",
    "toulouse",
    "versailles",
    "polynesie",
    "caledonie",
)

_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "01234567890",
)


@frozen
class PasswordContext:
    """What the password must not contain: the person's names and birth date."""

    names: tuple[str, ...] = ()
    birth_date: date | None = None

    def words(self) -> set[str]:
        found = {word for word in PORTAL_WORDS if len(word) >= 4}
        for name in self.names:
            for part in skeleton_words(name):
                if len(part) >= 3:
                    found.add(part)
        if self.birth_date is not None:
            day = self.birth_date
            found.update(
                {
                    f"{day.year:04d}",
                    f"{day.day:02d}{day.month:02d}",
                    f"{day.day:02d}{day.month:02d}{day.year:04d}",
                }
            )
        return found


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def skeleton(password: str) -> str:
    """The password case-folded, stripped of accents and of everything but ASCII letters and digits."""
    return "".join(char for char in _fold(password) if char.isascii() and char.isalnum())


def skeleton_words(text: str) -> list[str]:
    folded = _fold(text)
    return [
        "".join(c for c in part if c.isascii() and c.isalnum())
        for part in folded.replace("-", " ").replace("'", " ").split()
    ]


@cache
def _common_skeletons() -> frozenset[str]:
    data = resources.files("cyclades_core").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("ascii").split())


def _is_sequence(text: str) -> bool:
    if len(text) < 4:
        return False
    if len(set(text)) <= 2:
        return True
    return any(text in run or text in run[::-1] for run in _SEQUENCES)


def _is_common(core: str) -> bool:
    if not core:
        return True
    common = _common_skeletons()
    letters = core.rstrip("0123456789")
    stripped = core.strip("0123456789")
    return (
        core in common
        or (len(letters) >= 3 and letters in common)
        or (len(stripped) >= 3 and stripped in common)
        or _is_sequence(core)
        or _is_sequence(letters)
    )


def _special(char: str) -> bool:
    return not (char.isalpha() or char.isdigit() or char.isspace())


def policy_errors(password: str, field: str = "password") -> list[FieldError]:
    """The guide's rule only (length, upper, lower, special), without blocklists."""
    if any(unicodedata.category(char) in {"Cc", "Cf", "Cs"} for char in password):
        return [FieldError(field, "invalid_characters", "Le mot de passe contient des caractères non autorisés.")]
    ok = (
        MIN_LENGTH <= len(password) <= MAX_LENGTH
        and any(char.isupper() for char in password)
        and any(char.islower() for char in password)
        and any(_special(char) for char in password)
    )
    return [] if ok else [FieldError(field, "password_policy", POLICY_MESSAGE)]


def check_new_password(
    password: str | None,
    confirmation: str | None,
    context: PasswordContext,
    *,
    field: str = "password",
    confirmation_field: str = "password_confirmation",
    extra_words: Iterable[str] = (),
) -> str:
    """Check a new password (creation, change, reset) and its confirmation; return it unchanged.

    Raises :class:`ValidationError` naming ``field`` (policy, blocklist, context) or ``confirmation_field``.
    """
    if not password:
        raise ValidationError.single(field, "required", "Ce champ est obligatoire.")
    if not storable(password):
        raise ValidationError.single(field, "invalid_characters", INVALID_CHARACTERS)
    errors = policy_errors(password, field)
    if not errors:
        core = skeleton(password)
        words = context.words() | {w for w in (skeleton(x) for x in extra_words) if len(w) >= 3}
        if any(word in core for word in words):
            errors.append(FieldError(field, "password_context", CONTEXT_MESSAGE))
        elif _is_common(core):
            errors.append(FieldError(field, "password_common", COMMON_MESSAGE))
    if confirmation != password:
        errors.append(FieldError(confirmation_field, "confirmation_mismatch", CONFIRMATION_MESSAGE))
    if errors:
        raise ValidationError(errors)
    return password
