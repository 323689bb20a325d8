"""Shared by the data-building scripts: each owns one marked section of ``SOURCES.md``.

``build_reference_data.py`` writes the file's head; ``build_academie_contacts.py`` and ``build_bts_specialites.py``
each replace only the section between their markers, so any script can be run alone.
"""

from __future__ import annotations

from pathlib import Path


def markers(section: str) -> tuple[str, str]:
    return f"<!-- BEGIN {section} (generated) -->", f"<!-- END {section} -->"


def sections(text: str) -> dict[str, str]:
    """The marked sections of ``text``, by name, markers included."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("<!-- BEGIN ") and line.endswith(" (generated) -->"):
            name = line[len("<!-- BEGIN ") : -len(" (generated) -->")]
            begin, end = markers(name)
            start = text.index(begin)
            found[name] = text[start : text.index(end, start) + len(end)]
    return found


def replace_section(text: str, section: str, body: str) -> str:
    """``text`` with ``section`` set to ``body`` (appended at the end when absent)."""
    begin, end = markers(section)
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text:
        start = text.index(begin)
        stop = text.index(end, start) + len(end)
        return text[:start] + block + text[stop:]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_section(path: Path, section: str, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Sources of the reference data\n"
    path.write_text(replace_section(text, section, body), encoding="utf-8")
