"""Several locations on one fake: per-location tokens, revocation, rate budgets; fixed dates."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import aiohttp
import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, ManualClock

LOCATIONS = {f"fleetLocation{k:07d}": 50 for k in range(3)}
TOKENS = {location: f"pit-fleet-{k}" for k, location in enumerate(LOCATIONS)}


async def export_status(fake: FakeHighLevel, token: str, location: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Version": "2021-04-15", "User-Agent": "t"}
    async with (
        aiohttp.ClientSession(headers=headers) as session,
        session.get(
            f"{fake.url}/conversations/messages/export", params={"locationId": location}
        ) as response,
    ):
        return response.status, await response.json()


def fleet(clock: ManualClock, **options: Any) -> FakeHighLevel:
    return FakeHighLevel(messages=10, locations=LOCATIONS, tokens=TOKENS, clock=clock, **options)


async def test_a_location_token_opens_its_own_location_only(clock: ManualClock) -> None:
    async with fleet(clock) as fake:
        first, second = list(LOCATIONS)[:2]
        status, page = await export_status(fake, TOKENS[first], first)
        assert status == 200 and {m["locationId"] for m in page["messages"]} == {first}
        status, error = await export_status(fake, TOKENS[first], second)
        assert status == 403
        assert error["message"] == "The token does not have access to this location."
        status, error = await export_status(fake, "pit-nobody-knows", first)
        assert status == 401 and error["message"] == "Invalid JWT"
        status, _ = await export_status(fake, fake.token, second)  # the agency-wide token
        assert status == 200


async def test_a_location_token_cannot_read_another_locations_message(clock: ManualClock) -> None:
    async with fleet(clock) as fake:
        first, second = list(LOCATIONS)[:2]
        message = fake.datasets[second].message_id(0)
        headers = {
            "Authorization": f"Bearer {TOKENS[first]}",
            "Version": "2021-04-15",
            "User-Agent": "t",
        }
        async with aiohttp.ClientSession(headers=headers) as session:
            url = f"{fake.url}/conversations/messages/{message}"
            async with session.get(url) as response:
                assert response.status == 403
        headers["Authorization"] = f"Bearer {TOKENS[second]}"
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.get(url) as response:
                assert response.status == 200


async def test_revoking_one_token_fails_that_location_alone(clock: ManualClock) -> None:
    async with fleet(clock) as fake:
        second = list(LOCATIONS)[1]
        fake.revoke_token(TOKENS[second])
        statuses = [(await export_status(fake, TOKENS[loc], loc))[0] for loc in LOCATIONS]
        assert statuses == [200, 401, 200]
        fake.restore_token(TOKENS[second])
        assert (await export_status(fake, TOKENS[second], second))[0] == 200


async def test_each_location_has_its_own_rate_budget(clock: ManualClock) -> None:
    async with fleet(clock, rate_limit=3, rate_interval=10.0) as fake:
        first, second, third = LOCATIONS
        seen = {loc: [] for loc in LOCATIONS}  # type: dict[str, list[int]]
        for _ in range(4):
            for location in (first, second):
                seen[location].append((await export_status(fake, TOKENS[location], location))[0])
        assert seen[first] == seen[second] == [200, 200, 200, 429]
        assert (await export_status(fake, TOKENS[third], third))[0] == 200
        assert fake.rate_limited_by_location == {first: 1, second: 1}
        assert fake.rate_limited == 2
        clock.advance(10.01)
        assert (await export_status(fake, TOKENS[first], first))[0] == 200


async def test_the_agency_token_spends_each_locations_budget(clock: ManualClock) -> None:
    async with fleet(clock, rate_limit=2) as fake:
        first, second, _ = LOCATIONS
        statuses = [
            (await export_status(fake, fake.token, location))[0]
            for location in (first, first, second, second, first)
        ]
        assert statuses == [200, 200, 200, 200, 429]
        assert fake.rate_limited_by_location == {first: 1}


def test_tokens_must_name_known_locations_and_differ() -> None:
    with pytest.raises(ValueError, match="locations"):
        FakeHighLevel(messages=1, tokens={"nowhere": "t"})
    with pytest.raises(ValueError, match="own"):
        FakeHighLevel(messages=1, locations={"a": 1, "b": 1}, tokens={"a": "t", "b": "t"})


def test_anchor_makes_data_independent_of_the_clock() -> None:
    anchor = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    early = FakeHighLevel(messages=100, seed=5, anchor=anchor, clock=ManualClock(1_000.0))
    late = FakeHighLevel(messages=100, seed=5, anchor=anchor, clock=ManualClock(9e8))
    by_ms = FakeHighLevel(messages=100, seed=5, anchor=int(anchor.timestamp() * 1000))
    assert [early.dataset.generate(i) for i in range(100)] == [
        late.dataset.generate(i) for i in range(100)
    ]
    assert by_ms.dataset.generate(99) == early.dataset.generate(99)
    newest = dt.datetime.fromisoformat(early.dataset.generate(99)["dateAdded"])
    assert newest < anchor  # dated before the anchor, as the default is before now
    unanchored = FakeHighLevel(messages=100, seed=5, clock=ManualClock(1_000.0))
    assert unanchored.dataset.generate(0) != early.dataset.generate(0)


def test_anchor_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        FakeHighLevel(anchor=dt.datetime(2025, 1, 1))


async def test_sdk_clients_of_a_fleet_stay_inside_each_locations_budget(
    clock: ManualClock,
) -> None:
    # Budgets bind (5 requests / 10 s against 6 pages per location), with latency, one client
    # per location with its own token, all at once: every message once, no 429 anywhere.
    locations = {f"budgetLocation{k:06d}": 600 for k in range(3)}
    tokens = {location: f"pit-budget-{k}" for k, location in enumerate(locations)}
    async with FakeHighLevel(
        messages=600,
        location_id=next(iter(locations)),
        locations=locations,
        tokens=tokens,
        clock=clock,
        rate_limit=5,
        rate_interval=10.0,
        latency=0.01,
    ) as fake:
        limits = ghl.RateLimitConfig(max_requests=5, interval=10.0)

        async def export(location: str) -> list[str]:
            async with fake.client(token=tokens[location], rate_limit=limits) as client:
                return [m.id async for m in client.messages.export(location, limit=100)]

        results = await asyncio.gather(*(export(location) for location in locations))
    for location, ids in zip(locations, results, strict=True):
        assert len(ids) == len(set(ids)) == 600
        assert {i[:7] for i in ids} == {fake.datasets[location].tag}
    assert fake.rate_limited_by_location == {}
    assert fake.request_count == 3 * 6


async def test_the_agency_token_pays_from_the_location_a_request_reaches(
    clock: ManualClock,
) -> None:
    async with fleet(clock, rate_limit=1) as fake:
        first, second, third = LOCATIONS
        headers = {"Authorization": f"Bearer {fake.token}", "Version": "2021-04-15"}
        headers["User-Agent"] = "t"
        async with aiohttp.ClientSession(headers=headers) as session:
            message = fake.datasets[second].message_id(0)
            async with session.get(f"{fake.url}/conversations/messages/{message}") as response:
                assert response.status == 200
            contact = fake.datasets[third].contact_id(0)
            body = {"type": "SMS", "contactId": contact, "message": "hi"}
            async with session.post(f"{fake.url}/conversations/messages", json=body) as response:
                assert response.status == 201
            conversation = fake.datasets[first].conversation_id(0)
            async with session.get(f"{fake.url}/conversations/{conversation}") as response:
                assert response.status == 200
            async with session.get(f"{fake.url}/conversations/messages/{message}") as response:
                assert response.status == 429  # the second location's budget is spent
        assert fake.rate_limited_by_location == {second: 1}
