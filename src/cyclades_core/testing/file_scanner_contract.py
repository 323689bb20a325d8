"""Contract suite of the file scanner port."""

from __future__ import annotations

import pytest

from cyclades_core.model.pieces import ScanVerdict
from cyclades_core.ports.files import FileScanner


class FileScannerContract:
    """Fixture: ``scanner``. It must report the EICAR test file and fail closed beyond its limit."""

    @pytest.fixture
    def scanner(self) -> FileScanner:
        raise NotImplementedError

    def test_the_eicar_test_file_is_infected(self, scanner: FileScanner) -> None:
        eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
        assert len(eicar) == 68
        verdict, _ = scanner.scan(eicar)
        assert verdict is ScanVerdict.INFECTED

    def test_an_ordinary_file_is_clean_and_an_oversized_one_is_not_scanned(self, scanner: FileScanner) -> None:
        assert scanner.scan(b"%PDF-1.4\nbonjour")[0] is ScanVerdict.CLEAN
        assert scanner.scan(b"x" * (scanner.max_bytes + 1))[0] is ScanVerdict.NOT_SCANNED
