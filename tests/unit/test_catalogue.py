"""Ouverture des services (SVC-01 … SVC-04), announcements (POR-01), configuration (MGR-01)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cyclades_adapters.files import FileCatalogue, example_catalogue_path
from cyclades_adapters.memory import MemoryCatalogue
from cyclades_core.errors import CatalogueNotFound, NotFoundError, ServiceClosed, ValidationError
from cyclades_core.model.catalogue import (
    Academie,
    Contact,
    Domain,
    Exam,
    ExamSession,
    Period,
    format_long_date,
    parse_paris_datetime,
)
from cyclades_core.testing import ManualClock
from cyclades_core.usecases.catalogue import RESIDENCE_HINT, CatalogueService

OPENS = datetime(2021, 11, 1, 7, 0, tzinfo=UTC)  # 01/11/2021 08:00 Paris (winter time)
CLOSES = datetime(2021, 11, 29, 17, 0, tzinfo=UTC)  # 29/11/2021 18:00 Paris


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2021, 11, 15, 10, 0, tzinfo=UTC))


@pytest.fixture
def service(clock: ManualClock) -> CatalogueService:
    """The guide's example: BTS 2022 open in Besançon and Toulouse (the guide's Lyon is left out: no contact of its
    managing service is shipped, so none of its documents could be printed)."""
    return CatalogueService(catalogue=FileCatalogue.default(example_catalogue_path()), clock=clock)


@pytest.mark.rule("SVC-01")
def test_a_service_is_identified_by_domain_exam_session_and_academie(service: CatalogueService) -> None:
    opening = service.opening("BTS-2022", "16")
    assert opening is not None
    exam = next(e for e in service.catalogue.exams() if e.code == opening.session.exam_code)
    assert (exam.domain, exam.name, opening.session.label, opening.session.month_code) == (
        Domain.EXAMEN,
        "BREVET DE TECHNICIEN SUPERIEUR",
        "BTS 2022",
        "2022-06",
    )
    assert opening.academie.label == "ACADÉMIE DE TOULOUSE"
    assert (opening.service.period.start, opening.service.period.end) == (OPENS, CLOSES)


@pytest.mark.rule("SVC-02")
class TestOuvertureDesServices:
    def test_the_academies_with_a_period_are_listed_as_the_guide_shows_them(self, service: CatalogueService) -> None:
        labels = [o.label for o in service.openings(Domain.EXAMEN, "BTS", "BTS-2022")]
        assert labels == [
            "ACADÉMIE DE BESANCON - (JUN 2022)",
            "ACADÉMIE DE TOULOUSE - (JUN 2022)",
        ]

    def test_the_chosen_academie_shows_the_guide_s_sentence(self, service: CatalogueService) -> None:
        opening = service.opening("BTS-2022", "16")
        assert opening is not None
        assert opening.sentence == (
            "Les inscriptions sont ouvertes du 01 novembre 2021 08:00 au 29 novembre 2021 18:00 (heure de Paris)."
        )
        assert opening.selection_label == "ACADÉMIE DE TOULOUSE - (2022-06)"

    def test_nothing_is_shown_where_nothing_is_configured(self, service: CatalogueService) -> None:
        assert service.openings(Domain.EXAMEN, "BTS", "BTS-2030") == []
        assert service.openings(Domain.CONCOURS, "BTS", "BTS-2022") == []
        assert service.opening("BTS-2022", "01") is None
        with pytest.raises(CatalogueNotFound, match="Aucun service"):
            service.policy.require_open("BTS-2022", "01")


@pytest.mark.rule("SVC-05")
class TestOnlyOpenOrUpcomingPeriodsAreShown:
    """« Je peux consulter, pour chaque domaine examen et académies ou centres d'examen à l'étranger, les périodes
    d'inscription Grand Public. Si aucune donnée n'est affichée, c'est qu'aucun service n'est ouvert pour le choix
    Domaine – Session – Académie que je recherche. »"""

    def test_a_period_that_has_ended_is_not_shown(self, service: CatalogueService, clock: ManualClock) -> None:
        clock.set(CLOSES)  # closed at its end exactly (SVC-04)
        assert service.openings(Domain.EXAMEN, "BTS", "BTS-2022") == []
        assert service.opening("BTS-2022", "16") is None

    def test_a_period_still_to_come_is_shown_with_a_sentence_in_the_future(
        self, service: CatalogueService, clock: ManualClock
    ) -> None:
        clock.set(OPENS - timedelta(days=3))
        opening = service.opening("BTS-2022", "16")
        assert opening is not None
        assert (opening.open_now, opening.upcoming) == (False, True)
        assert opening.sentence == (
            "Les inscriptions seront ouvertes du 01 novembre 2021 08:00 au 29 novembre 2021 18:00 (heure de Paris)."
        )
        assert len(service.openings(Domain.EXAMEN, "BTS", "BTS-2022")) == 2

    def test_an_open_period_keeps_the_guide_s_sentence(self, service: CatalogueService, clock: ManualClock) -> None:
        clock.set(CLOSES - timedelta(seconds=1))
        opening = service.opening("BTS-2022", "16")
        assert opening is not None
        assert (opening.open_now, opening.upcoming) == (True, False)
        assert opening.sentence.startswith("Les inscriptions sont ouvertes du 01 novembre 2021 08:00")


@pytest.mark.rule("SVC-03")
def test_the_candidate_is_told_to_choose_the_academie_of_residence(service: CatalogueService) -> None:
    assert RESIDENCE_HINT == "Vous devez sélectionner l'académie correspondant à votre lieu de résidence."
    labels = {o.academie.code: o.academie.label for o in service.openings(Domain.EXAMEN, "BTS", "BTS-2022")}
    assert labels["03"] == "ACADÉMIE DE BESANCON"


@pytest.mark.rule("SVC-04")
class TestTheOpeningWindow:
    @pytest.mark.parametrize(
        ("instant", "open_"),
        [
            (OPENS - timedelta(seconds=1), False),
            (OPENS, True),
            (OPENS + timedelta(seconds=1), True),
            (CLOSES - timedelta(seconds=1), True),
            (CLOSES, False),
            (CLOSES + timedelta(seconds=1), False),
        ],
    )
    def test_open_on_start_included_end_excluded(
        self, service: CatalogueService, clock: ManualClock, instant: datetime, open_: bool
    ) -> None:
        """G1: closing "29/11/2021 18:00 Paris" is 17:00:00 UTC; ±1 s around both bounds."""
        clock.set(instant)
        assert service.policy.is_open("BTS-2022", "16") is open_
        if open_:
            assert service.policy.require_open("BTS-2022", "16").academie_code == "16"
        else:
            with pytest.raises(ServiceClosed, match="période d'ouverture"):
                service.policy.require_open("BTS-2022", "16")

    def test_a_window_across_the_spring_change_keeps_its_paris_hours(self, service: CatalogueService) -> None:
        service.configure(ExamSession("BTS-2021", "BTS", "BTS 2021", 2021, 6))
        opened = service.open_service("BTS-2021", "03", "20/03/2021 08:00", "31/03/2021 18:00")
        assert opened.period.start == datetime(2021, 3, 20, 7, tzinfo=UTC)  # UTC+1 before the change
        assert opened.period.end == datetime(2021, 3, 31, 16, tzinfo=UTC)  # UTC+2 after it
        assert format_long_date(opened.period.end) == "31 mars 2021 18:00"

    def test_a_window_across_the_autumn_change_keeps_its_paris_hours(self, service: CatalogueService) -> None:
        opened = service.open_service("BTS-2022", "01", "25/10/2021 08:00", "02/11/2021 18:00")
        assert opened.period.start == datetime(2021, 10, 25, 6, tzinfo=UTC)
        assert opened.period.end == datetime(2021, 11, 2, 17, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("start", "end", "field", "code"),
        [
            ("28/03/2021 02:30", "30/03/2021 18:00", "start", "nonexistent_local_time"),
            ("01/10/2021 08:00", "31/10/2021 02:30", "end", "ambiguous_local_time"),
            ("31/02/2021 08:00", "30/03/2021 18:00", "start", "invalid_date"),
            ("2021-03-01 08:00", "30/03/2021 18:00", "start", "invalid_format"),
            ("30/03/2021 18:00", "01/03/2021 08:00", "end", "end_before_start"),
        ],
    )
    def test_impossible_periods_are_refused_at_configuration(
        self, service: CatalogueService, start: str, end: str, field: str, code: str
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            service.open_service("BTS-2022", "01", start, end)
        error = refused.value.for_field(field)
        assert error is not None
        assert error.code == code
        assert service.catalogue.service("BTS-2022", "01") is None

    def test_a_naive_datetime_is_never_accepted(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            Period(datetime(2021, 11, 1, 8), CLOSES)  # noqa: DTZ001 - the point of the test

    def test_paris_input_is_converted_to_utc(self) -> None:
        assert parse_paris_datetime("29/11/2021 18:00", "end") == CLOSES
        assert parse_paris_datetime("01/07/2021 18:00", "end") == datetime(2021, 7, 1, 16, tzinfo=UTC)


@pytest.mark.rule("POR-01")
def test_announcements_show_only_while_their_period_contains_now(service: CatalogueService, clock: ManualClock) -> None:
    clock.set(datetime(2021, 11, 10, 6, 59, 59, tzinfo=UTC))
    assert service.current_announcements() == []
    clock.set(datetime(2021, 11, 10, 7, 0, tzinfo=UTC))
    [shown] = service.current_announcements()
    assert "maintenance programmée" in shown.message
    clock.set(datetime(2021, 11, 13, 22, 0, tzinfo=UTC))
    assert service.current_announcements() == []
    service.announce("x", "Nouvelle session ouverte", "13/11/2021 08:00", "14/11/2021 08:00")
    assert [a.id for a in service.current_announcements()] == ["x"]


@pytest.mark.rule("MGR-01")
def test_the_managing_service_configures_a_session_from_scratch(clock: ManualClock) -> None:
    service = CatalogueService(catalogue=MemoryCatalogue(), clock=clock)
    with pytest.raises(NotFoundError):
        service.open_service("BTS-2022", "10", "01/11/2021 08:00", "29/11/2021 18:00")
    contact = Contact("Rectorat de Lyon", ("92 rue de Marseille", "69007 LYON"), "0472807070", "dec@ac-lyon.fr")
    service.configure(
        Exam("BTS", "BREVET DE TECHNICIEN SUPERIEUR"),
        ExamSession("BTS-2022", "BTS", "BTS 2022", 2022, 6),
        Academie("10", "LYON", contact),
    )
    service.open_service("BTS-2022", "10", "01/11/2021 08:00", "29/11/2021 18:00")
    assert [o.label for o in service.openings(Domain.EXAMEN, "BTS", "BTS-2022")] == ["ACADÉMIE DE LYON - (JUN 2022)"]
    assert service.policy.is_open("BTS-2022", "10")


def test_french_long_dates_follow_the_guide() -> None:
    assert format_long_date(datetime(2018, 4, 5, 8, tzinfo=UTC), weekday=True, time=False) == "jeudi 05 avril 2018"
    assert format_long_date(datetime(2018, 10, 30, 22, 59, tzinfo=UTC), weekday=True) == "mardi 30 octobre 2018 23:59"
