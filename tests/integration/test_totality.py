"""Every public use case is total (issue 15, finding 1): whatever text (or bytes) a caller passes — lone surrogates,
NUL and other C0 controls, bidi controls, very long strings, look-alikes of valid values — the answer is a value or a
:class:`~cyclades_core.errors.CycladesError`, never another exception, on memory, SQLite and PostgreSQL. A refusal
persists nothing: the business tables (accounts, tokens, outbox, candidatures and their versions, documents, pièces)
and the file store are unchanged. The audit trail and the throttling counters may gain a security record on a
refusal (a failed login is logged by design, C7): they are left out of the comparison.

Each example starts from valid arguments built on a world that holds the guide's candidate with a saved
candidature, a pending account, live activation/reset/session tokens, a scolaire account and a manager, and corrupts
exactly one text leaf (a parameter, or a field of a form, nested forms included) — so that the call reaches as
deep as the corrupted value lets it. Methods that take no argument a caller types (``relay.run_once``,
``reminders.send_due``, ``audit.purge_expired``, ``catalogue.current_announcements``, ``reference.countries``…) have
nothing to corrupt and are left out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyclades_adapters import Portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.schema import metadata
from cyclades_core.errors import CycladesError
from cyclades_core.model.catalogue import Announcement, Domain, Period
from cyclades_core.model.documents import DocumentKind
from cyclades_core.model.pieces import PieceStatus
from cyclades_core.testing import ManualClock
from cyclades_core.usecases import IdentityForm
from cyclades_core.usecases.accounts import ScolaireRegistrationForm
from cyclades_core.usecases.forms import (
    DiplomaForm,
    EpreuveChoiceForm,
    EpreuvesForm,
    InformationsForm,
    QualificationForm,
)
from cyclades_core.usecases.management import Manager, PreinscriptionForm
from tests.candidature_support import DURING, accrall_tabs, guide_portal, identification, register, signed_in
from tests.conftest import DOCUMENT_KEY, PASSWORD, activation_token, form, last_link
from tests.sql_support import postgres_database, postgres_url, sqlite_database

pytestmark = [pytest.mark.rule("C1"), pytest.mark.rule("H4"), pytest.mark.slow]

#: Characters that no storage keeps as typed, or that a form has no use for.
BAD_CHARACTERS = ("\x00", "\udfff", "\ud800", "\x01", "\x08", "\x1b", "\x7f", "\u0085", "\u2028", "\ufeff", "\u202e")
EXAMPLES = {"memory": 1000, "sqlite": 25, "postgresql": 25}
#: Tables that may gain a record on a refusal: the audit trail (C7) and the throttling counters (C3).
SECURITY_TABLES = frozenset({"audit", "throttle_events", "throttle_failures"})
#: Candidate numbers are allocated outside the unit of work and never reused, even when the creation fails (A7).
OUTSIDE_TRANSACTIONS = frozenset({"number_allocator"})


# -- corrupting one leaf of the arguments ------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def leaves(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every str, bytes or int leaf of ``value`` (attrs instances, tuples, lists and dicts are walked)."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, str | bytes | int):
        yield path, value
    elif attrs.has(type(value)):
        for attribute in attrs.fields(type(value)):
            yield from leaves(getattr(value, attribute.name), (*path, attribute.name))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))


def replaced(value: Any, path: Path_, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if attrs.has(type(value)):
        return attrs.evolve(value, **{head: replaced(getattr(value, head), rest, new)})
    if isinstance(value, tuple):
        return (*value[:head], replaced(value[head], rest, new), *value[head + 1 :])
    if isinstance(value, list):
        return [*value[:head], replaced(value[head], rest, new), *value[head + 1 :]]
    return {**value, head: replaced(value[head], rest, new)}


def hostile_text(valid: str) -> st.SearchStrategy[str]:
    """Anything at all (surrogates and controls included), and the valid value with a bad character inside."""
    bad = st.sampled_from(BAD_CHARACTERS)
    anywhere = st.integers(min_value=0, max_value=len(valid))
    return st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=30),
        st.builds(lambda c, i: valid[:i] + c + valid[i:], bad, anywhere),
        st.builds(lambda c, n: valid + c * n, bad, st.integers(1, 3)),
        st.sampled_from(["", " ", valid.upper(), valid.lower(), valid + " ", "é" * 300, "0" * 11, "x" * 5000]),
    )


def hostile_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        st.builds(lambda tail: b"%PDF-1.7\n" + tail, st.binary(max_size=300)),
        st.builds(lambda tail: b"\x89PNG\r\n\x1a\n" + tail, st.binary(max_size=300)),
        st.builds(lambda tail: b"\xff\xd8\xff" + tail, st.binary(max_size=300)),
    )


def hostile(valid: Any) -> st.SearchStrategy[Any]:
    if isinstance(valid, str):
        return hostile_text(valid)
    if isinstance(valid, bytes):
        return hostile_bytes()
    return st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 2**63, valid + 1]))


# -- the world -------------------------------------------------------------------------------------------------


@dataclass
class World:
    portal: Portal
    session: str
    candidature: str
    pending_email: str
    activation: str
    reset: str
    scolaire_login: str
    piece: str
    heading: str
    manager: Manager = field(default_factory=lambda: Manager("gest-besancon", ("03",)))
    snapshot: Callable[[], Any] = lambda: None


def pupil() -> ScolaireRegistrationForm:
    return ScolaireRegistrationForm(
        civility="Madame", birth_name="DUPONT", first_names="Marie", birth_date="02/03/2005",
        birth_country="99100", birth_departement="025", birth_commune="BESANCON",
        establishment_code="0250013D", email=None,
    )  # fmt: skip


def preinscription() -> PreinscriptionForm:
    return PreinscriptionForm(
        pupil=pupil(),
        identification=identification(email="marie.dupont@exemple.fr"),
        informations=InformationsForm(category_code="100", establishment="LP P-ADRIEN PARIS - BESANCON (0250013D)"),
        qualification=QualificationForm(specialite_code="31310"),
        diploma=DiplomaForm(diploma_code="00013"),
        epreuves=EpreuvesForm(choices=(EpreuveChoiceForm(code="EF1", position="Inscrit", option="Espagnol"),)),
    )


def build_world(portal: Portal) -> World:
    session = signed_in(portal)
    candidature = register(portal, session)
    credentials = portal.establishments.register("BTS-2022", "03", [preinscription()])
    portal.accounts.create_account(form(email="pending@exemple.fr"))
    activation = activation_token(portal)
    portal.accounts.request_password_reset("accrall@ac-rennes.fr")
    from cyclades_core.model.mail import MailKind

    reset = last_link(portal, MailKind.PASSWORD_RESET)
    groups = portal.pieces.mes_justificatifs(session, candidature)
    online = next(group for group in groups if group.pieces)
    return World(
        portal, session, candidature, "pending@exemple.fr", activation, reset, credentials[0].login,
        online.pieces[0].code, online.heading,
    )  # fmt: skip


def memory_snapshot(database: MemoryDatabase, portal: Portal) -> Callable[[], Any]:
    tables = ("accounts", "accounts_by_email", "accounts_by_login", "accounts_by_number", "tokens", "outbox",
              "candidatures", "inscription_numbers", "candidature_versions", "documents", "pieces")  # fmt: skip

    def snapshot() -> Any:
        return {name: dict(getattr(database, name).rows) for name in tables}, files(portal)

    return snapshot


def sql_snapshot(database: SqlDatabase, portal: Portal) -> Callable[[], Any]:
    tables = [t for t in metadata.sorted_tables if t.name not in SECURITY_TABLES | OUTSIDE_TRANSACTIONS]

    def snapshot() -> Any:
        with database.engine.connect() as connection:
            state = {t.name: sorted(map(repr, connection.execute(t.select()).all())) for t in tables}
        return state, files(portal)

    return snapshot


def files(portal: Portal) -> tuple[str, ...]:
    return tuple(sorted(portal.pieces._store.ids()))


_WORLDS: dict[str, World] = {}


def world_for(storage: str, tmp_path_factory: pytest.TempPathFactory) -> World:
    if storage in _WORLDS:
        return _WORLDS[storage]
    clock = ManualClock(DURING)
    if storage == "memory":
        portal = guide_portal(clock)
        assert isinstance(portal.storage, MemoryDatabase)
        world = build_world(portal)
        world.snapshot = memory_snapshot(portal.storage, portal)
    else:
        if storage == "sqlite":
            directory = tmp_path_factory.mktemp("totality")
            database, url = sqlite_database(directory), f"sqlite:///{directory / 'cyclades.db'}"
        else:
            database, url = postgres_database(), postgres_url()
        portal = guide_portal(clock, storage_url=url, document_key=DOCUMENT_KEY)
        world = build_world(portal)
        world.snapshot = sql_snapshot(database, portal)
    _WORLDS[storage] = world
    return world


# -- the public surface: each method with valid arguments on the world --------------------------------------------

Call = tuple[Callable[..., Any], dict[str, Any]]


def surface(w: World) -> dict[str, Callable[[], Call]]:
    """Every public service method, with arguments that are valid on the world (one of them gets corrupted)."""
    p, m = w.portal, w.manager
    creation = form(email="nouveau@exemple.fr")
    identity = IdentityForm(**{f.name: getattr(creation, f.name) for f in attrs.fields(IdentityForm)})

    def draft() -> Any:
        return p.candidatures.edit(w.session, w.candidature)

    return {
        # accounts
        "accounts.create_account": lambda: (p.accounts.create_account, {"form": creation}),
        "accounts.resend_activation": lambda: (p.accounts.resend_activation, {"email": w.pending_email}),
        "accounts.check_activation_link": lambda: (p.accounts.check_activation_link, {"token": w.activation}),
        "accounts.activate": lambda: (p.accounts.activate, {"token": w.activation}),
        "accounts.register_scolaire": lambda: (p.accounts.register_scolaire, {"form": pupil()}),
        "accounts.check_scolaire": lambda: (p.accounts.check_scolaire, {"form": pupil()}),
        "accounts.login": lambda: (p.accounts.login, {"identifier": "accrall@ac-rennes.fr", "password": PASSWORD}),
        "accounts.login(login)": lambda: (p.accounts.login, {"identifier": w.scolaire_login, "password": "x"}),
        "accounts.authenticate": lambda: (p.accounts.authenticate, {"session_token": w.session}),
        "accounts.logout": lambda: (p.accounts.logout, {"session_token": w.session + "x"}),
        "accounts.home": lambda: (p.accounts.home, {"session_token": w.session}),
        "accounts.account": lambda: (p.accounts.account, {"session_token": w.session}),
        "accounts.export_my_data": lambda: (p.accounts.export_my_data, {"session_token": w.session}),
        "accounts.request_password_reset": lambda: (
            p.accounts.request_password_reset,
            {"identifier": "accrall@ac-rennes.fr", "source": "203.0.113.7"},
        ),
        "accounts.check_reset_link": lambda: (p.accounts.check_reset_link, {"token": w.reset}),
        "accounts.reset_password": lambda: (
            p.accounts.reset_password,
            {"token": w.reset, "new_password": "Nouv*Mot9", "confirmation": "Nouv*Mot8"},
        ),
        "accounts.change_password": lambda: (
            p.accounts.change_password,
            {
                "session_token": w.session,
                "current_password": PASSWORD,
                "new_password": "Nouv*Mot9",
                "confirmation": "Nouv*Mot8",
            },
        ),
        "accounts.change_email": lambda: (
            p.accounts.change_email,
            {"session_token": w.session, "current_password": PASSWORD, "new_email": "a@b.fr", "confirmation": "c@d.fr"},
        ),
        "accounts.update_identity": lambda: (
            p.accounts.update_identity,
            {"session_token": w.session, "form": identity},
        ),
        "accounts.delete_account": lambda: (p.accounts.delete_account, {"session_token": w.session}),
        # catalogue
        "catalogue.open_service": lambda: (
            p.catalogue.open_service,
            {"session_id": "BTS-2022", "academie_code": "03", "start": "01/11/2021 08:00", "end": "01/11/2021 07:00"},
        ),
        "catalogue.announce": lambda: (
            p.catalogue.announce,
            {"announcement_id": "a1", "message": "m", "start": "01/11/2021 08:00", "end": "x"},
        ),
        "catalogue.configure": lambda: (
            lambda announcement: p.catalogue.configure(announcement),
            {
                "announcement": Announcement(
                    "a2", "Message ponctuel", Period.from_paris("01/11/2021 08:00", "02/11/2021 08:00")
                )
            },
        ),
        "catalogue.opening": lambda: (p.catalogue.opening, {"session_id": "BTS-2022", "academie_code": "03"}),
        "catalogue.openings": lambda: (
            p.catalogue.openings,
            {"domain": Domain.EXAMEN, "exam_code": "BTS", "session_id": "BTS-2022"},
        ),
        # candidatures
        "candidatures.start": lambda: (
            p.candidatures.start,
            {"session_token": w.session, "session_id": "BTS-2022", "academie_code": "03"},
        ),
        "candidatures.next": lambda: (p.candidatures.next, {"draft": draft(), "form": accrall_tabs()[1]}),
        "candidatures.next(informations)": lambda: (
            p.candidatures.next,
            {"draft": attrs.evolve(draft(), current=2), "form": accrall_tabs()[2]},
        ),
        "candidatures.next(acquis)": lambda: (
            p.candidatures.next,
            {"draft": attrs.evolve(draft(), current=4), "form": accrall_tabs()[4]},
        ),
        "candidatures.next(epreuves)": lambda: (
            p.candidatures.next,
            {"draft": attrs.evolve(draft(), current=6), "form": accrall_tabs()[6]},
        ),
        "candidatures.previous": lambda: (p.candidatures.previous, {"draft": draft()}),
        "candidatures.recapitulatif": lambda: (
            p.candidatures.recapitulatif,
            {"session_token": w.session, "draft": draft()},
        ),
        "candidatures.save": lambda: (
            p.candidatures.save,
            {"session_token": w.session, "draft": attrs.evolve(draft(), base_version=1)},
        ),
        "candidatures.edit": lambda: (
            p.candidatures.edit,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "candidatures.mes_inscriptions": lambda: (p.candidatures.mes_inscriptions, {"session_token": w.session}),
        "candidatures.mon_inscription": lambda: (
            p.candidatures.mon_inscription,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "candidatures.documents": lambda: (
            p.candidatures.documents,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "candidatures.open_document": lambda: (
            p.candidatures.open_document,
            {"session_token": w.session, "candidature_id": w.candidature, "kind": DocumentKind.CONFIRMATION},
        ),
        "candidatures.withdrawal_question": lambda: (
            p.candidatures.withdrawal_question,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "candidatures.withdraw": lambda: (
            p.candidatures.withdraw,
            {"session_token": w.session, "candidature_id": w.candidature, "confirmed": False},
        ),
        # management
        "management.candidatures": lambda: (
            p.management.candidatures,
            {"manager": m, "session_id": "BTS-2022", "specialite_code": "32025", "academie_code": "03", "limit": 10},
        ),
        "management.effectifs": lambda: (
            p.management.effectifs,
            {"manager": m, "session_id": "BTS-2022", "academie_code": "03"},
        ),
        "management.candidature": lambda: (
            p.management.candidature,
            {"manager": m, "candidature_id": w.candidature},
        ),
        "management.set_aside": lambda: (
            p.management.set_aside,
            {"manager": Manager("gest", ("10",)), "candidature_id": w.candidature, "reason": "r"},
        ),
        "management.reinstate": lambda: (
            p.management.reinstate,
            {"manager": m, "candidature_id": w.candidature, "reason": "r"},
        ),
        "management.withdraw": lambda: (
            p.management.withdraw,
            {"manager": Manager("gest", ("10",)), "candidature_id": w.candidature, "reason": "r"},
        ),
        "management.delete": lambda: (
            p.management.delete,
            {"manager": Manager("gest", ("10",)), "candidature_id": w.candidature, "reason": "r"},
        ),
        "management.correct_identity": lambda: (
            p.management.correct_identity,
            {"manager": Manager("gest", ("10",)), "candidature_id": w.candidature, "form": identity, "reason": "r"},
        ),
        "establishments.register": lambda: (
            p.establishments.register,
            {
                "session_id": "BTS-2022",
                "academie_code": "03",
                "pupils": [
                    attrs.evolve(
                        preinscription(),
                        pupil=attrs.evolve(pupil(), first_names="Zoé"),
                        identification=identification(mobile_phone="12"),
                    )
                ],
            },
        ),
        # pièces
        "pieces.mes_justificatifs": lambda: (
            p.pieces.mes_justificatifs,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "pieces.upload": lambda: (
            p.pieces.upload,
            {
                "session_token": w.session,
                "candidature_id": w.candidature,
                "code": w.piece,
                "filename": "scan.exe",
                "chunks": [b"%PDF-1.4\n"],
            },
        ),
        "pieces.file": lambda: (
            p.pieces.file,
            {"session_token": w.session, "candidature_id": w.candidature, "code": w.piece},
        ),
        "pieces.delete_file": lambda: (
            p.pieces.delete_file,
            {"session_token": w.session, "candidature_id": w.candidature, "code": w.piece},
        ),
        "pieces.validate": lambda: (
            p.pieces.validate,
            {"session_token": w.session, "candidature_id": w.candidature, "group_id": w.heading},
        ),
        "pieces.review": lambda: (
            p.pieces.review,
            {
                "manager": Manager("gest", ("10",)),
                "candidature_id": w.candidature,
                "code": w.piece,
                "status": PieceStatus.RECUE,
                "received_on": date(2021, 11, 15),
                "comment": "c",
            },
        ),
        "pieces.manager_pieces": lambda: (
            p.pieces.manager_pieces,
            {"manager": m, "candidature_id": w.candidature},
        ),
        "pieces.manager_file": lambda: (
            p.pieces.manager_file,
            {"manager": m, "candidature_id": w.candidature, "code": w.piece},
        ),
        # documents
        "documents.formulaires": lambda: (
            p.documents.formulaires,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "documents.render": lambda: (
            p.documents.render,
            {"session_token": w.session, "candidature_id": w.candidature, "kind": DocumentKind.CONFIRMATION},
        ),
        "documents.render_recapitulatif": lambda: (
            p.documents.render_recapitulatif,
            {"session_token": w.session, "candidature_id": w.candidature},
        ),
        "documents.render_draft_recapitulatif": lambda: (
            p.documents.render_draft_recapitulatif,
            {"session_token": w.session, "draft": draft()},
        ),
        "candidatures.candidatures_precedentes": lambda: (
            p.candidatures.candidatures_precedentes,
            {"session_token": w.session, "draft": draft()},
        ),
        "reference.communes": lambda: (p.reference.communes, {"departement": "014", "query": "may", "limit": 5}),
        "documents.publish": lambda: (
            p.documents.publish,
            {"manager": Manager("gest", ("10",)), "candidature_id": w.candidature, "kind": DocumentKind.CONFIRMATION},
        ),
        "documents.verify": lambda: (
            p.documents.verify,
            {
                "code": "ABCD-EFGH",
                "kind": DocumentKind.CONFIRMATION,
                "candidate_number": "02100000001",
                "inscription_number": "0000000001",
                "version": 1,
            },
        ),
        # mail and housekeeping
        "outbox.mark_sent": lambda: (p.outbox.mark_sent, {"message_id": "0" * 32}),
        "outbox.pending": lambda: (p.outbox.pending, {"limit": 5}),
        "outbox.failed": lambda: (p.outbox.failed, {"limit": 5}),
        "relay.backoff": lambda: (p.relay.backoff, {"attempts": 3}),
        "accounts.purge_unactivated": lambda: (p.accounts.purge_unactivated, {"batch_size": 10}),
        "audit.records_for": lambda: (p.audit.records_for, {"account_id": "0" * 32}),
    }


def _method_names() -> list[str]:
    fake = World(None, "", "", "", "", "", "", "", "")  # type: ignore[arg-type]
    return sorted(surface(fake))


def check_total(w: World, name: str, data: st.DataObject) -> None:
    function, arguments = surface(w)[name]()
    paths = [path for path, _ in leaves(arguments)]
    path = data.draw(st.sampled_from(paths), label="corrupted")
    valid = next(value for at, value in leaves(arguments) if at == path)
    corrupted = replaced(arguments, path, data.draw(hostile(valid), label="value"))
    if corrupted == arguments:
        return
    before = w.snapshot()
    try:
        function(**corrupted)
    except CycladesError:
        after = w.snapshot()
        assert after == before, f"{name} refused {path} but persisted something"


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("name", _method_names())
def test_every_public_method_answers_a_value_or_a_cyclades_error(
    storage: str, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    world = world_for(storage, tmp_path_factory)

    @settings(
        max_examples=EXAMPLES[storage]
        if os.environ.get("CYCLADES_TOTALITY_EXAMPLES") is None
        else int(os.environ["CYCLADES_TOTALITY_EXAMPLES"]),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        check_total(world, name, data)

    run()


# -- the issue's reproductions, one by one ----------------------------------------------------------------------

SURROGATE, NUL = "x\udfff@y.fr", "a\x00@b.fr"


@pytest.mark.parametrize("typed", [SURROGATE, NUL], ids=["surrogate", "nul"])
def test_the_reproductions_of_the_issue_answer_as_for_unknown_values(
    storage: str, typed: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Issue 15, finding 1: each of these raised UnicodeEncodeError (SQLite, PostgreSQL) or DataError (NUL on
    PostgreSQL) before; each now answers as it does for any unknown value."""
    from cyclades_core.errors import CandidatureNotFound, InvalidCredentials, PieceNotFound

    w = world_for(storage, tmp_path_factory)
    p = w.portal
    with pytest.raises(InvalidCredentials):
        p.accounts.login(typed, PASSWORD)
    assert type(p.accounts.request_password_reset(typed)).__name__ == "ResetRequested"
    assert p.accounts.resend_activation(typed) is None
    for call in (
        lambda: p.candidatures.mon_inscription(w.session, typed),
        lambda: p.pieces.mes_justificatifs(w.session, typed),
        lambda: p.documents.render(w.session, typed, DocumentKind.CONFIRMATION),
        lambda: p.management.set_aside(w.manager, typed, "r"),
        lambda: p.pieces.review(w.manager, typed, w.piece, PieceStatus.RECUE),
    ):
        with pytest.raises(CandidatureNotFound):
            call()
    with pytest.raises(PieceNotFound):  # the candidature is found: the pièce is not
        p.pieces.review(w.manager, w.candidature, typed, PieceStatus.RECUE)
    assert p.management.effectifs(w.manager, typed) == ()
    from cyclades_core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:  # a manager is the integrator's value: refused, not looked up
        p.management.effectifs(Manager("gest", (typed,)), "BTS-2022")
    assert refused.value.fields == ("manager.academie_codes[0]",)


