"""Errors map from every body shape; bad input fails before sending; no token ever leaks."""

from __future__ import annotations

import logging
import re

import pytest
from aioresponses import aioresponses

import ghl_conversations as ghl

from .conftest import TOKEN

ANY = re.compile(".*")


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (400, {"statusCode": 400, "message": "Bad Request"}, ghl.BadRequestError, "Bad Request"),
        (
            401,
            {"statusCode": 401, "message": "Invalid JWT", "error": "Unauthorized"},
            ghl.AuthenticationError,
            "Invalid JWT",
        ),
        (
            403,
            {"statusCode": 403, "message": "The token does not have access to this location."},
            ghl.PermissionDeniedError,
            "The token does not have access to this location.",
        ),
        (
            404,
            {"statusCode": 404, "message": "Message not found"},
            ghl.NotFoundError,
            "Message not found",
        ),
        (
            413,
            {"status": 413, "message": "File too large"},
            ghl.PayloadTooLargeError,
            "File too large",
        ),
        (
            415,
            {"status": 415, "message": "Unsupported file type"},
            ghl.UnsupportedMediaTypeError,
            "Unsupported file type",
        ),
        (
            422,
            {
                "statusCode": 422,
                "message": ["limit must be a number", "type is bad"],
                "error": "Unprocessable Entity",
            },
            ghl.UnprocessableEntityError,
            "limit must be a number; type is bad",
        ),
        (
            500,
            {"statusCode": 500, "message": "Internal server error"},
            ghl.ServerError,
            "Internal server error",
        ),
    ],
)
async def test_status_errors_are_typed(
    status: int,
    body: dict[str, object],
    error: type[ghl.APIStatusError],
    message: str,
    mocked: aioresponses,
) -> None:
    mocked.get(ANY, status=status, payload={**body, "traceId": "trace-9"}, repeat=True)
    async with ghl.Client(token=TOKEN, max_retries=0) as client:
        with pytest.raises(error) as caught:
            await client.messages.get("m1")
    assert caught.value.status == status
    assert caught.value.message == message
    assert caught.value.trace_id == "trace-9"
    assert isinstance(caught.value.body, dict)
    assert isinstance(caught.value, ghl.APIStatusError)


async def test_a_422_keeps_every_field_message(mocked: aioresponses) -> None:
    mocked.get(ANY, status=422, payload={"statusCode": 422, "message": ["a bad", "b bad"]})
    async with ghl.Client(token=TOKEN) as client:
        with pytest.raises(ghl.UnprocessableEntityError) as caught:
            await client.messages.get("m1")
    assert caught.value.messages == ["a bad", "b bad"]


async def test_an_html_502_is_a_server_error_with_a_short_message(mocked: aioresponses) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>" + "x" * 5000 + "</body></html>"
    mocked.get(ANY, status=502, body=html, content_type="text/html", repeat=True)
    async with ghl.Client(token=TOKEN, max_retries=0) as client:
        with pytest.raises(ghl.ServerError) as caught:
            await client.messages.get("m1")
    assert caught.value.status == 502
    assert "non-JSON" in caught.value.message
    assert len(str(caught.value)) < 200


async def test_a_429_carries_retry_after(mocked: aioresponses) -> None:
    mocked.get(ANY, status=429, payload={"message": "slow down"}, headers={"Retry-After": "7"})
    async with ghl.Client(token=TOKEN, max_retries=0) as client:
        with pytest.raises(ghl.RateLimitError) as caught:
            await client.messages.get("m1")
    assert caught.value.retry_after == 7.0


async def test_connection_refused_is_a_connection_error() -> None:
    async with ghl.Client(token=TOKEN, base_url="http://127.0.0.1:9", max_retries=0) as client:
        with pytest.raises(ghl.APIConnectionError) as caught:
            await client.messages.get("m1")
    assert caught.value.request_sent is False


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.messages.export("loc", limit=5),
        lambda c: c.messages.export("loc", limit=501),
        lambda c: c.messages.export("loc", channel="Pager"),
        lambda c: c.messages.export("loc", sort_by="random"),
        lambda c: c.messages.export("loc", sort_order="up"),
        lambda c: c.messages.export("loc", start_date="2024-02-01", end_date="2024-01-01"),
        lambda c: c.messages.export("loc", start_date="not a date"),
        lambda c: c.messages.export("", limit=100),
        lambda c: c.messages.export("loc", concurrency=0),
        lambda c: c.messages.export("loc", max_items=-1),
        lambda c: c.conversations.messages("cv", types=["TYPE_SMS", "TYPE_PAGER"]),
        lambda c: c.conversations.search("loc", status="sleeping"),
    ],
)
async def test_invalid_iterator_arguments_fail_when_created(
    call: object, mocked: aioresponses, client: ghl.Client
) -> None:
    with pytest.raises(ValueError):
        call(client)  # type: ignore[operator]
    assert not mocked.requests


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.messages.get(""),
        lambda c: c.messages.send(type="Pager", contact_id="c"),
        lambda c: c.messages.send(type="SMS", contact_id=""),
        lambda c: c.messages.add_inbound(type="SMS", message="x"),
        lambda c: c.messages.update_status("m", "lost"),
        lambda c: c.messages.export_page("loc", limit=9),
        lambda c: c.messages.upload(
            conversation_id="c", contact_id="k", location_id="l", files=[("virus.exe", b"MZ")]
        ),
        lambda c: c.messages.upload(conversation_id="c", contact_id="k", location_id="l", files=[]),
        lambda c: c.preferences.create_custom_subtype("l", name="n", channel="fax", language="en"),
    ],
)
async def test_invalid_arguments_fail_before_anything_is_sent(
    call: object, mocked: aioresponses, client: ghl.Client
) -> None:
    with pytest.raises(ValueError):
        await call(client)  # type: ignore[operator]
    assert not mocked.requests


async def test_a_misspelt_argument_is_a_type_error(client: ghl.Client) -> None:
    with pytest.raises(TypeError):
        await client.messages.get(mesage_id="m")  # type: ignore[call-arg]


async def test_the_token_appears_in_no_repr_error_or_log(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mocked.get(ANY, status=401, payload={"statusCode": 401, "message": "Invalid JWT"})
    mocked.get(ANY, status=500, payload={"message": "boom"}, repeat=True)
    client = ghl.Client(token=TOKEN, max_retries=1, clock=ghl.ManualClock())
    try:
        seen: list[str] = [repr(client), repr(client.messages), repr(client.transport)]
        for _ in range(2):
            try:
                await client.messages.get("m1")
            except ghl.GHLError as exc:
                seen += [str(exc), repr(exc), repr(vars(exc)), repr(getattr(exc, "body", None))]
        seen += [repr(ghl.StaticToken(TOKEN)), repr(ghl.TokenSet(access_token=TOKEN))]
    finally:
        await client.aclose()
    seen += [record.getMessage() for record in caplog.records]
    seen += [repr(record.__dict__) for record in caplog.records]
    assert caplog.records, "the client should have logged its requests at DEBUG"
    assert all(TOKEN not in text and "0123456789-secret" not in text for text in seen)


def test_tokens_with_line_breaks_are_refused() -> None:
    with pytest.raises(ValueError, match="line breaks"):
        ghl.Client(token="pit-abc\r\nX-Evil: 1")


def test_a_client_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GHL_TOKEN", raising=False)
    with pytest.raises(ValueError, match="GHL_TOKEN"):
        ghl.Client()
