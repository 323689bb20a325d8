"""MGR-05: the candidatures of the manager's académies with their state, filtered, by pages (keyset).

The « Page suivante » link carries the position of the page's last row (session, académie, creation instant, id), signed
with the portal's secret: a position is never typed or altered by hand, and the list stays fast however far one pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import abort, render_template, request
from itsdangerous import BadData, URLSafeSerializer

from cyclades_adapters.web import security
from cyclades_adapters.web.app import portal
from cyclades_adapters.web.navigation import PARIS
from cyclades_adapters.web.routes.gestion import blueprint
from cyclades_adapters.web.routes.gestion.auth import current_manager, manager_required
from cyclades_core import CandidatureRow, CandidatureState, ListPosition

__all__ = ["STATES", "decode_position", "encode_position"]

#: The state filter's choices: (the enum's name, the guide's label).
STATES = [(state.name, state.value) for state in CandidatureState]
#: The core's largest page (ManagerService: at most 1000 rows); one more row is asked to know whether a next page exists.
_LARGEST_PAGE = 999
_SALT = "cyclades-gestion-liste"
FILTERS = ("session", "specialite", "etat", "academie")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(security.settings().secret_key, salt=_SALT)


def encode_position(row: CandidatureRow) -> str:
    """The signed position after ``row`` (what « Page suivante » carries)."""
    return str(_serializer().dumps([row.session_id, row.academie_code, row.created_at.isoformat(), row.candidature_id]))


def decode_position(value: str) -> ListPosition:
    """The position to list after, from a signed one; a forged or altered one is refused (400)."""
    try:
        session_id, academie_code, created_at, candidature_id = _serializer().loads(value)
        at = datetime.fromisoformat(created_at)
    except (BadData, ValueError, TypeError):
        abort(400)
    return ListPosition(str(session_id), str(academie_code), at, str(candidature_id))


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in FILTERS}


def _state(name: str) -> CandidatureState | None:
    if not name:
        return None
    try:
        return CandidatureState[name]
    except KeyError:
        abort(400)


@blueprint.get("/candidatures")
@manager_required
def candidatures() -> Any:
    manager = current_manager()
    filters = _filters()
    size = min(security.settings().page_size, _LARGEST_PAGE)
    after = request.args.get("apres", "")
    rows = portal().management.candidatures(
        manager, session_id=filters["session"] or None, specialite_code=filters["specialite"] or None,
        state=_state(filters["etat"]), academie_code=filters["academie"] or None,
        after=decode_position(after) if after else None, limit=size + 1,
    )  # fmt: skip
    shown = rows[:size]
    kept = {name: value for name, value in filters.items() if value}
    following = None
    if len(rows) > size:
        following = "/gestion/candidatures?" + urlencode({**kept, "apres": encode_position(shown[-1])})
    return render_template(
        "gestion/liste.html", title="Candidatures", rows=shown, filters=filters, states=STATES,
        academies=[(code, code) for code in manager.academie_codes], following=following,
        first_page=("/gestion/candidatures?" + urlencode(kept)) if after else None, paris=PARIS,
    )  # fmt: skip
