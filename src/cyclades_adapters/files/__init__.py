"""File-backed adapters: the catalogue from TOML data files, reference data shipped with the package."""

from cyclades_adapters.files.catalogue import (
    CatalogueDataError,
    FileCatalogue,
    default_catalogue_paths,
    example_catalogue_path,
)
from cyclades_adapters.files.reference import FileBirthplaceDirectory
from cyclades_adapters.files.store import FileSystemFileStore

__all__ = [
    "CatalogueDataError",
    "FileBirthplaceDirectory",
    "FileCatalogue",
    "FileSystemFileStore",
    "default_catalogue_paths",
    "example_catalogue_path",
]
