"""The ``cyclades`` console script.

setuptools installs the script whatever the extras, so the script itself needs nothing but the core: without the
``cli`` extra (click, rich) it prints one French line on stderr and exits 5 (configuration), never a traceback.
"""

from __future__ import annotations

import sys

#: The exit code of a configuration error (docs/operations.md).
EXIT_CONFIGURATION = 5
#: The modules the ``cli`` extra brings.
CLI_EXTRA_MODULES = frozenset({"click", "rich"})
MISSING_CLI_EXTRA = "cyclades : la commande a besoin de l'extra cli : pip install 'cyclades[cli]'"


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or say which extra is missing."""
    try:
        from cyclades_adapters.cli import main as run
    except ModuleNotFoundError as missing:
        if (missing.name or "").partition(".")[0] not in CLI_EXTRA_MODULES:
            raise
        print(MISSING_CLI_EXTRA, file=sys.stderr)
        return EXIT_CONFIGURATION
    return run(argv)


if __name__ == "__main__":  # pragma: no cover - ``python -m cyclades_adapters.console``
    raise SystemExit(main())
