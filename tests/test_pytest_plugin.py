"""The pytest plugin users get: the ``ghl_fake`` and ``ghl_client`` fixtures and the marker."""

from __future__ import annotations

import pytest

import ghl_conversations as ghl
from ghl_conversations.testing import FakeHighLevel


@pytest.mark.ghl_fake(messages=321, seed=4)
async def test_the_fixtures_give_a_running_fake_and_a_connected_client(
    ghl_fake: FakeHighLevel, ghl_client: ghl.Client
) -> None:
    ids = [m.id async for m in ghl_client.messages.export(ghl_fake.location_id, limit=100)]
    assert len(ids) == len(set(ids)) == 321
    assert ghl_client.base_url == ghl_fake.url


async def test_the_fake_defaults_without_a_marker(ghl_fake: FakeHighLevel) -> None:
    assert ghl_fake.dataset.count == 1_000
