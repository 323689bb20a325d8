"""The web portal's security measures (issue 18; docs/security.md, "The web portal"): CSRF, cookies, headers,
forged sessions, no stack trace."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from cyclades_adapters.web import WebSettings, create_app
from cyclades_adapters.web.security import CSRF_COOKIE, MANAGER_COOKIE, MESSAGES_COOKIE, SESSION_COOKIE
from cyclades_core.testing import link_in
from tests.web.support import ACCRALL, PASSWORD, SECRET, csrf_of, post, signed_in


def test_a_post_without_its_csrf_token_is_refused_with_403_and_changes_nothing(
    client: FlaskClient, portal: Portal
) -> None:
    csrf_of(client, "/creer-mon-compte")  # the browser has its CSRF cookie…
    answer = client.post("/creer-mon-compte", data=ACCRALL)  # …but the form does not carry the token
    assert answer.status_code == 403
    assert "Le formulaire a expiré" in answer.get_data(as_text=True)
    assert portal.outbox.pending() == []  # no account created, no mail queued
    # the login fails as for an unknown account: nothing was created
    refused = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD})
    assert refused.status_code == 401


def test_a_token_of_another_browser_is_refused(app: Flask, portal: Portal) -> None:
    first, second = app.test_client(), app.test_client()
    token = csrf_of(first, "/creer-mon-compte")
    csrf_of(second, "/creer-mon-compte")  # the second browser has a cookie of its own
    answer = second.post("/creer-mon-compte", data={**ACCRALL, "csrf_token": token})
    assert answer.status_code == 403
    assert portal.outbox.pending() == []


def test_a_forged_token_is_refused(client: FlaskClient, portal: Portal) -> None:
    csrf_of(client, "/creer-mon-compte")
    answer = client.post("/creer-mon-compte", data={**ACCRALL, "csrf_token": "0" * 64})
    assert answer.status_code == 403
    assert portal.outbox.pending() == []


def test_the_csrf_value_changes_at_login(client: FlaskClient, portal: Portal) -> None:
    before = csrf_of(client, "/creer-mon-compte")
    signed_in(client, portal)
    assert csrf_of(client, "/mot-de-passe-oublie") != before
    stale = client.post("/mon-compte/supprimer", data={"confirmation": "oui", "csrf_token": before})
    assert stale.status_code == 403


def test_every_response_carries_the_security_headers(client: FlaskClient) -> None:
    for path in ("/", "/connexion", "/creer-mon-compte", "/ouverture-des-services", "/page-inexistante"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "script-src 'self'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_httponly_samesite_lax_secure_and_replaced_at_each_login(portal: Portal) -> None:
    app = create_app(portal, WebSettings(secret_key=SECRET))  # the default: Secure cookies
    client = app.test_client()
    csrf_of(client, "/creer-mon-compte")
    post(client, "/creer-mon-compte", ACCRALL, page="/creer-mon-compte")
    post(client, "/activer-mon-compte", {"jeton": link_in(portal.outbox.pending()[-1])})
    tokens = []
    for _ in range(2):
        answer = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD})
        [cookie] = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith(f"__Host-{SESSION_COOKIE}=")]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" in cookie
        tokens.append(cookie.split(";", 1)[0])
        assert any(c.startswith(f"__Host-{CSRF_COOKIE}=") for c in answer.headers.getlist("Set-Cookie"))
    assert tokens[0] != tokens[1]


def test_cookies_without_secure_only_when_configured(client: FlaskClient) -> None:
    answer = client.get("/connexion")
    [cookie] = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith(f"{CSRF_COOKIE}=")]
    assert "Secure" not in cookie
    assert "HttpOnly" in cookie


@pytest.mark.parametrize("forged", ["x", "A" * 43, "\x00\ud800", "' OR 1=1 --"])
def test_a_forged_session_cookie_opens_nothing(client: FlaskClient, forged: str) -> None:
    client.set_cookie(SESSION_COOKIE, forged.encode("utf-8", "replace").decode())
    answer = client.get("/mon-compte")
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].startswith("/connexion")


def test_a_logged_out_session_cookie_opens_nothing(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    post(client, "/deconnexion", {})
    client.set_cookie(SESSION_COOKIE, cookie.value)  # replayed after the logout
    answer = client.get("/mon-compte")
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].startswith("/connexion")


def test_signed_in_pages_are_not_cached(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    assert client.get("/mon-compte").headers["Cache-Control"] == "no-store"


def test_the_login_leads_only_to_a_page_of_the_portal(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    post(client, "/deconnexion", {})
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "/\x0b/evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ):
        answer = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD, "suite": target})
        assert answer.headers["Location"] == "/mes-inscriptions"
        post(client, "/deconnexion", {})
    answer = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD, "suite": "/mon-compte"})
    assert answer.headers["Location"] == "/mon-compte"


def test_an_unexpected_error_shows_a_french_page_and_no_trace(portal: Portal) -> None:
    class Broken:
        def current_announcements(self) -> object:
            raise RuntimeError("secret internal detail")

    app = create_app(portal, WebSettings(secret_key=SECRET, cookie_secure=False))
    app.extensions["cyclades"] = _with_catalogue(portal, Broken())
    answer = app.test_client().get("/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "Le service a rencontré une erreur" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page


def _with_catalogue(portal: Portal, catalogue: object) -> Portal:
    from attrs import evolve

    return evolve(portal, catalogue=catalogue)  # type: ignore[arg-type]


def test_a_core_error_shows_its_french_message_and_status(client: FlaskClient) -> None:
    answer = client.get("/activer-mon-compte?jeton=inconnu")
    assert answer.status_code == 400
    assert "Traceback" not in answer.get_data(as_text=True)


def test_a_download_keeps_a_french_name_and_no_header_breaking_character(client: FlaskClient, portal: Portal) -> None:
    from tests.web.support_pieces import PDF, candidate, deposit

    cid = candidate(client, portal)
    assert deposit(client, cid, "CINSIG01", PDF, "Relevé été.pdf").status_code == 303
    disposition = client.get(f"/mes-pieces-justificatives/{cid}/fichier/CINSIG01").headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Relev%C3%A9" in disposition
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "/" not in disposition.split("filename", 1)[1]


def test_a_body_that_is_no_form_is_a_400_not_an_expired_form(client: FlaskClient, portal: Portal) -> None:
    csrf_of(client, "/creer-mon-compte")
    answer = client.post("/creer-mon-compte", data=b"\xff\xfe\x00garbage", content_type="application/octet-stream")
    assert answer.status_code == 400
    assert "Traceback" not in answer.get_data(as_text=True)
    assert portal.outbox.pending() == []


def test_hsts_only_when_the_cookies_are_secure(portal: Portal, client: FlaskClient) -> None:
    secure = create_app(portal, WebSettings(secret_key=SECRET)).test_client()
    assert secure.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/").headers  # local http (cookie_secure=False)


# -- request bodies (review of the web portal, findings 1 and 3) ---------------------------------------------------

KIB = 1024
FORM_LIMIT = 512 * KIB  # the body of every form but a pièce's upload
URLENCODED = "application/x-www-form-urlencoded"
UPLOAD = "pieces.deposer"


def _post_routes(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, path) of every POST route, its arguments filled with a made-up id."""
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<{argument}>", "x").replace(f"<string:{argument}>", "x")
            found.append((rule.endpoint, path))
    assert len(found) > 20
    assert UPLOAD in dict(found)
    return found


