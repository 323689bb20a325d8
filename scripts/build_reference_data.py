"""Build the geographic reference data shipped in ``cyclades_adapters/data``.

Sources:

* Départements and communes come from Etalab's npm package
  ``@etalab/decoupage-administratif`` (MIT licence), pinned to ``PACKAGE_VERSION``.
  The tarball is fetched with ``npm pack`` (or, without npm, downloaded from the
  npm registry), its sha512 checked against ``PACKAGE_INTEGRITY``, and its JSON
  files read straight from the archive.
* Countries and nationalities are written by hand below (no npm package carries
  the INSEE COG list of countries).

Files written into ``src/cyclades_adapters/data/``:

* ``departements.csv``: ``code,name``; codes on three characters as the CYCLADES
  guide shows them ("014", "02A", "971").
* ``communes.csv.gz``: ``code,name,departement,type``; communes actuelles, déléguées,
  associées and arrondissements municipaux, gzip with mtime 0 so that the file
  is byte-for-byte reproducible.
* ``countries.csv`` and ``nationalities.csv``: ``code,name`` on INSEE 5-digit codes.
* ``SOURCES.md``: attribution, what was kept, the counts.

Usage: ``python scripts/build_reference_data.py [--tarball PATH] [--output-dir DIR]``.
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _sources_md import sections

PACKAGE_NAME = "@etalab/decoupage-administratif"
PACKAGE_VERSION = "6.0.0"
# ``npm view @etalab/decoupage-administratif@6.0.0 dist.integrity``
PACKAGE_INTEGRITY = "sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
PACKAGE_TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE_NAME}/-/decoupage-administratif-{PACKAGE_VERSION}.tgz"
PACKAGE_PAGE_URL = f"https://www.npmjs.com/package/{PACKAGE_NAME}/v/{PACKAGE_VERSION}"

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT_DIR = ROOT / "src" / "cyclades_adapters" / "data"

# Kinds of ``communes.json`` entries written to communes.csv.gz, in order of preference
# when two entries share code and name (the commune nouvelle wins over its namesake
# commune déléguée). Arrondissements municipaux are kept: INSEE codes a birth in
# Paris, Lyon or Marseille with the arrondissement's code (75112, 69383, 13205...).
COMMUNE_TYPES: tuple[str, ...] = (
    "commune-actuelle",
    "commune-deleguee",
    "commune-associee",
    "arrondissement-municipal",
)

FRANCE_CODE = "99100"
FRANCE_LABEL = "FRANCE (DONT OUTRE-MER)"

# INSEE COG country codes (code, name as INSEE writes it in capitals, nationality
# in the feminine as forms show it). Hand-written: current sovereign states plus
# Kosovo, Palestine, Taïwan and the Vatican; no historical entries, no dependent
# territories. France is first and carries FRANCE_LABEL.
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    (FRANCE_CODE, FRANCE_LABEL, "Française"),
    # Europe
    ("99101", "DANEMARK", "Danoise"),
    ("99102", "ISLANDE", "Islandaise"),
    ("99103", "NORVEGE", "Norvégienne"),
    ("99104", "SUEDE", "Suédoise"),
    ("99105", "FINLANDE", "Finlandaise"),
    ("99106", "ESTONIE", "Estonienne"),
    ("99107", "LETTONIE", "Lettone"),
    ("99108", "LITUANIE", "Lituanienne"),
    ("99109", "ALLEMAGNE", "Allemande"),
    ("99110", "AUTRICHE", "Autrichienne"),
    ("99111", "BULGARIE", "Bulgare"),
    ("99112", "HONGRIE", "Hongroise"),
    ("99113", "LIECHTENSTEIN", "Liechtensteinoise"),
    ("99114", "ROUMANIE", "Roumaine"),
    ("99116", "TCHEQUIE", "Tchèque"),
    ("99117", "SLOVAQUIE", "Slovaque"),
    ("99118", "BOSNIE-HERZEGOVINE", "Bosnienne"),
    ("99119", "CROATIE", "Croate"),
    ("99120", "MONTENEGRO", "Monténégrine"),
    ("99121", "SERBIE", "Serbe"),
    ("99122", "POLOGNE", "Polonaise"),
    ("99123", "RUSSIE", "Russe"),
    ("99125", "ALBANIE", "Albanaise"),
    ("99126", "GRECE", "Grecque"),
    ("99127", "ITALIE", "Italienne"),
    ("99128", "SAINT-MARIN", "Saint-Marinaise"),
    ("99129", "VATICAN, OU SAINT-SIEGE", "Vaticane"),
    ("99130", "ANDORRE", "Andorrane"),
    ("99131", "BELGIQUE", "Belge"),
    ("99132", "ROYAUME-UNI", "Britannique"),
    ("99134", "ESPAGNE", "Espagnole"),
    ("99135", "PAYS-BAS", "Néerlandaise"),
    ("99136", "IRLANDE, OU EIRE", "Irlandaise"),
    ("99137", "LUXEMBOURG", "Luxembourgeoise"),
    ("99138", "MONACO", "Monégasque"),
    ("99139", "PORTUGAL", "Portugaise"),
    ("99140", "SUISSE", "Suisse"),
    ("99144", "MALTE", "Maltaise"),
    ("99145", "SLOVENIE", "Slovène"),
    ("99148", "BIELORUSSIE", "Biélorusse"),
    ("99151", "MOLDAVIE", "Moldave"),
    ("99155", "UKRAINE", "Ukrainienne"),
    ("99156", "MACEDOINE DU NORD", "Macédonienne"),
    ("99157", "KOSOVO", "Kosovare"),
    # Asia
    ("99201", "ARABIE SAOUDITE", "Saoudienne"),
    ("99203", "IRAK", "Irakienne"),
    ("99204", "IRAN", "Iranienne"),
    ("99205", "LIBAN", "Libanaise"),
    ("99206", "SYRIE", "Syrienne"),
    ("99207", "ISRAEL", "Israélienne"),
    ("99208", "TURQUIE", "Turque"),
    ("99212", "AFGHANISTAN", "Afghane"),
    ("99213", "PAKISTAN", "Pakistanaise"),
    ("99214", "BHOUTAN", "Bhoutanaise"),
    ("99215", "NEPAL", "Népalaise"),
    ("99216", "CHINE", "Chinoise"),
    ("99217", "JAPON", "Japonaise"),
    ("99219", "THAILANDE", "Thaïlandaise"),
    ("99220", "PHILIPPINES", "Philippine"),
    ("99222", "JORDANIE", "Jordanienne"),
    ("99223", "INDE", "Indienne"),
    ("99224", "BIRMANIE", "Birmane"),
    ("99225", "BRUNEI", "Brunéienne"),
    ("99226", "SINGAPOUR", "Singapourienne"),
    ("99227", "MALAISIE", "Malaisienne"),
    ("99229", "MALDIVES", "Maldivienne"),
    ("99231", "INDONESIE", "Indonésienne"),
    ("99234", "CAMBODGE", "Cambodgienne"),
    ("99235", "SRI LANKA", "Sri-Lankaise"),
    ("99236", "TAIWAN", "Taïwanaise"),
    ("99238", "COREE (REPUBLIQUE POPULAIRE DEMOCRATIQUE DE)", "Nord-Coréenne"),
    ("99239", "COREE (REPUBLIQUE DE)", "Sud-Coréenne"),
    ("99240", "KOWEIT", "Koweïtienne"),
    ("99241", "LAOS", "Laotienne"),
    ("99242", "MONGOLIE", "Mongole"),
    ("99243", "VIET NAM", "Vietnamienne"),
    ("99246", "BANGLADESH", "Bangladaise"),
    ("99247", "EMIRATS ARABES UNIS", "Émirienne"),
    ("99248", "QATAR", "Qatarienne"),
    ("99249", "BAHREIN", "Bahreïnienne"),
    ("99250", "OMAN", "Omanaise"),
    ("99251", "YEMEN", "Yéménite"),
    ("99252", "ARMENIE", "Arménienne"),
    ("99253", "AZERBAIDJAN", "Azerbaïdjanaise"),
    ("99254", "CHYPRE", "Chypriote"),
    ("99255", "GEORGIE", "Géorgienne"),
    ("99256", "KAZAKHSTAN", "Kazakhe"),
    ("99257", "KIRGHIZISTAN", "Kirghize"),
    ("99258", "OUZBEKISTAN", "Ouzbèke"),
    ("99259", "TADJIKISTAN", "Tadjike"),
    ("99260", "TURKMENISTAN", "Turkmène"),
    ("99261", "PALESTINE (ETAT DE)", "Palestinienne"),
    ("99262", "TIMOR ORIENTAL", "Est-Timoraise"),
    # Africa
    ("99301", "EGYPTE", "Égyptienne"),
    ("99302", "LIBERIA", "Libérienne"),
    ("99303", "AFRIQUE DU SUD", "Sud-Africaine"),
    ("99304", "GAMBIE", "Gambienne"),
    ("99309", "TANZANIE", "Tanzanienne"),
    ("99310", "ZIMBABWE", "Zimbabwéenne"),
    ("99311", "NAMIBIE", "Namibienne"),
    ("99312", "CONGO (REPUBLIQUE DEMOCRATIQUE)", "Congolaise (RDC)"),
    ("99314", "GUINEE EQUATORIALE", "Équatoguinéenne"),
    ("99315", "ETHIOPIE", "Éthiopienne"),
    ("99316", "LIBYE", "Libyenne"),
    ("99317", "ERYTHREE", "Érythréenne"),
    ("99318", "SOMALIE", "Somalienne"),
    ("99321", "BURUNDI", "Burundaise"),
    ("99322", "CAMEROUN", "Camerounaise"),
    ("99323", "CENTRAFRICAINE (REPUBLIQUE)", "Centrafricaine"),
    ("99324", "CONGO", "Congolaise"),
    ("99326", "COTE D'IVOIRE", "Ivoirienne"),
    ("99327", "BENIN", "Béninoise"),
    ("99328", "GABON", "Gabonaise"),
    ("99329", "GHANA", "Ghanéenne"),
    ("99330", "GUINEE", "Guinéenne"),
    ("99331", "BURKINA", "Burkinabè"),
    ("99332", "KENYA", "Kényane"),
    ("99333", "MADAGASCAR", "Malgache"),
    ("99334", "MALAWI", "Malawite"),
    ("99335", "MALI", "Malienne"),
    ("99336", "MAURITANIE", "Mauritanienne"),
    ("99337", "NIGER", "Nigérienne"),
    ("99338", "NIGERIA", "Nigériane"),
    ("99339", "OUGANDA", "Ougandaise"),
    ("99340", "RWANDA", "Rwandaise"),
    ("99341", "SENEGAL", "Sénégalaise"),
    ("99342", "SIERRA LEONE", "Sierra-Léonaise"),
    ("99343", "SOUDAN", "Soudanaise"),
    ("99344", "TCHAD", "Tchadienne"),
    ("99345", "TOGO", "Togolaise"),
    ("99346", "ZAMBIE", "Zambienne"),
    ("99347", "BOTSWANA", "Botswanaise"),
    ("99348", "LESOTHO", "Lesothane"),
    ("99349", "SOUDAN DU SUD", "Sud-Soudanaise"),
    ("99350", "MAROC", "Marocaine"),
    ("99351", "TUNISIE", "Tunisienne"),
    ("99352", "ALGERIE", "Algérienne"),
    ("99390", "MAURICE", "Mauricienne"),
    ("99391", "ESWATINI", "Eswatinienne"),
    ("99392", "GUINEE-BISSAU", "Bissaoguinéenne"),
    ("99393", "MOZAMBIQUE", "Mozambicaine"),
    ("99394", "SAO TOME-ET-PRINCIPE", "Santoméenne"),
    ("99395", "ANGOLA", "Angolaise"),
    ("99396", "CAP-VERT", "Cap-Verdienne"),
    ("99397", "COMORES", "Comorienne"),
    ("99398", "SEYCHELLES", "Seychelloise"),
    ("99399", "DJIBOUTI", "Djiboutienne"),
    # Americas
    ("99401", "CANADA", "Canadienne"),
    ("99404", "ETATS-UNIS", "Américaine"),
    ("99405", "MEXIQUE", "Mexicaine"),
    ("99406", "COSTA RICA", "Costaricienne"),
    ("99407", "CUBA", "Cubaine"),
    ("99408", "DOMINICAINE (REPUBLIQUE)", "Dominicaine"),
    ("99409", "GUATEMALA", "Guatémaltèque"),
    ("99410", "HAITI", "Haïtienne"),
    ("99411", "HONDURAS", "Hondurienne"),
    ("99412", "NICARAGUA", "Nicaraguayenne"),
    ("99413", "PANAMA", "Panaméenne"),
    ("99414", "SALVADOR", "Salvadorienne"),
    ("99415", "ARGENTINE", "Argentine"),
    ("99416", "BRESIL", "Brésilienne"),
    ("99417", "CHILI", "Chilienne"),
    ("99418", "BOLIVIE", "Bolivienne"),
    ("99419", "COLOMBIE", "Colombienne"),
    ("99420", "EQUATEUR", "Équatorienne"),
    ("99421", "PARAGUAY", "Paraguayenne"),
    ("99422", "PEROU", "Péruvienne"),
    ("99423", "URUGUAY", "Uruguayenne"),
    ("99424", "VENEZUELA", "Vénézuélienne"),
    ("99426", "JAMAIQUE", "Jamaïcaine"),
    ("99428", "GUYANA", "Guyanienne"),
    ("99429", "BELIZE", "Bélizienne"),
    ("99433", "TRINITE-ET-TOBAGO", "Trinidadienne"),
    ("99434", "BARBADE", "Barbadienne"),
    ("99435", "GRENADE", "Grenadienne"),
    ("99436", "BAHAMAS", "Bahaméenne"),
    ("99437", "SURINAME", "Surinamaise"),
    ("99438", "DOMINIQUE", "Dominiquaise"),
    ("99439", "SAINTE-LUCIE", "Saint-Lucienne"),
    ("99440", "SAINT-VINCENT-ET-LES GRENADINES", "Vincentaise"),
    ("99441", "ANTIGUA-ET-BARBUDA", "Antiguaise"),
    ("99442", "SAINT-CHRISTOPHE-ET-NIEVES", "Kittitienne"),
    # Oceania
    ("99501", "AUSTRALIE", "Australienne"),
    ("99502", "NOUVELLE-ZELANDE", "Néo-Zélandaise"),
    ("99506", "SAMOA", "Samoane"),
    ("99507", "NAURU", "Nauruane"),
    ("99508", "FIDJI", "Fidjienne"),
    ("99509", "TONGA", "Tongienne"),
    ("99510", "PAPOUASIE-NOUVELLE-GUINEE", "Papouasienne"),
    ("99511", "TUVALU", "Tuvaluane"),
    ("99512", "SALOMON (ILES)", "Salomonaise"),
    ("99513", "KIRIBATI", "Kiribatienne"),
    ("99514", "VANUATU", "Vanuatuane"),
    ("99515", "MARSHALL (ILES)", "Marshallaise"),
    ("99516", "MICRONESIE (ETATS FEDERES DE)", "Micronésienne"),
    ("99517", "PALAOS", "Palaoise"),
)


@dataclass
class CommuneStats:
    """What happened to the entries of ``communes.json``."""

    read_by_type: Counter[str] = field(default_factory=Counter)
    kept_by_type: Counter[str] = field(default_factory=Counter)
    duplicates_dropped: int = 0
    same_code_same_name: int = 0
    same_code_different_name: int = 0

    @property
    def read_total(self) -> int:
        return sum(self.read_by_type.values())

    @property
    def kept_total(self) -> int:
        return sum(self.kept_by_type.values())


def check_integrity(data: bytes, integrity: str) -> None:
    """Fail unless ``data`` matches an npm ``sha512-<base64>`` integrity string."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise ValueError(f"unsupported integrity algorithm: {algorithm}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise ValueError(f"tarball integrity mismatch: expected {expected}, got {actual}")


