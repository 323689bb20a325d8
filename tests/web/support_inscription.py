"""Helpers of the inscription pages' tests: read a page's form as a browser would send it, press one of its buttons,
and walk the guide's example (ACCRALL Dack, BTS 2022, académie 03, Aéronautique with E1 in Bénéfice) tab by tab."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

FORM_ID = "formulaire-inscription"
CHOICE = "/inscription/nouvelle?domaine=Examen&examen=BTS&session=BTS-2022&academie=03"


class _FormReader(HTMLParser):
    """The successful controls of one form (by id, else the first POST form after the page's header): what a
    browser sends when a button is pressed, before the button's own name and value."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.action = ""
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.inside and not self.done:
            if (self.form_id is None and a.get("method") == "post" and a.get("action") != "/deconnexion") or (
                self.form_id is not None and a.get("id") == self.form_id
            ):
                self.inside, self.action = True, a.get("action", "")
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields[self._select], self._selected = value, True
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            if not self._selected:
                self.fields[self._select] = self._select_first or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_of(page: str, form_id: str | None = FORM_ID) -> tuple[str, dict[str, str]]:
    """(action, fields) of the page's form."""
    reader = _FormReader(form_id)
    reader.feed(page)
    assert reader.done, f"no form {form_id!r} on the page"
    return reader.action, reader.fields


def press(
    client: FlaskClient,
    answer: TestResponse,
    button: str | None = "suivant",
    values: Mapping[str, str | None] | None = None,
    *,
    action: str | None = None,
    form_id: str | None = FORM_ID,
) -> TestResponse:
    """Fill ``values`` into the page's form (``None`` unticks a box) and press the button ``action=<button>``
    (``action`` overrides the form's address, as a button's ``formaction`` does)."""
    target, fields = form_of(answer.get_data(as_text=True), form_id)
    for name, value in (values or {}).items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    if button is not None:
        fields["action"] = button
    return client.post(action or target, data=fields)


def text(answer: TestResponse) -> str:
    """The page's text with its entities decoded (« d'obtention », not « d&#39;obtention »)."""
    return html.unescape(answer.get_data(as_text=True))


def current_tab(answer: TestResponse) -> str:
    found = re.search(r'<li aria-current="step">\d+ - ([^<]+)</li>', answer.get_data(as_text=True))
    assert found is not None, "no current tab on the page"
    return html.unescape(found.group(1))


IDENTIFICATION = {
    "identification.street": "1 rue des champs", "identification.postal_code": "25000",
    "identification.locality": "Besançon", "identification.pcs_code": "64",
    "identification.nationality_code": "99100", "identification.mobile_phone": "0606060606",
}  # fmt: skip
INFORMATIONS = {"informations.category_code": "340", "informations.establishment": "INDIV BESANCON (02500005)"}
QUALIFICATION = {"qualification.specialite_code": "32025", "qualification.forme": "Globale"}
ACQUIS_E1 = {
    "acquis.entries[0].year": "2021", "acquis.entries[0].academie": "Besancon",
    "acquis.entries[0].grades[0].epreuve_code": "E1", "acquis.entries[0].grades[0].grade": "15.00",
}  # fmt: skip
DIPLOMA = {"diploma.diploma_code": "00012"}
EPREUVES = {
    "epreuves.EF1.position": "Inscrit", "epreuves.EF1.option": "Russe", "epreuves.EF2.position": "Non Inscrit",
}  # fmt: skip


def start(client: FlaskClient) -> TestResponse:
    """« M'inscrire » with the guide's choice, then « Démarrer mon inscription »: the first tab."""
    choice = client.get(CHOICE)
    assert choice.status_code == 200, choice.get_data(as_text=True)
    first = press(client, choice, None, form_id=None)
    assert first.status_code == 200, first.get_data(as_text=True)
    return first


def to_recapitulatif(client: FlaskClient, first: TestResponse) -> TestResponse:
    """Every tab of the guide's example with « Suivant », from Candidatures précédentes to the Récapitulatif."""
    answer = press(client, first)  # Candidatures précédentes → Identification
    for values in (IDENTIFICATION, INFORMATIONS, QUALIFICATION):
        answer = press(client, answer, values=values)
        assert answer.status_code == 200, text(answer)
    assert current_tab(answer) == "Acquis"
    answer = press(client, answer, "ajouter-acquis-SAME_BTS")
    answer = press(client, answer, values=ACQUIS_E1)
    assert current_tab(answer) == "Diplôme possédé", text(answer)
    answer = press(client, answer, values=DIPLOMA)
    assert current_tab(answer) == "Epreuves", text(answer)
    answer = press(client, answer, values=EPREUVES)
    assert current_tab(answer) == "Récapitulatif", text(answer)
    return answer


def through_tabs(client: FlaskClient, first: TestResponse) -> TestResponse:
    """« Suivant » on every tab as it is shown (a modification's tabs come filled), up to the Récapitulatif."""
    answer = first
    for _ in range(12):
        if current_tab(answer) == "Récapitulatif":
            return answer
        answer = press(client, answer)
        assert answer.status_code == 200, text(answer)
    raise AssertionError("the Récapitulatif was not reached")
