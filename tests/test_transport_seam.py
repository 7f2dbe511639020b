"""The transport protocol is a real seam: the whole SDK runs on an in-memory transport."""

from __future__ import annotations

import textwrap

import pytest

import ghl_conversations as ghl


def in_memory(request: ghl.Request) -> ghl.Response:
    """No sockets: answers from memory."""
    if request.url.endswith("/conversations/messages/m1"):
        return ghl.Response.from_json({"message": {"id": "m1", "body": "from memory"}})
    return ghl.Response.from_json({"statusCode": 404, "message": "nope"}, status=404)


async def test_the_sdk_runs_without_sockets() -> None:
    transport = ghl.MockTransport(in_memory)
    assert isinstance(transport, ghl.Transport)
    async with ghl.Client(token="pit-memory", transport=transport, max_retries=0) as client:
        message = await client.messages.get("m1")
        assert message.body == "from memory"
        with pytest.raises(ghl.NotFoundError, match="nope"):
            await client.messages.get("m2")
    assert [r.method for r in transport.requests] == ["GET", "GET"]
    assert transport.requests[0].headers["Authorization"] == "Bearer pit-memory"
    assert "pit-memory" not in repr(transport.requests[0])


def test_mock_transport_is_a_transport() -> None:
    assert isinstance(ghl.MockTransport(lambda request: ghl.Response(204)), ghl.Transport)
    assert "MockTransport" in ghl.__all__


def test_the_mock_transport_docstring_example_runs() -> None:
    doc = ghl.MockTransport.__doc__ or ""
    example = doc.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {"__name__": "example"}
    exec(compile(textwrap.dedent(example), "MockTransport example", "exec"), namespace)


async def test_an_async_handler_sees_the_request_the_sdk_built(clock: ghl.ManualClock) -> None:
    seen: list[ghl.Request] = []

    async def handler(request: ghl.Request) -> ghl.Response:
        seen.append(request)
        return ghl.Response.from_json({"conversation": {"id": "cv1", "locationId": "loc"}})

    transport = ghl.MockTransport(handler)
    async with ghl.Client(token="pit-seam", transport=transport, clock=clock) as client:
        result = await client.conversations.get("cv1")
    assert result.id == "cv1"
    assert seen == transport.requests and len(seen) == 1
    request = seen[0]
    assert (request.method, request.url) == ("GET", f"{ghl.DEFAULT_BASE_URL}/conversations/cv1")
    assert request.headers["Version"] == ghl.API_VERSION
    assert "pit-seam" not in repr(request) + repr(transport)


async def test_a_handler_can_fail_like_the_network(clock: ghl.ManualClock) -> None:
    failures = [ghl.APIConnectionError("connection refused", request_sent=False)]

    def handler(request: ghl.Request) -> ghl.Response:
        if failures:
            raise failures.pop()
        return ghl.Response.from_json({"conversationId": "cv", "messageId": "m9"}, status=201)

    async with ghl.Client(token="pit-seam", transport=ghl.MockTransport(handler), clock=clock) as c:
        sent = await c.messages.send(type="SMS", contact_id="c1", message="hi")
    assert sent.message_id == "m9"


async def test_streams_come_through_the_mock_transport_in_chunks(clock: ghl.ManualClock) -> None:
    audio = bytes(range(256)) * 40
    transport = ghl.MockTransport(lambda request: ghl.Response(200, {}, audio))
    async with ghl.Client(token="pit-seam", transport=transport, clock=clock) as client:
        chunks = [c async for c in client.messages.recording_chunks("m1", "loc", chunk_size=4096)]
    assert b"".join(chunks) == audio and max(map(len, chunks)) == 4096


async def test_a_failed_stream_is_retried_by_the_same_loop(clock: ghl.ManualClock) -> None:
    answers = [ghl.Response(502, {}, b"<html>bad gateway</html>"), ghl.Response(200, {}, b"ok")]
    transport = ghl.MockTransport(lambda request: answers.pop(0))
    async with ghl.Client(token="pit-seam", transport=transport, clock=clock) as client:
        data = b"".join([c async for c in client.messages.recording_chunks("m1", "loc")])
    assert data == b"ok" and len(transport.requests) == 2 and clock.slept


async def test_a_handler_returning_something_else_is_a_clear_type_error() -> None:
    transport = ghl.MockTransport(lambda request: {"not": "a response"})  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match=r"ghl\.Response"):
        await transport.send(ghl.Request("GET", "https://x.test/"))


def test_response_headers_are_case_insensitive() -> None:
    response = ghl.Response(429, {"Retry-After": "2"}, b"")
    assert response.headers["retry-after"] == "2" and response.headers.get("RETRY-AFTER") == "2"
