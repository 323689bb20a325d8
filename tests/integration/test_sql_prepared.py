"""The SQL adapter's hot-path helpers, without a database: parse cache, JSON pass-through, driver SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.dialects.sqlite import pysqlite

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql.candidatures import _EPREUVE_COLUMNS, _HOT
from cyclades_adapters.sql.prepared import Encoded, ParseCache, Prepared, dumps, loads


def test_the_parse_cache_parses_each_text_once_and_forgets_the_oldest() -> None:
    parsed: list[str] = []

    def parse(text: str) -> tuple[object, ...]:
        parsed.append(text)
        return tuple(loads(text))

    cache = ParseCache(parse, size=2)
    first = cache.get("[1]")
    assert cache.get("[1]") is first
    cache.put("[2]", (2,))
    assert cache.get("[2]") == (2,)
    cache.get("[3]")  # "[1]" is the oldest: it goes
    cache.get("[1]")
    assert parsed == ["[1]", "[3]", "[1]"]


def test_encoded_json_is_written_as_it_is() -> None:
    text = dumps({"é": [1, None]})
    assert dumps(Encoded(text)) == text
    assert type(dumps(Encoded(text))) is str
    assert loads(text) == loads(Encoded(text)) == {"é": [1, None]}


def test_statements_compile_to_each_driver_s_parameters_in_order() -> None:
    statement = select(t.accounts.c.id).where(
        t.accounts.c.email_key == bindparam("key"), t.accounts.c.version > bindparam("version")
    )
    on_sqlite = Prepared(statement, pysqlite.dialect())
    on_postgresql = Prepared(statement, psycopg.dialect())
    assert on_sqlite.sql.count("?") == 2
    assert "%(" not in on_postgresql.sql
    assert on_postgresql.sql.count("%s") == 2
    for prepared in (on_sqlite, on_postgresql):
        assert prepared._values({"version": 3, "key": "a@exemple.fr"}) == ("a@exemple.fr", 3)


def test_the_epreuve_rows_insert_takes_its_values_row_by_row_in_table_order() -> None:
    """The SQLite save hands the épreuve rows to ``execute_values`` flattened in ``_EPREUVE_COLUMNS`` order."""
    prepared = _HOT.get("insert_epreuves", pysqlite.dialect(), 3)
    assert prepared.names == tuple(f"{column}_{i}" for i in range(3) for column in _EPREUVE_COLUMNS)
    assert tuple(column.key for column in t.candidature_epreuves.c) == _EPREUVE_COLUMNS


def test_values_without_names_are_refused_where_a_bind_converts_its_value() -> None:
    statement = select(t.accounts.c.id).where(
        t.accounts.c.created_at > bindparam("at", type_=t.accounts.c.created_at.type)
    )
    prepared = Prepared(statement, pysqlite.dialect())
    with pytest.raises(TypeError, match="no conversion"):
        prepared.execute_values(None, ("2026-01-01",))  # type: ignore[arg-type]


def test_result_processors_apply_to_their_columns_only() -> None:
    statement = select(t.accounts.c.id, t.accounts.c.created_at, t.accounts.c.version)
    prepared = Prepared(statement, pysqlite.dialect())

    class Cursor:
        def fetchall(self) -> list[tuple[object, ...]]:
            return [("a", "2026-01-01 10:00:00.000000", 3)]

    [(id_, created, version)] = prepared.rows(Cursor())
    assert (id_, version) == ("a", 3)
    assert created.isoformat() == "2026-01-01T10:00:00+00:00"


def test_instants_are_stored_as_naive_utc_text_on_sqlite_and_read_back_in_utc() -> None:
    dialect = pysqlite.dialect()
    column = t.accounts.c.created_at.type
    write, read = column.bind_processor(dialect), column.result_processor(dialect, None)
    assert write is not None
    assert read is not None
    paris = datetime(2021, 11, 15, 11, 0, 0, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert write(paris) == "2021-11-15 10:00:00.000005"
    assert write(paris.astimezone(UTC)) == "2021-11-15 10:00:00.000005"
    assert write(None) is None
    assert read(None) is None
    back = read("2021-11-15 10:00:00.000005")
    assert back == paris
    assert back.tzinfo is UTC
    assert read("2021-11-15 10:00:00") == datetime(2021, 11, 15, 10, tzinfo=UTC)  # text without the fraction
    # Texts this library does not write are still read as instants in UTC.
    assert read("2021-11-15 11:00:00+01:00") == datetime(2021, 11, 15, 10, tzinfo=UTC)
    assert read("2021-11-15T10:00:00.123") == datetime(2021, 11, 15, 10, 0, 0, 123000, tzinfo=UTC)
    midnight = read("2021-11-15")
    assert midnight == datetime(2021, 11, 15, tzinfo=UTC)
    assert midnight.tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        write(datetime(2021, 11, 15, 10))  # noqa: DTZ001 - the naive instant refused


def test_stored_epreuve_rows_are_built_once_and_shared_and_enums_read_by_value() -> None:
    from cyclades_adapters.sql.storage import JSON_CONVERTER
    from cyclades_core.model.candidature import EpreuvePosition, Position

    row = EpreuvePosition(
        "E1", "Culture générale", "U1", True, 1, None, Position.BENEFICE, None, None, 15.0, 2021, "10"
    )
    stored = loads(dumps(JSON_CONVERTER.unstructure(row)))
    first, second = (JSON_CONVERTER.structure(dict(stored), EpreuvePosition) for _ in range(2))
    assert first == row
    assert first is second  # equal stored rows: one immutable value
    other = JSON_CONVERTER.structure({**stored, "grade": 12.0}, EpreuvePosition)
    assert other.grade == 12.0
    assert other.position is Position.BENEFICE
