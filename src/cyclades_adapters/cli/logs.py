"""The ``cyclades`` command's logging: it is an application, so it routes the library's records itself.

The library adds a ``NullHandler`` to its ``cyclades`` logger (``cyclades_core/__init__.py``): a host that configured
no logging sees nothing. The command keeps what it showed before that handler, when Python's last-resort handler
printed them: every WARNING and ERROR record of the ``cyclades.*`` loggers (a mail to retry or given up by ``outbox
relay``, the web portal's errors and audit warnings under ``cyclades serve``, whose gunicorn workers inherit the
handler), the message alone and its traceback, on stderr. Only stdlib ``logging`` is imported: ``cyclades --help``
stays light.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["StderrWarnings", "library_warnings_on_stderr"]

LIBRARY_LOGGER = "cyclades"


class StderrWarnings(logging.Handler):
    """As ``logging.lastResort``: WARNING and above, ``%(message)s`` (and the traceback, if any), written to the
    ``sys.stderr`` of the moment (click's test runner and pytest replace it)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # as every handler: a failure to log never breaks the command
            self.handleError(record)


@contextmanager
def library_warnings_on_stderr() -> Iterator[None]:
    """While the command runs, a :class:`StderrWarnings` on the ``cyclades`` logger, unless the process has
    configured logging already (a handler on the root logger: the records go there, as they always did)."""
    if logging.getLogger().handlers:
        yield
        return
    logger = logging.getLogger(LIBRARY_LOGGER)
    handler = StderrWarnings()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
