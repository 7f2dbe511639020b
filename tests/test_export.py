"""messages.export: every message exactly once, whatever the consumer does to the cursor."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Literal

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, ManualClock


def sdk_tasks() -> set[asyncio.Task[object]]:
    """Running tasks other than the fake server's own request handlers (same event loop)."""
    return {
        t
        for t in asyncio.all_tasks()
        if "RequestHandler" not in getattr(t.get_coro(), "__qualname__", "")
    }


async def settle(before: set[asyncio.Task[object]]) -> set[asyncio.Task[object]]:
    """Let an abandoned iterator's finaliser run (it is scheduled by the garbage collector)."""
    for _ in range(100):
        if sdk_tasks() <= before:
            break
        await asyncio.sleep(0.01)
    return sdk_tasks() - before


def all_ids(fake: FakeHighLevel, *, descending: bool = True) -> list[str]:
    """What a perfect export returns, computed from the fake's dataset, not through the SDK."""
    dataset = fake.dataset
    generated = [dataset.message_id(i) for i in range(dataset.count)]
    added = [m["id"] for m in dataset.added]
    ordered = generated + added
    return list(reversed(ordered)) if descending else ordered


async def test_full_export_yields_every_message_once_in_order(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100)
    ids = [m.id async for m in export]
    assert ids == all_ids(fake)
    assert export.total == fake.dataset.count
    assert export.done
    dates = [fake.dataset.date_ms(i) for i in range(fake.dataset.count)]
    assert len(set(dates)) < len(dates), "the dataset must contain timestamp ties"


