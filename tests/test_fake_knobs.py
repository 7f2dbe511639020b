"""Each knob of the fake server does what it says (seen with a plain aiohttp client)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from ghl_conversations.testing import FakeHighLevel, Fault, ManualClock
from ghl_conversations.testing._data import format_ms

from ._applied import watch_faults


@pytest_asyncio.fixture
async def raw(fake: FakeHighLevel) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {
        "Authorization": f"Bearer {fake.token}",
        "Version": "2021-04-15",
        "User-Agent": "knob-test",
    }
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


def message_url(fake: FakeHighLevel) -> str:
    return f"{fake.url}/conversations/messages/{fake.dataset.message_id(0)}"


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [
        (Fault("server_error"), 500, "application/json"),
        (Fault("bad_gateway"), 502, "text/html"),
        (Fault("unavailable"), 503, "application/json"),
        (Fault("rate_limit"), 429, "application/json"),
        (
            Fault("status", status=418, body={"statusCode": 418, "message": "teapot"}),
            418,
            "application/json",
        ),
    ],
    ids=["server_error", "bad_gateway", "unavailable", "rate_limit", "status"],
)
async def test_status_faults(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, fault: Fault, status: int, content_type: str
) -> None:
    fake.faults.script(fault)
    async with raw.get(message_url(fake)) as response:
        assert response.status == status
        assert response.content_type == content_type
        assert ("Retry-After" in response.headers) is False
    async with raw.get(message_url(fake)) as response:  # one request per scripted fault
        assert response.status == 200


async def test_rate_limit_fault_with_retry_after(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("rate_limit", retry_after=3))
    async with raw.get(message_url(fake)) as response:
        assert response.status == 429 and response.headers["Retry-After"] == "3"


async def test_reset_drops_the_connection(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    # Two: aiohttp itself re-sends a GET once when a connection drops before the response.
    fake.faults.script(Fault("reset"), Fault("reset"))
    with pytest.raises(aiohttp.ClientError):
        async with raw.get(message_url(fake)) as response:
            await response.read()


async def _status(raw: aiohttp.ClientSession, url: str) -> int:
    async with raw.get(url) as response:
        await response.read()
        return response.status


async def test_slow_holds_the_response(fake: FakeHighLevel, raw: aiohttp.ClientSession) -> None:
    fake.faults.script(Fault("slow", delay=1.0))
    reached = watch_faults(fake, 1)
    held = asyncio.create_task(_status(raw, message_url(fake)))
    await reached.wait()  # the slow request is inside the server
    # A request sent after it is answered first: the first one is held back.
    quick = asyncio.create_task(_status(raw, message_url(fake)))
    done, _ = await asyncio.wait({held, quick}, return_when=asyncio.FIRST_COMPLETED)
    assert done == {quick} and quick.result() == 200
    assert await held == 200


async def test_apply_then_error_applies_the_change(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("apply_then_error", method="POST"))
    body = {"type": "SMS", "contactId": fake.dataset.contact_id(0), "message": "applied"}
    async with raw.post(f"{fake.url}/conversations/messages", json=body) as response:
        assert response.status == 500
    assert [m["body"] for m in fake.dataset.added] == ["applied"]


async def test_faults_match_path_and_method(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.script(Fault("server_error", path="/export$", method="GET"))
    async with raw.get(message_url(fake)) as response:
        assert response.status == 200  # not the export: the fault waits
    async with raw.get(
        f"{fake.url}/conversations/messages/export", params={"locationId": fake.location_id}
    ) as response:
        assert response.status == 500


async def test_random_faults_follow_the_rate(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    fake.faults.randomly(0.5, "server_error", seed=1)
    statuses = []
    for _ in range(80):  # the non-faulted ones stay under the fake's 100-per-10-s limit
        async with raw.get(message_url(fake)) as response:
            statuses.append(response.status)
    assert 25 <= statuses.count(500) <= 55
    assert set(statuses) == {200, 500}
    fake.faults.clear()
    async with raw.get(message_url(fake)) as response:
        assert response.status == 200


async def test_latency_delays_every_request() -> None:
    async with (
        FakeHighLevel(messages=5, latency=0.5) as slow,
        slow.client() as slow_client,
        FakeHighLevel(messages=5) as quick,
        quick.client() as quick_client,
    ):
        delayed = {
            asyncio.create_task(slow_client.messages.get(slow.dataset.message_id(0)))
            for _ in range(5)
        }
        baseline = asyncio.create_task(quick_client.messages.get(quick.dataset.message_id(0)))
        # Sent after them, the same call to a fake without latency is answered first.
        done, _ = await asyncio.wait({*delayed, baseline}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {baseline}
        await asyncio.gather(*delayed)
    assert slow.request_count == 5


async def test_knobs_turned_while_the_fake_runs_take_effect(
    fake: FakeHighLevel, raw: aiohttp.ClientSession
) -> None:
    async with raw.get(message_url(fake)) as response:
        assert (await response.json())["message"]["id"] == fake.dataset.message_id(0)
    fake.wrap_get_message = False
    async with raw.get(message_url(fake)) as response:
        assert (await response.json())["id"] == fake.dataset.message_id(0)
    fake.rate_limit = 2
    async with raw.get(message_url(fake)) as response:
        assert response.status == 429 and response.headers["X-RateLimit-Max"] == "2"
    assert fake.rate_limited == 1 and fake.rate_limited_by_location == {fake.location_id: 1}


async def test_rate_limit_headers_and_429_without_retry_after() -> None:
    clock = ManualClock()
    async with FakeHighLevel(
        messages=5, clock=clock, rate_limit=2, rate_interval=1.0, retry_after_header=False
    ) as fake:
        headers = {
            "Authorization": f"Bearer {fake.token}",
            "Version": "2021-04-15",
            "User-Agent": "t",
        }
        async with aiohttp.ClientSession(headers=headers) as session:
            seen = []
            for _ in range(3):
                async with session.get(message_url(fake)) as response:
                    seen.append(
                        (
                            response.status,
                            response.headers.get("X-RateLimit-Remaining"),
                            response.headers.get("Retry-After"),
                        )
                    )
            assert seen == [(200, "1", None), (200, "0", None), (429, "0", None)]
            assert response.headers["X-RateLimit-Max"] == "2"
            assert response.headers["X-RateLimit-Interval-Milliseconds"] == "1000"
            clock.advance(1.01)
            async with session.get(message_url(fake)) as response:
                assert response.status == 200


async def test_the_export_cursor_dies_two_minutes_after_its_last_use(
    fake: FakeHighLevel, raw: aiohttp.ClientSession, clock: ManualClock
) -> None:
    url = f"{fake.url}/conversations/messages/export"
    params = {"locationId": fake.location_id, "limit": "10"}
    async with raw.get(url, params=params) as response:
        cursor = (await response.json())["nextCursor"]
    clock.advance(119)
    async with raw.get(url, params={**params, "cursor": cursor}) as response:
        assert response.status == 200
        cursor = (await response.json())["nextCursor"]
    clock.advance(121)
    async with raw.get(url, params={**params, "cursor": cursor}) as response:
        assert response.status == 400
        assert "cursor" in (await response.json())["message"].lower()


async def test_a_million_messages_are_served_lazily() -> None:
    # Generated on demand (how fast is measured in benchmarks/, not asserted here).
    async with FakeHighLevel(messages=1_000_000) as fake, fake.client() as client:
        page = await client.messages.export_page(fake.location_id, limit=500)
        last = fake.dataset.message_id(999_999)
        assert (await client.messages.get(last)).id == last
    assert page.total == 1_000_000 and len(page.messages) == 500
    assert page.messages[0].id == last  # newest first


@given(st.integers(min_value=0, max_value=4_102_444_800_000))
def test_the_fakes_fast_date_format_matches_highlevels_style(ms: int) -> None:
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=ms)
    assert format_ms(ms) == moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


async def test_the_app_can_be_served_by_your_own_server() -> None:
    from aiohttp.test_utils import TestClient, TestServer

    fake = FakeHighLevel(messages=3)
    headers = {"Authorization": f"Bearer {fake.token}", "Version": "2021-04-15", "User-Agent": "t"}
    async with TestClient(TestServer(fake.app())) as http:
        response = await http.get(
            f"/conversations/messages/{fake.dataset.message_id(2)}", headers=headers
        )
        assert response.status == 200
        assert (await response.json())["message"]["id"] == fake.dataset.message_id(2)
    assert fake.request_count == 1
