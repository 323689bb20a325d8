"""Build the BTS units data file and its section of ``SOURCES.md`` from the text of the arrêté of 3 June 2022.

Source: ``scripts/sources/bts-arrete-2022-06-03-annexe-i.txt``, the rows of Annexe I (« épreuves générales et
professionnelles par spécialité à compter de la session d'examen 2022 ») copied as the Journal officiel writes them,
one spécialité a line: ``spécialité | épreuves générales | épreuves professionnelles``; ``#`` lines cite the text.

Written:

* ``src/cyclades_adapters/data/bts-annexe-i.csv`` (``specialite,kind,epreuve,units``): one row per épreuve,
  in the annex's order; ``kind`` is ``generale`` or ``professionnelle``; ``units`` is what the annex writes in
  parentheses after the épreuve (``U41 U42``; the text's own words where it writes no unit codes), empty where it
  writes none.
* the ``bts`` section of ``src/cyclades_adapters/data/SOURCES.md``.

The annex gives neither the spécialités' codes nor the épreuves' titles, which the catalogue's ``[[specialite]]``
entries need: this file is the sourced unit structure, not catalogue entries (SOURCES.md says which spécialités the
catalogue carries and why no other is added).

Usage: ``python scripts/build_bts_specialites.py [--source PATH] [--output PATH] [--sources-md PATH]``.
Standard library only; nothing is fetched.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from _sources_md import write_section

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "scripts" / "sources" / "bts-arrete-2022-06-03-annexe-i.txt"
DEFAULT_OUTPUT = ROOT / "src" / "cyclades_adapters" / "data" / "bts-annexe-i.csv"
DEFAULT_SOURCES_MD = ROOT / "src" / "cyclades_adapters" / "data" / "SOURCES.md"

EPREUVE = re.compile(r"^(?P<code>E\d+)(?: \((?P<units>[^)]*)\))?$")
UNIT_LIST = re.compile(r"^[EU]\d+(?:, [EU]\d+)*$")


@dataclass(frozen=True)
class Row:
    specialite: str
    kind: str
    epreuve: str
    units: str


def split_epreuves(cell: str) -> Iterator[str]:
    """``E1, E2, E3 (U31, U32)`` → ``E1``, ``E2``, ``E3 (U31, U32)``: commas outside parentheses separate."""
    depth, start = 0, 0
    for i, char in enumerate(cell):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            yield cell[start:i].strip()
            start = i + 1
    yield cell[start:].strip()


def parse(text: str) -> list[Row]:
    rows: list[Row] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) != 3 or not all(cells):
            raise ValueError(f"line {number}: expected 'spécialité | générales | professionnelles'")
        specialite = cells[0]
        if specialite in seen:
            raise ValueError(f"line {number}: {specialite} listed twice")
        seen.add(specialite)
        codes: list[str] = []
        for kind, cell in (("generale", cells[1]), ("professionnelle", cells[2])):
            for item in split_epreuves(cell):
                match = EPREUVE.match(item)
                if match is None:
                    raise ValueError(f"line {number}: cannot read the épreuve {item!r}")
                units = match["units"] or ""
                if UNIT_LIST.match(units):
                    units = " ".join(units.split(", "))
                codes.append(match["code"])
                rows.append(Row(specialite, kind, match["code"], units))
        if codes != [f"E{i}" for i in range(1, len(codes) + 1)]:
            raise ValueError(f"line {number}: épreuves not numbered E1..En: {codes}")
    return rows


def csv_text(rows: Sequence[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("specialite", "kind", "epreuve", "units"))
    writer.writerows((r.specialite, r.kind, r.epreuve, r.units) for r in rows)
    return buffer.getvalue()


def citation(text: str) -> list[str]:
    return [line[1:].strip() for line in text.splitlines() if line.startswith("#")]


def sources_section(rows: Sequence[Row]) -> str:
    specialites = list(dict.fromkeys(r.specialite for r in rows))
    return (
        "\n".join(
            [
                "## BTS spécialités and their units",
                "",
                "`bts-annexe-i.csv` is built by `python scripts/build_bts_specialites.py` from",
                "`scripts/sources/bts-arrete-2022-06-03-annexe-i.txt`: Annexe I of the *arrêté du 3 juin 2022 portant",
                "répartition des épreuves obligatoires générales et professionnelles pour chaque spécialité du brevet de",
                "technicien supérieur* (NOR ESRS2209042A, JORF n°0129 du 4 juin 2022, texte n° 21), read on Légifrance",
                "<https://www.legifrance.gouv.fr/jorf/article_jo/JORFARTI000045862662> as stored in the public pages",
                "available to this work.",
                "",
                f"* {len(specialites)} spécialités with their épreuves and units, {len(rows)} rows, exactly as the annex"
                " writes them (its own notation kept: « E51, E52 » where other rows write « U51, U52 »; Communication's"
                " E5 « 1 écrit ; 1 pratique E5b »): " + "; ".join(specialites) + ".",
                "* **Listed, units not sourced**: every later row of the annex (from « Conception des processus de",
                "  réalisation… » on, in alphabetical order): the stored copy of the text stops in its 17th row, so",
                "  neither their names nor their units are shipped here.",
                "* **Codes and épreuve titles not sourced**: the annex gives neither the spécialités' 5-digit codes nor",
                "  the épreuves' titles, and each spécialité's référentiel (its arrêté's règlement d'examen) could not",
                "  be read for the current versions. The catalogue's `[[specialite]]` entries need both, so no",
                "  spécialité is added to `catalogue/specialites/`: it still carries only the guide's two (Banque -",
                "  conseiller de clientèle 31310, Aéronautique).",
                "* Checked against the annex: Banque-Conseiller de clientèle, E1, E2, E3, E4 (U41, U42), E5, matches the",
                "  guide's spécialité 31310. Aéronautique's E2 is one unit, U2, as the annex writes it: the shipped",
                "  entry's parts E2-A and E2-B carry no unit of their own (they had U21/U22 before this was checked).",
                "* **Which sessions**: the arrêté's title says « à compter des sessions d'examen 2022, 2023 et 2024 ».",
                "  The décret n° 2024-788 du 8 juillet 2024 (« au plus neuf épreuves obligatoires et, le cas échéant,",
                "  deux épreuves facultatives ») and the arrêtés of the same day rewrote the spécialités' règlements",
                "  d'examen (no sub-épreuves, a « Crédits européens » column), read in part on legal.tricoteuses.fr",
                "  (e.g. <https://legal.tricoteuses.fr/articles/JORFARTI000049926207>); the first session of the new",
                "  tables was not found in the stored texts, so the units above are those of the 2022-2024 sessions.",
                "* **Codes**: the guide's « Banque - conseiller de clientèle (31310) » fits the last five characters of",
                "  the Éducation nationale's 8-character code diplôme (« 320 » for a BTS, then five), as an official",
                "  2016 circular writes « Spécialité TOURISME–(33420) »; the current codes are in ONISEP's open data,",
                "  reachable here only as a copy inside a third-party repository, so none is shipped. The shipped",
                "  Aéronautique entry's code \"32025\" is the example catalogue's own value, marked « to confirm » in",
                "  `bts.toml`: no source gives it (the current Aéronautique code diplôme reads 32025303 in that copy).",
            ]
        )
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the CSV to write")
    parser.add_argument("--sources-md", type=Path, default=DEFAULT_SOURCES_MD, help="the SOURCES.md to update")
    args = parser.parse_args(argv)
    text = args.source.read_text(encoding="utf-8")
    if not citation(text):
        raise ValueError(f"{args.source}: the source must cite its text in '#' lines")
    rows = parse(text)
    args.output.write_text(csv_text(rows), encoding="utf-8")
    write_section(args.sources_md, "bts", sources_section(rows))
    print(f"{len({r.specialite for r in rows})} spécialités, {len(rows)} épreuves -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