async def test_ascending_export_with_a_channel_filter(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    dataset = fake.dataset
    expected = [dataset.message_id(i) for i in range(dataset.count) if dataset.kind(i)[2] == "SMS"]
    messages = [
        m
        async for m in fake_client.messages.export(
            fake.location_id, channel="SMS", sort_order="asc", limit=50
        )
    ]
    assert [m.id for m in messages] == expected
    assert all(m.message_type == ghl.MessageType.TYPE_SMS for m in messages)


async def test_a_consumer_pausing_past_expiry_many_times_gets_everything_once(
    fake: FakeHighLevel,
    fake_client: ghl.Client,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="ghl_conversations")
    export = fake_client.messages.export(fake.location_id, limit=100)
    ids: list[str] = []
    async for message in export:
        ids.append(message.id)
        if len(ids) % 150 == 0:
            clock.advance(125)  # a slow database write: the cursor dies meanwhile
    assert ids == all_ids(fake)
    assert export.recoveries >= 6
    assert any("reopening from the checkpoint" in r.getMessage() for r in caplog.records)


async def test_a_cursor_the_server_rejects_is_recovered_from(
    clock: ManualClock,
) -> None:
    # The server kills cursors after 30 s, although the SDK expects 120 s: the rejection is the
    # only signal, and the export must still be complete and duplicate-free.
    async with FakeHighLevel(messages=700, seed=5, clock=clock, cursor_ttl=30) as fake:
        async with fake.client() as client:
            export = client.messages.export(fake.location_id, limit=100)
            ids = []
            async for message in export:
                ids.append(message.id)
                if len(ids) % 100 == 50:
                    clock.advance(45)
            assert ids == all_ids(fake)
            assert export.recoveries >= 6
            rejected = [r for r in fake.requests if r.status == 400 and "cursor" in r.query]
            assert rejected


@pytest.mark.parametrize("pause_after", [1, 2, 3, 99, 100, 101])
async def test_ties_at_the_boundary_are_neither_lost_nor_repeated(
    fake: FakeHighLevel, fake_client: ghl.Client, clock: ManualClock, pause_after: int
) -> None:
    """Pairs of messages share a timestamp; pausing between the two is the hard case."""
    ids = []
    async for message in fake_client.messages.export(fake.location_id, limit=100):
        ids.append(message.id)
        if len(ids) == pause_after:
            clock.advance(300)
    assert ids == all_ids(fake)


async def test_resume_from_a_checkpoint_in_a_new_client(
    fake: FakeHighLevel, clock: ManualClock
) -> None:
    first: list[str] = []
    async with fake.client() as client:
        export = client.messages.export(fake.location_id, limit=100)
        async for message in export:
            first.append(message.id)
            if len(first) == 333:
                break
        saved = json.dumps(export.checkpoint)  # as a job would write it to disk
    assert json.loads(saved)["yielded"] == 333
    clock.advance(3600)  # the process died; an hour later a new one resumes
    async with fake.client() as client:
        resumed = client.messages.export(fake.location_id, limit=100, resume=saved)
        rest = [m.id async for m in resumed]
    assert first + rest == all_ids(fake)


async def test_resume_with_other_filters_is_refused(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100, max_items=10)
    [m async for m in export]
    with pytest.raises(ValueError, match="other filters"):
        fake_client.messages.export(fake.location_id, channel="SMS", resume=export.checkpoint)
    with pytest.raises(ValueError, match="checkpoint"):
        fake_client.messages.export(fake.location_id, resume={"kind": "search"})


async def test_max_items_and_pages(fake: FakeHighLevel, fake_client: ghl.Client) -> None:
    export = fake_client.messages.export(fake.location_id, limit=100, max_items=250)
    pages = [page async for page in export.pages()]
    assert [len(p.items) for p in pages] == [100, 100, 50]
    assert pages[0].total == fake.dataset.count and pages[0].next is not None
    assert [m.id for p in pages for m in p.items] == all_ids(fake)[:250]
    assert export.checkpoint["yielded"] == 250


async def test_breaking_out_early_leaves_nothing_running(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    before = sdk_tasks()
    for concurrency in (1, 4):
        async for _ in fake_client.messages.export(
            fake.location_id, limit=100, concurrency=concurrency
        ):
            break
        assert await settle(before) == set()
    transport = fake_client.transport
    assert isinstance(transport, ghl.AiohttpTransport)
    stats = transport.stats
    assert stats.session_open and stats.in_flight == 0  # no connection left checked out


async def test_async_with_closes_a_parallel_export_at_once(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    before = sdk_tasks()
    async with fake_client.messages.export(fake.location_id, limit=100, concurrency=3) as export:
        async for _ in export:
            break
    # Closed on exit: the readers are gone at once, not when the garbage collector gets to them.
    left = sdk_tasks() - before
    assert not [t for t in left if "_run_workers" in getattr(t.get_coro(), "__qualname__", "")]
    assert not [t for t in left if "worker" in t.get_name()]
    assert await settle(before) == set()


async def test_cancelling_the_consumer_stops_the_export(
    clock: ManualClock,
) -> None:
    async with FakeHighLevel(messages=2_000, clock=clock, latency=0.05) as fake:
        async with fake.client() as client:
            received: list[str] = []
            enough = asyncio.Event()

            async def consume() -> None:
                async with client.messages.export(
                    fake.location_id, limit=10, concurrency=2
                ) as export:
                    async for message in export:
                        received.append(message.id)
                        if len(received) == 15:
                            enough.set()

            before = sdk_tasks()
            task = asyncio.create_task(consume())
            await enough.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert await settle(before) == set()
            transport = client.transport
            assert isinstance(transport, ghl.AiohttpTransport)
            assert transport.stats.in_flight == 0  # no request left running or checked out
            requests_then = fake.request_count
            await clock.sleep(1.0)  # past the fake's latency: a straggler would have arrived
            assert fake.request_count == requests_then


@pytest.mark.parametrize("order", ["desc", "asc"])
async def test_parallel_export_yields_the_same_set_as_sequential(
    fake: FakeHighLevel, fake_client: ghl.Client, order: Literal["asc", "desc"]
) -> None:
    sequential = [
        m.id
        async for m in fake_client.messages.export(fake.location_id, limit=100, sort_order=order)
    ]
    export = fake_client.messages.export(
        fake.location_id, limit=50, sort_order=order, concurrency=4
    )
    parallel = [m.id async for m in export]
    assert len(parallel) == len(set(parallel))
    assert set(parallel) == set(sequential)
    assert len(export.checkpoint["windows"]) > 1


async def test_parallel_export_resumes_every_window(
    fake: FakeHighLevel, clock: ManualClock
) -> None:
    first: list[str] = []
    async with fake.client() as client:
        export = client.messages.export(fake.location_id, limit=20, concurrency=3)
        async for message in export:
            first.append(message.id)
            if len(first) == 400:
                break
        checkpoint = export.checkpoint
    clock.advance(600)
    async with fake.client() as client:
        rest = [
            m.id
            async for m in client.messages.export(
                fake.location_id, limit=20, concurrency=3, resume=checkpoint
            )
        ]
    combined = first + rest
    assert len(combined) == len(set(combined))
    assert set(combined) == set(all_ids(fake))


async def test_parallel_export_survives_pauses_past_expiry(
    fake: FakeHighLevel, fake_client: ghl.Client, clock: ManualClock
) -> None:
    ids = []
    async for message in fake_client.messages.export(fake.location_id, limit=25, concurrency=3):
        ids.append(message.id)
        if len(ids) % 200 == 0:
            clock.advance(130)
    assert sorted(ids) == sorted(all_ids(fake))


async def test_date_windows_and_messages_sent_during_the_export(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    dataset = fake.dataset
    import datetime as dt

    start = dt.datetime.fromtimestamp(dataset.date_ms(100) / 1000, tz=dt.UTC)
    end = dt.datetime.fromtimestamp(dataset.date_ms(199) / 1000, tz=dt.UTC)
    ids = [
        m.id
        async for m in fake_client.messages.export(
            fake.location_id, start_date=start, end_date=end, sort_order="asc", limit=10
        )
    ]
    assert ids == [dataset.message_id(i) for i in range(100, 200)]
