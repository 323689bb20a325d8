"""The managing service's back office on the web (/gestion): its login, the list of candidatures (MGR-05), one
candidature's content and pièces (MGR-06), the pièces' control (JUS-05, JUS-07, MGR-02), the publication of documents
(MGR-03), the acts on a candidature and the identity's correction (MGR-04), and its journal (I3)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_adapters.web import security
from cyclades_core import DocumentKind
from cyclades_core.testing import minimal_pdf
from tests.web.support import make_app, post, signed_in
from tests.web.support_gestion import (
    LYON,
    LYON_PASSWORD,
    MANAGER,
    MANAGER_PASSWORD,
    add_managers,
    candidature,
    gestion_post,
    manager_login,
    signed_in_manager,
    validated_pieces,
)


@pytest.fixture
def managed(portal: Portal) -> Portal:
    add_managers(portal)
    return portal


def _text(answer: object) -> str:
    return answer.get_data(as_text=True)  # type: ignore[attr-defined]


def _cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


# -- login, logout, who may enter ---------------------------------------------------------------------------------


def test_a_wrong_password_is_refused_with_one_message_and_no_cookie(client: FlaskClient, managed: Portal) -> None:
    answer = manager_login(client, MANAGER, "Mauvais*2022x")
    page = _text(answer)
    assert answer.status_code == 401
    assert "Identifiant de connexion ou mot de passe incorrect." in page
    assert 'value="gestion.besancon"' in page  # the login typed is kept, never the password
    assert "Mauvais" not in page
    assert _cookie(client, security.MANAGER_COOKIE) is None
    assert client.get("/gestion/candidatures").status_code == 303


def test_the_right_password_opens_the_list_with_the_back_office_menu(client: FlaskClient, managed: Portal) -> None:
    signed_in_manager(client)
    assert _cookie(client, security.MANAGER_COOKIE)
    answer = client.get("/gestion/candidatures")
    page = _text(answer)
    assert answer.status_code == 200
    assert page.count("<h1>") == 1
    assert 'action="/gestion/deconnexion"' in page
    assert "Mes inscriptions" not in page  # the candidates' menu is not the back office's
    assert answer.headers["Cache-Control"] == "no-store"
    assert client.get("/gestion/connexion").headers["Location"] == "/gestion/candidatures"
    assert client.get("/gestion/").headers["Location"] == "/gestion/candidatures"


def test_a_page_asked_before_the_login_is_reached_after_it(client: FlaskClient, managed: Portal) -> None:
    answer = client.get("/gestion/candidatures?etat=SET_ASIDE")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/gestion/connexion?suite=/gestion/candidatures%3Fetat%3DSET_ASIDE"
    logged = post(client, "/gestion/connexion", {"login": MANAGER, "password": MANAGER_PASSWORD,
                                                  "suite": "/gestion/candidatures?etat=SET_ASIDE"})  # fmt: skip
    assert logged.headers["Location"] == "/gestion/candidatures?etat=SET_ASIDE"
    elsewhere = post(client, "/gestion/connexion", {"login": MANAGER, "password": MANAGER_PASSWORD,
                                                     "suite": "//evil.example/gestion/"})  # fmt: skip
    assert elsewhere.headers["Location"] == "/gestion/candidatures"  # never an open redirect


def test_a_forged_cookie_is_refused_and_dropped(client: FlaskClient, managed: Portal) -> None:
    client.set_cookie(security.MANAGER_COOKIE, "forged-token-" + "x" * 30)
    answer = client.get("/gestion/candidatures")
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/gestion/connexion")
    assert _cookie(client, security.MANAGER_COOKIE) is None  # the response deleted it


def test_a_candidates_session_never_opens_the_back_office(client: FlaskClient, managed: Portal) -> None:
    signed_in(client, managed)  # a candidate, signed in through the candidates' pages
    candidate_token = _cookie(client, security.SESSION_COOKIE)
    assert candidate_token
    assert client.get("/gestion/candidatures").status_code == 303
    client.set_cookie(security.MANAGER_COOKIE, candidate_token)  # even carried in the back office's cookie
    answer = client.get("/gestion/candidatures")
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/gestion/connexion")


def test_the_logout_ends_the_session_for_good(client: FlaskClient, managed: Portal) -> None:
    signed_in_manager(client)
    token = _cookie(client, security.MANAGER_COOKIE)
    answer = gestion_post(client, "/gestion/deconnexion", {})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/gestion/connexion"
    assert _cookie(client, security.MANAGER_COOKIE) is None
    client.set_cookie(security.MANAGER_COOKIE, str(token))  # the old token replayed
    assert client.get("/gestion/candidatures").status_code == 303


def test_a_form_without_its_csrf_token_changes_nothing(client: FlaskClient, managed: Portal) -> None:
    _, candidature_id = candidature(managed)
    signed_in_manager(client)
    answer = client.post(f"/gestion/candidatures/{candidature_id}/etat", data={"action": "ecarter", "reason": "x"})
    assert answer.status_code == 403
    assert "<td>Inscrit</td>" in _text(client.get("/gestion/candidatures"))


# -- the list (MGR-05) --------------------------------------------------------------------------------------------


@pytest.mark.rule("MGR-05")
def test_the_list_comes_by_pages_with_a_signed_next_page_link(managed: Portal) -> None:
    client = make_app(managed, cookie_secure=False, page_size=2).test_client()
    made = [candidature(managed, number)[1] for number in range(3)]
    signed_in_manager(client)
    first = _text(client.get("/gestion/candidatures"))
    assert "<caption>" in first
    assert '<th scope="col">État</th>' in first
    following = re.search(r'href="(/gestion/candidatures\?apres=[^"]+)" rel="next">Page suivante', first)
    assert following is not None
    second = _text(client.get(following.group(1).replace("&amp;", "&")))
    shown = [found for found in made if found in first]
    assert len(shown) == 2
    assert [found for found in made if found in second] == [c for c in made if c not in shown]
    assert "Page suivante" not in second
    assert "Première page" in second
    tampered = following.group(1).replace("apres=", "apres=x")
    assert client.get(tampered).status_code == 400


@pytest.mark.rule("MGR-05")
def test_the_filters_keep_only_the_matching_candidatures_with_their_state(client: FlaskClient, managed: Portal) -> None:
    _, kept = candidature(managed, 0)
    _, aside = candidature(managed, 1)
    signed_in_manager(client)
    assert gestion_post(client, f"/gestion/candidatures/{aside}/etat",
                        {"action": "ecarter", "reason": "Doublon"}).status_code == 303  # fmt: skip
    page = _text(client.get("/gestion/candidatures?etat=SET_ASIDE&session=BTS-2022&academie=03"))
    assert aside in page
    assert kept not in page
    assert "<td>Écartée</td>" in page
    assert '<option value="SET_ASIDE" selected>' in page  # the filter form shows what is filtered
    assert kept in _text(client.get("/gestion/candidatures?specialite=32025&etat=ACTIVE"))
    assert "Aucune candidature ne correspond" in _text(client.get("/gestion/candidatures?specialite=31310"))


@pytest.mark.rule("MGR-05")
def test_another_academie_cannot_be_listed(client: FlaskClient, managed: Portal) -> None:
    candidature(managed)
    signed_in_manager(client)
    answer = client.get("/gestion/candidatures?academie=10")
    assert answer.status_code == 403
    assert "Traceback" not in _text(answer)


# -- one candidature (MGR-06) ---------------------------------------------------------------------------------------


@pytest.mark.rule("MGR-06")
def test_the_page_shows_the_content_and_the_pieces_with_their_dates(client: FlaskClient, managed: Portal) -> None:
    """« Lorsque le fichier est ajouté, la date de dépôt est affichée (et visible par le gestionnaire) »."""
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    page = _text(client.get(f"/gestion/candidatures/{candidature_id}"))
    assert page.count("<h1>") == 1
    for shown in ("<caption>Identification du candidat</caption>", "ACCRALL", "Aéronautique", "INDIV BESANCON (02500005)", "E1 Culture générale et expression",
                  "CINSIG01 : Confirmation d&#39;inscription signée", "Déposé le 10/11/2021 à 10:00", "Aucun statut"):  # fmt: skip
        assert shown in page
    assert f'href="/gestion/candidatures/{candidature_id}/pieces/CINSIG01/fichier"' in page
    assert '<select id="status-CINSIG01" name="status-CINSIG01"' in page
    assert '<label for="received_on-CINSIG01">Date de réception</label>' in page


@pytest.mark.rule("MGR-06")
def test_a_piece_not_yet_validated_cannot_be_controlled(client: FlaskClient, managed: Portal) -> None:
    _, candidature_id = candidature(managed)
    signed_in_manager(client)
    page = _text(client.get(f"/gestion/candidatures/{candidature_id}"))
    assert "J'ai fourni toutes mes pièces" in page
    assert 'id="status-CINSIG01"' not in page


@pytest.mark.rule("MGR-06")
def test_another_academies_candidature_is_refused_everywhere(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client, LYON, LYON_PASSWORD)
    base = f"/gestion/candidatures/{candidature_id}"
    for path in (base, f"{base}/pieces/CINSIG01/fichier", f"{base}/identite", f"{base}/journal"):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Cette candidature ne relève pas de votre académie." in _text(answer)
    for path, data in ((f"{base}/pieces/CINSIG01", {"status-CINSIG01": "CONFORME"}),
                       (f"{base}/etat", {"action": "ecarter", "reason": "x"}),
                       (f"{base}/documents", {"kind": "DEMANDE_PIECES"})):  # fmt: skip
        assert gestion_post(client, path, data).status_code == 403, path
    [piece] = [
        p for g in managed.pieces.mes_justificatifs(token, candidature_id) for p in g.pieces if p.code == "CINSIG01"
    ]
    assert piece.status is None
    assert client.get("/gestion/candidatures/inconnue").status_code == 404


# -- the pièces' control (JUS-05, JUS-07, MGR-02) ----------------------------------------------------------------


@pytest.mark.rule("JUS-07")
@pytest.mark.rule("MGR-02")
def test_non_conforme_with_a_comment_and_a_reception_date_is_what_the_candidate_sees(
    client: FlaskClient, managed: Portal
) -> None:
    """« Statut : Non conforme    Date de réception 29/10/2018 / Information du gestionnaire    Pièce illisible »,
    and « Je ne reçois pas de mail automatique »."""
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    mails = len(managed.outbox.pending())
    answer = gestion_post(client, f"/gestion/candidatures/{candidature_id}/pieces/CINSIG01", {
        "status-CINSIG01": "NON_CONFORME", "received_on-CINSIG01": "09/11/2021", "comment-CINSIG01": "Pièce illisible",
    })  # fmt: skip
    assert answer.status_code == 303
    [piece] = [
        p for g in managed.pieces.mes_justificatifs(token, candidature_id) for p in g.pieces if p.code == "CINSIG01"
    ]
    assert (piece.status, piece.received_on, piece.comment) == ("Non conforme", "09/11/2021", "Pièce illisible")
    assert piece.comment_label == "Information du gestionnaire"
    assert len(managed.outbox.pending()) == mails  # I2: no mail
    page = _text(client.get(f"/gestion/candidatures/{candidature_id}"))
    assert "<dt>Information du gestionnaire</dt><dd>Pièce illisible</dd>" in page
    assert '<option value="NON_CONFORME" selected>' in page


@pytest.mark.rule("JUS-05")
@pytest.mark.rule("JUS-07")
def test_any_status_goes_to_any_other_and_back_to_none(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    path = f"/gestion/candidatures/{candidature_id}/pieces/RELNOT01"
    for status, label in (("RECUE", "Reçue"), ("CONFORME", "Conforme"), ("NON_CONFORME", "Non conforme"),
                          ("CONFORME", "Conforme"), ("", None)):  # fmt: skip
        assert gestion_post(client, path, {"status-RELNOT01": status}).status_code == 303
        [piece] = [p for g in managed.pieces.mes_justificatifs(token, candidature_id) for p in g.pieces
                   if p.code == "RELNOT01"]  # fmt: skip
        assert piece.status == label


@pytest.mark.rule("JUS-07")
def test_a_wrong_reception_date_is_shown_next_to_its_field(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    path = f"/gestion/candidatures/{candidature_id}/pieces/CINSIG01"
    for typed, message in (("31/02/2021", "au format JJ/MM/AAAA"), ("2021-11-09", "au format JJ/MM/AAAA"),
                           ("11/11/2021", "ne peut pas être postérieure à aujourd&#39;hui")):  # fmt: skip
        answer = gestion_post(client, path, {"status-CINSIG01": "RECUE", "received_on-CINSIG01": typed})
        page = _text(answer)
        assert answer.status_code == 400, typed
        assert 'id="received_on-CINSIG01-erreur"' in page
        assert message in page
        assert f'value="{typed}"' in page  # what was typed is kept
        assert 'id="received_on-RELNOT01-erreur"' not in page  # only the refused pièce's form
    refused = gestion_post(client, path, {"status-CINSIG01": "", "comment-CINSIG01": "Pièce illisible"})
    assert refused.status_code == 400
    assert 'id="status-CINSIG01-erreur"' in _text(refused)
    [piece] = [
        p for g in managed.pieces.mes_justificatifs(token, candidature_id) for p in g.pieces if p.code == "CINSIG01"
    ]
    assert piece.status is None


@pytest.mark.rule("MGR-06")
def test_a_file_is_downloaded_as_an_attachment_never_cached(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    answer = client.get(f"/gestion/candidatures/{candidature_id}/pieces/CINSIG01/fichier")
    assert answer.status_code == 200
    assert answer.data == minimal_pdf()
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "cinsig01.pdf" in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    missing = client.get(f"/gestion/candidatures/{candidature_id}/pieces/INCONNU/fichier")
    assert missing.status_code == 404


# -- documents (MGR-03), acts (MGR-04), identity (MGR-04, ACC-11), journal (I3) ------------------------------


@pytest.mark.rule("MGR-03")
def test_a_published_document_reaches_mes_documents(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    signed_in_manager(client)
    answer = gestion_post(client, f"/gestion/candidatures/{candidature_id}/documents", {"kind": "DEMANDE_PIECES"})
    assert answer.status_code == 303
    published = {d.kind: d for d in managed.candidatures.documents(token, candidature_id)}
    assert published[DocumentKind.DEMANDE_PIECES].published_by == f"manager:{MANAGER}"
    page = _text(client.get(answer.headers["Location"]))
    assert "Document publié : Demande pièces justificatives, version n°" in page


@pytest.mark.rule("MGR-03")
def test_a_refused_publication_says_why_next_to_the_buttons(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    for code in ("CINSIG01", "RELNOT01"):
        gestion_post(client, f"/gestion/candidatures/{candidature_id}/pieces/{code}", {f"status-{code}": "CONFORME"})
    answer = gestion_post(client, f"/gestion/candidatures/{candidature_id}/documents", {"kind": "RELANCE_PIECES"})
    assert answer.status_code == 409
    assert 'id="kind-erreur"' in _text(answer)
    assert "il n&#39;y a rien à relancer" in _text(answer)
    assert gestion_post(client, f"/gestion/candidatures/{candidature_id}/documents", {"kind": "X"}).status_code == 400


@pytest.mark.rule("MGR-04")
def test_set_aside_then_reinstate_with_a_reason(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    signed_in_manager(client)
    path = f"/gestion/candidatures/{candidature_id}/etat"
    refused = gestion_post(client, path, {"action": "ecarter", "reason": "  "})
    assert refused.status_code == 400
    assert 'id="reason-erreur"' in _text(refused)
    assert managed.candidatures.mes_inscriptions(token).cards  # nothing changed
    answer = gestion_post(client, path, {"action": "ecarter", "reason": "Doublon"})
    assert answer.status_code == 303
    assert "La candidature est maintenant à l&#39;état « Écartée »." in _text(client.get(answer.headers["Location"]))
    assert not managed.candidatures.mes_inscriptions(token).cards  # it leaves « Mes inscriptions »
    again = gestion_post(client, path, {"action": "ecarter", "reason": "Doublon"})
    assert again.status_code == 403
    assert "pas possible dans l&#39;état actuel" in _text(again)
    assert 'value="Doublon"' in _text(again) or ">Doublon</textarea>" in _text(again)
    assert gestion_post(client, path, {"action": "reintegrer", "reason": "Erreur de saisie"}).status_code == 303
    assert managed.candidatures.mes_inscriptions(token).cards


@pytest.mark.rule("MGR-04")
@pytest.mark.rule("ACC-11")
def test_the_identity_is_corrected_on_the_candidates_request(client: FlaskClient, managed: Portal) -> None:
    token, candidature_id = candidature(managed)
    signed_in_manager(client)
    path = f"/gestion/candidatures/{candidature_id}/identite"
    form = _text(client.get(path))
    assert 'value="ACCRALL"' in form
    assert 'value="28/11/2004"' in form
    values = {
        "civility": "Monsieur", "birth_name": "ACCRAL", "birth_name_confirmation": "ACCRAL", "usage_name": "",
        "first_names": "Dack", "birth_date": "28/11/2004", "birth_date_confirmation": "28/11/2004",
        "birth_country": "99100", "birth_departement": "014", "birth_commune": "MAY-SUR-ORNE",
    }  # fmt: skip
    refused = gestion_post(client, path, {**values, "birth_name_confirmation": "ACCRALL", "reason": "Demande"})
    assert refused.status_code == 400
    assert 'id="birth_name_confirmation-erreur"' in _text(refused)
    no_reason = gestion_post(client, path, {**values, "reason": ""})
    assert no_reason.status_code == 400
    assert 'id="reason-erreur"' in _text(no_reason)
    answer = gestion_post(client, path, {**values, "reason": "Demande du candidat du 10/11/2021"})
    assert answer.status_code == 303
    assert managed.my_account.account(token).identity.birth_name == "ACCRAL"
    assert "ACCRAL" in _text(client.get(f"/gestion/candidatures/{candidature_id}"))


@pytest.mark.rule("MGR-04")
def test_the_journal_shows_who_did_what_and_why(client: FlaskClient, managed: Portal) -> None:
    """I3: every manager act is audited with who, when, what, from → to."""
    token, candidature_id = candidature(managed)
    validated_pieces(managed, token, candidature_id)
    signed_in_manager(client)
    base = f"/gestion/candidatures/{candidature_id}"
    gestion_post(client, f"{base}/pieces/CINSIG01", {"status-CINSIG01": "NON_CONFORME", "comment-CINSIG01": "Floue"})
    gestion_post(client, f"{base}/documents", {"kind": "RELANCE_PIECES"})
    gestion_post(client, f"{base}/etat", {"action": "ecarter", "reason": "Doublon"})
    gestion_post(client, f"{base}/etat", {"action": "reintegrer", "reason": "Erreur"})
    client.get(f"{base}/pieces/RELNOT01/fichier")
    answer = client.get(f"{base}/journal")
    page = _text(answer)
    assert answer.status_code == 200
    assert "<caption>" in page
    assert '<th scope="col">Auteur</th>' in page
    for shown in ("Candidature enregistrée", "Statut de pièce modifié", "Statut après : Non conforme",
                  "Commentaire : Floue", "Document publié", "Candidature écartée", "Motif : Doublon",
                  "État après : Écartée", "Candidature réintégrée", "Motif : Erreur", "Fichier de pièce consulté",
                  f"Gestionnaire {MANAGER}"):  # fmt: skip
        assert shown in page, shown
    assert page.index("Candidature écartée") < page.index("Candidature réintégrée")  # oldest first


def test_the_back_office_pages_have_one_title_and_labelled_tables(
    client: FlaskClient, managed: Portal, app: Flask
) -> None:
    _, candidature_id = candidature(managed)
    signed_in_manager(client)
    for path in ("/gestion/candidatures", f"/gestion/candidatures/{candidature_id}",
                 f"/gestion/candidatures/{candidature_id}/identite", f"/gestion/candidatures/{candidature_id}/journal"):  # fmt: skip
        page = _text(client.get(path))
        assert page.count("<h1") == 1, path
        assert page.count("<table") == page.count("<caption>"), path
        assert "style=" not in page, path
        assert "<script" not in page, path
    assert _text(client.get("/gestion/connexion")).count("<h1") == 1
