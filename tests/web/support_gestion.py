"""Helpers of the back office's tests: the guide's managing service of Besançon (03), a candidature of ACCRALL Dack
(or of another candidate) made through the portal's services, its online pièces deposited and validated, and a
manager signed in through /gestion/connexion."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cyclades_adapters.bootstrap import Portal
from cyclades_core.testing import minimal_pdf
from tests.candidature_support import register
from tests.candidature_support import signed_in as candidate_token
from tests.web.support import post

MANAGER = "gestion.besancon"
MANAGER_PASSWORD = "Gestion*2022x"
LYON = "gestion.lyon"
LYON_PASSWORD = "Quai*Saone94x"
ONLINE_PIECES = ("CINSIG01", "RELNOT01")


def add_managers(portal: Portal) -> None:
    """Besançon's managing service (03), and Lyon's (10), which manages none of Besançon's candidatures."""
    portal.managers.add(MANAGER, MANAGER_PASSWORD, ["03"])
    portal.managers.add(LYON, LYON_PASSWORD, ["10"])


def manager_login(client: FlaskClient, login: str = MANAGER, password: str = MANAGER_PASSWORD) -> TestResponse:
    answer: TestResponse = post(client, "/gestion/connexion", {"login": login, "password": password},
                                page="/gestion/connexion")  # fmt: skip
    return answer


def signed_in_manager(client: FlaskClient, login: str = MANAGER, password: str = MANAGER_PASSWORD) -> None:
    answer = manager_login(client, login, password)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert answer.headers["Location"] == "/gestion/candidatures"


def candidature(portal: Portal, number: int = 0) -> tuple[str, str]:
    """A saved candidature in Besançon (03) of a new candidate (``number`` makes its name and email distinct);
    returns (the candidate's session token, the candidature id)."""
    if number == 0:
        token = candidate_token(portal)
    else:
        name = "ACCRALL" + "ABCDEFGHIJ"[number % 10] * (1 + number // 10)
        token = candidate_token(portal, email=f"candidat{number}@ac-besancon.fr", birth_name=name)
    return token, register(portal, token)


def validated_pieces(portal: Portal, token: str, candidature_id: str) -> None:
    """The candidate deposits a PDF for each online pièce and clicks « J'ai fourni toutes mes pièces »."""
    for code in ONLINE_PIECES:
        portal.pieces.upload(token, candidature_id, code, f"{code.lower()}.pdf", [minimal_pdf()])
    [group] = portal.pieces.mes_justificatifs(token, candidature_id)
    portal.pieces.validate(token, candidature_id, group.id)


def gestion_post(client: FlaskClient, path: str, data: dict[str, str]) -> TestResponse:
    """POST a back-office form with the CSRF token of the list's page."""
    answer: TestResponse = post(client, path, data, page="/gestion/candidatures")
    return answer
