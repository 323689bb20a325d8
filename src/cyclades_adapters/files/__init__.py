"""File-backed adapters: the catalogue from TOML data files, reference data shipped with the package, the file
system store, ClamAV's daemon as the antivirus, and the parser-backed upload inspector (pikepdf and Pillow, imported
when it is built)."""

from cyclades_adapters.files.catalogue import (
    CatalogueDataError,
    FileCatalogue,
    default_catalogue_paths,
    example_catalogue_path,
)
from cyclades_adapters.files.clamav import ClamdScanner
from cyclades_adapters.files.inspection import ParserUploadInspector
from cyclades_adapters.files.reference import FileBirthplaceDirectory
from cyclades_adapters.files.store import FileSystemFileStore

__all__ = [
    "CatalogueDataError",
    "ClamdScanner",
    "FileBirthplaceDirectory",
    "FileCatalogue",
    "FileSystemFileStore",
    "ParserUploadInspector",
    "default_catalogue_paths",
    "example_catalogue_path",
]