def _chunked(client: FlaskClient, path: str, body: bytes, content_type: str = URLENCODED):  # type: ignore[no-untyped-def]
    """``body`` sent as a browser-less client may send it: ``Transfer-Encoding: chunked``, no ``Content-Length``,
    through a server that ends the stream (gunicorn, werkzeug's own) as ``wsgi.input_terminated`` says."""
    import io

    return client.post(
        path, input_stream=io.BytesIO(body), content_type=content_type, headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )  # fmt: skip


def test_an_anonymous_url_encoded_body_over_512_kib_gets_413_on_every_route_before_it_is_parsed(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 1: 5 MB of ``a&a&…`` on any route cost ~5 s of parsing before the CSRF check refused it (403)."""
    from werkzeug.formparser import FormDataParser

    def never(*_: object, **__: object) -> object:
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(FormDataParser, "_parse_urlencoded", never)
    body = b"a&" * (FORM_LIMIT // 2 + 1)
    for endpoint, path in _post_routes(app):
        answer = client.post(path, data=body, content_type=URLENCODED)
        assert answer.status_code == 413, (endpoint, path, answer.status_code)
        assert "Traceback" not in answer.get_data(as_text=True)


def test_a_multipart_body_over_512_kib_gets_413_everywhere_but_on_the_upload_route(
    app: Flask, client: FlaskClient
) -> None:
    import io

    for endpoint, path in _post_routes(app):
        data = {"code": "CINSIG01", "file": (io.BytesIO(b"0" * (FORM_LIMIT + KIB)), "gros.pdf")}
        answer = client.post(path, data=data, content_type="multipart/form-data")
        expected = 403 if endpoint == UPLOAD else 413  # the upload keeps its limit: refused for its CSRF token
        assert answer.status_code == expected, (endpoint, path, answer.status_code)


def test_a_form_under_the_limit_is_still_read(client: FlaskClient, portal: Portal) -> None:
    answer = post(client, "/mot-de-passe-oublie", {"identifier": ACCRALL["email"], "pad": "b" * (FORM_LIMIT - 2 * KIB)})
    assert answer.status_code == 200
    assert "Vous allez recevoir un mail" in answer.get_data(as_text=True)


def test_a_chunked_url_encoded_body_over_the_limit_gets_413_and_is_not_processed_cut_short(
    app: Flask, client: FlaskClient, portal: Portal
) -> None:
    """Finding 3: werkzeug cut a streamed url-encoded body at the limit without an error, and the route processed
    what was left (here a reset request), on the upload route too (whose limit is the pièce's)."""
    signed_in(client, portal)
    token = csrf_of(client, "/mot-de-passe-oublie")
    head = f"csrf_token={token}&identifier={ACCRALL['email']}&pad=".encode()
    queued = len(portal.outbox.pending())
    for path in ("/mot-de-passe-oublie", "/mes-pieces-justificatives/x/deposer", "/mon-compte/supprimer"):
        answer = _chunked(client, path, head + b"b" * (6 * 1024 * KIB))
        assert answer.status_code == 413, (path, answer.status_code)
    assert len(portal.outbox.pending()) == queued  # no reset requested
    assert client.get("/mon-compte").status_code == 200  # the account is still there


def test_a_chunked_form_within_the_limit_is_processed(client: FlaskClient, portal: Portal) -> None:
    token = csrf_of(client, "/mot-de-passe-oublie")
    head = f"csrf_token={token}&identifier={ACCRALL['email']}&pad=".encode()
    for size in (0, FORM_LIMIT - len(head)):  # up to exactly the limit
        answer = _chunked(client, "/mot-de-passe-oublie", head + b"b" * size)
        assert answer.status_code == 200, (size, answer.status_code)
        assert "Vous allez recevoir un mail" in answer.get_data(as_text=True)


# -- the re-authentication of « Modifier mon compte » (review of the web portal, finding 2) -----------------------


@pytest.mark.rule("ACC-14")
def test_the_current_password_of_mon_compte_cannot_be_guessed_without_limit(
    client: FlaskClient, portal: Portal
) -> None:
    """A session holder used to try passwords on « Modifier mon adresse mail » until the right one changed the
    address: now throttled as the login is, past which even the right one is refused (429) and nothing changes."""
    signed_in(client, portal)
    target = {"new_email": "attaquant@exemple.fr", "new_email_confirmation": "attaquant@exemple.fr"}
    codes = [
        post(client, "/mon-compte/email", {**target, "current_password": f"Guess*{i:03d}x"}, page="/mon-compte")
        .status_code
        for i in range(20)
    ]  # fmt: skip
    assert codes[:5] == [400] * 5
    assert set(codes[5:]) == {429}
    answer = post(client, "/mon-compte/email", {**target, "current_password": PASSWORD}, page="/mon-compte")
    assert answer.status_code == 429
    assert "Trop de demandes successives. Veuillez réessayer dans quelques minutes." in answer.get_data(as_text=True)
    password = {
        "mdp_current_password": PASSWORD,
        "new_password": "Nouv3au*Mdp",
        "new_password_confirmation": "Nouv3au*Mdp",
    }
    assert post(client, "/mon-compte/mot-de-passe", password, page="/mon-compte").status_code == 429
    session = client.get_cookie(SESSION_COOKIE)
    assert session is not None
    assert portal.my_account.account(session.value).email == ACCRALL["email"]


@pytest.mark.rule("ACC-14")
def test_the_guesses_of_one_address_do_not_hold_back_the_owner_at_another(client: FlaskClient, portal: Portal) -> None:
    """The pages pass the client's address (as the login does): a session thief's failures throttle their own
    address, not the owner's right password typed from another one."""
    signed_in(client, portal)
    thief, owner = (
        {"environ_overrides": {"REMOTE_ADDR": "203.0.113.7"}},
        {"environ_overrides": {"REMOTE_ADDR": "198.51.100.2"}},
    )
    target = {"new_email": "attaquant@exemple.fr", "new_email_confirmation": "attaquant@exemple.fr"}
    codes = {
        post(client, "/mon-compte/email", {**target, "current_password": f"Guess*{i:03d}x"}, page="/mon-compte", **thief)
        .status_code
        for i in range(8)
    }  # fmt: skip
    assert 429 in codes
    mine = {"new_email": "dack.accrall@ac-rennes.fr", "new_email_confirmation": "dack.accrall@ac-rennes.fr"}
    answer = post(client, "/mon-compte/email", {**mine, "current_password": PASSWORD}, page="/mon-compte", **owner)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    session = client.get_cookie(SESSION_COOKIE)
    assert session is not None
    assert portal.my_account.account(session.value).email == "dack.accrall@ac-rennes.fr"


# -- CSRF bound to the session, __Host- cookies (review of the web portal, finding 4) ------------------------------


def _csrf_pair(app: Flask) -> tuple[str, str]:
    """An attacker's own visit: the value of its CSRF cookie and the token its page carries."""
    attacker = app.test_client()
    token = csrf_of(attacker, "/mot-de-passe-oublie")
    cookie = attacker.get_cookie(CSRF_COOKIE)
    assert cookie is not None
    return cookie.value, token


def test_a_planted_csrf_cookie_and_the_attacker_s_token_fail_for_a_signed_in_candidate(
    app: Flask, client: FlaskClient, portal: Portal
) -> None:
    """A host of the same site plants ``cyclades_csrf`` (Domain=<parent>, a longer Path: sent first) and makes the
    victim's browser post a form with the token of the attacker's own visit: the token is bound to the session too."""
    from tests.web.support_pieces import candidate

    candidature_id = candidate(client, portal)
    victim = client.get_cookie(SESSION_COOKIE)
    own = client.get_cookie(CSRF_COOKIE)
    assert victim is not None
    assert own is not None
    planted, token = _csrf_pair(app)
    cookies = f"{CSRF_COOKIE}={planted}; {SESSION_COOKIE}={victim.value}; {CSRF_COOKIE}={own.value}"
    answer = app.test_client(use_cookies=False).post(
        f"/desinscription/{candidature_id}", data={"csrf_token": token, "confirmation": "oui"},
        headers={"Cookie": cookies},
    )  # fmt: skip
    assert answer.status_code == 403
    assert [card.candidature_id for card in portal.sessions.home(victim.value).candidatures] == [candidature_id]


def test_a_planted_csrf_cookie_and_the_attacker_s_token_fail_for_a_signed_in_manager(
    app: Flask, client: FlaskClient, portal: Portal
) -> None:
    from tests.web.support_gestion import add_managers, candidature, signed_in_manager

    add_managers(portal)
    token, candidature_id = candidature(portal)
    signed_in_manager(client)
    manager = client.get_cookie(MANAGER_COOKIE)
    assert manager is not None
    planted, attacker_token = _csrf_pair(app)
    answer = app.test_client(use_cookies=False).post(
        f"/gestion/candidatures/{candidature_id}/etat",
        data={"csrf_token": attacker_token, "action": "ecarter", "reason": "Doublon"},
        headers={"Cookie": f"{CSRF_COOKIE}={planted}; {MANAGER_COOKIE}={manager.value}"},
    )  # fmt: skip
    assert answer.status_code == 403
    assert portal.candidatures.mes_inscriptions(token).cards  # not set aside


def test_a_form_shown_to_a_signed_in_browser_still_posts_and_login_still_works(
    client: FlaskClient, portal: Portal
) -> None:
    """The login form's token is issued before any session, the next pages' with it; a logout then a login work."""
    signed_in(client, portal)
    assert post(client, "/deconnexion", {}, page="/mon-compte").status_code == 303
    again = post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD}, page="/connexion")
    assert again.status_code == 303
    assert post(client, "/mon-compte/supprimer", {"confirmation": "oui"}, page="/mon-compte").status_code == 303


