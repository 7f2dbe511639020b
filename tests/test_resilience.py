"""Retries, rate limits, timeouts, cancellation: the export job and the web backend stay safe."""

from __future__ import annotations

import asyncio
import logging

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, Fault, ManualClock

from ._applied import watch_faults


async def test_export_of_10000_messages_under_10_percent_faults_is_exact(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ghl_conversations")
    async with FakeHighLevel(messages=10_000, seed=11, clock=clock) as fake:
        fake.faults.randomly(
            0.10,
            "server_error",
            "bad_gateway",
            "unavailable",
            "reset",
            Fault("rate_limit", retry_after=2),
            seed=42,
        )
        async with fake.client() as client:
            retries: list[ghl.RetryEvent] = []
            client.hooks.on_retry.append(retries.append)
            ids = [m.id async for m in client.messages.export(fake.location_id, limit=100)]
    assert len(ids) == 10_000 == len(set(ids))
    assert set(ids) == {fake.dataset.message_id(i) for i in range(10_000)}
    kinds = {kind for _, _, kind in fake.faults.injected}
    assert {"server_error", "bad_gateway", "reset", "rate_limit"} <= kinds
    # Every non-reset fault cost one retry (aiohttp itself re-sends a GET once when a kept-alive
    # connection drops, so a reset may not reach the SDK's retry loop at all).
    assert len(retries) >= len([k for _, _, k in fake.faults.injected if k != "reset"])
    assert any("retry" in r.getMessage() for r in caplog.records)


async def test_a_send_applied_then_answered_500_goes_out_once_and_raises(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.script(Fault("apply_then_error", path="^/conversations/messages$", method="POST"))
    contact = fake.dataset.contact_id(9)
    with pytest.raises(ghl.ServerError):
        await fake_client.messages.send(type="SMS", contact_id=contact, message="only once")
    sends = [r for r in fake.requests if r.method == "POST" and r.path == "/conversations/messages"]
    assert len(sends) == 1
    stored = [m for m in fake.dataset.added if m["body"] == "only once"]
    assert len(stored) == 1


async def test_a_send_that_never_reached_the_server_is_retried(clock: ManualClock) -> None:
    attempts = 0

    class RefusingOnce(ghl.AiohttpTransport):
        async def send(self, request: ghl.Request) -> ghl.Response:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                raise ghl.APIConnectionError("connection refused", request_sent=False)
            return await super().send(request)

    async with FakeHighLevel(messages=10, clock=clock) as fake:
        async with fake.client(transport=RefusingOnce()) as client:
            sent = await client.messages.send(
                type="SMS", contact_id=fake.dataset.contact_id(0), message="hi"
            )
    assert sent.message_id and attempts == 2


async def test_a_send_whose_connection_dropped_is_not_retried(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.script(Fault("reset", path="^/conversations/messages$"))
    with pytest.raises(ghl.APIConnectionError) as caught:
        await fake_client.messages.send(
            type="SMS", contact_id=fake.dataset.contact_id(0), message="maybe"
        )
    assert caught.value.request_sent is True
    assert len([r for r in fake.requests if r.path == "/conversations/messages"]) == 1


async def test_a_rejected_send_429_is_retried_because_it_was_not_processed(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    fake.faults.script(Fault("rate_limit", path="^/conversations/messages$", retry_after=1))
    sent = await fake_client.messages.send(
        type="SMS", contact_id=fake.dataset.contact_id(0), message="after 429"
    )
    assert sent.message_id
    assert len([m for m in fake.dataset.added if m["body"] == "after 429"]) == 1


async def test_40_sequential_calls_against_10_per_second_see_at_most_one_429(
    clock: ManualClock,
) -> None:
    async with FakeHighLevel(messages=10, clock=clock, rate_limit=10, rate_interval=1.0) as fake:
        async with fake.client() as client:
            waits: list[ghl.RateLimitWaitEvent] = []
            client.hooks.on_rate_limit_wait.append(waits.append)
            for _ in range(40):
                await client.messages.get(fake.dataset.message_id(1))
    assert fake.rate_limited <= 1
    assert waits, "the client must have paced itself"


async def test_a_burst_of_300_concurrent_calls_queues_over_a_bounded_pool() -> None:
    # Real time (a manual clock would jump 1 s ahead while requests are still in flight), with a
    # 100-per-second budget: 300 calls must wait their turn instead of drawing 429s.
    async with FakeHighLevel(messages=50, rate_limit=100, rate_interval=1.0) as fake:
        async with fake.client(pool_limit=8) as client:
            waits: list[ghl.RateLimitWaitEvent] = []
            client.hooks.on_rate_limit_wait.append(waits.append)
            ids = [fake.dataset.message_id(i % 50) for i in range(300)]
            results = await asyncio.gather(*(client.messages.get(i) for i in ids))
            transport = client.transport
            assert isinstance(transport, ghl.AiohttpTransport)
            assert transport.connections_opened <= 8
    assert [m.id for m in results] == ids
    assert fake.rate_limited == 0
    assert waits, "the burst must have queued on the limiter"


async def test_retry_after_is_honoured_and_a_long_one_fails_fast(
    fake: FakeHighLevel, fake_client: ghl.Client, clock: ManualClock
) -> None:
    fake.faults.script(Fault("rate_limit", retry_after=7))
    await fake_client.messages.get(fake.dataset.message_id(0))
    assert 7 in clock.slept
    fake.faults.script(Fault("rate_limit", retry_after=3600))
    with pytest.raises(ghl.RateLimitError) as caught:
        await fake_client.messages.get(fake.dataset.message_id(0))
    assert caught.value.retry_after == 3600


async def test_a_spent_daily_budget_raises_with_the_reset_time(clock: ManualClock) -> None:
    async with FakeHighLevel(messages=10, clock=clock, daily_limit=3) as fake:
        async with fake.client() as client:
            for _ in range(3):
                await client.messages.get(fake.dataset.message_id(0))
            with pytest.raises(ghl.RateLimitError, match="daily") as caught:
                await client.messages.get(fake.dataset.message_id(0))
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 86_400
    assert fake.request_count == 3  # refused locally, nothing sent


async def test_timeouts_per_client_and_per_call(fake: FakeHighLevel) -> None:
    async with fake.client(timeout=0.2, max_retries=0, clock=ghl.SystemClock()) as client:
        fake.faults.script(Fault("slow", delay=1.0))
        with pytest.raises(ghl.APITimeoutError):
            await client.messages.get(fake.dataset.message_id(0))
        fake.faults.script(Fault("slow", delay=0.4))
        message = await client.with_options(timeout=5).messages.get(fake.dataset.message_id(0))
        assert message.id == fake.dataset.message_id(0)


async def test_cancelling_a_call_mid_flight_leaves_the_pool_healthy(fake: FakeHighLevel) -> None:
    async with fake.client(pool_limit=2, clock=ghl.SystemClock()) as client:
        fake.faults.script(Fault("slow", delay=2.0), Fault("slow", delay=2.0))
        both_held = watch_faults(fake, 2)  # both requests are being held by the server
        tasks = [
            asyncio.create_task(client.messages.get(fake.dataset.message_id(0))) for _ in range(2)
        ]
        await both_held.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert all(task.cancelled() for task in tasks)
        got = await client.messages.get(fake.dataset.message_id(1))
        assert got.id == fake.dataset.message_id(1)
        assert client.rate_limit_snapshot()["in_window"] == 3


async def test_update_status_retries_the_provider_not_ready_403(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    sent = await fake_client.messages.send(
        type="SMS", contact_id=fake.dataset.contact_id(0), message="x"
    )
    assert sent.message_id is not None
    body = {"statusCode": 403, "message": "No conversation provider found"}
    fake.faults.script(
        Fault("status", status=403, body=body, path="/status$"),
        Fault("status", status=403, body=body, path="/status$"),
    )
    result = await fake_client.messages.update_status(sent.message_id, "delivered")
    assert result.status == "delivered"


async def test_hooks_see_requests_responses_and_retries(
    fake: FakeHighLevel, fake_client: ghl.Client
) -> None:
    events: list[object] = []
    hooks = fake_client.hooks
    hooks.on_request.append(events.append)
    hooks.on_response.append(events.append)
    hooks.on_retry.append(events.append)
    hooks.on_response.append(lambda _e: 1 / 0)  # a broken hook must not break the call
    fake.faults.script(Fault("server_error"))
    await fake_client.messages.get(fake.dataset.message_id(0))
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["RequestEvent", "ResponseEvent", "RetryEvent", "RequestEvent", "ResponseEvent"]
    assert events[1].status == 500 and events[4].status == 200  # type: ignore[attr-defined]
