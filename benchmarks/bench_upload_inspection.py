"""Inspecting an uploaded scan (issue 15 item 2; target: a 5 MiB scan in ≤ 50 ms), with pikepdf — the shipped
``ParserUploadInspector`` — and with the same checks written over pypdf, to compare the two parsers on speed and on
the corpus of ``tests/data/uploads``.

Run: ``.venv/bin/python benchmarks/bench_upload_inspection.py [--rounds 30]``; writes ``results/upload_inspection.json``.
The pypdf variant shares the adapter's byte-layout walk and capped decoders; only the parser differs.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject, TextStringObject

from cyclades_adapters.files.inspection import (
    _ACTIVE_ACTIONS,
    _ACTIVE_KEYS,
    _ACTIVE_SUBTYPES,
    _ACTIVE_TYPES,
    _FITS,
    _IMAGE_CODECS,
    ParserUploadInspector,
    _Budget,
    _holds_a_zip,
    _holds_an_archive,
    _inflate,
    _Refused,
    _safe_link,
)
from cyclades_core.errors import ValidationError
from cyclades_core.model.files import UploadRefusal, sniff_content_type
from cyclades_core.testing import minimal_pdf

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "uploads"
MiB = 1024 * 1024


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("build_upload_corpus", ROOT / "scripts" / "build_upload_corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_upload_corpus"] = module
    spec.loader.exec_module(module)
    return module


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PypdfInspection:
    """The shipped inspector's PDF checks, with pypdf as the parser (images are not compared)."""

    def __init__(self) -> None:
        self.pikepdf_side = ParserUploadInspector()

    def inspect(self, data: bytes, content_type: str) -> None:
        if content_type != "application/pdf":
            self.pikepdf_side.inspect(data, content_type)
            return
        warnings = _Warnings()
        logger = logging.getLogger("pypdf")
        logger.addHandler(warnings)
        try:
            self._pdf(data, warnings)
        except _Refused as refused:
            raise refused.refusal.error() from None
        except Exception:
            raise UploadRefusal.UNREADABLE.error() from None
        finally:
            logger.removeHandler(warnings)

    def _pdf(self, data: bytes, warnings: _Warnings) -> None:
        last_eof = data.rfind(b"%%EOF")
        if last_eof != -1 and data[last_eof + 5 :].strip(b"\x00\t\n\x0c\r "):
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        self.pikepdf_side._prescan(data)  # shared with the shipped side: the raw pre-scan and the ZIP check
        if _holds_a_zip(data):
            raise _Refused(UploadRefusal.FOREIGN_DATA)
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Refused(UploadRefusal.ENCRYPTED)
        budget = _Budget(self.pikepdf_side.max_inflated_bytes)
        current: dict[int, tuple[int, int]] = {}
        lengths: dict[tuple[int, int], int] = {}
        numbers = [(num, gen) for gen, table in reader.xref.items() for num in table]
        for num, gen in numbers:
            offset = reader.xref[gen][num]
            if offset:
                current[offset] = (num, gen)
        numbers += [(num, 0) for num in reader.xref_objStm]
        for num, gen in numbers:
            obj = reader.get_object(IndirectObject(num, gen, reader))
            if isinstance(obj, StreamObject):
                lengths[(num, gen)] = int(obj.get("/Length", -1))
                self._walk(obj, 0)
                self._stream(obj, budget)
            else:
                self._walk(obj, 0)
        self._walk(reader.trailer, 0)
        if warnings.count:
            raise _Refused(UploadRefusal.UNREADABLE)
        if self.pikepdf_side._layout(data, current, lengths):  # leftovers: not re-implemented for pypdf
            raise _Refused(UploadRefusal.UNREADABLE)

    def _walk(self, obj: Any, depth: int) -> None:
        if depth > 64:
            raise _Refused(UploadRefusal.UNREADABLE)
        if isinstance(obj, DictionaryObject):
            keys = {str(k) for k in obj}
            if keys & _ACTIVE_KEYS:
                raise _Refused(UploadRefusal.ACTIVE_CONTENT)
            opening = obj.get("/OpenAction")
            if isinstance(opening, DictionaryObject) and opening.get("/S") == "/GoTo" and set(opening) == {"/S", "/D"}:
                opening = opening.get("/D")
            if opening is not None and not (
                isinstance(opening, ArrayObject) and len(opening) >= 2 and str(opening[1]) in _FITS
            ):
                raise _Refused(UploadRefusal.ACTIVE_CONTENT)
            for key, refused in (("/S", _ACTIVE_ACTIONS), ("/Subtype", _ACTIVE_SUBTYPES), ("/Type", _ACTIVE_TYPES)):
                value = obj.get(key)
                if isinstance(value, NameObject) and str(value) in refused:
                    raise _Refused(UploadRefusal.ACTIVE_CONTENT)
            if obj.get("/S") == "/URI":
                target = obj.get("/URI")
                text = str(target) if isinstance(target, TextStringObject | str) else ""
                if not _safe_link(text):
                    raise _Refused(UploadRefusal.ACTIVE_CONTENT)
            values = [obj.raw_get(k) for k in obj]
        elif isinstance(obj, ArrayObject):
            values = list(obj)
        else:
            return
        for value in values:
            if isinstance(value, DictionaryObject | ArrayObject):
                self._walk(value, depth + 1)

    def _stream(self, obj: StreamObject, budget: _Budget) -> None:
        filters = obj.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, ArrayObject) else ([str(filters)] if filters else [])
        image = obj.get("/Subtype") == "/Image"
        raw = obj._data  # the raw (decrypted, still encoded) bytes
        if names and names[0] in _IMAGE_CODECS:
            return
        cap = self.pikepdf_side._image_bytes(obj) if image else self.pikepdf_side.max_stream_bytes
        if not names:
            chunks: Any = (raw,)
        elif names == ["/FlateDecode"]:
            chunks = _inflate((raw,), cap)
        else:
            chunks = (obj.get_data(),)
        total = 0
        for chunk in chunks:
            total += len(chunk)
            budget.spend(len(chunk))
            if total > cap:
                raise _Refused(UploadRefusal.TOO_LARGE_INFLATED)
            if not image and _holds_an_archive(chunk):
                raise _Refused(UploadRefusal.ACTIVE_CONTENT)


