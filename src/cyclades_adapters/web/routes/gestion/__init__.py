"""The managing service's back office (« service gestionnaire », rules MGR-*, JUS-05, JUS-07) under ``/gestion``.

A manager logs in with its own account (``portal.managers``; its token in the ``cyclades_gestion`` cookie, never the
candidates' ``cyclades_session``), lists the candidatures of its académies by pages, reads one (its Récapitulatif and
its pièces), controls its pièces (status, reception date, comment), publishes documents, sets it aside, reinstates,
withdraws or deletes it, corrects the candidate's identity, and reads its journal (the audit trail). Every act goes
through one service of the portal, which checks the manager's académies and audits it.

Modules: :mod:`.auth` (login, logout, :func:`~.auth.manager_required`), :mod:`.liste` (the list),
:mod:`.candidature` (one candidature and its acts), :mod:`.journal` (the audit trail).
"""

from __future__ import annotations

from flask import Blueprint

__all__ = ["blueprint"]

blueprint = Blueprint("gestion", __name__, url_prefix="/gestion")

# The routes register themselves on ``blueprint`` when their modules are imported.
from cyclades_adapters.web.routes.gestion import auth, candidature, journal, liste  # noqa: E402, F401
