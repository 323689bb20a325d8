"""A4 documents with reportlab: the title block on the left and the references top right, the columns side by side,
titled blocks, tables whose cells wrap, page numbers "Page n / N" and the verification code on every page.

Fonts: the DejaVu-derived Vera family shipped with reportlab, embedded (é, œ, °, « » covered). Byte-deterministic
(``invariant=1``): the same content gives the same bytes — so a renderer keeps the last documents it rendered, keyed
by their whole content (the verification code and the version included), and gives them again without laying them
out: a candidate opening, printing and downloading their confirmation costs one render.
"""

from __future__ import annotations

import io
import os
import threading
from collections import OrderedDict
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cyclades_core.ports.files import DocumentContent

__all__ = ["ReportlabRenderer"]

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
#: The width a flowable of the page body gets: the document's frame pads each side by 6 pt.
BODY = WIDTH - 12


@cache
def _fonts() -> tuple[str, str]:
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont("Vera", os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("Vera-Bold", os.path.join(folder, "VeraBd.ttf")))
    return "Vera", "Vera-Bold"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=12, leading=15),
        "ref": ParagraphStyle("ref", fontName=bold, fontSize=9, leading=11, alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=2),
        "text": ParagraphStyle("text", fontName=regular, fontSize=8.5, leading=10.5),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=9.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8, leading=9.5),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), _styles()[style])


class _Line(Flowable):  # type: ignore[misc]
    """A line of text that fits its width, drawn as one string where a :class:`Paragraph` would lay it out: building,
    wrapping and drawing a paragraph costs about ten times as much, and most of a document's lines are short.
    Placed as a one-line paragraph of the same style would be (baseline ``leading - fontSize`` above the bottom)."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        canvas.setFont(style.fontName, style.fontSize)
        if style.alignment == TA_RIGHT:
            canvas.drawRightString(self.width, style.leading - style.fontSize, self.text)
        else:
            canvas.drawString(0, style.leading - style.fontSize, self.text)


def _line(text: str, style: str, width: float) -> Flowable:
    """``text`` as a :class:`_Line` if it fits ``width``, else as a paragraph that wraps. Whitespace is collapsed as a
    paragraph would (runs of spaces, tabs and newlines become one space); a blank line stays a paragraph (no height)."""
    chosen, words = _styles()[style], " ".join(text.split())
    if words and pdfmetrics.stringWidth(words, chosen.fontName, chosen.fontSize) <= width:
        return _Line(words, chosen)
    return _p(text, style)


class _NumberedCanvas(pdfcanvas.Canvas):  # type: ignore[misc]
    """Draws "Page n / N" and the verification code once the number of pages is known."""

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
            regular, _ = _fonts()
            self.setFont(regular, 7.5)
            self.setFillColor(colors.black)
            self.drawRightString(A4[0] - MARGIN, 8 * mm, f"Page {self._pageNumber} / {total}")
            if self.verification:
                self.drawString(MARGIN, 8 * mm, f"Code de vérification : {self.verification}")
            super().showPage()
        super().save()


class ReportlabRenderer:
    """``cache_size``: how many rendered documents (the most recently used) are kept to be given again for the same
    content; 0 keeps none. About 45 KB each for a one-page confirmation."""

    media_type = "application/pdf"

    def __init__(self, *, cache_size: int = 64) -> None:
        if cache_size < 0:
            raise ValueError("cache_size must be 0 or more")
        self.cache_size = cache_size
        self._rendered: OrderedDict[DocumentContent, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, content: DocumentContent) -> bytes:
        if not self.cache_size:
            return self._render(content)
        with self._lock:
            found = self._rendered.get(content)
            if found is not None:
                self._rendered.move_to_end(content)
                return found
        data = self._render(content)  # outside the lock: two threads may both render a new document, same bytes
        with self._lock:
            self._rendered[content] = data
            self._rendered.move_to_end(content)
            while len(self._rendered) > self.cache_size:
                self._rendered.popitem(last=False)
        return data

    def _render(self, content: DocumentContent) -> bytes:
        _fonts()
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=16 * mm,
            title=content.title[0] if content.title else "", author="Cyclades", creator="cyclades", invariant=1,
            initialFontName=_fonts()[0],  # no unembedded Helvetica resource
        )  # fmt: skip
        story: list[Any] = [self._title_block(content), Spacer(1, 4 * mm)]
        if content.columns:
            story += [self._columns(content.columns), Spacer(1, 2 * mm)]
        for heading, lines in content.blocks:
            block: list[Any] = [_line(heading, "heading", BODY)] if heading else [Spacer(1, 2 * mm)]
            block += [_line(line, "text", BODY) for line in lines]
            story.append(KeepTogether(block))
        for table in content.tables:
            story += [Spacer(1, 2 * mm), _line(table.title, "heading", BODY), self._table(table.columns, table.rows)]

        class Numbered(_NumberedCanvas):
            verification = content.verification

        document.build(story, canvasmaker=Numbered)
        return buffer.getvalue()

    @staticmethod
    def _title_block(content: DocumentContent) -> Table:
        widths = [WIDTH * 0.55, WIDTH * 0.45]
        left = [_line(line, "title", widths[0] - 10) for line in content.title]  # less the cells' padding (5 + 5)
        right = [_line(line, "ref", widths[1] - 10) for line in content.header]
        block = Table([[left, right]], colWidths=widths)
        block.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)])
        )  # fmt: skip
        return block

    @staticmethod
    def _columns(columns: tuple[tuple[str, tuple[str, ...]], ...]) -> Table:
        """Titled blocks side by side, each in a column of equal width; long lines wrap inside their column."""
        width = WIDTH / len(columns)
        cells = [
            [
                *([_line(heading, "head", width - 10)] if heading else []),
                *(_line(line, "text", width - 10) for line in lines),
            ]
            for heading, lines in columns
        ]
        block = Table([cells], colWidths=[width] * len(columns))
        block.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 5),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 5)])
        )  # fmt: skip
        return block

    @staticmethod
    def _table(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> Table:
        regular, bold = _fonts()
        # Each column but the first as wide as its longest cell (from a ninth to a quarter of the page, so that the
        # tables of one document line up); the first (the épreuve's title) takes the rest and wraps.
        widths = [
            min(WIDTH / 4, max(WIDTH / 9, 12 + max(pdfmetrics.stringWidth(text, font, 8)
                                    for text, font in ((column, bold), *((row[i], regular) for row in rows)))))
            for i, column in enumerate(columns)
        ][1:]  # fmt: skip
        widths.insert(0, WIDTH - sum(widths))

        def cell(text: str, width: float, style: str, font: str) -> Any:
            # A string that fits is drawn as is (cheap); only what must wrap becomes a paragraph.
            return text if pdfmetrics.stringWidth(text, font, 8) <= width - 12 else _p(text, style)

        data = [
            [cell(c, w, "head", bold) for c, w in zip(columns, widths, strict=True)],
            *[[cell(c, w, "cell", regular) for c, w in zip(row, widths, strict=True)] for row in rows],
        ]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle([
                ("FONT", (0, 0), (-1, -1), regular, 8),
                ("FONT", (0, 0), (-1, 0), bold, 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ])
        )  # fmt: skip
        return table