def timed(inspect: Callable[[bytes, str], None], data: bytes, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        inspect(data, "application/pdf")
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def corpus_counts(inspect: Callable[[bytes, str], None], files: dict[str, tuple[bytes, str | None]]) -> dict[str, Any]:
    counts = {"genuine_refused": [], "hostile_accepted": []}  # type: dict[str, list[str]]
    for key, (data, expected) in sorted(files.items()):
        name = key.split("/", 1)[1]
        try:
            inspect(data, sniff_content_type(data, name))
            refused = False
        except ValidationError:
            refused = True
        if expected is None and refused:
            counts["genuine_refused"].append(key)
        if expected is not None and not refused:
            counts["hostile_accepted"].append(key)
    return {"files": len(files), **counts}


def big_png() -> bytes:
    """The review's PNG: 8900×8900 16-bit RGBA zeros (79 Mpx, under ``max_pixels``), 616 kB."""
    width = height = 8900

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    deflater = zlib.compressobj(9)
    row = bytes(1 + width * 8)
    idat = b"".join(deflater.compress(row) for _ in range(height)) + deflater.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((16, 6, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


#: The costly files, each inspected in a fresh process so that its peak memory is its own.
def _flate_bomb(builder: Any) -> bytes:
    bomb = builder.flate_bomb_stream(1024 * MiB)  # as heavy_files() builds it, without the scans
    return bytes(builder.one_page(more=[b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
                                        + b"\nendstream"]))  # fmt: skip


PEAK_CASES: dict[str, Callable[[Any], bytes]] = {
    "flate_bomb_1gib.pdf": _flate_bomb,
    "object_stream_bomb_1gib.pdf": lambda b: b.object_stream_bomb(1024 * MiB),
    "xref_stream_bomb_1gib.pdf": lambda b: b.xref_stream_bomb(1024 * MiB),
    "png_8900x8900_rgba16.png": lambda b: big_png(),
}


def _high_water_kib() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak(name: str) -> None:
    """Child process: build one case, inspect it once, print the verdict, the time and the peak memory."""
    data = PEAK_CASES[name](_builder())
    inspector = ParserUploadInspector()
    inspector.inspect(minimal_pdf(), "application/pdf")  # warm up: first calls into qpdf load code
    before = _high_water_kib()
    start = time.perf_counter()
    try:
        inspector.inspect(data, sniff_content_type(data, name))
        verdict = "accepted"
    except ValidationError as refused:
        verdict = refused.errors[0].code
    elapsed = (time.perf_counter() - start) * 1000
    after = _high_water_kib()
    print(json.dumps({"bytes": len(data), "verdict": verdict, "ms": round(elapsed, 1),
                      "peak_mib": round(after / 1024), "peak_growth_mib": round((after - before) / 1024)}))  # fmt: skip


def peaks() -> dict[str, Any]:
    found = {}
    for name in PEAK_CASES:
        command = [sys.executable, __file__, "--peak", name]  # this script, one of the names above
        child = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
        found[name] = json.loads(child.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--peak", choices=sorted(PEAK_CASES), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.peak:
        peak(arguments.peak)
        return
    rounds = arguments.rounds
    print(f"load average before: {os.getloadavg()}")
    builder = _builder()
    scan = builder.img2pdf_scan([builder.scan_of_size(5 * MiB, seed=105)])
    many = builder.img2pdf_scan([builder.scan_of_size(MiB, seed=s) for s in (1, 2, 3, 4, 5)])
    shipped, alternative = ParserUploadInspector(), PypdfInspection()
    result: dict[str, Any] = {"scan_bytes": len(scan), "five_pages_bytes": len(many), "rounds": rounds}
    for label, data in (("scan_5mib", scan), ("five_pages_1mib", many)):
        shipped.inspect(data, "application/pdf")
        alternative.inspect(data, "application/pdf")
        pike, pdf = [], []
        for _ in range(3):  # interleaved, so both see the same machine
            pike += timed(shipped.inspect, data, rounds // 3)
            pdf += timed(alternative.inspect, data, rounds // 3)
        result[f"{label}_pikepdf_ms"] = round(statistics.median(pike), 2)
        result[f"{label}_pypdf_ms"] = round(statistics.median(pdf), 2)
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    heavy = builder.heavy_files()
    bomb = heavy["flate_bomb_1gib.pdf"][0]
    samples = []
    for _ in range(max(rounds // 3, 1)):
        start = time.perf_counter()
        try:
            shipped.inspect(bomb, "application/pdf")
        except ValidationError:
            samples.append((time.perf_counter() - start) * 1000)
    result["bomb_1gib_refused_ms"] = round(statistics.median(samples), 2)
    files = {
        key: (heavy[key.split("/", 1)[1]][0] if "built_at_test_time" in entry else (CORPUS / key).read_bytes(),
              entry["expected"])
        for key, entry in manifest.items()
    }  # fmt: skip
    for label, inspector in (("pikepdf", shipped), ("pypdf", alternative)):
        started = time.perf_counter()
        result[f"corpus_{label}"] = corpus_counts(inspector.inspect, files)
        result[f"corpus_{label}"]["seconds"] = round(time.perf_counter() - started, 2)
    result["peaks"] = peaks()
    result["target_ms"] = 50
    print(f"{'file':>16} {'bytes':>9} {'pikepdf ms':>11} {'pypdf ms':>9} target")
    print(
        f"{'scan 5 MiB':>16} {len(scan):>9} {result['scan_5mib_pikepdf_ms']:>11} {result['scan_5mib_pypdf_ms']:>9} ≤ 50"
    )
    print(f"{'5 pages × 1 MiB':>16} {len(many):>9} {result['five_pages_1mib_pikepdf_ms']:>11} "
          f"{result['five_pages_1mib_pypdf_ms']:>9}")  # fmt: skip
    print(f"1 GiB flate bomb ({len(bomb)} bytes) refused in {result['bomb_1gib_refused_ms']} ms (pikepdf)")
    for name, found in result["peaks"].items():
        print(f"{name} ({found['bytes']} bytes): {found['verdict']} in {found['ms']} ms, peak memory "
              f"{found['peak_mib']} MiB (+{found['peak_growth_mib']} MiB while inspecting)")  # fmt: skip
    for label in ("pikepdf", "pypdf"):
        counts = result[f"corpus_{label}"]
        print(f"corpus with {label}: {counts['files']} files in {counts['seconds']} s, genuine refused "
              f"{counts['genuine_refused']}, hostile accepted {counts['hostile_accepted']}")  # fmt: skip
    print(f"load average after: {os.getloadavg()}")
    out = Path(__file__).parent / "results" / "upload_inspection.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
