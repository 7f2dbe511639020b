"""Every public iterator is one pass: each item once however anext, async for and pages() mix."""

from __future__ import annotations

from typing import Any

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel

from .test_export import all_ids


async def _mixed(iterator: Any, first_by_anext: int) -> list[str]:
    """Take some items with anext, then a page, then the rest with async for."""
    ids = [(await anext(iterator)).id for _ in range(first_by_anext)]
    page = await anext(aiter(iterator.pages()))
    ids += [item.id for item in page.items]
    ids += [item.id async for item in iterator]
    return ids


async def test_search_mixing_anext_and_async_for_yields_each_conversation_once(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    search = fake_client.conversations.search(fake.location_id, limit=20)
    first = await anext(search)
    rest = [c.id async for c in search]
    ids = [first.id, *rest]
    assert len(ids) == len(set(ids)) == search.total == fake.dataset.conversations
    assert search.yielded == len(ids)
    assert [c async for c in search] == []  # the pass is over: no second run from the start


@pytest.mark.parametrize("first_by_anext", [1, 7, 100, 101])
async def test_export_mixing_anext_pages_and_async_for(
    fake: FakeHighLevel, fake_client: ghl.Client, first_by_anext: int
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100)
    ids = await _mixed(export, first_by_anext)
    assert ids == all_ids(fake)
    assert export.yielded == len(ids)
    assert export.done


async def test_conversation_messages_mixing_yields_each_message_once(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    conversation = fake.dataset.conversation_id(2)
    expected = [m.id async for m in fake_client.conversations.messages(conversation, limit=10)]
    iterator = fake_client.conversations.messages(conversation, limit=10)
    assert await _mixed(iterator, 3) == expected


async def test_raw_export_yields_the_wire_dicts_and_shares_the_pass(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100)
    model = await anext(export)
    raw = export.raw()
    dicts = [await anext(raw) for _ in range(150)]
    rest = [m.id async for m in export]
    ids = [model.id, *(d["id"] for d in dicts), *rest]
    assert ids == all_ids(fake)
    assert all(type(d) is dict for d in dicts)
    # Exactly as sent: what the fake serves for that message, byte for byte once encoded.
    served = {m["id"]: m for m in [fake.dataset.generate(i) for i in range(fake.dataset.count)]}
    assert all(d == served[d["id"]] for d in dicts)
    assert ghl.to_dict(model) == served[model.id]
    assert export.yielded == len(ids) and export.done


async def test_raw_pages_and_raw_search(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100, max_items=250)
    pages = [p async for p in export.raw().pages()]
    assert [len(p.items) for p in pages] == [100, 100, 50]
    assert [m["id"] for p in pages for m in p.items] == all_ids(fake)[:250]
    assert export.checkpoint["yielded"] == 250 == export.yielded

    search = fake_client.conversations.search(fake.location_id, limit=20).raw()
    conversations = [c async for c in search]
    assert len(conversations) == fake.dataset.conversations
    assert all(type(c) is dict and "id" in c for c in conversations)


async def test_max_items_counts_across_anext_and_pages(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100, max_items=130)
    first = [(await anext(export)).id for _ in range(30)]
    pages = [p async for p in export.pages()]
    assert [len(p.items) for p in pages] == [70, 30]
    assert first + [m.id for p in pages for m in p.items] == all_ids(fake)[:130]
    with pytest.raises(StopAsyncIteration):
        await anext(export)
    assert not export.done


async def test_aclose_stops_at_once_and_keeps_the_checkpoint(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100)
    taken = [(await anext(export)).id for _ in range(42)]
    checkpoint = export.checkpoint
    await export.aclose()
    with pytest.raises(StopAsyncIteration):
        await anext(export)
    assert [m async for m in export] == []
    assert export.checkpoint == checkpoint and export.yielded == 42
    rest = [m.id async for m in fake_client.messages.export(fake.location_id, resume=checkpoint)]
    assert taken + rest == all_ids(fake)
