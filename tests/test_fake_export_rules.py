"""The fake's export refuses what HighLevel refuses, with HighLevel's answers, and filters the
way it does (in either order)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
import pytest_asyncio

import ghl_conversations as ghl
from ghl_conversations._operations import EXPORT_CHANNELS, EXPORT_PAGE_LIMITS
from ghl_conversations.testing import FakeHighLevel, ManualClock


@pytest_asyncio.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeHighLevel]:
    async with FakeHighLevel(
        messages=400, locations={"otherLocation00000001": 50}, clock=clock, rate_limit=10**6
    ) as server:
        yield server


@pytest_asyncio.fixture
async def raw(fake: FakeHighLevel) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {fake.token}", "Version": "2021-04-15", "User-Agent": "t"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


async def export(raw: aiohttp.ClientSession, fake: FakeHighLevel, **params: str) -> tuple[int, Any]:
    query = {"locationId": fake.location_id, **params}
    async with raw.get(f"{fake.url}/conversations/messages/export", params=query) as response:
        return response.status, await response.json()


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"limit": str(EXPORT_PAGE_LIMITS[0] - 1)}, 422, "limit"),
        ({"limit": str(EXPORT_PAGE_LIMITS[1] + 1)}, 422, "limit"),
        ({"limit": "ten"}, 422, "limit"),
        ({"channel": "Pigeon"}, 422, "channel"),
        ({"sortBy": "id"}, 422, "sortBy"),
        ({"sortOrder": "up"}, 422, "sortOrder"),
        ({"startDate": "yesterday"}, 400, "startDate"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"locationId": ""}, 422, "locationId"),
        ({"locationId": "noSuchLocation000001"}, 403, "access"),
    ],
)
async def test_bad_requests_get_highlevels_answers(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, params: dict[str, str], status: int, says: str
) -> None:
    got, body = await export(raw, fake, **params)
    assert got == status and body["statusCode"] == status
    assert says.lower() in str(body["message"]).lower()


async def test_the_page_limits_are_the_sdks(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    for limit in EXPORT_PAGE_LIMITS:
        status, page = await export(raw, fake, limit=str(limit))
        assert status == 200 and len(page["messages"]) == min(limit, 400)


async def test_a_cursor_belongs_to_its_location(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    _, page = await export(raw, fake, limit="10")
    status, body = await export(
        raw, fake, locationId="otherLocation00000001", cursor=page["nextCursor"]
    )
    assert status == 400 and "location" in body["message"]
    forged = base64.urlsafe_b64encode(
        orjson.dumps({"pitId": "nope", "lastSort": [0], "lastId": 0})
    ).decode()
    status, body = await export(raw, fake, cursor=forged)
    assert (
        status == 400 and body["message"] == "Cursor has expired or is invalid. Start a new export."
    )


@pytest.mark.parametrize("sort_by", ["createdAt", "updatedAt"])
async def test_filters_hold_in_either_order(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, sort_by: str
) -> None:
    data = fake.dataset
    conversation = data.conversation_id(3)
    fake.edit_message(data.message_id(3), date_updated=data.end_ms + 10)  # in conversation 3
    for channel in EXPORT_CHANNELS:
        status, page = await export(raw, fake, channel=channel, sortBy=sort_by, limit="500")
        assert status == 200 and page["total"] == len(page["messages"])
        kinds = {m["messageType"] for m in page["messages"]}
        assert all(channel.upper() in kind for kind in kinds), (channel, kinds)
    status, page = await export(
        raw, fake, conversationId=conversation, sortBy=sort_by, sortOrder="asc", limit="500"
    )
    assert {m["conversationId"] for m in page["messages"]} == {conversation}
    assert page["total"] == len(page["messages"]) == 400 // data.conversations
    status, page = await export(
        raw, fake, contactId=data.contact_id(3), conversationId=data.conversation_id(4)
    )
    assert status == 200 and page["messages"] == [] and page["total"] == 0


async def test_the_sdk_reads_an_updated_at_export_whole(fake: FakeHighLevel) -> None:
    data = fake.dataset
    moved = [data.message_id(i) for i in (10, 20, 30)]
    for k, message_id in enumerate(moved):
        fake.edit_message(message_id, status="read", date_updated=data.end_ms + 1_000 + k)
    async with fake.client() as client:
        export = client.messages.export(
            fake.location_id, sort_by="updatedAt", sort_order="asc", limit=50
        )
        messages = [m async for m in export]
    assert len(messages) == 400 == len({m.id for m in messages})
    by_id = {m.id: m for m in messages}
    assert all(isinstance(by_id[i], ghl.Message) and by_id[i].status == "read" for i in moved)
    for message_id in moved:
        updated, added = by_id[message_id].date_updated, by_id[message_id].date_added
        assert updated is not None and added is not None and updated > added
