"""The version of the installed ``cyclades`` distribution, read from its metadata (``pyproject.toml`` is the one
place it is written). A source tree run without being installed reports ``0+unknown``. ``cyclades_core`` and
``cyclades_adapters`` load ``__version__`` from here on first use."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "cyclades"


def distribution_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # pragma: no cover - a source tree on sys.path without installed metadata
        return "0+unknown"


__version__: str = distribution_version()
