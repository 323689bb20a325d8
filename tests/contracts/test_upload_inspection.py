"""The parser-backed upload inspector passes the port's contract (H3)."""

from __future__ import annotations

import pytest

from cyclades_adapters.files import ParserUploadInspector
from cyclades_core.ports import UploadInspector
from cyclades_core.testing import UploadInspectorContract


@pytest.mark.rule("H3")
class TestParserUploadInspector(UploadInspectorContract):
    @pytest.fixture
    def inspector(self) -> UploadInspector:
        return ParserUploadInspector()
