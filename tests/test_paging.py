"""lastMessageId paging (nested and flat pages) and startAfterDate search paging."""

from __future__ import annotations

import re

import pytest
from aioresponses import aioresponses

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, ManualClock


def conversation_ids(fake: FakeHighLevel, conv: int) -> list[str]:
    dataset = fake.dataset
    return [
        dataset.message_id(i)
        for i in range(dataset.count - 1, -1, -1)
        if i % dataset.conversations == conv
    ]


@pytest.mark.parametrize("nested", [True, False])
async def test_conversation_messages_follow_last_message_id(
    clock: ManualClock, nested: bool
) -> None:
    async with (
        FakeHighLevel(
            messages=3_000, conversations=10, clock=clock, nested_messages_page=nested
        ) as fake,
        fake.client() as client,
    ):
        conversation_id = fake.dataset.conversation_id(7)
        ids = [m.id async for m in client.conversations.messages(conversation_id, limit=40)]
        assert ids == conversation_ids(fake, 7)
        pages = [r for r in fake.requests if r.path.endswith("/messages")]
        assert len(pages) == -(-len(ids) // 40)
        assert "lastMessageId" not in pages[0].query
        assert pages[1].query["lastMessageId"] == ids[39]


async def test_conversation_messages_with_a_type_filter_and_max_items(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    conversation_id = fake.dataset.conversation_id(1)
    messages = [
        m
        async for m in fake_client.conversations.messages(
            conversation_id, types=["TYPE_SMS", "TYPE_CALL"], limit=5, max_items=7
        )
    ]
    assert len(messages) == 7
    assert {m.message_type for m in messages} <= {"TYPE_SMS", "TYPE_CALL"}
    assert fake.requests[-1].query["type"] == "TYPE_SMS,TYPE_CALL"


async def test_a_server_repeating_last_message_id_raises_instead_of_looping(
    mocked: aioresponses, client: ghl.Client
) -> None:
    page = {
        "messages": {
            "lastMessageId": "same",
            "nextPage": True,
            "messages": [{"id": "same", "body": "x"}],
        }
    }
    mocked.get(re.compile(".*"), payload=page, repeat=True)
    seen = []
    with pytest.raises(ghl.GHLError, match="twice"):
        async for message in client.conversations.messages("cv1", limit=1):
            seen.append(message.id)
    assert len(seen) == 2
    assert sum(len(v) for v in mocked.requests.values()) == 2


async def test_search_pages_by_start_after_date_and_stops_without_an_empty_call(
    clock: ManualClock,
) -> None:
    async with FakeHighLevel(messages=2_000, conversations=95, clock=clock) as fake:
        async with fake.client() as client:
            search = client.conversations.search(fake.location_id, limit=20)
            conversations = [c async for c in search]
            assert len(conversations) == 95 == search.total
            assert len({c.id for c in conversations}) == 95
            dates = [c.last_message_date for c in conversations]
            assert dates == sorted(dates, reverse=True)  # type: ignore[type-var,unused-ignore]
            calls = [r for r in fake.requests if r.path == "/conversations/search"]
            assert len(calls) == 5  # 20+20+20+20+15: no sixth, empty request
            assert calls[1].query["startAfterDate"] == str(conversations[19].sort[0])  # type: ignore[index,unused-ignore]


async def test_search_filters_reach_the_server(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    unread = [c async for c in fake_client.conversations.search(fake.location_id, status="unread")]
    assert unread and all(c.unread_count for c in unread)
    assert fake.requests[-1].query["status"] == "unread"


async def test_search_page_size_and_iterator_pages(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    search = fake_client.conversations.search(fake.location_id, limit=10, max_items=25)
    pages = [p async for p in search.pages()]
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert pages[0].total == fake.dataset.conversations
