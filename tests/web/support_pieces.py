"""Helpers of the web tests of « Mes documents » and « Mes pièces justificatives »: a candidate signed in through the
pages whose candidature is created through ``portal.candidatures`` (as the registration form would), and uploads
posted as the browser posts them (multipart, with the page's CSRF token)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cyclades_adapters.bootstrap import Portal
from cyclades_core.testing import minimal_pdf, minimal_png
from tests.candidature_support import accrall_tabs, register
from tests.web.support import ACCRALL, signed_in

PDF = minimal_pdf()
PNG = minimal_png()
UPLOADS = Path(__file__).resolve().parent.parent / "data" / "uploads"
DUBOIS = {
    **ACCRALL, "birth_name": "DUBOIS", "birth_name_confirmation": "DUBOIS", "first_names": "Pierre",
    "birth_date": "12/03/2001", "birth_date_confirmation": "12/03/2001", "email": "pdubois@ac-rennes.fr",
    "email_confirmation": "pdubois@ac-rennes.fr",
}  # fmt: skip
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def session_of(client: FlaskClient) -> str:
    """The core's session token the browser holds."""
    cookie = client.get_cookie("cyclades_session")
    assert cookie is not None, "not signed in"
    return cookie.value


def candidate(
    client: FlaskClient,
    portal: Portal,
    form: Mapping[str, str] = ACCRALL,
    tabs: list[object] | None = None,
    academie: str = "03",
) -> str:
    """Sign ``form``'s candidate in through the pages, register the guide's candidature (at Besançon, 03, unless
    told) through the core with the browser's session; returns the candidature's id."""
    signed_in(client, portal, form)
    return register(portal, session_of(client), tabs or accrall_tabs(), academie=academie)


def pieces_page(client: FlaskClient, candidature_id: str) -> str:
    answer = client.get(f"/mes-pieces-justificatives/{candidature_id}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def csrf(client: FlaskClient, candidature_id: str) -> str:
    found = _CSRF.search(pieces_page(client, candidature_id))
    assert found is not None
    return found.group(1)


def deposit(
    client: FlaskClient, candidature_id: str, code: str, data: bytes = PDF, name: str = "piece.pdf"
) -> TestResponse:
    """« Ajouter »: the pièce's form posted with ``data`` as the file."""
    token = csrf(client, candidature_id)
    return client.post(
        f"/mes-pieces-justificatives/{candidature_id}/deposer?piece={code}",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def action(client: FlaskClient, candidature_id: str, what: str, **fields: str) -> TestResponse:
    """« Supprimer » (``what="supprimer"``, ``code=``) or « J'ai fourni toutes mes pièces » (``"valider"``,
    ``group=``)."""
    token = csrf(client, candidature_id)
    return client.post(f"/mes-pieces-justificatives/{candidature_id}/{what}", data={"csrf_token": token, **fields})
