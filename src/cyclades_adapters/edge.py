"""The edge between the outside world (a web form, a JSON body) and the core's commands.

cattrs lives here, never in the core. :func:`personal_data_json` renders the right-of-access export as JSON.
:func:`structure_form` accepts exactly the declared fields of a command
(mass-assignment guard, checklist A6): an unknown key such as ``state`` or ``candidate_number`` is refused, a
missing one is named, a non-string value is refused; every refusal is a
:class:`~cyclades_core.errors.ValidationError` naming its field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

from cattrs import Converter, transform_error
from cattrs.errors import BaseValidationError, ForbiddenExtraKeysError

from cyclades_core.errors import FieldError, ValidationError
from cyclades_core.usecases.accounts import PersonalData

__all__ = ["personal_data_json", "structure_form", "unstructure_form"]

T = TypeVar("T")


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _converter() -> Converter:
    converter = Converter(forbid_extra_keys=True)
    converter.register_structure_hook(str, _strict_str)
    return converter


_CONVERTER = _converter()


def _field_of(message: str) -> str:
    _, _, path = message.rpartition(" @ $")
    return path.lstrip(".").split(".")[0].split("[")[0] or "$"


def structure_form(cls: type[T], payload: Mapping[str, object]) -> T:
    """Build the command ``cls`` from a mapping of raw values, refusing unknown, missing and non-text fields."""
    if not isinstance(payload, Mapping):
        raise ValidationError.single("$", "invalid_payload", "Le formulaire reçu n'est pas un objet.")
    try:
        return _CONVERTER.structure(dict(payload), cls)
    except ForbiddenExtraKeysError as extra:
        raise ValidationError(
            FieldError(name, "unknown_field", "Ce champ n'existe pas dans ce formulaire.")
            for name in sorted(extra.extra_fields)
        ) from None
    except BaseValidationError as refused:
        errors: list[FieldError] = []
        for message in transform_error(refused):
            if "extra fields found" in message:
                names = message.split("(", 1)[-1].split(")", 1)[0]
                errors.extend(
                    FieldError(name.strip(), "unknown_field", "Ce champ n'existe pas dans ce formulaire.")
                    for name in names.split(",")
                )
            elif "required field missing" in message:
                errors.append(FieldError(_field_of(message), "required", "Ce champ est obligatoire."))
            else:
                errors.append(FieldError(_field_of(message), "invalid_type", "Ce champ doit être un texte."))
        raise ValidationError(errors) from None


def unstructure_form(form: object) -> dict[str, Any]:
    """The plain ``dict`` of a command, for keeping it between requests."""
    result: dict[str, Any] = _CONVERTER.unstructure(form)
    return result


def _export_converter() -> Converter:
    converter = Converter()
    converter.register_unstructure_hook(datetime, lambda d: d.astimezone(UTC).isoformat())
    converter.register_unstructure_hook(date, lambda d: d.isoformat())
    converter.register_unstructure_hook(Enum, lambda e: e.value)
    return converter


_EXPORT = _export_converter()


def personal_data_json(data: PersonalData) -> str:
    """The right-of-access export as indented JSON (UTF-8 text, instants in UTC ISO 8601, enums by their label)."""
    return json.dumps(_EXPORT.unstructure(data), ensure_ascii=False, indent=2)
