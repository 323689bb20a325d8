"""The help texts the portal shows on the login page (guide, section 3 « Se connecter »), word for word, for an
integrator's pages: the login box, « Où trouver mon identifiant ? » with its two cases (ACC-08, POR-02), and the
hint of « Mot de passe oublié » (ACC-10).

The guide's links (« les identifiants fournis », « adresse mail », « mot de passe de compte Cyclades ») are kept as
their words; where they lead is the integrator's page.
"""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "FORGOTTEN_PASSWORD_LINK",
    "LOGIN_HELP_LINK",
    "LOGIN_IDENTIFIER_LABEL",
    "LOGIN_PASSWORD_LABEL",
    "LOGIN_TITLE",
    "NO_ACCOUNT_LINK",
    "RESET_IDENTIFIER_HINT",
    "RESET_TITLE",
    "WHERE_TO_FIND_MY_LOGIN",
    "HelpText",
]


@frozen
class HelpText:
    """A help box: its title, its opening sentence, and one paragraph per case."""

    title: str
    intro: str
    cases: tuple[str, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        """The box as the guide prints it, one line each: title, opening sentence, then the cases."""
        return (self.title, self.intro, *self.cases)


#: The login box: « Veuillez vous identifier », its two fields and its links.
LOGIN_TITLE = "Veuillez vous identifier"
LOGIN_IDENTIFIER_LABEL = "Identifiant de connexion :"
LOGIN_PASSWORD_LABEL = "Mot de passe :"
LOGIN_HELP_LINK = "Besoin d'aide pour vous connecter ?"
FORGOTTEN_PASSWORD_LINK = "Mot de passe oublié"
NO_ACCOUNT_LINK = "Je n'ai pas de compte"

#: « Si j'ai oublié mon identifiant, je peux cliquer sur le lien « Besoin d'aide pour vous connecter ? » »: what
#: that link shows, one case for the candidate registered by its establishment (scolaire, POR-02), one for the
#: candidate who registered itself (individual).
WHERE_TO_FIND_MY_LOGIN = HelpText(
    title="Où trouver mon identifiant ?",
    intro="Pour trouver votre identifiant (login) et mot de passe :",
    cases=(
        "Si vous avez été inscrit par votre établissement : vous devez utiliser les identifiants fournis par votre "
        "établissement via le document « Accès au service en ligne des examens ». Si vous avez perdu vos "
        "identifiants, rapprochez-vous de votre établissement d'inscription.",
        "Si vous vous êtes inscrit vous-même : vous avez créé votre compte dans Cyclades lors de votre inscription, "
        "vous devez vous connecter avec votre adresse mail comme identifiant de connexion et votre mot de passe de "
        "compte Cyclades.",
    ),
)

#: The « Mot de passe oublié » pop-up (ACC-10): its title and the hint under its field.
RESET_TITLE = "Réinitialisation du mot de passe - Mot de passe oublié"
RESET_IDENTIFIER_HINT = "Vous pouvez saisir votre identifiant Cyclades, email ou numéro Cyclades."
