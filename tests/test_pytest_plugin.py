"""The pytest plugin users get: the ``ghl_fake`` and ``ghl_client`` fixtures and the marker."""

from __future__ import annotations

import pytest

import ghl_conversations as ghl
from ghl_conversations import webhooks
from ghl_conversations.testing import FakeHighLevel, WebhookSigner


@pytest.mark.ghl_fake(messages=321, seed=4)
async def test_the_fixtures_give_a_running_fake_and_a_connected_client(
    ghl_fake: FakeHighLevel, ghl_client: ghl.Client
) -> None:
    ids = [m.id async for m in ghl_client.messages.export(ghl_fake.location_id, limit=100)]
    assert len(ids) == len(set(ids)) == 321
    assert ghl_client.base_url == ghl_fake.url


async def test_the_fake_defaults_without_a_marker(ghl_fake: FakeHighLevel) -> None:
    assert ghl_fake.dataset.count == 1_000


async def test_the_signer_fixture_makes_deliveries_only_its_own_verifier_accepts(
    ghl_webhook_signer: WebhookSigner,
) -> None:
    for legacy in (False, True):
        body, headers = ghl_webhook_signer.delivery("OutboundMessage", legacy=legacy, body="b")
        event = await ghl_webhook_signer.verifier().parse(body, headers)
        assert isinstance(event, webhooks.MessageEvent) and not event.is_inbound
        with pytest.raises(ghl.InvalidSignatureError, match="does not match"):
            await webhooks.Verifier().parse(body, headers)  # HighLevel's keys: not a test key
