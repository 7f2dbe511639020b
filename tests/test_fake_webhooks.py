"""The fake's webhooks verify with its own signer's verifier, and only with it."""

from __future__ import annotations

import orjson
import pytest

from ghl_conversations import InvalidSignatureError
from ghl_conversations.testing import FakeHighLevel, ManualClock

pytest.importorskip("cryptography", reason="the webhooks extra is not installed")


async def test_a_fake_webhook_verifies_with_the_fakes_signer() -> None:
    clock = ManualClock(1_700_000_000.0)
    fake = FakeHighLevel(messages=5, clock=clock)
    event = fake.webhook_event("InboundMessage", messageId="m1", body="hi")
    assert event["locationId"] == fake.location_id
    assert event["timestamp"] == "2023-11-14T22:13:20.000Z"  # the fake's clock, not the system's
    body = orjson.dumps(event)
    parsed = await fake.webhook_signer.verifier().parse(body, fake.sign_webhook(body))
    assert parsed.type == "InboundMessage"
    assert fake.webhook_public_key_pem == fake.webhook_signer.public_key_pem


async def test_another_fakes_signature_is_refused() -> None:
    clock = ManualClock(1_700_000_000.0)
    mine, theirs = FakeHighLevel(messages=1, clock=clock), FakeHighLevel(messages=1, clock=clock)
    body = orjson.dumps(mine.webhook_event("InboundMessage"))
    with pytest.raises(InvalidSignatureError):
        mine.webhook_signer.verifier().verify(body, theirs.sign_webhook(body))
