"""The error summary at the top of a refused form names each field it links to.

The core's messages are the guide's words and often generic (« Ce champ est obligatoire. »): in a list of several,
a message alone does not say which field it is about. Each link of the summary reads « <label> : <message> », the
label being the one the page shows next to the field (WCAG 3.3.1: the item in error is identified in text).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from cyclades_adapters.bootstrap import Portal
from tests.web.support import ACCRALL, post, signed_in
from tests.web.support_inscription import IDENTIFICATION, press, start


class _Page(HTMLParser):
    """The summary's links (target, text) and each field's label (from <label for> or its fieldset's <legend>)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.labels: dict[str, str] = {}
        self._in_summary = 0
        self._link: str | None = None
        self._label_for: str | None = None
        self._fieldset: list[str | None] = []
        self._in_legend = False
        self._abbr = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and "resume-erreurs" in (found.get("class") or "").split():
            self._in_summary = 1
        elif tag == "div" and self._in_summary:
            self._in_summary += 1
        if tag == "a" and self._in_summary and (found.get("href") or "").startswith("#"):
            self._link, self._text = (found["href"] or "")[1:], []
        if tag == "label" and found.get("for"):
            self._label_for, self._text = found["for"], []
        if tag == "fieldset":
            self._fieldset.append(found.get("id"))
        if tag == "legend":
            self._in_legend, self._text = True, []
        self._abbr = self._abbr or tag == "abbr"

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "div" and self._in_summary:
            self._in_summary -= 1
        if tag == "a" and self._link is not None:
            self.links.append((self._link, text))
            self._link = None
        if tag == "label" and self._label_for is not None:
            self.labels.setdefault(self._label_for, text)
            self._label_for = None
        if tag == "legend" and self._in_legend:
            if self._fieldset and self._fieldset[-1]:
                self.labels.setdefault(self._fieldset[-1] or "", text)
            self._in_legend = False
        if tag == "fieldset" and self._fieldset:
            self._fieldset.pop()
        if tag == "abbr":
            self._abbr = False

    def handle_data(self, data: str) -> None:
        if not self._abbr:
            self._text.append(data)


def _summary(html: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    page = _Page()
    page.feed(html)
    return page.links, page.labels


def _assert_each_link_names_its_field(html: str, *, at_least: int) -> list[tuple[str, str]]:
    links, labels = _summary(html)
    assert len(links) >= at_least, links
    for target, text in links:
        label = re.sub(r"\s*:\s*$", "", labels[target])
        assert text.startswith(f"{label} : "), (target, text, label)
    return links


@pytest.mark.rule("ACC-01")
def test_an_empty_creation_form_lists_each_missing_field_by_its_label(client: FlaskClient) -> None:
    """« Ce champ est obligatoire. » once per field would say nothing: each summary line names its field."""
    empty = dict.fromkeys(ACCRALL, "")
    answer = post(client, "/creer-mon-compte", empty, page="/creer-mon-compte")
    assert answer.status_code == 400
    links = _assert_each_link_names_its_field(answer.get_data(as_text=True), at_least=5)
    texts = [text for _, text in links]
    assert "Nom de famille : Ce champ est obligatoire." in texts
    assert "Prénoms : Ce champ est obligatoire." in texts
    assert len(set(texts)) == len(texts)  # no two lines alike any more


@pytest.mark.rule("ACC-01")
def test_a_refused_creation_names_the_wrong_fields_in_the_summary(client: FlaskClient) -> None:
    answer = post(client, "/creer-mon-compte", {**ACCRALL, "birth_name_confirmation": "ACCRAL", "password": "azerty",
                                                 "password_confirmation": "azerty"}, page="/creer-mon-compte")  # fmt: skip
    links = _assert_each_link_names_its_field(answer.get_data(as_text=True), at_least=2)
    assert {target for target, _ in links} >= {"birth_name_confirmation", "password"}


@pytest.mark.rule("CAN-03")
def test_a_refused_inscription_tab_names_its_fields_in_the_summary(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    identification = press(client, start(client))
    refused = press(client, identification, values={**IDENTIFICATION, "identification.mobile_phone": "12",
                                                     "identification.pcs_code": "", "identification.street": ""})  # fmt: skip
    assert refused.status_code == 400
    links = _assert_each_link_names_its_field(refused.get_data(as_text=True), at_least=3)
    assert {target for target, _ in links} >= {"identification.mobile_phone", "identification.pcs_code"}


@pytest.mark.rule("ACC-11")
def test_a_refused_email_change_names_the_field_in_the_summary(client: FlaskClient, portal: Portal) -> None:
    signed_in(client, portal)
    answer = post(client, "/mon-compte/email", {"new_email": "pas-une-adresse", "new_email_confirmation": "autre",
                                                "current_password": ""}, page="/mon-compte")  # fmt: skip
    _assert_each_link_names_its_field(answer.get_data(as_text=True), at_least=1)


def test_a_page_without_errors_has_no_summary_and_no_leftover_mark(client: FlaskClient) -> None:
    for path in ("/creer-mon-compte", "/connexion", "/mot-de-passe-oublie"):
        html = client.get(path).get_data(as_text=True)
        assert "resume-erreurs" not in html
        assert "cyclades:resume-erreurs" not in html
