"""The pipeline's entries besides API operations: the signed-URL upload PUT and ``parse``
inside the attempt loop (unit tests of ``HTTPCore`` on ``ghl.MockTransport``)."""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Callable

import orjson
import pytest

import ghl_conversations as ghl
from ghl_conversations._pipeline import (
    CallOptions,
    Hooks,
    HTTPCore,
    RateLimitConfig,
    RateLimiter,
    RetryPolicy,
    WireCall,
)
from ghl_conversations.testing import FakeHighLevel, Fault

TOKEN = "pit-entries-secret-9876"
SIGNED = "https://storage.example.test/bucket/f.pdf?X-Goog-Signature=s3cr3t-signature&x=1"


def core_for(
    handler: Callable[[ghl.Request], ghl.Response], clock: ghl.ManualClock
) -> tuple[HTTPCore, ghl.MockTransport, Hooks]:
    transport = ghl.MockTransport(handler)
    hooks = Hooks()
    core = HTTPCore(
        base_url=ghl.DEFAULT_BASE_URL,
        auth=ghl.StaticToken(TOKEN),
        transport=transport,
        clock=clock,
        retry=RetryPolicy(jitter=0.0),
        limiter=RateLimiter(RateLimitConfig(), clock),
        hooks=hooks,
        user_agent="tests",
    )
    return core, transport, hooks


async def test_the_signed_upload_put_never_carries_the_token_and_is_retried(
    clock: ghl.ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ghl_conversations")
    answers = [ghl.Response(503, {}, b"<Error>busy</Error>"), ghl.Response(200, {}, b"")]
    core, transport, hooks = core_for(lambda request: answers.pop(0), clock)
    events: list[object] = []
    hooks.on_request.append(events.append)
    hooks.on_retry.append(events.append)
    response = await core.put_signed_url(
        SIGNED, b"%PDF-1.4", content_type="application/pdf", options=CallOptions()
    )
    assert response.status == 200 and clock.slept == [0.5]
    assert [r.url for r in transport.requests] == [SIGNED, SIGNED]
    for request in transport.requests:
        assert request.method == "PUT" and request.content == b"%PDF-1.4"
        assert dict(request.headers) == {"Content-Type": "application/pdf"}
        assert request.timeout.total == 900.0
    assert [type(e).__name__ for e in events] == ["RequestEvent", "RetryEvent", "RequestEvent"]
    logged = " ".join(r.getMessage() for r in caplog.records) + repr(events)
    assert "storage.example.test/bucket/f.pdf" in logged
    assert "s3cr3t-signature" not in logged and TOKEN not in logged
    assert core.limiter.snapshot(core.auth.bucket_key(None))["in_window"] == 0


async def test_a_refused_signed_upload_raises_the_hosts_error(clock: ghl.ManualClock) -> None:
    core, transport, _ = core_for(lambda request: ghl.Response(403, {}, b"<Error/>"), clock)
    with pytest.raises(ghl.PermissionDeniedError):
        await core.put_signed_url(SIGNED, b"x", content_type="text/plain", options=CallOptions())
    assert len(transport.requests) == 1


async def test_a_signed_upload_url_must_be_absolute_http(clock: ghl.ManualClock) -> None:
    core, transport, _ = core_for(lambda request: ghl.Response(200), clock)
    for url in ("/relative/path", "file:///etc/passwd", "ftp://host/x"):
        with pytest.raises(ValueError, match="absolute"):
            await core.put_signed_url(url, b"x", content_type="text/plain", options=CallOptions())
    assert not transport.requests


def strict_parse(response: ghl.Response) -> dict[str, object]:
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ghl.APIResponseValidationError(
            "not a JSON object", status=response.status, excerpt=response.content[:50].decode()
        )
    return data


async def test_an_invalid_answer_to_a_read_is_retried_like_a_5xx(clock: ghl.ManualClock) -> None:
    answers = [ghl.Response(200, {}, b""), ghl.Response(200, {}, b"<html>"), ghl.Response(200)]
    core, transport, _ = core_for(
        lambda request: answers.pop(0) if answers else ghl.Response.from_json({"ok": 1}), clock
    )
    call = WireCall("get-message", "GET", "/conversations/messages/m1")
    assert await core.send(call, CallOptions(), strict_parse) == {"ok": 1}
    assert len(transport.requests) == 4 and clock.slept == [0.5, 1.0, 2.0]


async def test_an_invalid_answer_to_a_write_is_raised_at_once(clock: ghl.ManualClock) -> None:
    body = b"<html>" + b"x" * 10_000
    core, transport, _ = core_for(lambda request: ghl.Response(201, {}, body), clock)
    call = WireCall("send-a-new-message", "POST", "/conversations/messages", idempotent=False)
    with pytest.raises(ghl.APIResponseValidationError) as caught:
        await core.send(call, CallOptions(), strict_parse)
    assert len(transport.requests) == 1 and not clock.slept
    error = caught.value
    assert error.operation == "send-a-new-message" and error.status == 201
    assert len(str(error)) < 300 and TOKEN not in str(error) + repr(vars(error))


async def test_upload_large_retries_a_passing_502_on_the_signed_url(
    tmp_path: pathlib.Path, clock: ghl.ManualClock
) -> None:
    async with FakeHighLevel(messages=10, clock=clock) as fake, fake.client() as client:
        retries: list[ghl.RetryEvent] = []
        client.hooks.on_retry.append(retries.append)
        fake.faults.script(Fault("bad_gateway", path="^/_upload/", method="PUT"))
        document = tmp_path / "contract.pdf"
        document.write_bytes(b"%PDF-1.4 " * 100)
        result = await client.messages.upload_large(
            document, location_id=fake.location_id, conversation_id=fake.dataset.conversation_id(0)
        )
    assert result.metadata["size"] == 900
    puts = [r for r in fake.requests if r.method == "PUT" and r.path.startswith("/_upload/")]
    assert len(puts) == 2 and all("Authorization" not in r.headers for r in puts)
    assert [(r.operation_id, r.reason) for r in retries] == [("upload-to-signed-url", "HTTP 502")]
