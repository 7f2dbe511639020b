"""Webhooks: signatures (Ed25519 and legacy RSA), freshness, replays, typed events, the handler."""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import json
import pathlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

import ghl_conversations as ghl
from ghl_conversations import webhooks
from ghl_conversations.testing import FakeHighLevel, ManualClock

ED_KEY = ed25519.Ed25519PrivateKey.generate()
ED_PUBLIC = (
    ED_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC = (
    RSA_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
NOW = 1_700_000_000.0


def payload(**fields: Any) -> bytes:
    event = {
        "type": "InboundMessage",
        "locationId": "loc1",
        "messageId": "m1",
        "conversationId": "cv1",
        "contactId": "ct1",
        "body": "hi there",
        "messageType": "SMS",
        "direction": "inbound",
        "dateAdded": "2023-11-14T22:13:00.000Z",
        "timestamp": "2023-11-14T22:13:20.000Z",
        "webhookId": "wh-1",
        "messageTypeId": 2,
        **fields,
    }
    return json.dumps(event).encode()


def ed_sign(body: bytes) -> dict[str, str]:
    return {"x-ghl-signature": base64.b64encode(ED_KEY.sign(body)).decode()}


def rsa_sign(body: bytes) -> dict[str, str]:
    signature = RSA_KEY.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return {"X-WH-Signature": base64.b64encode(signature).decode()}


async def parse(body: bytes, headers: dict[str, str], **kwargs: Any) -> webhooks.WebhookEvent:
    kwargs.setdefault("public_key", ED_PUBLIC)
    kwargs.setdefault("clock", ManualClock(NOW))
    return await webhooks.parse(body, headers, **kwargs)


async def test_a_valid_ed25519_signature_gives_a_typed_event() -> None:
    body = payload()
    event = await parse(body, ed_sign(body))
    assert isinstance(event, webhooks.MessageEvent)
    assert event.is_inbound and event.body == "hi there" and event.contact_id == "ct1"
    assert event.message_type_id == 2
    assert event.date_added == dt.datetime(2023, 11, 14, 22, 13, tzinfo=dt.UTC)
    assert webhooks.to_dict(event) == json.loads(body)


async def test_a_valid_legacy_rsa_signature() -> None:
    body = payload()
    event = await parse(body, rsa_sign(body), legacy_public_key=RSA_PUBLIC)
    assert event.type == "InboundMessage"
    assert webhooks.verify(body, rsa_sign(body), legacy_public_key=RSA_PUBLIC) == "x-wh-signature"


async def test_a_legacy_signature_without_the_legacy_key_is_refused() -> None:
    body = payload()
    with pytest.raises(ghl.InvalidSignatureError, match="legacy_public_key"):
        await parse(body, rsa_sign(body))


async def test_the_default_key_is_highlevels_published_one() -> None:
    body = payload()
    with pytest.raises(ghl.InvalidSignatureError, match="does not match"):
        await webhooks.parse(body, ed_sign(body), clock=ManualClock(NOW))


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (lambda body: ed_sign(body + b" "), "does not match"),  # tampered body
        (
            lambda body: {
                "x-ghl-signature": base64.b64encode(
                    ed25519.Ed25519PrivateKey.generate().sign(body)
                ).decode()
            },
            "does not match",
        ),
        (lambda body: {}, "no x-ghl-signature"),
        (lambda body: {"x-ghl-signature": "%%% not base64"}, "base64"),
        (lambda body: {"x-wh-signature": base64.b64encode(b"x" * 256).decode()}, "does not match"),
    ],
    ids=["tampered-body", "wrong-key", "missing-header", "malformed", "wrong-rsa"],
)
async def test_bad_signatures_are_rejected(headers: Any, message: str) -> None:
    body = payload()
    with pytest.raises(ghl.InvalidSignatureError, match=message):
        await parse(body, headers(body), legacy_public_key=RSA_PUBLIC)


async def test_a_stale_timestamp_is_rejected() -> None:
    body = payload(timestamp="2023-11-14T22:00:00.000Z")  # 13 minutes before NOW
    with pytest.raises(ghl.InvalidSignatureError, match="stale"):
        await parse(body, ed_sign(body))
    assert await parse(body, ed_sign(body), tolerance=3600)


