"""Tokens: OAuth refresh (single-flight, rotated and stored), agency->location, many locations."""

from __future__ import annotations

import asyncio
import logging

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel, Fault, ManualClock


def refresher(fake: FakeHighLevel, store: ghl.MemoryTokenStore) -> ghl.OAuthRefresher:
    return ghl.OAuthRefresher(
        client_id=fake.oauth_client_id,
        client_secret=fake.oauth_client_secret,
        store=store,
        default_location=fake.location_id,
    )


async def seeded_store(fake: FakeHighLevel, *locations: str) -> ghl.MemoryTokenStore:
    store = ghl.MemoryTokenStore()
    for location in locations or (fake.location_id,):
        issued = fake.issue_oauth_tokens(location)
        await store.save(
            location,
            ghl.TokenSet(
                access_token=issued["access_token"],
                refresh_token=issued["refresh_token"],
                expires_at=fake.clock.time() + issued["expires_in"],
                location_id=location,
            ),
        )
    return store


async def test_two_concurrent_401s_cause_one_refresh_and_the_rotated_token_is_stored(
    fake: FakeHighLevel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = await seeded_store(fake)
    old = await store.load(fake.location_id)
    assert old is not None
    provider = refresher(fake, store)
    async with fake.client(token=provider) as client:
        fake.expire_access_tokens()
        ids = [fake.dataset.message_id(i) for i in (1, 2)]
        got = await asyncio.gather(*(client.messages.get(i) for i in ids))
    assert [m.id for m in got] == ids
    assert fake.oauth_refreshes == 1 == provider.refresh_count
    new = await store.load(fake.location_id)
    assert new is not None
    assert new.refresh_token != old.refresh_token and new.access_token != old.access_token
    assert new.refresh_token in fake.refresh_tokens and old.refresh_token not in fake.refresh_tokens
    secrets = {
        old.access_token,
        old.refresh_token,
        new.access_token,
        new.refresh_token,
        fake.oauth_client_secret,
    }
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert not any(secret and secret in text for secret in secrets)
    assert not any(s in repr(provider) + repr(store) + repr(new) for s in secrets if s)


async def test_a_token_about_to_expire_is_refreshed_before_use(
    fake: FakeHighLevel, clock: ManualClock
) -> None:
    store = await seeded_store(fake)
    async with fake.client(token=refresher(fake, store)) as client:
        clock.advance(86_399 - 60)  # inside the refresh margin
        await client.messages.get(fake.dataset.message_id(0))
    assert fake.oauth_refreshes == 1
    assert not [r for r in fake.requests if r.status == 401]


async def test_scope_and_version_401s_do_not_refresh(fake: FakeHighLevel) -> None:
    store = await seeded_store(fake)
    async with fake.client(token=refresher(fake, store), max_retries=0) as client:
        body = {"statusCode": 401, "message": "The token is not authorized for this scope."}
        fake.faults.script(Fault("status", status=401, body=body))
        with pytest.raises(ghl.AuthenticationError, match="scope"):
            await client.messages.get(fake.dataset.message_id(0))
    assert fake.oauth_refreshes == 0


async def test_a_static_token_401_raises_without_refreshing(fake: FakeHighLevel) -> None:
    async with ghl.Client(token="pit-revoked", base_url=fake.url, clock=fake.clock) as client:
        with pytest.raises(ghl.AuthenticationError):
            await client.messages.get(fake.dataset.message_id(0))
    assert len(fake.requests) == 1


async def test_one_client_serves_many_locations_with_their_own_tokens(
    clock: ManualClock,
) -> None:
    async with FakeHighLevel(
        messages=50, clock=clock, locations={"locB00000000000000002": 30}
    ) as fake:
        store = await seeded_store(fake, fake.location_id, "locB00000000000000002")
        async with fake.client(token=refresher(fake, store)) as client:
            a = await client.for_location(fake.location_id).messages.export_page(fake.location_id)
            b_client = client.for_location("locB00000000000000002")
            b = await b_client.messages.export_page("locB00000000000000002")
            assert a.total == 50 and b.total == 30
            with pytest.raises(ValueError, match="differs"):
                await b_client.messages.export_page(fake.location_id)
        tokens = [r.headers["Authorization"] for r in fake.requests if "export" in r.path]
        stored_a = await store.load(fake.location_id)
        stored_b = await store.load("locB00000000000000002")
        assert stored_a and stored_b
        assert tokens == [f"Bearer {stored_a.access_token}", f"Bearer {stored_b.access_token}"]


async def test_agency_token_is_exchanged_for_location_tokens(fake: FakeHighLevel) -> None:
    company = fake.issue_company_token()
    provider = ghl.LocationTokenExchange(company, company_id=fake.company_id)
    async with fake.client(token=provider) as client:
        located = client.for_location(fake.location_id)
        for _ in range(3):
            await located.messages.export_page(fake.location_id, limit=10)
        with pytest.raises(ValueError, match="for_location"):
            await client.messages.get(fake.dataset.message_id(0))
    exchanges = [r for r in fake.requests if r.path == "/oauth/locationToken"]
    assert len(exchanges) == 1
    assert exchanges[0].headers["Version"] == "2021-07-28"
    assert exchanges[0].headers["Content-Type"].startswith("application/x-www-form-urlencoded")


async def test_token_sets_survive_a_json_store() -> None:
    tokens = ghl.TokenSet(access_token="a", refresh_token="r", expires_at=5.0, location_id="l")
    assert ghl.TokenSet.from_json(tokens.to_json()) == tokens


async def test_a_passing_502_on_the_token_endpoint_does_not_fail_the_refresh(
    fake: FakeHighLevel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = await seeded_store(fake)
    provider = refresher(fake, store)
    async with fake.client(token=provider) as client:
        retries: list[ghl.RetryEvent] = []
        client.hooks.on_retry.append(retries.append)
        fake.expire_access_tokens()
        fake.faults.script(Fault("bad_gateway", path="^/oauth/token$"))
        message = await client.messages.get(fake.dataset.message_id(3))
    assert message.id == fake.dataset.message_id(3)
    assert fake.oauth_refreshes == 1 == provider.refresh_count
    assert [(r.operation_id, r.reason) for r in retries] == [("refresh-access-token", "HTTP 502")]
    new = await store.load(fake.location_id)
    assert new is not None and new.refresh_token in fake.refresh_tokens
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "/oauth/token" in logged  # the token call is logged like any other...
    assert new.refresh_token not in logged and fake.oauth_client_secret not in logged  # ...safely


async def test_a_refused_refresh_grant_is_raised_not_retried(fake: FakeHighLevel) -> None:
    store = await seeded_store(fake)
    stale = await store.load(fake.location_id)
    assert stale is not None
    stale.refresh_token = "rt-already-rotated"
    await store.save(fake.location_id, stale)
    async with fake.client(token=refresher(fake, store)) as client:
        fake.expire_access_tokens()
        with pytest.raises(ghl.APIStatusError) as caught:
            await client.messages.get(fake.dataset.message_id(0))
    assert 400 <= caught.value.status < 500
    assert len([r for r in fake.requests if r.path == "/oauth/token"]) == 1


async def test_the_location_token_exchange_survives_a_503(fake: FakeHighLevel) -> None:
    provider = ghl.LocationTokenExchange(fake.issue_company_token(), company_id=fake.company_id)
    async with fake.client(token=provider) as client:
        fake.faults.script(Fault("unavailable", path="^/oauth/locationToken$"))
        page = await client.for_location(fake.location_id).messages.export_page(
            fake.location_id, limit=10
        )
    assert page.total == 1_000
    assert len([r for r in fake.requests if r.path == "/oauth/locationToken"]) == 2
