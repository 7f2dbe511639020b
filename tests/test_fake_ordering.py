"""``sortBy=updatedAt``, ``edit_message`` and ``add_message`` on the fake (raw HTTP reads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from ghl_conversations._dates import parse_wire_datetime
from ghl_conversations.testing import FakeHighLevel, ManualClock
from ghl_conversations.testing._data import format_ms


@pytest_asyncio.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeHighLevel]:
    """The shared fake's data with a rate limit these many-paged reads never reach."""
    async with FakeHighLevel(messages=1_000, seed=3, clock=clock, rate_limit=1_000_000) as server:
        yield server


@pytest_asyncio.fixture
async def raw(fake: FakeHighLevel) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {fake.token}", "Version": "2021-04-15", "User-Agent": "t"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


async def export_all(
    raw: aiohttp.ClientSession, fake: FakeHighLevel, location: str | None = None, **params: str
) -> list[dict[str, Any]]:
    url = f"{fake.url}/conversations/messages/export"
    query = {"locationId": location or fake.location_id, "limit": "500", **params}
    messages: list[dict[str, Any]] = []
    cursor = None
    while True:
        async with raw.get(url, params={**query, **({"cursor": cursor} if cursor else {})}) as r:
            assert r.status == 200, await r.text()
            page = await r.json()
        messages.extend(page["messages"])
        cursor = page["nextCursor"]
        if not cursor:
            return messages


def now_ms(fake: FakeHighLevel) -> int:
    return int(fake.clock.time() * 1000)


def when(value: str) -> dt.datetime:
    return parse_wire_datetime(value)


def by_updated(messages: list[dict[str, Any]]) -> list[dt.datetime]:
    return [when(m["dateUpdated"]) for m in messages]


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_updated_at_orders_by_date_updated(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, order: str
) -> None:
    old = [fake.dataset.message_id(i) for i in (5, 400, 777)]
    for k, message_id in enumerate(old):  # moved to the newest updates, in this order
        fake.edit_message(message_id, status="read", date_updated=now_ms(fake) - 10 + k)
    added = fake.add_message(body="fresh")
    messages = await export_all(raw, fake, sortBy="updatedAt", sortOrder=order)
    assert len(messages) == 1_001 and len({m["id"] for m in messages}) == 1_001
    dates = by_updated(messages)
    assert dates == sorted(dates, reverse=order == "desc")
    newest = [m["id"] for m in (messages[-4:] if order == "asc" else reversed(messages[:4]))]
    assert newest == [*old, added["id"]]
    assert {m["id"]: m["status"] for m in messages if m["id"] in old} == dict.fromkeys(old, "read")


