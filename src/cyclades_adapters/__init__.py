"""cyclades_adapters: the adapters of the cyclades ports and the composition root :func:`build_portal`.

Importable from here: :func:`build_portal` and :class:`Portal` (``cyclades_adapters.bootstrap``), and the adapters an
integrator chooses among — storage (``MemoryDatabase``, ``SqlDatabase`` and their rate limiters and candidate-number
allocators), catalogues, birthplace directories, file stores, scanners, the upload inspector, mailers, renderers,
hashers, the clock. Names are loaded on first use: importing this package loads neither SQLAlchemy nor the PDF
libraries (a name of a missing extra raises ``ImportError`` when it is used, naming the module).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cyclades_adapters.bootstrap import (
        Portal,
        build_portal,
        default_hasher,
        document_signer,
    )
    from cyclades_adapters.documents import (
        SimplePdfRenderer,
    )
    from cyclades_adapters.files import (
        ClamdScanner,
        FileBirthplaceDirectory,
        FileCatalogue,
        FileSystemFileStore,
        ParserUploadInspector,
    )
    from cyclades_adapters.mail import (
        EmlFolderMailer,
        MemoryMailer,
        SmtpMailer,
    )
    from cyclades_adapters.memory import (
        MemoryBirthplaceDirectory,
        MemoryCandidateNumberAllocator,
        MemoryCatalogue,
        MemoryDatabase,
        MemoryFileStore,
        MemoryRateLimiter,
        SignatureScanner,
    )
    from cyclades_adapters.pdf import (
        ReportlabRenderer,
    )
    from cyclades_adapters.security import (
        Argon2idHasher,
        RangeFileBreachedPasswords,
        ScryptHasher,
    )
    from cyclades_adapters.sql import (
        SqlCandidateNumberAllocator,
        SqlCatalogue,
        SqlDatabase,
        SqlRateLimiter,
    )
    from cyclades_adapters.system import (
        SystemClock,
    )
    from cyclades_core._version import __version__

_LAZY: dict[str, str] = {
    "__version__": "cyclades_core._version",  # from the package metadata, as cyclades_core's
    **dict.fromkeys(["Portal", "build_portal", "default_hasher", "document_signer"], "cyclades_adapters.bootstrap"),
    **dict.fromkeys(
        [
            "MemoryBirthplaceDirectory",
            "MemoryCandidateNumberAllocator",
            "MemoryCatalogue",
            "MemoryDatabase",
            "MemoryFileStore",
            "MemoryRateLimiter",
            "SignatureScanner",
        ],
        "cyclades_adapters.memory",
    ),
    **dict.fromkeys(
        ["SqlCandidateNumberAllocator", "SqlCatalogue", "SqlDatabase", "SqlRateLimiter"], "cyclades_adapters.sql"
    ),
    **dict.fromkeys(
        ["ClamdScanner", "FileBirthplaceDirectory", "FileCatalogue", "FileSystemFileStore", "ParserUploadInspector"],
        "cyclades_adapters.files",
    ),
    **dict.fromkeys(["EmlFolderMailer", "MemoryMailer", "SmtpMailer"], "cyclades_adapters.mail"),
    **dict.fromkeys(["SimplePdfRenderer"], "cyclades_adapters.documents"),
    **dict.fromkeys(["ReportlabRenderer"], "cyclades_adapters.pdf"),
    **dict.fromkeys(["Argon2idHasher", "RangeFileBreachedPasswords", "ScryptHasher"], "cyclades_adapters.security"),
    **dict.fromkeys(["SystemClock"], "cyclades_adapters.system"),
}

__all__ = [
    "Argon2idHasher",
    "ClamdScanner",
    "EmlFolderMailer",
    "FileBirthplaceDirectory",
    "FileCatalogue",
    "FileSystemFileStore",
    "MemoryBirthplaceDirectory",
    "MemoryCandidateNumberAllocator",
    "MemoryCatalogue",
    "MemoryDatabase",
    "MemoryFileStore",
    "MemoryMailer",
    "MemoryRateLimiter",
    "ParserUploadInspector",
    "Portal",
    "RangeFileBreachedPasswords",
    "ReportlabRenderer",
    "ScryptHasher",
    "SignatureScanner",
    "SimplePdfRenderer",
    "SmtpMailer",
    "SqlCandidateNumberAllocator",
    "SqlCatalogue",
    "SqlDatabase",
    "SqlRateLimiter",
    "SystemClock",
    "__version__",
    "build_portal",
    "default_hasher",
    "document_signer",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cyclades_adapters' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