def test_a_login_page_that_drops_an_ended_session_gives_a_token_for_the_browser_without_it(
    client: FlaskClient, portal: Portal
) -> None:
    signed_in(client, portal)
    session = client.get_cookie(SESSION_COOKIE)
    assert session is not None
    portal.sessions.logout(session.value)  # ended elsewhere: the login page drops the cookie…
    token = csrf_of(client, "/connexion")
    assert client.get_cookie(SESSION_COOKIE) is None
    answer = client.post(  # …and its form, sent without it, is accepted
        "/connexion", data={"identifier": ACCRALL["email"], "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303


HOST = "__Host-"


def _set_cookies(answer: object) -> dict[str, str]:
    headers = answer.headers.getlist("Set-Cookie")  # type: ignore[attr-defined]
    return {cookie.split("=", 1)[0]: cookie for cookie in headers}


def test_secure_cookies_are_named_with_the_host_prefix_path_slash_and_no_domain(portal: Portal) -> None:
    """``__Host-``: the browser accepts the cookie only Secure, with Path=/ and no Domain, from the portal's own
    host, so a sibling host can neither plant nor overwrite it."""
    from tests.web.support_gestion import add_managers, manager_login

    app = create_app(portal, WebSettings(secret_key=SECRET))  # the default: Secure cookies
    client = app.test_client()
    csrf_of(client, "/creer-mon-compte")
    post(client, "/creer-mon-compte", ACCRALL, page="/creer-mon-compte")
    post(client, "/activer-mon-compte", {"jeton": link_in(portal.outbox.pending()[-1])})
    seen = _set_cookies(post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD}))
    seen |= _set_cookies(post(client, "/deconnexion", {}))
    add_managers(portal)
    seen |= _set_cookies(manager_login(client))
    expected = {f"{HOST}{name}" for name in (CSRF_COOKIE, SESSION_COOKIE, MANAGER_COOKIE, "cyclades_messages")}
    assert set(seen) == expected
    for cookie in seen.values():
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "secure" in attributes
        assert "path=/" in attributes
        assert not any(part.startswith("domain") for part in attributes)


