"""pytest plugin: ``ghl_fake`` (a running FakeHighLevel) and ``ghl_client`` (a client for it).

Registered through the ``pytest11`` entry point. Customise the fake with a marker::

    @pytest.mark.ghl_fake(messages=5_000, seed=7)
    async def test_my_export(ghl_fake, ghl_client): ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from .._client import Client
from ._server import FakeHighLevel


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "ghl_fake(**options): options for the ghl_fake fixture's FakeHighLevel"
    )


@pytest_asyncio.fixture
async def ghl_fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeHighLevel]:
    """A FakeHighLevel running on 127.0.0.1 for the duration of one test."""
    marker = request.node.get_closest_marker("ghl_fake")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    async with FakeHighLevel(**options) as fake:
        yield fake


@pytest_asyncio.fixture
async def ghl_client(ghl_fake: FakeHighLevel) -> AsyncIterator[Client]:
    """A ``Client`` connected to ``ghl_fake`` (sharing its clock)."""
    async with ghl_fake.client() as client:
        yield client