async def test_updated_at_pages_resume_exactly_across_edits(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    # Many ties: every edited message gets the same dateUpdated, pages of 10 cut through them.
    moment = fake.dataset.end_ms + 1
    edited = [fake.dataset.message_id(i) for i in range(0, 1_000, 37)]
    for message_id in edited:
        fake.edit_message(message_id, date_updated=moment)
    for order in ("asc", "desc"):
        messages = await export_all(raw, fake, sortBy="updatedAt", sortOrder=order, limit="10")
        ids = [m["id"] for m in messages]
        assert len(ids) == 1_000 and len(set(ids)) == 1_000
        dates = by_updated(messages)
        assert dates == sorted(dates, reverse=order == "desc")


async def test_updated_at_filters_on_date_added(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    start, end = fake.dataset.date_ms(100), fake.dataset.date_ms(199)
    inside = fake.dataset.message_id(150)
    outside = fake.dataset.message_id(50)
    fake.edit_message(inside, date_updated=end + 3_600_000)  # updated after the range
    fake.edit_message(outside, date_updated=start + 1)  # updated inside, added before it
    messages = await export_all(
        raw, fake, sortBy="updatedAt", startDate=format_ms(start), endDate=format_ms(end)
    )
    ids = {m["id"] for m in messages}
    assert inside in ids and outside not in ids and len(ids) == 100
    assert all(start <= when(m["dateAdded"]).timestamp() * 1000 <= end for m in messages)


async def test_created_at_order_ignores_edits(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.edit_message(fake.dataset.message_id(3), date_updated=now_ms(fake))
    messages = await export_all(raw, fake, sortOrder="asc")
    assert [m["id"] for m in messages] == [fake.dataset.message_id(i) for i in range(1_000)]


async def test_every_message_is_updated_no_earlier_than_added(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.add_message(body="now")
    for message in await export_all(raw, fake):
        assert when(message["dateUpdated"]) >= when(message["dateAdded"])


async def test_edit_message_is_seen_by_every_read(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, clock: ManualClock
) -> None:
    message_id = fake.dataset.message_id(42)
    clock.advance(60)
    result = fake.edit_message(message_id, status="failed", body="edited body")
    assert result["status"] == "failed" and result["body"] == "edited body"
    expected_updated = when(result["dateUpdated"])
    assert abs(expected_updated.timestamp() - clock.time()) < 0.001
    async with raw.get(f"{fake.url}/conversations/messages/{message_id}") as r:
        got = (await r.json())["message"]
    conversation = got["conversationId"]
    async with raw.get(f"{fake.url}/conversations/{conversation}/messages?limit=100") as r:
        listed = [m for m in (await r.json())["messages"]["messages"] if m["id"] == message_id]
    exported = [m for m in await export_all(raw, fake) if m["id"] == message_id]
    for seen in (got, *listed, *exported):
        assert seen["status"] == "failed" and seen["body"] == "edited body"
        assert when(seen["dateUpdated"]) == expected_updated
    assert len(listed) == 1 and len(exported) == 1


async def test_edit_message_of_an_added_message(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, clock: ManualClock
) -> None:
    added = fake.add_message(body="first")
    clock.advance(30)
    fake.edit_message(added["id"], status="delivered")
    messages = await export_all(raw, fake, sortBy="updatedAt", sortOrder="desc", limit="10")
    assert messages[0]["id"] == added["id"] and messages[0]["status"] == "delivered"


async def test_edit_message_refuses_bad_input(fake: FakeHighLevel) -> None:
    with pytest.raises(KeyError):
        fake.edit_message("noSuchMessage0000000", status="read")
    with pytest.raises(ValueError, match="dateAdded"):
        fake.edit_message(fake.dataset.message_id(10), dateAdded="2020-01-01T00:00:00.000Z")
    with pytest.raises(ValueError, match="before"):
        fake.edit_message(fake.dataset.message_id(10), date_updated=fake.dataset.start_ms - 1)


async def test_the_status_route_moves_a_message_in_updated_order(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, clock: ManualClock
) -> None:
    message_id = fake.dataset.message_id(7)
    clock.advance(5)
    url = f"{fake.url}/conversations/messages/{message_id}/status"
    async with raw.put(url, json={"status": "read"}) as r:
        assert r.status == 200
    newest = (await export_all(raw, fake, sortBy="updatedAt", limit="10"))[0]
    assert newest["id"] == message_id and newest["status"] == "read"


async def test_add_message_with_several_locations(clock: ManualClock) -> None:
    async with FakeHighLevel(
        messages=20, locations={"other0000000000000001": 30}, clock=clock
    ) as fake:
        headers = {
            "Authorization": f"Bearer {fake.token}",
            "Version": "2021-04-15",
            "User-Agent": "t",
        }
        async with aiohttp.ClientSession(headers=headers) as raw:
            mine = fake.add_message(body="here")
            theirs = fake.add_message("other0000000000000001", body="there")
            old = fake.add_message(
                "other0000000000000001", body="old", dateAdded="2001-01-01T00:00:00.000Z"
            )
            here = await export_all(raw, fake)
            there = await export_all(raw, fake, "other0000000000000001", sortOrder="asc")
        assert mine["id"] in {m["id"] for m in here} and len(here) == 21
        assert there[0]["id"] == old["id"]  # dated by its dateAdded
        assert there[-1]["id"] == theirs["id"] and len(there) == 32
        assert theirs["conversationId"] == fake.datasets["other0000000000000001"].conversation_id(0)
        with pytest.raises(ValueError, match="locations"):
            fake.add_message("unknownLocation00000", body="x")