def test_with_secure_cookies_an_unprefixed_planted_cookie_is_ignored(portal: Portal) -> None:
    """A sibling host can set ``cyclades_session`` (not ``__Host-cyclades_session``): the portal does not read it,
    so it cannot sign the victim into the attacker's account, nor serve as the CSRF value."""
    app = create_app(portal, WebSettings(secret_key=SECRET))
    attacker = app.test_client()
    signed_in(attacker, portal)
    stolen = attacker.get_cookie(f"{HOST}{SESSION_COOKIE}")
    assert stolen is not None
    victim = app.test_client()
    victim.set_cookie(SESSION_COOKIE, stolen.value)
    answer = victim.get("/mon-compte")
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].startswith("/connexion")


# -- the saved candidature's confirmation in the message cookie (review of the web portal, finding 5) -------------


def _messages(app: Flask, client: FlaskClient) -> dict[str, object]:
    """What the message cookie (Flask's session, signed but readable by anyone) holds in this browser."""
    from flask.sessions import SecureCookieSessionInterface

    cookie = client.get_cookie(MESSAGES_COOKIE)
    if cookie is None:
        return {}
    interface = app.session_interface
    assert isinstance(interface, SecureCookieSessionInterface)
    serializer = interface.get_signing_serializer(app)
    assert serializer is not None
    return dict(serializer.loads(cookie.value))


