"""File-backed adapters: the catalogue from TOML data files, reference data shipped with the package, the file
system store, and ClamAV's daemon as the antivirus."""

from cyclades_adapters.files.catalogue import (
    CatalogueDataError,
    FileCatalogue,
    default_catalogue_paths,
    example_catalogue_path,
)
from cyclades_adapters.files.clamav import ClamdScanner
from cyclades_adapters.files.reference import FileBirthplaceDirectory
from cyclades_adapters.files.store import FileSystemFileStore

__all__ = [
    "CatalogueDataError",
    "ClamdScanner",
    "FileBirthplaceDirectory",
    "FileCatalogue",
    "FileSystemFileStore",
    "default_catalogue_paths",
    "example_catalogue_path",
]
