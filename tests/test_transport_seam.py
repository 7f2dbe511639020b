"""The transport protocol is a real seam: the whole SDK runs on an in-memory transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import pytest

import ghl_conversations as ghl


class InMemoryTransport:
    """No sockets: answers from a dict, records what it was asked."""

    def __init__(self) -> None:
        self.requests: list[ghl.Request] = []

    async def send(self, request: ghl.Request) -> ghl.Response:
        self.requests.append(request)
        if request.url.endswith("/conversations/messages/m1"):
            body = {"message": {"id": "m1", "body": "from memory"}}
            return ghl.Response(200, {"content-type": "application/json"}, orjson.dumps(body))
        return ghl.Response(404, {}, orjson.dumps({"statusCode": 404, "message": "nope"}))

    @asynccontextmanager
    async def stream(self, request: ghl.Request) -> AsyncIterator[object]:
        raise NotImplementedError
        yield

    async def aclose(self) -> None:
        pass


async def test_the_sdk_runs_without_sockets() -> None:
    transport = InMemoryTransport()
    assert isinstance(transport, ghl.Transport)
    async with ghl.Client(token="pit-memory", transport=transport, max_retries=0) as client:
        message = await client.messages.get("m1")
        assert message.body == "from memory"
        with pytest.raises(ghl.NotFoundError, match="nope"):
            await client.messages.get("m2")
    assert [r.method for r in transport.requests] == ["GET", "GET"]
    assert transport.requests[0].headers["Authorization"] == "Bearer pit-memory"
    assert "pit-memory" not in repr(transport.requests[0])
