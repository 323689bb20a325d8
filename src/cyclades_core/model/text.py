"""Text every storage can keep and look up (issue 15, finding 1).

A public use case accepts any ``str``. Two kinds of characters cannot go further as typed: lone surrogates
(``"\\udfff"``), which no UTF-8 encoder accepts, and NUL, which PostgreSQL's text type refuses; the other C0 controls
(and DEL) have no use in a form or an identifier. So:

- a **lookup** (an email, a login, a candidate number, an id, a code) holding one of them finds nothing:
  :func:`lookup_key` answers ``None`` and the use case answers as for any unknown value;
- a **form** holding one of them is refused as a :class:`~cyclades_core.errors.ValidationError` naming the field
  (:func:`check_form` walks nested forms and names ``identification.street``, ``pupils[1].pupil.first_names``…).

Tab, line feed and carriage return are allowed in forms (a comment, a message); field parsers say more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import Any, TypeVar

import attrs

from cyclades_core.errors import ValidationError
from cyclades_core.model.values import ErrorCollector

__all__ = [
    "INVALID_CHARACTERS",
    "NOT_A_TEXT",
    "check_choice",
    "check_form",
    "check_int",
    "check_text",
    "lookup_key",
    "storable",
]

E = TypeVar("E", bound=Enum)

#: The message of a field holding a character that cannot be stored.
INVALID_CHARACTERS = "Ce champ contient des caractères non autorisés."

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_UNSTORABLE_KEY = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
#: The largest integer every storage keeps (a signed 64-bit column).
MAX_INT = 2**63 - 1


def storable(value: str) -> bool:
    """Whether ``value`` holds no surrogate, NUL or control character other than tab, LF and CR."""
    return _UNSTORABLE.search(value) is None


def lookup_key(value: object) -> str | None:
    """``value`` when it can be looked up on every storage; ``None`` (found nowhere) for anything else: a
    non-string, or a string with a surrogate or any control character."""
    if not isinstance(value, str) or _UNSTORABLE_KEY.search(value) is not None:
        return None
    return value


def check_text(value: str, field: str) -> str:
    """``value`` when storable, else a ValidationError naming ``field``."""
    if not isinstance(value, str) or not storable(value):
        raise ValidationError.single(field, "invalid_characters", INVALID_CHARACTERS)
    return value


def check_choice(value: E, choices: type[E], field: str) -> E:
    """``value`` when a member of the enum ``choices``, else a ValidationError naming ``field`` (a caller's text, such
    as ``"CONFIRMATION"``, where the member is expected)."""
    if not isinstance(value, choices):
        raise ValidationError.single(field, "invalid_choice", "Cette valeur ne fait pas partie des choix proposés.")
    return value


def check_int(value: int, field: str, *, minimum: int = 0, maximum: int = MAX_INT) -> int:
    """``value`` when an integer within ``[minimum, maximum]``, else a ValidationError naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationError.single(
            field, "out_of_range", f"La valeur doit être un entier entre {minimum} et {maximum}."
        )
    return value


#: The message of a form field declared ``str`` given something else (a caller's number): ``invalid_text``.
NOT_A_TEXT = "Ce champ doit être un texte."
#: How attrs forms declare a text field (``from __future__ import annotations`` keeps annotations as text).
_TEXT_TYPES = frozenset({"str", "str | None", "None | str", "Optional[str]"})


def check_form(form: object, prefix: str = "", errors: ErrorCollector | None = None) -> ErrorCollector:
    """Record an ``invalid_characters`` error for every text field of ``form`` (an attrs form, or a dict of named
    values; nested forms, tuples and lists walked) that cannot be stored, and an ``invalid_text`` error for every
    field of an attrs form declared ``str`` that holds something else but ``None`` (which the field's own check
    treats as empty); raise them all at once unless ``errors`` is given."""
    collector = errors if errors is not None else ErrorCollector()
    for name, value in _text_fields(form, prefix):
        if not isinstance(value, str):
            collector.add(name, "invalid_text", NOT_A_TEXT)
        elif not storable(value):
            collector.add(name, "invalid_characters", INVALID_CHARACTERS)
    if errors is None:
        collector.raise_if_any()
    return collector


def _declared_text(declared: object) -> bool:
    return declared is str or (isinstance(declared, str) and declared in _TEXT_TYPES)


def _text_fields(value: Any, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, str):
        yield path, value
    elif attrs.has(type(value)):
        for attribute in attrs.fields(type(value)):
            item = getattr(value, attribute.name)
            name = f"{path}.{attribute.name}" if path else attribute.name
            if _declared_text(attribute.type) and item is not None and not isinstance(item, str):
                yield name, item  # a number where the form takes text: refused, not parsed
            else:
                yield from _text_fields(item, name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_fields(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _text_fields(item, f"{path}[{index}]")
