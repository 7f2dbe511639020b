"""A hostile or broken server never ends, truncates or loops an export or a paging iterator.

End to end against the fake's fault knobs: every fault either is recovered from exactly, or
raises a typed error after a bounded number of requests, with a checkpoint that then resumes
exactly once the server is healthy again.
"""

from __future__ import annotations

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, Fault, ManualClock

from .test_export import all_ids, sdk_tasks, settle

EXPORT = r"/export$"


def export_requests(fake: FakeHighLevel) -> int:
    return sum(1 for r in fake.requests if r.path.endswith("/export"))


@pytest.mark.parametrize(
    "fault",
    [
        Fault("empty_body", path=EXPORT),
        Fault("truncated_body", path=EXPORT),
        Fault("html_200", path=EXPORT),
        Fault("redirect", path=EXPORT),
        Fault("malformed_field", path=EXPORT, field="messages", value="oops"),
        Fault("malformed_field", path=EXPORT, field="messages", value=[1, 2]),
        Fault("malformed_field", path=EXPORT, field="dateAdded"),
        Fault("malformed_field", path=EXPORT, field="nextCursor", value=42),
    ],
    ids=lambda f: f"{f.kind}-{f.field}-{f.value}" if f.kind == "malformed_field" else f.kind,
)
@pytest.mark.parametrize("raw", [False, True], ids=["models", "raw"])
async def test_an_invalid_page_raises_and_the_checkpoint_resumes_exactly(
    fake: FakeHighLevel, fake_client: ghl.Client, fault: Fault, raw: bool
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100)
    items = export.raw() if raw else export
    ids: list[str] = []
    with pytest.raises(ghl.APIResponseValidationError) as caught:
        async for message in items:
            ids.append(message["id"] if isinstance(message, dict) else message.id)
            if len(ids) == 250:
                fake.faults.always(fault)
    assert caught.value.operation == "export-messages-by-location"
    assert not export.done
    assert ids == all_ids(fake)[: len(ids)]
    assert export.checkpoint["yielded"] == len(ids) == export.yielded
    with pytest.raises(ghl.APIResponseValidationError):  # it does not end later as if done
        await anext(export)

    fake.faults.clear()
    rest = [
        m.id async for m in fake_client.messages.export(fake.location_id, resume=export.checkpoint)
    ]
    assert ids + rest == all_ids(fake)


async def test_a_one_off_empty_body_is_retried_and_the_export_is_exact(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.script(*[Fault("empty_body", path=EXPORT)] * 2)
    ids = [m.id async for m in fake_client.messages.export(fake.location_id, limit=100)]
    assert ids == all_ids(fake)


async def test_a_stuck_cursor_raises_no_progress_after_a_few_requests(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.always(Fault("stuck_cursor", path=EXPORT))
    export = fake_client.messages.export(fake.location_id, limit=100)
    ids: list[str] = []
    with pytest.raises(ghl.NoProgressError, match="nothing new") as caught:
        async for message in export:
            ids.append(message.id)
    assert "cursor" in str(caught.value)
    assert ids == all_ids(fake)[: len(ids)]  # no message twice, none skipped
    assert export_requests(fake) <= 2 + ghl_max_idle()


def ghl_max_idle() -> int:
    from ghl_conversations._pagination import MAX_IDLE_ANSWERS

    return MAX_IDLE_ANSWERS


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_always_expired_cursors_sorted_by_creation_still_export_exactly(
    fake: FakeHighLevel, fake_client: ghl.Client, concurrency: int
) -> None:
    """Every cursor is rejected, but a new cursor narrowed to what is left moves on: exact."""
    fake.faults.always("always_expired_cursor")
    export = fake_client.messages.export(fake.location_id, limit=20, concurrency=concurrency)
    ids = [m.id async for m in export]
    assert sorted(ids) == sorted(all_ids(fake)) and len(ids) == len(set(ids))
    assert export.recoveries >= 1_000 // 20 - 12  # a new cursor for almost every page


async def test_always_expired_cursors_sorted_by_update_raise_no_progress(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    """Sorted by updatedAt a new cursor starts over: the same first page each time."""
    fake.faults.always("always_expired_cursor")
    export = fake_client.messages.export(fake.location_id, limit=100, sort_by="updatedAt")
    ids: list[str] = []
    with pytest.raises(ghl.NoProgressError, match="reopened"):
        async for message in export:
            ids.append(message.id)
    assert len(ids) == 100
    assert export_requests(fake) <= 2 * ghl_max_idle() + 1


async def test_stuck_last_message_id_and_search_raise_no_progress(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.always("stuck_cursor")
    conversation = fake.dataset.conversation_id(1)
    seen: list[str] = []
    with pytest.raises(ghl.NoProgressError):
        async for message in fake_client.conversations.messages(conversation, limit=10):
            seen.append(message.id)
    assert len([r for r in fake.requests if r.path.endswith("/messages")]) <= 2 + ghl_max_idle()

    found: list[str] = []
    with pytest.raises(ghl.NoProgressError):
        async for conversation_found in fake_client.conversations.search(
            fake.location_id, limit=10
        ):
            found.append(conversation_found.id)
    searches = [r for r in fake.requests if r.path == "/conversations/search"]
    assert len(searches) <= 2 + ghl_max_idle()


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_closing_the_client_stops_a_running_export(
    clock: ManualClock, concurrency: int
) -> None:
    async with FakeHighLevel(messages=3_000, seed=2, clock=clock) as fake:
        client = fake.client()
        before = sdk_tasks()
        export = client.messages.export(fake.location_id, limit=50, concurrency=concurrency)
        taken = 0
        with pytest.raises(ghl.ClientClosedError):
            async for _ in export:
                taken += 1
                if taken == 120:
                    await client.aclose()
        assert taken < 120 + 50 * (concurrency + 2)  # at most what was already fetched
        assert not export.done
        assert await settle(before) == set()
        transport = client.transport
        assert isinstance(transport, ghl.AiohttpTransport)
        assert transport.stats.in_flight == 0  # nothing left running or checked out
        requests_then = fake.request_count
        await clock.sleep(1.0)  # a straggler, if any, would have arrived by now
        assert fake.request_count == requests_then


async def test_closing_the_client_stops_conversation_and_search_iterators(
    clock: ManualClock,
) -> None:
    async with FakeHighLevel(messages=2_000, conversations=50, seed=4, clock=clock) as fake:
        client = fake.client()
        messages = client.conversations.messages(fake.dataset.conversation_id(3), limit=10)
        search = client.conversations.search(fake.location_id, limit=10)
        await anext(messages)
        await anext(search)
        await client.aclose()
        for iterator in (messages, search):
            with pytest.raises(ghl.ClientClosedError):
                async for _ in iterator:
                    pass
