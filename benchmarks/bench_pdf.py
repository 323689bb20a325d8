"""The confirmation d'inscription through the library versus a bare reportlab render of the same content (issue 8;
issue 10's target: ≤ 1.5×). Issue 19: the bare render now prints the same content — table title, verification code,
page numbers, bold font — so the ratio measures the library's layout, not missing text. Both renders alternate in a
random order per round. Run: ``.venv/bin/python benchmarks/bench_pdf.py [--runs 3]``; writes ``results/pdf.json``."""

from __future__ import annotations

import argparse
import io
import json
import statistics
from pathlib import Path
from typing import Any

from _bench import finish, interleaved, print_load_before, spread
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
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
        (
            ("Candidat", ("MONSIEUR DUBOIS Pierre", "Né le 28/11/2004", "Nom d'utilisateur : pdubois@exemple.fr")),
            ("Examen", ("BTS Aéronautique", "Session 2022", "Forme de passage : Globale")),
            ("Service", ("Rectorat de Besançon", "Tél : 03 81 65 47 00", "Mél : ce.dec@ac-besancon.fr")),
        ),
    )


class _Numbered(Canvas):  # type: ignore[misc]
    """Plain reportlab's two-pass canvas: "Page n / N" and the verification code on every page."""

    verification: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Vera", 7.5)
            self.drawRightString(A4[0] - 15 * mm, 8 * mm, f"Page {self._pageNumber} / {total}")
            if self.verification:
                self.drawString(15 * mm, 8 * mm, f"Code de vérification : {self.verification}")
            super().showPage()
        super().save()


def bare(doc: DocumentContent) -> bytes:
    """The same content with plain reportlab (issue 19: identical content): the same embedded fonts, the title and
    the block and table titles in bold, the lines as strings, the candidate / exam / service columns side by side,
    the épreuves as a plain Table of strings with a bold head row, "Page n / N" and the verification code on every
    page. Left out: only the library's own layout work (column widths, wrapping cells, line fitting)."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    story: list[object] = [Table([[line]], style=[("FONT", (0, 0), (-1, -1), bold, 12)]) for line in doc.title]
    story += [Table([[line]], style=[("FONT", (0, 0), (-1, -1), bold, 9)]) for line in doc.header]
    if doc.columns:
        height = max(len(lines) for _, lines in doc.columns)
        grid = [[title for title, _ in doc.columns]]
        grid += [[lines[i] if i < len(lines) else "" for _, lines in doc.columns] for i in range(height)]
        story.append(
            Table(grid, style=[("FONT", (0, 0), (-1, -1), regular, 8.5), ("FONT", (0, 0), (-1, 0), bold, 9.5)])
        )
    for title, lines in doc.blocks:
        if title:
            story.append(Table([[title]], style=[("FONT", (0, 0), (-1, -1), bold, 9.5)]))
        story += [Table([[line]], style=[("FONT", (0, 0), (-1, -1), regular, 8.5)]) for line in lines]
    for table in doc.tables:
        story.append(Table([[table.title]], style=[("FONT", (0, 0), (-1, -1), bold, 9.5)]))
        story.append(Table([table.columns, *table.rows], style=[("FONT", (0, 0), (-1, -1), regular, 8),
                                                                ("FONT", (0, 0), (-1, 0), bold, 8),
                                                                ("GRID", (0, 0), (-1, -1), 0.4, "grey")]))  # fmt: skip

    class Numbered(_Numbered):
        verification = doc.verification

    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story, canvasmaker=Numbered)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    doc, renderer = content(), ReportlabRenderer(cache_size=0)  # every round a real render
    sizes = {"library": len(renderer.render(doc)), "bare": len(bare(doc))}
    print(f"PDF sizes: library {sizes['library']} bytes, bare {sizes['bare']} bytes")
    sides = {"library": lambda: renderer.render(doc), "bare": lambda: bare(doc)}
    ratios, ms, loads = [], {name: [] for name in sides}, []
    for run in range(runs):
        load = print_load_before()
        times = interleaved(sides, rounds=ROUNDS // 5, per_round=5)
        finish(load)
        loads.append(load.as_dict())
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        for name, value in medians.items():
            ms[name].append(value)
        ratios.append(medians["library"] / medians["bare"])
        print(
            f"  run {run + 1}: library {medians['library']:.2f} ms, bare {medians['bare']:.2f} ms, ratio {ratios[-1]:.3f}"
        )
    quiet = sum(not load["noisy"] for load in loads)
    print(f"library {spread(ms['library'])} ms, bare {spread(ms['bare'])} ms, ratio {spread(ratios)} (target ≤ 1.5);"
          f" quiet runs {quiet} of {runs}")  # fmt: skip
    result = {
        "library_ms": {"median": statistics.median(ms["library"]), "min": min(ms["library"]), "max": max(ms["library"])},
        "bare_reportlab_ms": {"median": statistics.median(ms["bare"]), "min": min(ms["bare"]), "max": max(ms["bare"])},
        "ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)},
        "target_ratio": 1.5, "sizes": sizes, "runs": loads, "quiet_runs": quiet,
    }  # fmt: skip
    out = Path(__file__).parent / "results" / "pdf.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
