"""The attempt loop, run on ``ghl.MockTransport`` with a manual clock: every wait is pinned."""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable, Iterable, Mapping

import pytest

import ghl_conversations as ghl

TOKEN = "pit-pipeline-secret-0123"
MESSAGE = {"message": {"id": "m1", "body": "hello"}}
OK = ghl.Response.from_json(MESSAGE)


def scripted(answers: Iterable[ghl.Response]) -> ghl.MockTransport:
    """Answers in order; every request after the script gets a 200 with ``MESSAGE``."""
    queue = list(answers)
    return ghl.MockTransport(lambda _request: queue.pop(0) if queue else OK)


def error(status: int, message: str = "", headers: Mapping[str, str] | None = None) -> ghl.Response:
    return ghl.Response.from_json(
        {"statusCode": status, "message": message}, status=status, headers=headers
    )


def client_for(transport: ghl.Transport, clock: ghl.ManualClock, **options: object) -> ghl.Client:
    options.setdefault("retry", ghl.RetryPolicy(jitter=0.0))
    return ghl.Client(token=TOKEN, transport=transport, clock=clock, **options)  # type: ignore[arg-type]


async def test_backoff_waits_are_exactly_the_policys(clock: ghl.ManualClock) -> None:
    transport = scripted([error(502), error(503), error(500)])
    async with client_for(transport, clock) as client:
        message = await client.messages.get("m1")
    assert message.id == "m1" and len(transport.requests) == 4
    assert clock.slept == [0.5, 1.0, 2.0]


async def test_the_retry_budget_ends_with_the_last_error(clock: ghl.ManualClock) -> None:
    transport = scripted([error(502)] * 5)
    async with client_for(transport, clock, max_retries=2) as client:
        with pytest.raises(ghl.ServerError):
            await client.messages.get("m1")
    assert len(transport.requests) == 3 and clock.slept == [0.5, 1.0]


