"""``cyclades serve`` as a process: its keys follow the documented rules (CYCLADES_DOCUMENT_KEY: 16 characters, as
``build_portal`` and the other commands; CYCLADES_WEB_SECRET: 32, as ``WebSettings``), and a refused start creates
nothing — no data folder, no database, no key file (integrator review, finding 5)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cyclades_adapters.console import EXIT_CONFIGURATION

#: 20 characters: enough for the library (16), short of the web secret's 32.
DOCUMENT_KEY = "abcdefghijklmnopqrst"
WEB_SECRET = "w" * 32


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, data_dir: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "cyclades_adapters.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--data-dir", str(data_dir), "--demo", "--insecure-cookies", "--cheap-hashing", *extra,
    ]  # fmt: skip


def environ(**keys: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYCLADES_")}
    return {**env, **keys}


@pytest.mark.parametrize(
    ("keys", "extra", "expected"),
    [
        ({"CYCLADES_DOCUMENT_KEY": "trop-courte"}, (), "CYCLADES_DOCUMENT_KEY : chaque clé doit compter au moins 16"),
        ({"CYCLADES_DOCUMENT_KEY": "une,cle-de-plus-de-16"}, (), "CYCLADES_DOCUMENT_KEY : une clé ne contient pas"),
        ({"CYCLADES_DOCUMENT_OLD_KEYS": "courte"}, (), "CYCLADES_DOCUMENT_OLD_KEYS : chaque clé doit compter"),
        ({"CYCLADES_WEB_SECRET": "x" * 31}, (), "CYCLADES_WEB_SECRET : la clé doit compter au moins 32 caractères"),
        ({}, ("--database", "mysql://u@127.0.0.1/x"), "base de données non prise en charge"),
    ],
    ids=["short-document-key", "comma-in-document-key", "short-old-key", "short-web-secret", "unsupported-url"],
)
def test_a_refused_start_is_one_french_line_and_creates_nothing(
    tmp_path: Path, keys: dict[str, str], extra: tuple[str, ...], expected: str
) -> None:
    data_dir = tmp_path / "data"
    answer = subprocess.run(  # noqa: S603 - our own command
        serve_command(free_port(), data_dir, *extra), capture_output=True, text=True, timeout=60, env=environ(**keys)
    )
    assert answer.returncode == EXIT_CONFIGURATION, answer.stderr
    lines = answer.stderr.strip().splitlines()
    assert lines[0].startswith("Attention : hachage")  # the --cheap-hashing warning, then the refusal
    assert len(lines) == 2, answer.stderr
    assert lines[1].startswith("erreur [configuration_error] ")
    assert expected in lines[1]
    assert not data_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_key_file_too_short_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "document-key").write_text("courte\n")
    answer = subprocess.run(  # noqa: S603 - our own command
        serve_command(free_port(), data_dir), capture_output=True, text=True, timeout=60, env=environ()
    )
    assert answer.returncode == EXIT_CONFIGURATION, answer.stderr
    assert f"{data_dir / 'document-key'} (ou CYCLADES_DOCUMENT_KEY) : la clé doit compter au moins 16" in answer.stderr
    assert sorted(p.name for p in data_dir.iterdir()) == ["document-key"]


def test_a_document_key_of_16_to_31_characters_serves_as_it_does_for_the_library(tmp_path: Path) -> None:
    """The key a deployment's build_portal workers and its other commands accept starts ``cyclades serve`` too."""
    data_dir, port = tmp_path / "data", free_port()
    keys = {"CYCLADES_DOCUMENT_KEY": DOCUMENT_KEY, "CYCLADES_WEB_SECRET": WEB_SECRET}
    process = subprocess.Popen(  # noqa: S603 - our own command
        serve_command(port, data_dir), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=environ(**keys), start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"http://127.0.0.1:{port}/"):
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "cyclades serve did not answer within 60 s"
            time.sleep(0.1)
    finally:
        with contextlib.suppress(ProcessLookupError):  # a refused start has already ended
            os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)
    made = {p.name for p in data_dir.iterdir()}
    assert {"cyclades.db", "files", "mails"} <= made
    assert not {"document-key", "web-secret"} & made  # both keys given


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - http://127.0.0.1 only
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
