"""The shared PostgreSQL fixture starts a real server reachable on 127.0.0.1."""

from __future__ import annotations

import psycopg

from ._postgres import PostgresServer


def test_each_test_gets_its_own_empty_database(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE t (x int)")
        connection.execute("INSERT INTO t VALUES (1), (2)")
        row = connection.execute("SELECT count(*) FROM t").fetchone()
        assert row == (2,)
        version = connection.execute("SHOW server_version").fetchone()
        assert version is not None and str(version[0]).startswith(("15", "16", "17"))
    other = postgres_server.create_database()
    assert other != postgres_url
    with psycopg.connect(other) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 't'"
        ).fetchone()
        assert tables == (0,)
