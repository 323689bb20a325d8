"""cyclades_adapters: the adapters of the cyclades ports and the composition root :func:`build_portal`."""

from cyclades_adapters.bootstrap import Portal, build_portal

__all__ = ["Portal", "build_portal"]