def _save_again(client: FlaskClient, candidature_id: str) -> None:
    """« Modifier », through the tabs, « Enregistrer »: the N° Inscription page's data goes into the cookie."""
    from tests.web.support_inscription import form_of, through_tabs

    _, fields = form_of(
        through_tabs(client, client.get(f"/inscription/{candidature_id}/modifier")).get_data(as_text=True)
    )
    assert client.post("/inscription/enregistrer", data=fields).status_code == 303
    assert client.get(f"/inscription/{candidature_id}/numero").status_code == 200


def test_the_saved_candidature_s_confirmation_leaves_the_browser_at_logout(
    app: Flask, client: FlaskClient, portal: Portal
) -> None:
    from tests.web.support_pieces import candidate

    candidature_id = candidate(client, portal)
    _save_again(client, candidature_id)
    saved = _messages(app, client)["inscription_enregistree"]
    assert isinstance(saved, dict)
    assert post(client, "/deconnexion", {}).status_code == 303
    assert "Vous êtes déconnecté." in client.get("/connexion").get_data(as_text=True)  # the flash is still shown
    left = repr(_messages(app, client))
    assert "inscription_enregistree" not in left
    assert saved["candidate_number"] not in left
    assert saved["account_id"] not in left


def _session_after_login(client: FlaskClient) -> str:
    assert post(client, "/connexion", {"identifier": ACCRALL["email"], "password": PASSWORD}).status_code == 303
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    return cookie.value


def test_the_confirmation_leaves_at_the_next_login_and_at_the_manager_s_logout(
    app: Flask, client: FlaskClient, portal: Portal
) -> None:
    from tests.web.support_gestion import add_managers, signed_in_manager
    from tests.web.support_pieces import candidate

    candidature_id = candidate(client, portal)
    _save_again(client, candidature_id)
    _session_after_login(client)  # a login in this browser, without a logout first
    assert "inscription_enregistree" not in _messages(app, client)
    _save_again(client, candidature_id)
    add_managers(portal)
    signed_in_manager(client)
    _save_again(client, candidature_id)  # the candidate is still signed in beside the manager
    assert post(client, "/gestion/deconnexion", {}, page="/gestion/candidatures").status_code == 303
    assert "inscription_enregistree" not in _messages(app, client)
