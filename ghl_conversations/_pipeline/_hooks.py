"""Request hooks: plain callbacks a user connects to metrics, tracing or audit logs.

Events carry the operation, path, location, attempt and timing, never headers or tokens. A hook
that raises is logged and ignored: observability must not break the call it observes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Hooks", "RateLimitWaitEvent", "RequestEvent", "ResponseEvent", "RetryEvent"]

logger = logging.getLogger("ghl_conversations")


@attrs.frozen
class RequestEvent:
    """An attempt is about to be sent (``attempt`` counts from 0)."""

    operation_id: str
    method: str
    path: str
    location_id: str | None
    attempt: int


@attrs.frozen
class ResponseEvent:
    """An attempt ended after ``elapsed`` seconds with ``status``, or with none and ``error``."""

    operation_id: str
    method: str
    path: str
    location_id: str | None
    attempt: int
    status: int | None
    elapsed: float
    error: str | None = None


@attrs.frozen
class RetryEvent:
    """A failed attempt will be retried after ``delay`` seconds; ``reason`` is the failure."""

    operation_id: str
    method: str
    path: str
    location_id: str | None
    attempt: int
    delay: float
    reason: str


@attrs.frozen
class RateLimitWaitEvent:
    """A call waited ``seconds`` for its rate-limit slot before being sent."""

    operation_id: str
    location_id: str | None
    seconds: float


@attrs.define
class Hooks:
    """Lists of callbacks, one list per event; append your own."""

    on_request: list[Callable[[RequestEvent], Any]] = attrs.field(factory=list)
    on_response: list[Callable[[ResponseEvent], Any]] = attrs.field(factory=list)
    on_retry: list[Callable[[RetryEvent], Any]] = attrs.field(factory=list)
    on_rate_limit_wait: list[Callable[[RateLimitWaitEvent], Any]] = attrs.field(factory=list)

    def emit(self, callbacks: list[Callable[[Any], Any]], event: object) -> None:
        """Call each callback with ``event``; a callback that raises is logged and skipped."""
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                logger.exception("a ghl_conversations hook raised; ignoring it")