async def test_a_replayed_webhook_id_is_rejected() -> None:
    store = webhooks.MemoryReplayStore(clock=ManualClock(NOW))
    body = payload()
    await parse(body, ed_sign(body), replay_store=store)
    with pytest.raises(webhooks.ReplayedWebhookError):
        await parse(body, ed_sign(body), replay_store=store)


async def test_the_replay_store_is_bounded_and_forgets_after_its_ttl() -> None:
    clock = ManualClock(NOW)
    store = webhooks.MemoryReplayStore(ttl=60, max_size=3, clock=clock)
    for i in range(5):
        assert await store.first_time(f"w{i}")
    assert len(store) == 3
    assert not await store.first_time("w4")
    clock.advance(61)
    assert await store.first_time("w4")


async def test_unknown_event_types_and_fields_are_kept() -> None:
    body = payload(type="HologramReceived", hologramDepth=3)
    event = await parse(body, ed_sign(body))
    assert type(event) is webhooks.WebhookEvent
    assert event.type == "HologramReceived"
    assert event.extra["hologramDepth"] == 3
    assert webhooks.to_dict(event) == json.loads(body)


async def test_other_event_types_are_typed() -> None:
    body = payload(type="ConversationUnreadUpdate", id="cv1", unreadCount=4)
    event = await parse(body, ed_sign(body))
    assert isinstance(event, webhooks.ConversationUnreadUpdateEvent) and event.unread_count == 4
    body = payload(type="ProviderOutboundMessage", conversationProviderId="p1", phone="+1555")
    provider = await parse(body, ed_sign(body))
    assert isinstance(provider, webhooks.ProviderOutboundMessageEvent) and provider.phone == "+1555"


@pytest_asyncio.fixture
async def bot() -> AsyncIterator[tuple[str, list[webhooks.WebhookEvent]]]:
    received: list[webhooks.WebhookEvent] = []

    async def on_event(event: webhooks.WebhookEvent) -> None:
        if event.extra.get("please") == "retry":
            raise webhooks.RetryLater()
        if event.extra.get("please") == "crash":
            raise RuntimeError("bug in the bot")
        received.append(event)

    app = web.Application()
    app.router.add_post(
        "/ghl", webhooks.handler(on_event, public_key=ED_PUBLIC, clock=ManualClock(NOW))
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/ghl", received
    await runner.cleanup()


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


async def test_the_handler_answers_each_case_with_the_right_status(
    bot: tuple[str, list[webhooks.WebhookEvent]],
) -> None:
    url, received = bot
    body = payload()
    assert await post(url, body, ed_sign(body)) == 200
    assert await post(url, body, ed_sign(body)) == 200  # duplicate: acknowledged ...
    assert len(received) == 1  # ... but not delivered twice
    assert await post(url, body + b" ", ed_sign(body)) == 401
    assert await post(url, body, {}) == 401
    retry = payload(webhookId="wh-2", please="retry")
    assert await post(url, retry, ed_sign(retry)) == 429
    assert await post(url, retry, ed_sign(retry)) == 429  # a retry is processed again
    crash = payload(webhookId="wh-3", please="crash")
    assert await post(url, crash, ed_sign(crash)) == 500
    not_json = b"not json"
    assert await post(url, not_json, ed_sign(not_json)) == 400
    assert len(received) == 1


async def test_the_echo_bot_example_runs_end_to_end() -> None:
    path = pathlib.Path(__file__).parent.parent / "examples" / "echo_bot.py"
    spec = importlib.util.spec_from_file_location("echo_bot", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reply = await module.demo()
    assert reply == "You said: Is my order shipped?"


async def test_the_fake_signs_webhooks_the_sdk_accepts() -> None:
    async with FakeHighLevel(messages=5) as fake:
        event = fake.webhook_event("OutboundMessage", messageId="m", body="x")
        body = json.dumps(event).encode()
        parsed = await webhooks.parse(
            body, fake.sign_webhook(body), public_key=fake.webhook_public_key_pem
        )
        assert isinstance(parsed, webhooks.MessageEvent) and not parsed.is_inbound
