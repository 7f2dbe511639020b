"""A token store in PostgreSQL: rotated OAuth pairs shared by every process of every machine.

A refresh rotates the refresh token and kills the old one, so refreshes of one location must be
single-flight across the whole fleet. ``exclusive(key)`` locks the location's row
(``SELECT ... FOR UPDATE`` in a transaction); ``OAuthRefresher`` holds it from re-reading the pair
to saving the new one, so one process refreshes and the others, waiting on the row, then read the
new pair. Plain reads never wait (MVCC). Needs ``psycopg`` (``pip install 'psycopg[binary]'``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import anyio
import orjson

from ._providers import TokenSet

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresTokenStore"]

_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class PostgresTokenStore:
    """OAuth token pairs in a PostgreSQL table, with per-location row locks across machines.

    ``dsn`` is a libpq connection string (``postgresql://user@host/db``); the table (default
    ``ghl_tokens``) is created on first use. ``load`` answers from memory for a pair this process
    has already read or written (a refresh anywhere else is picked up the next time the refresher
    takes ``exclusive``, which always reads the row). The table holds secrets: grant it as such.
    """

    def __init__(self, dsn: str, *, table: str = "ghl_tokens", lock_timeout: float = 60.0) -> None:
        if not _TABLE_NAME.match(table):
            raise ValueError(f"table must be a plain SQL identifier, got {table!r}")
        if lock_timeout <= 0:
            raise ValueError(f"lock_timeout must be positive, got {lock_timeout!r}")
        self.__dsn = dsn
        self.table = table
        self.lock_timeout = lock_timeout
        self._cache: dict[str, TokenSet] = {}
        self._held: dict[str, psycopg.AsyncConnection[Any]] = {}
        self._locks: dict[str, anyio.Lock] = {}
        self._ready = False

    def __repr__(self) -> str:  # the DSN may hold a password: never shown
        return f"PostgresTokenStore(table={self.table!r})"

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        import psycopg

        connection = await psycopg.AsyncConnection.connect(self.__dsn, autocommit=True)
        if not self._ready:
            await connection.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                " key TEXT PRIMARY KEY, tokens JSONB, updated_at TIMESTAMPTZ DEFAULT now())"
            )
            self._ready = True
        return connection

    async def _read(self, connection: psycopg.AsyncConnection[Any], key: str) -> TokenSet | None:
        cursor = await connection.execute(f"SELECT tokens FROM {self.table} WHERE key = %s", (key,))
        row = await cursor.fetchone()
        if row is None or row[0] is None:
            self._cache.pop(key, None)
            return None
        tokens = TokenSet.from_json(row[0])
        self._cache[key] = tokens
        return tokens

    async def _write(
        self, connection: psycopg.AsyncConnection[Any], key: str, tokens: TokenSet
    ) -> None:
        await connection.execute(
            f"INSERT INTO {self.table} (key, tokens, updated_at) VALUES (%s, %s::jsonb, now())"
            " ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = now()",
            (key, orjson.dumps(tokens.to_json()).decode()),
        )

    async def load(self, key: str) -> TokenSet | None:
        """The pair stored under ``key`` (None if there is none)."""
        held = self._held.get(key)
        if held is not None:
            return await self._read(held, key)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        async with await self._connect() as connection:
            return await self._read(connection, key)

    async def save(self, key: str, tokens: TokenSet) -> None:
        """Store ``tokens`` under ``key`` (inside ``exclusive``: committed when it ends)."""
        held = self._held.get(key)
        if held is not None:
            await self._write(held, key, tokens)
        else:
            async with await self._connect() as connection:
                await self._write(connection, key, tokens)
        self._cache[key] = tokens

    @contextlib.asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[None]:
        """Lock ``key``'s row: no other process or machine refreshes it meanwhile.

        ``load`` inside the block reads the row itself (never the memory copy); ``save`` writes
        it, visible to others when the block ends without an error.
        """
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = anyio.Lock()
        async with lock, await self._connect() as connection:
            await connection.execute(
                f"INSERT INTO {self.table} (key) VALUES (%s) ON CONFLICT (key) DO NOTHING", (key,)
            )
            async with connection.transaction():
                timeout_ms = int(self.lock_timeout * 1000)
                await connection.execute(f"SET LOCAL lock_timeout = {timeout_ms}")
                await connection.execute(
                    f"SELECT key FROM {self.table} WHERE key = %s FOR UPDATE", (key,)
                )
                self._held[key] = connection
                try:
                    yield
                except BaseException:
                    self._cache.pop(key, None)  # the transaction rolls back: so does the copy
                    raise
                finally:
                    del self._held[key]
