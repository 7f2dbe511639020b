"""The client's lifetime, views and headers."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel


async def test_a_session_passed_in_is_used_and_not_closed(fake: FakeHighLevel) -> None:
    async with aiohttp.ClientSession() as session:
        async with ghl.Client(token=fake.token, base_url=fake.url, session=session) as client:
            await client.messages.get(fake.dataset.message_id(0))
        assert not session.closed
        async with session.get(f"{fake.url}/conversations/messages/x") as response:
            assert response.status == 401  # still usable after the client closed


async def test_the_own_session_is_created_lazily_and_closed(fake: FakeHighLevel) -> None:
    client = ghl.Client(token=fake.token, base_url=fake.url)
    transport = client.transport
    assert isinstance(transport, ghl.AiohttpTransport)
    stats = [transport.stats]  # nothing bound to a loop before the first call
    await client.messages.get(fake.dataset.message_id(0))
    stats.append(transport.stats)
    await client.aclose()
    stats.append(transport.stats)
    assert [s.session_open for s in stats] == [False, True, False]


def test_pool_limit_is_refused_where_the_pool_is_the_callers() -> None:
    with pytest.raises(ValueError, match="pool_limit"):
        ghl.Client(token="pit-x", transport=ghl.MockTransport(ghl.Response.from_json), pool_limit=5)
    with pytest.raises(ValueError, match="pool_limit"):
        ghl.Client(token="pit-x", session=object(), pool_limit=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pool_limit"):
        ghl.Client(token="pit-x", pool_limit=-1)


async def test_pool_limit_bounds_the_own_pool(fake: FakeHighLevel) -> None:
    async with fake.client(pool_limit=2, clock=ghl.SystemClock()) as client:
        ids = [fake.dataset.message_id(i) for i in range(12)]
        got = await asyncio.gather(*(client.messages.get(i) for i in ids))
        transport = client.transport
        assert isinstance(transport, ghl.AiohttpTransport)
        assert [m.id for m in got] == ids
        assert 1 <= transport.stats.connections_opened <= 2


async def test_views_share_the_pool_and_close_nothing(fake: FakeHighLevel) -> None:
    async with fake.client() as client:
        view = client.for_location(fake.location_id).with_options(timeout=5, max_retries=0)
        await view.messages.get(fake.dataset.message_id(0))
        await view.aclose()
        await client.messages.get(fake.dataset.message_id(1))  # the pool is still open
        assert view.transport is client.transport
        assert "location=" in repr(view)


async def test_every_request_carries_the_required_headers(fake: FakeHighLevel) -> None:
    async with fake.client(user_agent="my-app/2") as client:
        await client.messages.get(fake.dataset.message_id(0))
    headers = fake.requests[-1].headers
    assert headers["Version"] == "2021-04-15"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith(f"ghl-conversations/{ghl.__version__}")
    assert headers["User-Agent"].endswith("my-app/2")
    assert headers["Authorization"] == f"Bearer {fake.token}"


def test_bad_client_options_fail_fast() -> None:
    with pytest.raises(ValueError, match="timeout"):
        ghl.Client(token="pit-x", timeout=-1)
    with pytest.raises(ValueError, match="max_retries"):
        ghl.Client(token="pit-x", max_retries=-2)
    with pytest.raises(ValueError, match="base_url"):
        ghl.Client(token="pit-x", base_url="ftp://example.test")
    with pytest.raises(ValueError, match="location_id"):
        ghl.Client(token="pit-x").for_location("")
