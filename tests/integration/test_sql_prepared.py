"""The SQL adapter's hot-path helpers, without a database: parse cache, JSON pass-through, driver SQL."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.dialects.sqlite import pysqlite

from cyclades_adapters.sql import schema as t
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
