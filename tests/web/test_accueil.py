"""Guide section 2 on the web: « Ouverture des services »."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient


def _page(client: FlaskClient, query: str) -> str:
    answer = client.get(f"/ouverture-des-services{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


@pytest.mark.rule("SVC-02")
@pytest.mark.rule("SVC-03")
def test_the_opening_page_sums_up_the_selection_and_gives_each_academie_s_period(client: FlaskClient) -> None:
    """« ▸ Résumé de la sélection / Examen / BREVET DE TECHNICIEN SUPERIEUR / BTS 2022 / Informations disponibles /
    Les inscriptions sont ouvertes du … (heure de Paris). / Vous devez sélectionner l'académie correspondant à votre
    lieu de résidence. »"""
    before = _page(client, "")
    assert "Résumé de la sélection" not in before  # nothing chosen yet: only the form
    found = _page(client, "?domaine=Examen&examen=BTS&session=BTS-2022")
    summary = re.search(r'<h2 id="resume-titre">Résumé de la sélection</h2>\s*<ul[^>]*>(.*?)</ul>', found, re.S)
    assert summary is not None, found
    assert re.findall(r"<li>(.*?)</li>", summary.group(1)) == ["Examen", "BREVET DE TECHNICIEN SUPERIEUR", "BTS 2022"]
    assert "Sélectionner une académie ou un pays d'inscription" in found
    chosen = _page(client, "?domaine=Examen&examen=BTS&session=BTS-2022&academie=03")
    assert "Informations disponibles" in chosen
    assert re.search(
        r"Les inscriptions sont ouvertes du \d{2} \w+ \d{4} \d{2}:\d{2} au .* \(heure de Paris\)\.", chosen
    )
    assert "Vous devez sélectionner l'académie correspondant à votre lieu de résidence." in chosen
