"""The help texts of the login page, word for word from the guide (section 3, « Se connecter »), for an
integrator's pages (issue 17)."""

from __future__ import annotations

import pytest

from cyclades_core.usecases.help_texts import (
    FORGOTTEN_PASSWORD_LINK,
    LOGIN_HELP_LINK,
    LOGIN_IDENTIFIER_LABEL,
    LOGIN_PASSWORD_LABEL,
    LOGIN_TITLE,
    NO_ACCOUNT_LINK,
    RESET_IDENTIFIER_HINT,
    RESET_TITLE,
    WHERE_TO_FIND_MY_LOGIN,
)


@pytest.mark.rule("ACC-08")
@pytest.mark.rule("POR-02")
def test_where_to_find_my_login_gives_both_cases_as_the_guide_writes_them() -> None:
    """« Si j'ai oublié mon identifiant, je peux cliquer sur le lien « Besoin d'aide pour vous connecter ? ».
    Où trouver mon identifiant ? Pour trouver votre identifiant (login) et mot de passe : - Si vous avez été inscrit
    par votre établissement : … - Si vous vous êtes inscrit vous-même : … »: one case for the scolaire candidate
    (POR-02, the establishment's papillon), one for the individual candidate (its email)."""
    assert WHERE_TO_FIND_MY_LOGIN.lines == (
        "Où trouver mon identifiant ?",
        "Pour trouver votre identifiant (login) et mot de passe :",
        "Si vous avez été inscrit par votre établissement : vous devez utiliser les identifiants fournis par votre "
        "établissement via le document « Accès au service en ligne des examens ». Si vous avez perdu vos identifiants, "
        "rapprochez-vous de votre établissement d'inscription.",
        "Si vous vous êtes inscrit vous-même : vous avez créé votre compte dans Cyclades lors de votre inscription, "
        "vous devez vous connecter avec votre adresse mail comme identifiant de connexion et votre mot de passe de "
        "compte Cyclades.",
    )
    assert LOGIN_HELP_LINK == "Besoin d'aide pour vous connecter ?"


@pytest.mark.rule("ACC-08")
@pytest.mark.rule("ACC-10")
def test_the_login_box_and_the_forgotten_password_pop_up_say_what_the_guide_says() -> None:
    """« Veuillez vous identifier — Identifiant de connexion : Besoin d'aide pour vous connecter ? — Mot de passe :
    Mot de passe oublié — Je n'ai pas de compte » and « Réinitialisation du mot de passe - Mot de passe oublié —
    Identifiant de connexion : * — Vous pouvez saisir votre identifiant Cyclades, email ou numéro Cyclades. »"""
    assert (LOGIN_TITLE, LOGIN_IDENTIFIER_LABEL, LOGIN_PASSWORD_LABEL) == (
        "Veuillez vous identifier", "Identifiant de connexion :", "Mot de passe :",
    )  # fmt: skip
    assert (FORGOTTEN_PASSWORD_LINK, NO_ACCOUNT_LINK) == ("Mot de passe oublié", "Je n'ai pas de compte")
    assert RESET_TITLE == "Réinitialisation du mot de passe - Mot de passe oublié"
    assert RESET_IDENTIFIER_HINT == "Vous pouvez saisir votre identifiant Cyclades, email ou numéro Cyclades."