def test_a_verification_code_outside_ascii_is_simply_not_the_right_one(
    storage: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Issue 15, finding 1: ``documents.verify("é", …)`` raised TypeError from ``hmac.compare_digest``."""
    p = world_for(storage, tmp_path_factory).portal
    assert p.documents.verify("é", DocumentKind.CONFIRMATION, "02100000001", "0000000001", 1) is False
    assert p.documents.verify("ABCD", DocumentKind.CONFIRMATION, "0210\udfff0000001", "1", 1) is False


def test_a_form_holding_a_control_character_is_refused_naming_the_field(
    storage: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Text that cannot be stored is refused as a ValidationError naming the field, and nothing is written."""
    from cyclades_core.errors import ValidationError

    w = world_for(storage, tmp_path_factory)
    before = w.snapshot()
    with pytest.raises(ValidationError) as refused:
        w.portal.accounts.create_account(form(email="autre@exemple.fr", first_names="Da\x00ck"))
    assert refused.value.fields == ("first_names",)
    draft = w.portal.candidatures.edit(w.session, w.candidature)
    with pytest.raises(ValidationError) as refused:
        w.portal.candidatures.next(attrs.evolve(draft, current=1), identification(street="1 rue\udfff des champs"))
    assert refused.value.fields == ("identification.street",)
    assert w.snapshot() == before


def test_the_reset_answer_never_echoes_text_no_page_could_print(
    storage: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Review finding: the mask of a typed email kept a lone surrogate (``'\\udfffa***@y.fr'``), which no HTTP
    response can encode. Such text gets no mask, like any other non-email text."""
    p = world_for(storage, tmp_path_factory).portal
    for typed in ("\udfffabc@y.fr", "ab\x00c@y.fr", "abc\x1b@y.fr"):
        assert p.accounts.request_password_reset(typed).masked_contact is None


def test_verify_answers_false_for_what_no_document_carries(
    storage: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Review finding: a kind given as text (``"CONFIRMATION"``) raised AttributeError."""
    p = world_for(storage, tmp_path_factory).portal
    assert p.documents.verify("ABCD", "CONFIRMATION", "1", "1", 1) is False  # type: ignore[arg-type]
    assert p.documents.verify("ABCD", DocumentKind.CONFIRMATION, "1", "1", True) is False


def test_a_forged_draft_naming_an_unknown_academie_prints_nothing(
    storage: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Review finding: ``render_draft_recapitulatif`` printed a made-up académie (« ZZ-forged ») beside a real
    inscription number, and a 5,000-character one raised reportlab's LayoutError."""
    from cyclades_core.errors import CatalogueNotFound

    w = world_for(storage, tmp_path_factory)
    draft = w.portal.candidatures.edit(w.session, w.candidature)
    for forged in ("ZZ-forged", "x" * 5000):
        with pytest.raises(CatalogueNotFound):
            w.portal.documents.render_draft_recapitulatif(w.session, attrs.evolve(draft, academie_code=forged))
