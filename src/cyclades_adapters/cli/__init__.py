"""The ``cyclades`` command line (extra ``cli``): the demo journey and the operator commands."""

from cyclades_adapters.cli.main import cli, main

__all__ = ["cli", "main"]