def fetch_tarball() -> bytes:
    """Return the pinned package tarball, via ``npm pack`` or, without npm, a direct download."""
    npm = shutil.which("npm")
    if npm is not None:
        with tempfile.TemporaryDirectory() as tmp:
            spec = f"{PACKAGE_NAME}@{PACKAGE_VERSION}"
            # Fixed arguments and the npm found on PATH: no untrusted input reaches the command.
            subprocess.run([npm, "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
            tarballs = sorted(Path(tmp).glob("*.tgz"))
            if len(tarballs) != 1:
                raise RuntimeError(f"npm pack produced {len(tarballs)} tarballs in {tmp}")
            return tarballs[0].read_bytes()
    with urllib.request.urlopen(PACKAGE_TARBALL_URL, timeout=120) as response:
        payload: bytes = response.read()
    return payload


def read_package_json(tarball: bytes, name: str) -> Any:
    """Read ``package/<name>`` from the npm tarball without extracting it to disk."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(f"package/{name}")
        if member is None:
            raise FileNotFoundError(f"package/{name} is not a regular file in the tarball")
        return json.loads(member.read().decode("utf-8"))


def guide_departement_code(code: str) -> str:
    """Write a département code on three characters: "14" -> "014", "2A" -> "02A", "971" stays."""
    if len(code) == 2:
        return "0" + code
    if len(code) == 3:
        return code
    raise ValueError(f"unexpected département code: {code!r}")


def sort_key(name: str) -> str:
    """Accent- and case-insensitive key, so that "Écouen" sorts among the E's."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def build_departements(raw: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    rows = sorted((guide_departement_code(item["code"]), item["nom"]) for item in raw)
    codes = [code for code, _ in rows]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate département codes")
    return rows


def build_communes(
    raw: Iterable[dict[str, Any]], departements: set[str]
) -> tuple[list[tuple[str, str, str, str]], CommuneStats]:
    """Every entry of the kept types, with its type: a commune déléguée that shares its commune nouvelle's code
    and name stays a row of its own (the reader folds such pairs when it searches)."""
    stats = CommuneStats()
    chosen: set[tuple[str, str, str, str]] = set()
    for item in raw:
        kind = item["type"]
        stats.read_by_type[kind] += 1
        if kind not in COMMUNE_TYPES:
            continue
        departement = guide_departement_code(item["departement"])
        if departement not in departements:
            raise ValueError(f"commune {item['code']} in unknown département {departement}")
        row = (item["code"], item["nom"], departement, kind)
        if row in chosen:
            stats.duplicates_dropped += 1
            continue
        chosen.add(row)
    stats.kept_by_type.update(kind for *_, kind in chosen)
    pairs: Counter[tuple[str, str]] = Counter((code, name) for code, name, _, _ in chosen)
    stats.same_code_same_name = sum(1 for count in pairs.values() if count > 1)
    names_by_code: Counter[str] = Counter(code for code, _ in pairs)
    stats.same_code_different_name = sum(1 for count in names_by_code.values() if count > 1)
    rows = sorted(chosen, key=lambda row: (row[2], sort_key(row[1]), row[1], row[0], row[3]))
    return rows, stats


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def write_gzip(path: Path, text: str) -> None:
    """Gzip ``text`` with no file name and mtime 0, so the bytes depend on the content only."""
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def check_countries() -> None:
    codes = [code for code, _, _ in COUNTRIES]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate country codes")
    if codes[0] != FRANCE_CODE:
        raise ValueError("France must come first")
    for code, name, nationality in COUNTRIES:
        if len(code) != 5 or not code.startswith("99") or not code.isdigit():
            raise ValueError(f"bad INSEE country code {code!r}")
        if name != name.upper() or not nationality:
            raise ValueError(f"bad country entry {code}")


def sources_markdown(departements: Sequence[tuple[str, str]], stats: CommuneStats) -> str:
    kept = stats.kept_by_type
    read = stats.read_by_type
    lines = [
        "# Sources of the reference data",
        "",
        "Generated by `python scripts/build_reference_data.py`, and the marked sections below by",
        "`scripts/build_academie_contacts.py` and `scripts/build_bts_specialites.py`; do not edit by hand.",
        "",
        "## Départements and communes",
        "",
        f"From Etalab's npm package [`{PACKAGE_NAME}`]({PACKAGE_PAGE_URL}), version **{PACKAGE_VERSION}**",
        f"(tarball integrity `{PACKAGE_INTEGRITY}`), files `data/departements.json` and",
        "`data/communes.json`. The package is published under the MIT licence",
        '("Copyright (c) 2018-2019 Etalab"); its README states the data themselves are under',
        "the Licence Ouverte / Open Licence (Etalab), built from INSEE's Code officiel géographique.",
        "",
        f"* `departements.csv` (`code,name`): {len(departements)} entries, every département, DROM",
        "  and collectivité d'outre-mer of the package. Codes are written on three characters as the",
        '  CYCLADES guide shows them: "014" for Calvados, "02A"/"02B" for Corse, "971".."989" overseas.',
        "  Names as Etalab gives them.",
        f"* `communes.csv.gz` (gzip, `code,name,departement,type`): {stats.kept_total} rows, sorted by",
        "  département, then name (accent- and case-insensitive), then code and type; gzip mtime 0.",
        "  The département column uses the codes of `departements.csv`.",
        "",
        "| type in communes.json | entries read | rows kept |",
        "| --- | ---: | ---: |",
    ]
    for kind in [*COMMUNE_TYPES, *sorted(set(read) - set(COMMUNE_TYPES))]:
        lines.append(f"| {kind} | {read[kind]} | {kept.get(kind, 0)} |")
    lines += [
        f"| **total** | **{stats.read_total}** | **{stats.kept_total}** |",
        "",
        f"Every entry is kept with its type. {stats.same_code_same_name} communes déléguées carry the same code",
        "and name as their commune nouvelle: both rows are kept, and the reader shows such a pair once.",
        f"{stats.duplicates_dropped} exact duplicates were dropped. Where a commune déléguée has",
        "its commune nouvelle's code but another name (e.g. 14408 Saint-Martin-de-May / May-sur-Orne),",
        f"both rows are kept: {stats.same_code_different_name} codes appear on two rows.",
        "Arrondissements municipaux (Paris, Lyon, Marseille) are kept because INSEE codes a birth",
        "there with the arrondissement's code (75112, 69383, 13205...).",
        "",
        "## Countries and nationalities",
        "",
        "No npm package carrying the INSEE COG list of countries was found, so `countries.csv` and",
        "`nationalities.csv` are written by hand in the script from the INSEE COG country codes",
        f"(99xxx): {len(COUNTRIES)} entries, the current sovereign states plus Kosovo, Palestine,",
        "Taïwan and the Vatican; no historical countries and no dependent territories.",
        "",
        "* `countries.csv` (`code,name`): names in capitals without accents, as INSEE's",
        f'  upper-case labels write them; the first row is {FRANCE_CODE} "{FRANCE_LABEL}".',
        "* `nationalities.csv` (`code,name`): the same codes, with the nationality adjective in the",
        '  feminine (99100 "Française", 99350 "Marocaine").',
        "",
        "## Regenerating",
        "",
        "```",
        "python scripts/build_reference_data.py",
        "```",
        "",
        "It needs npm (or plain access to the npm registry) and only the standard library; pass",
        "`--tarball PATH` to build from an already downloaded tarball. To move to a newer COG, change",
        "`PACKAGE_VERSION` and `PACKAGE_INTEGRITY` in the script.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="use this local npm tarball instead of fetching it")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR, help="where to write the files")
    args = parser.parse_args(argv)

    check_countries()
    tarball = args.tarball.read_bytes() if args.tarball else fetch_tarball()
    check_integrity(tarball, PACKAGE_INTEGRITY)
    manifest = read_package_json(tarball, "package.json")
    if manifest.get("version") != PACKAGE_VERSION:
        raise ValueError(f"tarball holds version {manifest.get('version')}, expected {PACKAGE_VERSION}")

    departements = build_departements(read_package_json(tarball, "data/departements.json"))
    communes, stats = build_communes(
        read_package_json(tarball, "data/communes.json"), {code for code, _ in departements}
    )

    out: Path = args.output_dir
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "departements.csv", csv_text(("code", "name"), departements))
    write_gzip(out / "communes.csv.gz", csv_text(("code", "name", "departement", "type"), communes))
    write_text(out / "countries.csv", csv_text(("code", "name"), ((c, n) for c, n, _ in COUNTRIES)))
    write_text(out / "nationalities.csv", csv_text(("code", "name"), ((c, n) for c, _, n in COUNTRIES)))
    previous = (out / "SOURCES.md").read_text(encoding="utf-8") if (out / "SOURCES.md").exists() else ""
    kept = "".join(f"\n{block}\n" for block in sections(previous).values())  # the other scripts' sections
    write_text(out / "SOURCES.md", sources_markdown(departements, stats) + kept)

    print(f"{PACKAGE_NAME}@{PACKAGE_VERSION} -> {out}")
    print(f"departements: {len(departements)}")
    print(f"communes read: {stats.read_total} {dict(stats.read_by_type)}")
    print(f"communes kept: {stats.kept_total} {dict(stats.kept_by_type)}")
    print(f"duplicates dropped: {stats.duplicates_dropped}; codes on two rows: {stats.same_code_different_name}")
    print(f"countries / nationalities: {len(COUNTRIES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
