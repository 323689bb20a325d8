"""From a :class:`~cyclades_core.errors.CycladesError` to what the page shows: its status and its messages.

One rule, no table of subclasses: the status is ``error.http_status``; a ``ValidationError``'s messages go next to
the fields it names (and into the error summary at the top of the page), another error's message goes next to its
``field`` when it names one, else at the top. A field the page does not show keeps its message in the summary, so
nothing is lost.

The summary at the top of a page names each field it links to (« Nom de famille : Ce champ est obligatoire. »): the
page's content is rendered first, each field's macro noting its label (:func:`note_label`), then the summary is put
in the place :func:`defer_summary` marked (:func:`with_summary`, called once by ``base.html``).
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen
from flask import Flask, g, get_template_attribute
from markupsafe import Markup, escape

from cyclades_core.errors import CycladesError, ValidationError

__all__ = ["FormErrors", "install"]

_SUMMARY_MARK = Markup("<!--cyclades:resume-erreurs-->")


@frozen
class FormErrors:
    """The messages of one refused form: per field, and those that belong to no field."""

    by_field: dict[str, tuple[str, ...]] = field(factory=dict)
    general: tuple[str, ...] = ()
    status: int = 200

    @classmethod
    def of(cls, error: CycladesError, *, aliases: dict[str, str] | None = None) -> FormErrors:
        """``aliases`` maps a field name of the core to the form's input name when they differ."""
        rename = aliases or {}
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        if isinstance(error, ValidationError):
            pairs: Iterable[tuple[str | None, str]] = ((e.field, e.message) for e in error.errors)
        else:
            pairs = [(error.field, error.message)]
        for name, message in pairs:
            if name is None or name == "$":
                general.append(message)
            else:
                by_field.setdefault(rename.get(name, name), []).append(message)
        return cls({k: tuple(v) for k, v in by_field.items()}, tuple(general), error.http_status)

    @classmethod
    def message(cls, text: str, status: int = 400) -> FormErrors:
        return cls({}, (text,), status)

    @classmethod
    def of_field(cls, name: str, text: str, status: int = 400) -> FormErrors:
        return cls({name: (text,)}, (), status)

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def get(self, name: str) -> tuple[str, ...]:
        return self.by_field.get(name, ())

    def summary(self) -> list[tuple[str | None, str]]:
        """(field or None, message) for the summary at the top of the page, in order."""
        found: list[tuple[str | None, str]] = [(None, m) for m in self.general]
        for name, messages in self.by_field.items():
            found.extend((name, m) for m in messages)
        return found


def note_label(name: str, label: str) -> str:
    """Called by each field's macro: the label the summary gives ``name`` (without its trailing colon)."""
    labels: dict[str, str] = g.setdefault("field_labels", {})
    labels.setdefault(name, label.strip().rstrip(":").rstrip())
    return ""


def defer_summary(errors: FormErrors) -> Markup:
    """The error summary's place: filled by :func:`with_summary` once every field has noted its label."""
    if not errors:
        return Markup("")
    g.summary_errors = errors
    return _SUMMARY_MARK


def with_summary(content: Markup | str) -> Markup:
    """The page's content (rendered by Jinja with autoescape: Markup) with its error summary, each message a link
    naming its field."""
    page = content if isinstance(content, Markup) else escape(content)
    errors: FormErrors | None = g.pop("summary_errors", None)
    labels: dict[str, str] = g.pop("field_labels", {})
    if errors is None:
        return page
    render = get_template_attribute("_macros.html", "summary_box")
    return page.replace(_SUMMARY_MARK, render(errors, labels), 1)


def install(app: Flask) -> None:
    app.jinja_env.globals.update(note_label=note_label, defer_summary=defer_summary, with_summary=with_summary)
