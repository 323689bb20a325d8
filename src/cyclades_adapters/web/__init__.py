"""The web portal: the reference driving adapter over the public API (issue 18).

``create_app(portal, settings)`` returns a Flask (WSGI) application serving the candidate portal and the managing
service's back office under ``/gestion/``; ``cyclades serve`` runs it with gunicorn. Nothing happens at import time.
See docs/web.md for the pages, the security measures and how to mount the application in a host project.
"""

from __future__ import annotations

from cyclades_adapters.web.app import create_app
from cyclades_adapters.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
