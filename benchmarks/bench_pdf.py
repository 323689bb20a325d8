"""The confirmation d'inscription through the library versus a bare reportlab render of the same content (issue 8;
issue 10's target: ≤ 1.5×). Run: ``.venv/bin/python benchmarks/bench_pdf.py``; writes ``results/pdf.json``."""

from __future__ import annotations

import io
import json
import statistics
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table

from cyclades_adapters.pdf import ReportlabRenderer
from cyclades_adapters.pdf.renderer import _fonts
from cyclades_core.ports.files import DocumentContent, DocumentTable

ROUNDS = 200


def content() -> DocumentContent:
    rows = tuple((f"E{i} - Épreuve n°{i} «œ»", f"U{i}", "Inscrit", "Ponctuel", "") for i in range(20))
    return DocumentContent(
        ("CONFIRMATION D'INSCRIPTION", "BREVET DE TECHNICIEN SUPERIEUR"),
        ("N° candidat : 02141027040", "Inscription n° : 001", "Session : 2022-08", "Version : 1 du 04/10/2021 à 14:38"),
        (("", ("Recteur", "1 chemin de l'olivier", "25000 BESANCON")), ("", ("MONSIEUR DUBOIS Pierre",))),
        (DocumentTable("EPREUVES OBLIGATOIRES", ("Epreuve", "Unité", "Position", "Mode", ""), rows),),
        "ABCD-EFGH-IJKL",
    )


def bare(doc: DocumentContent) -> bytes:
    """The same content with plain reportlab: the same embedded fonts, the lines as strings, the épreuves as a
    plain Table of strings (no wrapping paragraphs, no title block, no page numbering)."""
    _fonts()
    buffer = io.BytesIO()
    story: list[object] = []
    lines = [*doc.title, *doc.header, *(line for _, block in doc.blocks for line in block)]
    story += [Table([[line]], style=[("FONT", (0, 0), (-1, -1), "Vera", 9)]) for line in lines]
    for table in doc.tables:
        story.append(Table([table.columns, *table.rows], style=[("FONT", (0, 0), (-1, -1), "Vera", 8),
                                                                ("GRID", (0, 0), (-1, -1), 0.4, "grey")]))  # fmt: skip
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def timed(render, doc: DocumentContent, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        render(doc)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    doc, renderer = content(), ReportlabRenderer()
    renderer.render(doc)
    bare(doc)
    library, raw = [], []
    for _ in range(4):  # interleaved, so both see the same machine
        library += timed(renderer.render, doc, ROUNDS // 4)
        raw += timed(bare, doc, ROUNDS // 4)
    result = {
        "library_ms": round(statistics.median(library), 2),
        "bare_reportlab_ms": round(statistics.median(raw), 2),
    }
    result["ratio"] = round(result["library_ms"] / result["bare_reportlab_ms"], 2)
    result["target_ratio"] = 1.5
    print(f"{'library ms':>11} {'bare ms':>8} {'ratio':>6} target")
    print(f"{result['library_ms']:>11} {result['bare_reportlab_ms']:>8} {result['ratio']:>6} ≤ 1.5")
    out = Path(__file__).parent / "results" / "pdf.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
