"""Token stores shared by processes: SQLite (one machine) and PostgreSQL (many, row locks).

The property that matters: OAuth refresh tokens rotate, so when several processes find the same
location's token expired at once, exactly one refresh reaches HighLevel and every process ends up
with the new pair.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel

from ._fleet_helpers import wait_until

LOCATION = "storeLocation0000001"
PROCESSES = 4

# Each process: a client whose OAuthRefresher uses the shared store; it waits for the "go" file,
# asks for the (expired) token, and prints a hash of the pair it got.
_REFRESHING_PROCESS = """
import asyncio, hashlib, os, sys, time
import ghl_conversations as ghl

kind, target, base_url, location, ready, go = sys.argv[1:7]

async def main() -> None:
    store = ghl.SQLiteTokenStore(target) if kind == "sqlite" else ghl.PostgresTokenStore(target)
    refresher = ghl.OAuthRefresher(
        client_id="fake-client-id", client_secret="fake-client-secret", store=store,
        default_location=location,
    )
    async with ghl.Client(token=refresher, base_url=base_url):
        open(ready, "w").close()
        while not os.path.exists(go):
            await asyncio.sleep(0.005)
        access = await refresher.get_token(location)
        pair = await store.load(location)
        assert pair is not None and pair.access_token == access
        print(hashlib.sha256(f"{access}/{pair.refresh_token}".encode()).hexdigest())

asyncio.run(main())
"""


def _pair_hash(tokens: ghl.TokenSet) -> str:
    return hashlib.sha256(f"{tokens.access_token}/{tokens.refresh_token}".encode()).hexdigest()


def _run_refreshing_processes(
    kind: str, target: str, base_url: str, tmp_path: Path
) -> list[tuple[bytes, bytes]]:
    """Start the processes, release them at once, return each one's (stdout, stderr)."""
    go = tmp_path / "go"
    readies = [tmp_path / f"ready-{n}" for n in range(PROCESSES)]
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, "-c", _REFRESHING_PROCESS),
                *(kind, target, base_url, LOCATION, str(ready), str(go)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for ready in readies
    ]
    try:
        wait_until(lambda: all(r.exists() for r in readies), what="every process ready")
        go.touch()
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
    return outputs


async def _refresh_from_many_processes(
    kind: str, target: str, make_store: Callable[[], ghl.TokenStore], tmp_path: Path
) -> None:
    with FakeHighLevel(location_id=LOCATION, messages=10) as fake:
        issued = fake.issue_oauth_tokens(LOCATION)
        store = make_store()
        expired = ghl.TokenSet(
            access_token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            expires_at=0.0,
            location_id=LOCATION,
        )
        await store.save(LOCATION, expired)
        outputs = _run_refreshing_processes(kind, target, fake.url, tmp_path)
        refreshes = fake.oauth_refreshes

    hashes = {out.decode().strip() for out, _ in outputs}
    assert refreshes == 1
    assert len(hashes) == 1
    fresh = await make_store().load(LOCATION)
    assert fresh is not None and fresh.access_token != issued["access_token"]
    assert hashes == {_pair_hash(fresh)}
    for out, err in outputs:
        assert issued["refresh_token"].encode() not in out + err


# -- SQLite ----------------------------------------------------------------------------------


async def test_sqlite_refresh_is_single_flight_across_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "tokens.db")
    await _refresh_from_many_processes("sqlite", path, lambda: ghl.SQLiteTokenStore(path), tmp_path)


async def test_sqlite_store_round_trips_and_keeps_the_file_private(tmp_path: Path) -> None:
    path = tmp_path / "tokens.db"
    store = ghl.SQLiteTokenStore(path)
    assert await store.load("loc") is None
    pair = ghl.TokenSet("at-secret", "rt-secret", 123.0, location_id="loc", scope="a b")
    await store.save("loc", pair)
    loaded = await ghl.SQLiteTokenStore(path).load("loc")
    assert loaded is not None and loaded.to_json() == pair.to_json()
    assert os.stat(path).st_mode & 0o077 == 0
    assert "secret" not in repr(store)


async def test_sqlite_exclusive_commits_on_success_and_rolls_back_on_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tokens.db"
    store, other = ghl.SQLiteTokenStore(path), ghl.SQLiteTokenStore(path)
    await store.save("loc", ghl.TokenSet("at-1", "rt-1"))
    async with store.exclusive("loc"):
        await store.save("loc", ghl.TokenSet("at-2", "rt-2"))
        seen = await other.load("loc")
        assert seen is not None and seen.access_token == "at-1"  # not committed yet
    seen = await other.load("loc")
    assert seen is not None and seen.access_token == "at-2"
    with pytest.raises(RuntimeError, match="boom"):
        async with store.exclusive("loc"):
            await store.save("loc", ghl.TokenSet("at-3", "rt-3"))
            raise RuntimeError("boom")
    seen = await other.load("loc")
    assert seen is not None and seen.access_token == "at-2"


def test_sqlite_store_refuses_a_nonsense_timeout(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lock_timeout"):
        ghl.SQLiteTokenStore(tmp_path / "t.db", lock_timeout=0)


# -- PostgreSQL ------------------------------------------------------------------------------


async def test_postgres_refresh_is_single_flight_across_processes(
    postgres_url: str, tmp_path: Path
) -> None:
    pytest.importorskip("psycopg")
    await _refresh_from_many_processes(
        "postgres", postgres_url, lambda: ghl.PostgresTokenStore(postgres_url), tmp_path
    )


async def test_postgres_store_round_trips_and_rolls_back_a_failed_refresh(
    postgres_url: str,
) -> None:
    pytest.importorskip("psycopg")
    store = ghl.PostgresTokenStore(postgres_url)
    assert await store.load("loc") is None
    pair = ghl.TokenSet("at-secret", "rt-secret", 123.0, location_id="loc")
    await store.save("loc", pair)
    loaded = await ghl.PostgresTokenStore(postgres_url).load("loc")
    assert loaded is not None and loaded.to_json() == pair.to_json()
    with pytest.raises(RuntimeError, match="boom"):
        async with store.exclusive("loc"):
            await store.save("loc", ghl.TokenSet("at-2", "rt-2"))
            raise RuntimeError("boom")
    again = await store.load("loc")  # the in-memory copy was dropped with the transaction
    assert again is not None and again.access_token == "at-secret"
    assert "secret" not in repr(store) and "postgresql://" not in repr(store)


def test_postgres_store_refuses_an_unsafe_table_name() -> None:
    with pytest.raises(ValueError, match="identifier"):
        ghl.PostgresTokenStore("postgresql://x@127.0.0.1/db", table="t; DROP TABLE x")
