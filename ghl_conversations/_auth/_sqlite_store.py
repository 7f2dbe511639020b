"""A token store in a SQLite file: rotated OAuth pairs shared by every process of one machine.

OAuth refresh tokens rotate: a refresh returns a new pair and kills the old refresh token, so two
processes refreshing the same location at once would leave one of them holding a dead token. The
store's ``exclusive(key)`` takes SQLite's write lock (``BEGIN IMMEDIATE``), which only one
connection of one process can hold at a time; ``OAuthRefresher`` holds it from the moment it
re-reads the pair until the new pair is saved, so exactly one process refreshes and every other
one then reads the new pair. Reads never wait for the lock (WAL mode).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_thread
import orjson

from ._providers import TokenSet

__all__ = ["SQLiteTokenStore"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ghl_tokens ( key TEXT PRIMARY KEY, tokens BLOB, updated_at REAL)"
)


class SQLiteTokenStore:
    """OAuth token pairs in a SQLite file, with a lock that works across processes.

    Use it as ``OAuthRefresher(..., store=SQLiteTokenStore("tokens.db"))`` in every process of a
    machine that serves the same locations. ``lock_timeout`` is how long a process waits for
    another one's refresh before giving up (``sqlite3.OperationalError``). The file holds
    secrets: keep it readable by its owner only (it is created with mode 0600).
    """

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 60.0) -> None:
        self.path = os.fspath(path)
        if lock_timeout <= 0:
            raise ValueError(f"lock_timeout must be positive, got {lock_timeout!r}")
        self.lock_timeout = lock_timeout
        self._held: dict[str, sqlite3.Connection] = {}
        self._locks: dict[str, anyio.Lock] = {}
        self._ready = False
        self._setup_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SQLiteTokenStore({self.path!r})"

    def _connect(self) -> sqlite3.Connection:
        if not os.path.exists(self.path):
            # Created here, owner-only, before SQLite opens it.
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        connection = sqlite3.connect(
            self.path, timeout=self.lock_timeout, isolation_level=None, check_same_thread=False
        )
        with self._setup_lock:
            if not self._ready:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(_SCHEMA)
                self._ready = True
        return connection

    @staticmethod
    def _read(connection: sqlite3.Connection, key: str) -> TokenSet | None:
        row = connection.execute("SELECT tokens FROM ghl_tokens WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            return None
        data: Any = orjson.loads(row[0])
        return TokenSet.from_json(data)

    @staticmethod
    def _write(connection: sqlite3.Connection, key: str, tokens: TokenSet) -> None:
        connection.execute(
            "INSERT INTO ghl_tokens (key, tokens, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens,"
            " updated_at = excluded.updated_at",
            (key, orjson.dumps(tokens.to_json()), time.time()),
        )

    def _load_sync(self, key: str) -> TokenSet | None:
        held = self._held.get(key)
        if held is not None:
            return self._read(held, key)
        with contextlib.closing(self._connect()) as connection:
            return self._read(connection, key)

    def _save_sync(self, key: str, tokens: TokenSet) -> None:
        held = self._held.get(key)
        if held is not None:  # inside exclusive(): committed when the lock is released
            self._write(held, key, tokens)
            return
        with contextlib.closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                self._write(connection, key, tokens)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    async def load(self, key: str) -> TokenSet | None:
        """The pair stored under ``key`` (None if there is none)."""
        return await anyio.to_thread.run_sync(self._load_sync, key)

    async def save(self, key: str, tokens: TokenSet) -> None:
        """Store ``tokens`` under ``key`` durably (inside ``exclusive``: when it ends)."""
        await anyio.to_thread.run_sync(self._save_sync, key, tokens)

    @contextlib.asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[None]:
        """Hold the cross-process lock for ``key``: no other process refreshes meanwhile.

        ``load`` and ``save`` for ``key`` inside the block use the locked connection; the save
        becomes visible to other processes when the block ends without an error.
        """
        async with self._local_lock(key), self._locked_connection(key):
            yield

    def _local_lock(self, key: str) -> anyio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = anyio.Lock()
        return lock

    @contextlib.asynccontextmanager
    async def _locked_connection(self, key: str) -> AsyncIterator[None]:
        def begin() -> sqlite3.Connection:
            connection = self._connect()
            try:
                connection.execute("BEGIN IMMEDIATE")
            except BaseException:
                connection.close()
                raise
            return connection

        connection = await anyio.to_thread.run_sync(begin)
        self._held[key] = connection
        try:
            yield
        except BaseException:
            del self._held[key]
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_finish, connection, "ROLLBACK")
            raise
        del self._held[key]
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_finish, connection, "COMMIT")


def _finish(connection: sqlite3.Connection, statement: str) -> None:
    try:
        connection.execute(statement)
    finally:
        connection.close()
