"""What a webhook endpoint answers, decided once for every framework (aiohttp, ASGI, FastAPI).

HighLevel retries a delivery only when it is answered 429, so the status codes matter: 401 for a
forged, unsigned or stale delivery, 200 for a duplicate (the callback is not called again), 400
for a signed body that is not a JSON object, 413 over the body limit, 405 for anything but POST,
429 when the callback raises ``RetryLater`` and 500 when it fails otherwise.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping

import attrs
import orjson

from .._errors import InvalidSignatureError
from ._events import WebhookEvent
from ._verifier import ReplayedWebhookError, Verifier

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "Answer",
    "Callback",
    "RetryLater",
    "check_limit",
    "deliver",
    "not_allowed",
    "verified",
    "refusal",
    "too_large",
]

logger = logging.getLogger("ghl_conversations.webhooks")

DEFAULT_MAX_BODY_SIZE = 1_048_576
"""Bytes a webhook body may have (1 MiB); larger deliveries are answered 413 unread."""

Callback = Callable[[WebhookEvent], Awaitable[None] | None]
"""Your code: called once per genuine, fresh, first-seen event (sync or async)."""


class RetryLater(Exception):
    """Raise from your callback to have HighLevel deliver the event again (answers 429)."""


@attrs.frozen
class Answer:
    """An HTTP answer to a delivery: a status and a small JSON body."""

    status: int
    body: Mapping[str, str]

    def json(self) -> bytes:
        """The body as JSON bytes."""
        return orjson.dumps(dict(self.body))


def too_large(limit: int) -> Answer:
    """The answer to a body over ``limit`` bytes."""
    return Answer(413, {"error": f"the webhook body is over {limit} bytes"})


def not_allowed() -> Answer:
    """The answer to a request that is not a POST."""
    return Answer(405, {"error": "webhooks are delivered with POST"})


def check_limit(limit: int) -> int:
    """Validate a ``max_body_size`` argument."""
    if limit <= 0:
        raise ValueError("max_body_size must be a positive number of bytes")
    return limit


def refusal(exc: Exception) -> Answer | None:
    """The answer to an error raised by ``Verifier.parse``; None for an unexpected error."""
    if isinstance(exc, ReplayedWebhookError):
        return Answer(200, {"status": "duplicate"})
    if isinstance(exc, InvalidSignatureError):
        logger.warning("rejected a webhook: %s", exc)
        return Answer(401, {"error": str(exc)})
    if isinstance(exc, ValueError):
        return Answer(400, {"error": str(exc)})
    return None


async def verified(
    verifier: Verifier, raw_body: bytes, headers: Mapping[str, str]
) -> WebhookEvent | Answer:
    """The event of a genuine delivery, or the answer refusing it (failing closed on surprises)."""
    try:
        return await verifier.parse(raw_body, headers)
    except Exception as exc:
        answer = refusal(exc)
        if answer is None:
            logger.exception("could not verify a webhook; refusing it")
            return Answer(500, {"error": "the webhook could not be verified"})
        return answer


async def deliver(
    verifier: Verifier, on_event: Callback, raw_body: bytes, headers: Mapping[str, str]
) -> Answer:
    """Verify a delivery, call ``on_event`` with its event, and say what to answer."""
    event = await verified(verifier, raw_body, headers)
    if isinstance(event, Answer):
        return event
    try:
        outcome = on_event(event)
        if inspect.isawaitable(outcome):
            await outcome
    except RetryLater:
        await verifier.forget(event)
        return Answer(429, {"status": "retry"})
    except Exception:
        logger.exception("the webhook callback failed for %s", event.type)
        await verifier.forget(event)
        return Answer(500, {"error": "callback failed"})
    return Answer(200, {"status": "ok"})
