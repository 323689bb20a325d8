"""cyclades_adapters: the adapters of the cyclades ports and the composition root :func:`build_portal`.

``Portal`` and ``build_portal`` are loaded on first use (PEP 562): importing a subpackage — the command line's
``cyclades --help`` among them — does not load the composition root and every adapter it wires.
"""

from typing import TYPE_CHECKING, Any

from cyclades_core._version import distribution_version

if TYPE_CHECKING:
    from cyclades_adapters.bootstrap import Portal, build_portal

__all__ = ["Portal", "__version__", "build_portal"]

__version__: str = distribution_version()


def __getattr__(name: str) -> Any:
    if name in ("Portal", "build_portal"):
        from cyclades_adapters import bootstrap

        return getattr(bootstrap, name)
    raise AttributeError(f"module 'cyclades_adapters' has no attribute {name!r}")
