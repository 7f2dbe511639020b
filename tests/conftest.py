"""Shared fixtures: the aioresponses shim, a mocked client, a fake-server client with a clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from aioresponses import aioresponses

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, ManualClock

from ._aioresponses_compat import install

install()

BASE = "https://services.leadconnectorhq.com"
TOKEN = "pit-0123456789-secret-token"


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as mock:
        yield mock


@pytest_asyncio.fixture
async def client() -> AsyncIterator[ghl.Client]:
    """A client for the default base URL with fast, deterministic retries (manual clock)."""
    async with ghl.Client(token=TOKEN, clock=ManualClock()) as c:
        yield c


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeHighLevel]:
    async with FakeHighLevel(messages=1_000, seed=3, clock=clock) as server:
        yield server


@pytest_asyncio.fixture
async def fake_client(fake: FakeHighLevel) -> AsyncIterator[ghl.Client]:
    async with fake.client() as c:
        yield c


# A real PostgreSQL server (session) and a fresh database per test: see tests/_postgres.py.
from ._postgres import postgres_server, postgres_url  # noqa: E402, F401
