"""In-memory adapters: real (rollback, uniqueness, conflicts), the default of the quick start and of tests."""

from cyclades_adapters.memory.catalogue import MemoryCatalogue
from cyclades_adapters.memory.files import MemoryFileStore, SignatureScanner
from cyclades_adapters.memory.reference import MemoryBirthplaceDirectory
from cyclades_adapters.memory.security import MemoryCandidateNumberAllocator, MemoryRateLimiter
from cyclades_adapters.memory.storage import MemoryDatabase, MemoryUnitOfWork

__all__ = [
    "MemoryBirthplaceDirectory",
    "MemoryCandidateNumberAllocator",
    "MemoryCatalogue",
    "MemoryDatabase",
    "MemoryFileStore",
    "MemoryRateLimiter",
    "MemoryUnitOfWork",
    "SignatureScanner",
]