async def test_a_429_with_retry_after_1_waits_one_second_in_all_and_says_so(
    clock: ghl.ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ghl_conversations")
    full = {
        "Retry-After": "1",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Interval-Milliseconds": "10000",
    }
    transport = scripted([error(429, "Too many requests", full)])
    async with client_for(transport, clock) as client:
        held: list[float | int | None] = []
        retries: list[ghl.RetryEvent] = []
        client.hooks.on_retry.append(retries.append)
        client.hooks.on_retry.append(
            lambda _e: held.append(client.rate_limit_snapshot()["paused_for"])
        )
        started = clock.monotonic()
        await client.messages.get("m1")
        elapsed = clock.monotonic() - started
    assert elapsed == 1.0 and clock.slept == [1.0]
    assert [r.delay for r in retries] == [1.0]
    assert held == [1.0], "the whole bucket is held exactly as long as the retry waits"
    assert any("in 1.00s" in r.getMessage() for r in caplog.records)


async def test_a_retry_after_http_date_is_read_with_the_clients_clock(
    clock: ghl.ManualClock,
) -> None:
    when = email.utils.formatdate(clock.time() + 30, usegmt=True)
    transport = scripted([error(429, headers={"Retry-After": when})])
    async with client_for(transport, clock) as client:
        await client.messages.get("m1")
    assert clock.slept == [30.0]


async def test_a_junk_retry_after_falls_back_to_the_rate_window(clock: ghl.ManualClock) -> None:
    headers = {"Retry-After": "whenever", "X-RateLimit-Interval-Milliseconds": "2000"}
    transport = scripted([error(429, headers=headers)])
    async with client_for(transport, clock) as client:
        await client.messages.get("m1")
    assert clock.slept == [2.0]


async def test_a_retry_after_over_the_cap_is_raised_at_once(clock: ghl.ManualClock) -> None:
    transport = scripted([error(429, headers={"Retry-After": "3600"})])
    async with client_for(transport, clock, max_retries=5) as client:
        with pytest.raises(ghl.RateLimitError) as caught:
            await client.messages.get("m1")
    assert caught.value.retry_after == 3600
    assert caught.value.resets_at is not None
    assert caught.value.resets_at.timestamp() == clock.time() + 3600
    assert clock.slept == [] and len(transport.requests) == 1


async def test_a_spent_daily_budget_is_refused_locally_or_waited_out(
    clock: ghl.ManualClock,
) -> None:
    spent = {"X-RateLimit-Daily-Remaining": "0"}
    to_midnight = 86_400 - clock.time() % 86_400
    transport = scripted([ghl.Response.from_json(MESSAGE, headers=spent)])
    async with client_for(transport, clock) as client:
        await client.messages.get("m1")
        with pytest.raises(ghl.RateLimitError, match="daily") as caught:
            await client.messages.get("m1")
    assert caught.value.retry_after == to_midnight and len(transport.requests) == 1
    assert caught.value.resets_at is not None and caught.value.resets_at.hour == 0

    transport = scripted([ghl.Response.from_json(MESSAGE, headers=spent)])
    waiting = ghl.RateLimitConfig(wait_for_daily=True)
    async with client_for(transport, clock, rate_limit=waiting) as client:
        waits: list[ghl.RateLimitWaitEvent] = []
        client.hooks.on_rate_limit_wait.append(waits.append)
        await client.messages.get("m1")
        before = clock.time()
        await client.messages.get("m1")
    assert len(transport.requests) == 2
    assert clock.slept[-1] == 86_400 - before % 86_400
    assert clock.time() % 86_400 == 0  # the second call went out at UTC midnight
    assert [w.seconds for w in waits] == [clock.slept[-1]]


async def test_calls_with_and_without_a_location_share_a_static_tokens_budget(
    clock: ghl.ManualClock,
) -> None:
    transport = scripted([])
    pacing = ghl.RateLimitConfig(max_requests=3, interval=10.0, reserve=1, margin=0.0)
    async with client_for(transport, clock, rate_limit=pacing) as client:
        waits: list[ghl.RateLimitWaitEvent] = []
        client.hooks.on_rate_limit_wait.append(waits.append)
        located = client.for_location("loc1")
        await client.messages.get("m1")  # names no location
        await located.messages.get("m1")
        assert not waits
        await client.messages.get("m1")  # the third start in 10 s must wait
    assert waits and sum(w.seconds for w in waits) == 10.0
    assert client.rate_limit_snapshot() == located.rate_limit_snapshot()


class RotatingToken:
    """A provider whose tokens expire on demand (a stand-in for OAuth)."""

    def __init__(self) -> None:
        self.current = "at-1"
        self.refreshes = 0

    async def get_token(self, location_id: str | None) -> str:
        return self.current

    async def invalidate(self, location_id: str | None, token: str) -> bool:
        self.refreshes += 1
        self.current = f"at-{self.refreshes + 1}"
        return True

    def bucket_key(self, location_id: str | None) -> object:
        return "rotating"


async def test_a_refresh_does_not_use_up_a_retry(clock: ghl.ManualClock) -> None:
    transport = scripted([error(401, "Invalid JWT"), error(502)])
    provider = RotatingToken()
    async with ghl.Client(
        token=provider, transport=transport, clock=clock, max_retries=1
    ) as client:
        await client.messages.get("m1")
    assert provider.refreshes == 1
    auth = [r.headers["Authorization"] for r in transport.requests]
    assert auth == ["Bearer at-1", "Bearer at-2", "Bearer at-2"]


async def test_a_second_expired_token_answer_is_raised(clock: ghl.ManualClock) -> None:
    transport = scripted([error(401, "Invalid JWT"), error(401, "Invalid JWT")])
    provider = RotatingToken()
    async with ghl.Client(token=provider, transport=transport, clock=clock) as client:
        with pytest.raises(ghl.AuthenticationError):
            await client.messages.get("m1")
    assert provider.refreshes == 1 and len(transport.requests) == 2


def redirect(status: int = 302) -> ghl.Response:
    return ghl.Response(status, {"Location": "https://elsewhere.test/"}, b"<a>moved</a>" * 100)


async def test_a_redirect_is_no_answer_retried_for_reads(clock: ghl.ManualClock) -> None:
    transport = scripted([redirect(), redirect(301)])
    async with client_for(transport, clock) as client:
        assert (await client.messages.get("m1")).id == "m1"
    assert len(transport.requests) == 3
    assert all(r.url.startswith(ghl.DEFAULT_BASE_URL) for r in transport.requests)


async def test_a_redirect_answering_a_write_is_raised_at_once(clock: ghl.ManualClock) -> None:
    transport = scripted([redirect()])
    async with client_for(transport, clock) as client:
        with pytest.raises(ghl.APIResponseValidationError) as caught:
            await client.messages.send(type="SMS", contact_id="c1", message="once")
    assert len(transport.requests) == 1
    error = caught.value
    assert error.status == 302 and error.operation == "send-a-new-message"
    assert len(error.excerpt) <= 200
    assert TOKEN not in str(error) + repr(error) + repr(vars(error))


def handler_seeing(seen: list[ghl.Request]) -> Callable[[ghl.Request], ghl.Response]:
    def handler(request: ghl.Request) -> ghl.Response:
        seen.append(request)
        return OK

    return handler


async def test_a_closed_transport_answer_is_never_retried_into_a_new_session(
    clock: ghl.ManualClock,
) -> None:
    seen: list[ghl.Request] = []
    async with client_for(ghl.MockTransport(handler_seeing(seen)), clock) as client:
        await client.messages.get("m1")
    with pytest.raises(ghl.ClientClosedError):
        await client.messages.get("m1")
    assert len(seen) == 1 and client.closed
